//! `/publicity` (公示): the windows the caller may see, their boards, objections and
//! their outcomes.

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::decide::ObjectionOutcome;
use super::{
    list_objections, list_publications, load_publicity_board, lodge_objection, BoardRow, ObjectionView, PublicityBoard,
};
use crate::i18n::*;
use crate::ui::{ErrorPanel, ErrorText, Loading};

#[component]
pub fn PublicityPage() -> impl IntoView {
    let i18n = use_i18n();
    let windows = Resource::new(|| (), |_| list_publications());
    let objections = Resource::new(|| (), |_| list_objections());
    view! {
        <section class="stack" data-testid="page-publicity">
            <h1 class="page-title">{t!(i18n, publicity_title)}</h1>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match windows.await {
                        Ok(w) if w.is_empty() => Either::Left(Either::Left(view! {
                            <p class="card" data-testid="publicity-empty">{t!(i18n, publicity_empty)}</p>
                        })),
                        Ok(w) => Either::Left(Either::Right(w.into_iter().map(|p| view! {
                            <A href=format!("/publicity/{}/{}", p.unit_id, p.period) attr:class="card queue-link"
                                attr:data-testid="publication">
                                <span class="queue-name">{p.unit_name}</span>
                                <span class="muted">{p.period_label}</span>
                                <span class="chip">{move || if p.open { t_string!(i18n, publicity_open) } else { t_string!(i18n, publicity_closed) }}</span>
                            </A>
                        }).collect_view())),
                        Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                    }
                })}
            </Transition>
            <h2 class="section-title">{t!(i18n, objection_title)}</h2>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match objections.await {
                        Ok(list) if list.is_empty() => Either::Left(Either::Left(view! {
                            <p class="muted">{t!(i18n, objection_none)}</p>
                        })),
                        Ok(list) => Either::Left(Either::Right(
                            list.into_iter().map(|o| view! { <ObjectionLine o /> }).collect_view(),
                        )),
                        Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ObjectionLine(o: ObjectionView) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <article class="card" data-testid="my-objection">
            // One text node per element: adjacent static and dynamic text does not hydrate.
            <p><b>{o.person_name}</b><span>{format!(" · {} · {}", o.period_label, o.old_total)}</span></p>
            <p>{o.reason}</p>
            <p class="muted">{t!(i18n, objection_due, date = crate::period::china_time_label(&o.answer_due))}</p>
            <ObjectionOutcome status=o.status answer=o.answer new_total=o.new_total />
            {o.may_answer.then(|| view! {
                <A href=format!("/review/{}", o.filing_id) attr:class="btn btn-primary" attr:data-testid="answer-objection">
                    {t!(i18n, objection_answer)}
                </A>
            })}
        </article>
    }
}

#[component]
pub fn PublicityBoardPage() -> impl IntoView {
    let params = use_params_map();
    let key = move || {
        params.with(|p| {
            (p.get("unit").and_then(|u| u.parse::<i64>().ok()).unwrap_or(0), p.get("period").unwrap_or_default())
        })
    };
    let reload = RwSignal::new(0u32);
    let board = Resource::new(move || (key(), reload.get()), |((unit, period), _)| load_publicity_board(unit, period));
    view! {
        <section class="stack" data-testid="page-publicity-board">
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match board.await {
                        Ok(b) => Either::Left(view! { <Board board=b reload /> }),
                        Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Board(board: PublicityBoard, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    // On China's clock: the UTC date was a day early for windows ending before 08:00.
    let ends = crate::period::china_time_label(&board.window_ends_at);
    let open = board.open;
    view! {
        <h1 class="page-title">{board.unit_name} " · " {board.period_label}</h1>
        <p class="muted" data-testid="publicity-window">
            {move || if open { t_string!(i18n, publicity_open) } else { t_string!(i18n, publicity_closed) }}
            " · " {t!(i18n, publicity_until, date = ends)}
        </p>
        <ul class="queue" data-testid="board">
            {board.rows.into_iter().map(|row| view! { <BoardCard row reload /> }).collect_view()}
        </ul>
    }
}

#[component]
fn BoardCard(row: BoardRow, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let objecting = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let id = row.filing_id;
    let lodge = Action::new_local(move |_: &()| {
        let reason = reason.get_untracked();
        async move { lodge_objection(id, reason).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = lodge.value().get() {
            reload.update(|r| *r += 1);
        }
    });
    let changed = row.self_total != row.reviewed_total;
    view! {
        <li class="card" class:own=row.own data-testid="board-row">
            <p>
                {row.rank.map(|r| view! { <span class="chip" data-testid="board-rank">{format!("#{r}")}</span> " " })}
                <b>{row.person_name}</b> " · " <span class="muted">{row.post}</span>
            </p>
            <p>
                {t!(i18n, review_self_score)} " " <b data-testid="board-self">{row.self_total}</b> " · "
                {t!(i18n, review_reviewed_score)} " " <b class:changed=changed data-testid="board-reviewed">{row.reviewed_total}</b>
                {row.grade.map(|g| view! { " " <span class="grade">{g}</span> })}
            </p>
            <details>
                <summary>{t!(i18n, review_three_displays)}</summary>
                {row.duties.map(|d| view! { <h3>{t!(i18n, review_duties)}</h3><p>{d}</p> })}
                {(!row.tasks.is_empty()).then(|| view! {
                    <h3>{t!(i18n, review_tasks)}</h3>
                    <ul>{row.tasks.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul>
                })}
                <h3>{t!(i18n, review_achievements)}</h3>
                <ul>{row.achievements.into_iter().map(|t| view! { <li>{t}</li> }).collect_view()}</ul>
            </details>
            {row.may_object.then(|| view! {
                <button class="btn btn-ghost" data-testid="object-open" on:click=move |_| objecting.update(|o| *o = !*o)>
                    {t!(i18n, objection_lodge)}
                </button>
                <Show when=move || objecting.get()>
                    <textarea data-testid="objection-reason" placeholder=move || t_string!(i18n, objection_reason_hint)
                        prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    <button class="btn btn-primary" data-testid="objection-submit" on:click=move |_| { lodge.dispatch(()); }>
                        {t!(i18n, objection_submit)}
                    </button>
                </Show>
                {move || lodge.value().get().and_then(Result::err).map(|error| view! {
                    <p class="form-error" role="alert"><ErrorText error /></p>
                })}
            })}
        </li>
    }
}
