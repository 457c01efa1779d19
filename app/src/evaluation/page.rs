//! `/evaluate` (评价): rate the people (or units) of the open rounds one tap per level, and
//! read the results one may see. `/evaluations` (测评管理): the admin opens and closes
//! rounds.

use std::collections::BTreeMap;

use leptos::either::Either;
use leptos::prelude::*;

use super::{
    load_evaluations, load_rounds, round_act, submit_ratings, AggregateView, EvaluationHome, Level, Rating, RatingKind,
    RatingSubmission, RatingTask, RoundAction, RoundKind, RoundView, RoundsPage, Target, DEFAULT_TWO_WAY_RATEES,
    DEFAULT_TWO_WAY_RATERS, DIMENSIONS,
};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::{ErrorPanel, ErrorText, Loading};

#[component]
pub fn EvaluatePage() -> impl IntoView {
    let i18n = use_i18n();
    let home = Resource::new(|| (), |_| load_evaluations());
    view! {
        <section class="stack" data-testid="page-evaluate">
            <h1 class="page-title">{t!(i18n, eval_title)}</h1>
            <p class="muted">{t!(i18n, eval_hint)}</p>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match home.await {
                        Ok(h) => Either::Left(view! { <Home home=h /> }),
                        Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Home(home: EvaluationHome) -> impl IntoView {
    let i18n = use_i18n();
    let home = RwSignal::new(home);
    // Which card (round and kind: a leader who is also a member has two in one round)
    // was saved last: the cards are rebuilt from the answer, so the confirmation lives here.
    let saved = RwSignal::new(None::<(i64, RatingKind)>);
    view! {
        {move || {
            let h = home.get();
            let empty = h.tasks.is_empty();
            view! {
                {empty.then(|| view! { <p class="card" data-testid="eval-none">{t!(i18n, eval_none)}</p> })}
                {h.tasks.into_iter().map(|task| view! { <TaskCard task home saved /> }).collect_view()}
                {(!h.results.is_empty()).then(|| view! {
                    <h2 class="section-title">{t!(i18n, eval_results)}</h2>
                    <ul class="list card" data-testid="eval-results">
                        {h.results.into_iter().map(|r| view! { <ResultRow r /> }).collect_view()}
                    </ul>
                })}
            }
        }}
    }
}

fn kind_label(i18n: leptos_i18n::I18nContext<Locale>, kind: RatingKind) -> &'static str {
    match kind {
        RatingKind::Leader => t_string!(i18n, eval_kind_leader),
        RatingKind::Peer => t_string!(i18n, eval_kind_peer),
        RatingKind::TwoWay => t_string!(i18n, eval_kind_two_way),
    }
}

fn level_label(i18n: leptos_i18n::I18nContext<Locale>, level: Level) -> &'static str {
    match level {
        Level::Excellent => t_string!(i18n, eval_level_excellent),
        Level::Good => t_string!(i18n, eval_level_good),
        Level::Fair => t_string!(i18n, eval_level_fair),
        Level::Poor => t_string!(i18n, eval_level_poor),
    }
}

/// The name of one of [`DIMENSIONS`], by its id.
fn dimension_label(i18n: leptos_i18n::I18nContext<Locale>, id: &str) -> &'static str {
    match id {
        "de" => t_string!(i18n, eval_dim_de),
        "neng" => t_string!(i18n, eval_dim_neng),
        "qin" => t_string!(i18n, eval_dim_qin),
        "ji" => t_string!(i18n, eval_dim_ji),
        _ => t_string!(i18n, eval_dim_lian),
    }
}

