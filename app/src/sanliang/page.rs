//! `/sanliang` (the cadre's own) and `/people/:id` (a member, for their leader).

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use super::{
    load_sanliang, may_split, next_step, sanliang_act, Achievement, Colleague, SanLiang, ShareDraft, Task, TaskAction,
    TaskDraft, TaskShare, TaskStatus, TaskStep,
};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::{ErrorPanel, ErrorText, Loading};

#[component]
pub fn SanLiangPage() -> impl IntoView {
    view! { <Loader person_id=None /> }
}

#[component]
pub fn PersonSanLiangPage() -> impl IntoView {
    let params = use_params_map();
    move || {
        let id = params.read().get("id").and_then(|s| s.parse::<i64>().ok());
        view! { <Loader person_id=id /> }
    }
}

#[component]
fn Loader(person_id: Option<i64>) -> impl IntoView {
    let page = Resource::new(move || person_id, load_sanliang);
    view! {
        <section class="stack" data-testid="page-sanliang">
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match page.await {
                        Ok(initial) => Either::Left(view! { <SanLiangView initial /> }),
                        Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The page, kept current by the answers of each step.
#[component]
fn SanLiangView(initial: SanLiang) -> impl IntoView {
    let i18n = use_i18n();
    let data = RwSignal::new(initial);
    let error = RwSignal::new(None::<AppError>);
    let act = Action::new(move |a: &TaskAction| sanliang_act(a.clone()));
    Effect::new(move |_| match act.value().get() {
        Some(Ok(page)) => {
            data.set(page);
            error.set(None);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let s = data.get_untracked();
    let year = s.year;
    view! {
        <header class="report-head">
            <h1 class="page-title">{t!(i18n, sl_title)} " · " {s.person_name.clone()}</h1>
            <span class="report-period">{t!(i18n, sl_year, year)}</span>
        </header>
        <p class="muted">{s.post.clone()} " · " {s.unit_name.clone()}</p>
        {move || error.get().map(|error| view! { <p class="banner banner-warn" role="alert" data-testid="sl-error"><ErrorText error /></p> })}
        <Duties data act />
        <Tasks data act />
        <Achievements data />
    }
}

#[component]
fn Duties(data: RwSignal<SanLiang>, act: Action<TaskAction, Result<SanLiang, AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let is_leader = data.with_untracked(|d| d.is_leader);
    let text = RwSignal::new(data.with_untracked(|d| d.duties.clone().unwrap_or_default()));
    view! {
        <section class="card" data-testid="sl-duties">
            <h2>{t!(i18n, sl_duties)}</h2>
            {move || match data.with(|d| d.duties.clone()) {
                Some(body) => Either::Left(view! { <p data-testid="sl-duties-text">{body}</p> }),
                None => Either::Right(view! { <p class="muted">{t!(i18n, sl_duties_none)}</p> }),
            }}
            {is_leader.then(|| view! {
                <textarea
                    rows="3"
                    data-testid="sl-duties-input"
                    prop:value=move || text.get()
                    on:input=move |ev| text.set(event_target_value(&ev))
                ></textarea>
                <button
                    class="btn btn-secondary btn-block"
                    data-testid="sl-duties-save"
                    disabled=move || act.pending().get()
                    on:click=move |_| {
                        let person_id = data.with_untracked(|d| d.person_id);
                        act.dispatch(TaskAction::SetDuties { person_id, body: text.get_untracked() });
                    }
                >
                    {t!(i18n, sl_duties_save)}
                </button>
            })}
        </section>
    }
}

#[component]
fn Tasks(data: RwSignal<SanLiang>, act: Action<TaskAction, Result<SanLiang, AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let (is_owner, is_leader) = data.with_untracked(|d| (d.is_owner, d.is_leader));
    view! {
        <section class="card" data-testid="sl-tasks">
            <h2>{t!(i18n, sl_tasks)}</h2>
            {move || {
                let tasks = data.with(|d| d.tasks.clone());
                if tasks.is_empty() {
                    Either::Left(view! { <p class="muted">{t!(i18n, sl_tasks_none)}</p> })
                } else {
                    Either::Right(view! {
                        <ul class="list">
                            {tasks
                                .into_iter()
                                .map(|task| {
                                    let colleagues = data.with_untracked(|d| d.colleagues.clone());
                                    view! { <TaskRow task is_owner is_leader colleagues act /> }
                                })
                                .collect_view()}
                        </ul>
                    })
                }
            }}
            {(is_owner || is_leader).then(|| view! { <NewTask data act dispatch=!is_owner /> })}
        </section>
    }
}

/// The label of a task's status.
fn status_label(i18n: leptos_i18n::I18nContext<Locale>, status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Proposed => t_string!(i18n, sl_status_proposed),
        TaskStatus::Approved => t_string!(i18n, sl_status_approved),
        TaskStatus::Committed => t_string!(i18n, sl_status_committed),
        TaskStatus::Dispatched => t_string!(i18n, sl_status_dispatched),
        TaskStatus::Done => t_string!(i18n, sl_status_done),
        TaskStatus::Cancelled => t_string!(i18n, sl_status_cancelled),
    }
}

#[component]
fn TaskRow(
    task: Task,
    is_owner: bool,
    is_leader: bool,
    colleagues: Vec<Colleague>,
    act: Action<TaskAction, Result<SanLiang, AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let splittable = may_split(&task, is_owner) && !colleagues.is_empty();
    let Task { id, title, measure, target, deadline, status, dispatched, split_from, shares } = task;
    let status_label = move || status_label(i18n, status);
    let deadline = deadline.unwrap_or_else(|| "—".into());
    let target = if target.is_empty() { "—".to_string() } else { target };
    let step = next_step(status, is_owner, is_leader).map(|step| {
        let (label, action) = match step {
            TaskStep::Approve => (t_string!(i18n, sl_step_approve), TaskAction::Approve { task_id: id }),
            TaskStep::Commit => (t_string!(i18n, sl_step_commit), TaskAction::Commit { task_id: id }),
            TaskStep::Accept => (t_string!(i18n, sl_step_accept), TaskAction::Accept { task_id: id }),
        };
        view! {
            <button
                class="btn btn-primary btn-small"
                data-testid="sl-task-step"
                disabled=move || act.pending().get()
                on:click=move |_| {
                    act.dispatch(action.clone());
                }
            >
                {label}
            </button>
        }
    });
    view! {
        <li class="list-row task-row" data-testid="sl-task" data-status=status.as_str()>
            <span class="list-main">
                {title}
                {match split_from {
                    Some(from) => Either::Left(view! {
                        <span class="chip" data-testid="sl-split-from">{t!(i18n, sl_split_from, name = from)}</span>
                    }),
                    None => Either::Right(dispatched.then(|| view! { <span class="chip">{t!(i18n, sl_dispatched)}</span> })),
                }}
            </span>
            <span class="list-sub">{t!(i18n, sl_target_deadline, target = target.clone(), deadline = deadline.clone())}</span>
            {(!measure.is_empty()).then(|| view! { <span class="list-sub">{measure}</span> })}
            <span class="row">
                <span class="chip" data-testid="sl-task-status">{status_label}</span>
                {step}
            </span>
            {(!shares.is_empty()).then(|| view! { <Shares shares /> })}
            {splittable.then(|| view! { <SplitForm task_id=id colleagues act /> })}
        </li>
    }
}

/// Who has a share of a split task, for how much, and whether they accepted it.
#[component]
fn Shares(shares: Vec<TaskShare>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="shares" data-testid="sl-shares">
            {shares
                .into_iter()
                .map(|sh| view! {
                    <li data-testid="sl-share" data-status=sh.status.as_str()>
                        {sh.person_name} " · " {sh.target} " · " {status_label(i18n, sh.status)}
                    </li>
                })
                .collect_view()}
        </ul>
    }
}

/// 分单: pick colleagues and give each their part of the target.
#[component]
fn SplitForm(
    task_id: i64,
    colleagues: Vec<Colleague>,
    act: Action<TaskAction, Result<SanLiang, AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    // One row per colleague: (chosen, their part of the target).
    let rows = RwSignal::new(colleagues.iter().map(|_| (false, String::new())).collect::<Vec<_>>());
    let colleagues = StoredValue::new(colleagues);
    let submit = move |_| {
        let shares: Vec<ShareDraft> = rows.with_untracked(|rows| {
            colleagues.with_value(|cs| {
                cs.iter()
                    .zip(rows)
                    .filter(|(_, (chosen, _))| *chosen)
                    .map(|(c, (_, target))| ShareDraft { person_id: c.person_id, target: target.clone() })
                    .collect()
            })
        });
        act.dispatch(TaskAction::Split { task_id, shares });
    };
    // Closed once a split went through (the page reloads with the shares listed).
    Effect::new(move |_| {
        if let Some(Ok(_)) = act.value().get() {
            open.set(false);
        }
    });
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                <button class="btn btn-secondary btn-small" data-testid="sl-split" on:click=move |_| open.set(true)>
                    {t!(i18n, sl_split)}
                </button>
            }
        >
            <div class="stack split-form" data-testid="sl-split-form">
                <p class="muted">{t!(i18n, sl_split_hint)}</p>
                {colleagues
                    .get_value()
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| view! {
                        <div class="split-row" data-testid="sl-split-row">
                            <label class="split-who">
                                <input
                                    type="checkbox"
                                    data-testid="sl-split-pick"
                                    prop:checked=move || rows.with(|r| r[i].0)
                                    on:change=move |ev| {
                                        let on = event_target_checked(&ev);
                                        rows.update(|r| r[i].0 = on);
                                    }
                                />
                                <span>{c.name} <span class="muted">" " {c.post}</span></span>
                            </label>
                            <Show when=move || rows.with(|r| r[i].0)>
                                <input
                                    type="text"
                                    class="split-target"
                                    data-testid="sl-split-target"
                                    placeholder=move || t_string!(i18n, sl_split_target)
                                    prop:value=move || rows.with(|r| r[i].1.clone())
                                    on:input=move |ev| {
                                        let v = event_target_value(&ev);
                                        rows.update(|r| r[i].1 = v);
                                    }
                                />
                            </Show>
                        </div>
                    })
                    .collect_view()}
                <button
                    class="btn btn-primary btn-block"
                    data-testid="sl-split-submit"
                    disabled=move || act.pending().get() || rows.with(|r| r.iter().all(|(chosen, _)| !chosen))
                    on:click=submit
                >
                    {t!(i18n, sl_split_submit)}
                </button>
            </div>
        </Show>
    }
}

/// Proposing (the cadre) or dispatching (the leader) a task.
#[component]
fn NewTask(
    data: RwSignal<SanLiang>,
    act: Action<TaskAction, Result<SanLiang, AppError>>,
    dispatch: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let draft = RwSignal::new(TaskDraft::default());
    let field = move |label: String,
                      testid: &'static str,
                      kind: &'static str,
                      get: fn(&TaskDraft) -> String,
                      set: fn(&mut TaskDraft, String)| {
        view! {
            <label class="field">
                <span>{label}</span>
                <input
                    type=kind
                    data-testid=testid
                    prop:value=move || draft.with(get)
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        draft.update(|d| set(d, v));
                    }
                />
            </label>
        }
    };
    let submit = move |_| {
        let task = draft.get_untracked();
        let action = if dispatch {
            TaskAction::Dispatch { person_id: data.with_untracked(|d| d.person_id), task }
        } else {
            TaskAction::Propose { task }
        };
        act.dispatch(action);
        draft.set(TaskDraft::default());
        open.set(false);
    };
    let label = move || if dispatch { t_string!(i18n, sl_task_dispatch) } else { t_string!(i18n, sl_task_propose) };
    view! {
        <Show
            when=move || open.get()
            fallback=move || view! {
                <button class="btn btn-secondary btn-block" data-testid="sl-task-new" on:click=move |_| open.set(true)>
                    {label}
                </button>
            }
        >
            <div class="stack new-task" data-testid="sl-task-form">
                {field(t_string!(i18n, sl_task_title).to_string(), "sl-task-title", "text", |d| d.title.clone(), |d, v| d.title = v)}
                {field(t_string!(i18n, sl_task_target).to_string(), "sl-task-target", "text", |d| d.target.clone(), |d, v| d.target = v)}
                {field(t_string!(i18n, sl_task_deadline).to_string(), "sl-task-deadline", "date", |d| d.deadline.clone(), |d, v| d.deadline = v)}
                {field(t_string!(i18n, sl_task_measure).to_string(), "sl-task-measure", "text", |d| d.measure.clone(), |d, v| d.measure = v)}
                <button class="btn btn-primary btn-block" data-testid="sl-task-submit" on:click=submit>
                    {label}
                </button>
            </div>
        </Show>
    }
}