#[component]
fn TaskCard(
    task: RatingTask,
    home: RwSignal<EvaluationHome>,
    saved: RwSignal<Option<(i64, RatingKind)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let kind = task.kind;
    let per = kind.levels_per_rating();
    // Each target's chosen levels, one slot per dimension (leaders) or one (others);
    // a leader's earlier ratings are filled in.
    let chosen = RwSignal::new(
        task.targets
            .iter()
            .map(|t| {
                let slots =
                    if t.given.len() == per { t.given.iter().copied().map(Some).collect() } else { vec![None; per] };
                (t.id, slots)
            })
            .collect::<BTreeMap<i64, Vec<Option<Level>>>>(),
    );
    let error = RwSignal::new(None::<AppError>);
    let round_id = task.round_id;
    let send = Action::new_local(move |s: &RatingSubmission| {
        let s = s.clone();
        async move { submit_ratings(s).await }
    });
    Effect::new(move |_| match send.value().get() {
        Some(Ok(h)) => {
            saved.set(Some((round_id, kind)));
            home.set(h);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let complete = move || {
        chosen.with(|c| {
            c.iter()
                .filter_map(|(id, slots)| {
                    slots.iter().copied().collect::<Option<Vec<Level>>>().map(|levels| Rating { target: *id, levels })
                })
                .collect::<Vec<_>>()
        })
    };
    // Anonymous ballots are final and must cover everyone; a leader may save part.
    let total = task.targets.len();
    let ready = move || {
        let n = complete().len();
        if kind == RatingKind::Leader {
            n > 0
        } else {
            n == total
        }
    };
    let submit = move |_| {
        error.set(None);
        saved.set(None);
        send.dispatch(RatingSubmission { round_id, kind, ratings: complete() });
    };
    let head = format!("{} · {} · {}", task.unit_name, task.period_label, kind_label(i18n, kind));
    view! {
        <article class="card stack eval-task" data-testid="eval-task" data-kind=format!("{kind:?}").to_lowercase()>
            <h2 class="card-head">{head}</h2>
            {if task.done {
                Either::Left(view! { <p class="muted" data-testid="eval-done">{t!(i18n, eval_done)}</p> })
            } else {
                Either::Right(view! {
                    {task.targets.into_iter().map(|t| view! { <TargetRow t kind chosen /> }).collect_view()}
                    {(kind != RatingKind::Leader).then(|| view! { <p class="muted">{t!(i18n, eval_final_hint)}</p> })}
                    <button class="btn btn-primary btn-block" data-testid="eval-submit"
                        disabled=move || !ready() || send.pending().get() on:click=submit>
                        {t!(i18n, eval_submit)}
                    </button>
                    <Show when=move || saved.get() == Some((round_id, kind))>
                        <p class="muted" role="status" data-testid="eval-saved">{t!(i18n, eval_saved)}</p>
                    </Show>
                    {move || error.get().map(|error| view! { <p class="form-error" role="alert" data-testid="eval-error"><ErrorText error /></p> })}
                })
            }}
        </article>
    }
}

#[component]
fn TargetRow(t: Target, kind: RatingKind, chosen: RwSignal<BTreeMap<i64, Vec<Option<Level>>>>) -> impl IntoView {
    let i18n = use_i18n();
    let id = t.id;
    let rows: Vec<(usize, Option<&'static str>)> = if kind == RatingKind::Leader {
        DIMENSIONS.iter().enumerate().map(|(i, (dim, _))| (i, Some(dimension_label(i18n, dim)))).collect()
    } else {
        vec![(0, None)]
    };
    view! {
        <div class="eval-target" data-testid="eval-target" data-target=id.to_string()>
            <p class="eval-target-name">{format!("{} · {}", t.name, t.detail)}</p>
            {rows.into_iter().map(|(slot, dimension)| view! {
                <div class="eval-levels" role="group" aria-label=dimension.unwrap_or(t_string!(i18n, eval_rate_group))>
                    {dimension.map(|d| view! { <span class="eval-dimension">{d}</span> })}
                    {Level::ALL.into_iter().map(|level| {
                        let on = move || chosen.with(|c| c.get(&id).and_then(|s| s[slot]) == Some(level));
                        view! {
                            <button type="button" class="level" class:on=on aria-pressed=move || on().to_string()
                                data-testid=format!("level-{}", level.as_str())
                                on:click=move |_| chosen.update(|c| if let Some(s) = c.get_mut(&id) { s[slot] = Some(level); })>
                                {level_label(i18n, level)}
                            </button>
                        }
                    }).collect_view()}
                </div>
            }).collect_view()}
        </div>
    }
}

#[component]
fn ResultRow(r: AggregateView) -> impl IntoView {
    let i18n = use_i18n();
    let line = format!("{} · {} · {}", r.subject, kind_label(i18n, r.kind), r.period_label);
    let value = match &r.score {
        Some(score) => t_string!(i18n, eval_result_score, score = score.clone(), raters = r.raters).to_string(),
        None if r.raters == 0 => t_string!(i18n, eval_result_none).to_string(),
        None => t_string!(i18n, eval_result_hidden, raters = r.raters, min = r.min_raters).to_string(),
    };
    view! {
        <li class="list-row" data-testid="eval-result">
            <span class="list-main">{line}</span>
            <span class="list-sub" data-testid="eval-result-value">{value}</span>
        </li>
    }
}

/// `/evaluations`: the organisation admin's rounds.
#[component]
pub fn EvaluationAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let page = Resource::new(|| (), |_| load_rounds());
    view! {
        <section class="stack" data-testid="page-evaluations">
            <div class="page-head">
                <h1 class="page-title">{t!(i18n, eval_admin_title)}</h1>
                <a class="btn btn-ghost btn-small" href="/campaigns" data-testid="to-campaigns">{t!(i18n, eval_to_campaigns)}</a>
            </div>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(p) => Either::Left(view! { <Rounds page=p /> }),
                        Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Rounds(page: RoundsPage) -> impl IntoView {
    let i18n = use_i18n();
    let rounds = RwSignal::new(page.rounds);
    let error = RwSignal::new(None::<AppError>);
    let act = Action::new_local(move |a: &RoundAction| {
        let a = a.clone();
        async move { round_act(a).await }
    });
    Effect::new(move |_| match act.value().get() {
        Some(Ok(p)) => {
            error.set(None);
            rounds.set(p.rounds);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let kind = RwSignal::new("unit".to_string());
    let unit = RwSignal::new(page.units.first().map(|u| u.0.to_string()).unwrap_or_default());
    let period = RwSignal::new(page.default_period);
    let min = RwSignal::new("5".to_string());
    let raters = RwSignal::new(DEFAULT_TWO_WAY_RATERS.to_string());
    let ratees = RwSignal::new(DEFAULT_TWO_WAY_RATEES.to_string());
    let open = move |_| {
        let two_way = kind.get_untracked() == "two_way";
        act.dispatch(RoundAction::Open {
            kind: if two_way { RoundKind::TwoWay } else { RoundKind::Unit },
            unit_id: if two_way { None } else { unit.get_untracked().parse().ok() },
            period: period.get_untracked(),
            min_raters: min.get_untracked().trim().parse().unwrap_or(0),
            rater_categories: raters.get_untracked(),
            ratee_categories: ratees.get_untracked(),
        });
    };
    let units = page.units;
    view! {
        <article class="card stack" data-testid="round-new">
            <h2 class="card-head">{t!(i18n, eval_open_round)}</h2>
            <label class="field">
                <span>{t!(i18n, eval_round_kind)}</span>
                <select data-testid="round-kind" on:change=move |ev| kind.set(event_target_value(&ev)) prop:value=move || kind.get()>
                    <option value="unit">{t!(i18n, eval_kind_option_unit)}</option>
                    <option value="two_way">{t!(i18n, eval_kind_option_two_way)}</option>
                </select>
            </label>
            <Show when=move || kind.get() == "unit">
                <label class="field">
                    <span>{t!(i18n, field_unit)}</span>
                    <select data-testid="round-unit" on:change=move |ev| unit.set(event_target_value(&ev)) prop:value=move || unit.get()>
                        {units.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view()}
                    </select>
                </label>
            </Show>
            <Show when=move || kind.get() == "two_way">
                <label class="field">
                    <span>{t!(i18n, eval_raters)}</span>
                    <input data-testid="round-raters" prop:value=move || raters.get() on:input=move |ev| raters.set(event_target_value(&ev)) />
                </label>
                <label class="field">
                    <span>{t!(i18n, eval_ratees)}</span>
                    <input data-testid="round-ratees" prop:value=move || ratees.get() on:input=move |ev| ratees.set(event_target_value(&ev)) />
                </label>
            </Show>
            <label class="field">
                <span>{t!(i18n, eval_period)}</span>
                <input data-testid="round-period" prop:value=move || period.get() on:input=move |ev| period.set(event_target_value(&ev)) />
            </label>
            <label class="field">
                <span>{t!(i18n, eval_min_raters)}</span>
                <input type="number" inputmode="numeric" min="1" max="100" data-testid="round-min"
                    prop:value=move || min.get() on:input=move |ev| min.set(event_target_value(&ev)) />
            </label>
            <button class="btn btn-primary btn-block" data-testid="round-open" on:click=open disabled=move || act.pending().get()>
                {t!(i18n, eval_open_round)}
            </button>
            {move || error.get().map(|error| view! { <p class="form-error" role="alert" data-testid="round-error"><ErrorText error /></p> })}
        </article>
        <ul class="list card" data-testid="rounds">
            <For each=move || rounds.get() key=|r| (r.id, r.open, r.ballots, r.leaders) let:r>
                <RoundRow r act />
            </For>
        </ul>
    }
}

#[component]
fn RoundRow(r: RoundView, act: Action<RoundAction, Result<RoundsPage, AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let id = r.id;
    let line = format!("{} · {}", r.title, r.period_label);
    let state = format!(
        "{} · {}",
        if r.open { t_string!(i18n, eval_round_open_state) } else { t_string!(i18n, eval_round_closed_state) },
        t_string!(i18n, eval_round_counts, ballots = r.ballots, leaders = r.leaders, min = r.min_raters)
    );
    view! {
        <li class="list-row" data-testid="round" data-round=id.to_string()>
            <span class="list-main">{line}</span>
            <span class="list-sub" data-testid="round-state">{state}</span>
            {r.open.then(|| view! {
                <button class="btn btn-ghost btn-small" data-testid="round-close"
                    on:click=move |_| { act.dispatch(RoundAction::Close { round_id: id }); }>
                    {t!(i18n, eval_close_round)}
                </button>
            })}
        </li>
    }
}