#[component]
fn Achievements(data: RwSignal<SanLiang>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" data-testid="sl-achievements">
            <h2>{t!(i18n, sl_achievements)}</h2>
            {move || {
                let items = data.with(|d| d.achievements.clone());
                if items.is_empty() {
                    Either::Left(view! { <p class="muted">{t!(i18n, sl_achievements_none)}</p> })
                } else {
                    Either::Right(view! {
                        <ul class="list">{items.into_iter().map(|a| view! { <AchievementRow a /> }).collect_view()}</ul>
                    })
                }
            }}
        </section>
    }
}

#[component]
fn AchievementRow(a: Achievement) -> impl IntoView {
    let i18n = use_i18n();
    let Achievement { period_label, total, grade, nothing_to_report, items, .. } = a;
    let total = total.clone();
    view! {
        <li class="list-row" data-testid="sl-achievement">
            <span class="list-main">
                {period_label} " · " {t!(i18n, sl_total, total = total.clone())}
                {grade.map(|g| view! { <span class="chip">{g}</span> })}
            </span>
            {if nothing_to_report {
                Either::Left(view! { <span class="list-sub">{t!(i18n, sl_nothing)}</span> })
            } else {
                Either::Right(view! { <span class="list-sub">{items.join("；")}</span> })
            }}
        </li>
    }
}
