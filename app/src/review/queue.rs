//! `/review` (待审核): the reviewer's queue, oldest deadline first; batch approval of
//! unchanged filings; publishing confirmed results.

use std::collections::BTreeSet;

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;

use super::{
    batch_approve, load_review_queue, publish_results, BatchItem, OwnReportDue, Publishable, QueueItem, ReviewLevel,
    ReviewQueue,
};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::{Role, SessionUser};
use crate::ui::{ErrorPanel, ErrorText, Loading};

/// Bumped after every review step so the queue and the tab's count reload.
#[derive(Clone, Copy)]
pub struct QueueVersion(pub RwSignal<u32>);

/// The queue version in context (a fresh one outside the layout, e.g. in tests).
pub fn use_queue_version() -> RwSignal<u32> {
    use_context::<QueueVersion>().map(|q| q.0).unwrap_or_else(|| RwSignal::new(0))
}

/// How many filings wait for the signed-in leader (0 for everyone else, without asking
/// the server).
///
/// Created once at the top of the layout, not inside the frame's Suspense: resources and
/// Suspense boundaries take hydration ids in creation order, and the frame's content is
/// created later on the server (after the session loads) than on the phone (where the
/// session is already there), so a resource created inside it shifted every page
/// resource's id and hydration then read the wrong data (seen on /publicity, /evaluate).
pub fn review_count(user: Resource<Result<Option<SessionUser>, AppError>>, version: RwSignal<u32>) -> Resource<usize> {
    Resource::new(
        move || version.get(),
        move |_| async move {
            let leader = matches!(user.await, Ok(Some(u)) if u.has_role(Role::Leader));
            if leader {
                load_review_queue().await.map(|q| q.count()).unwrap_or(0)
            } else {
                0
            }
        },
    )
}

/// The count shown on the 待审核 tab (nothing when no filing waits).
#[component]
pub fn ReviewCountBadge(count: usize) -> impl IntoView {
    (count > 0).then(|| view! { <span class="tab-badge" data-testid="review-count">{count}</span> })
}

#[component]
pub fn ReviewPage() -> impl IntoView {
    let i18n = use_i18n();
    let version = use_queue_version();
    let queue = Resource::new(move || version.get(), |_| load_review_queue());
    view! {
        <section class="stack" data-testid="page-review">
            <div class="page-head">
                <h1 class="page-title">{t!(i18n, review_title)}</h1>
                <span class="actions">
                    <A href="/evaluate" attr:class="btn btn-ghost btn-small" attr:data-testid="to-evaluate">
                        {t!(i18n, review_to_evaluate)}
                    </A>
                    <A href="/publicity" attr:class="btn btn-ghost btn-small" attr:data-testid="to-publicity">
                        {t!(i18n, publicity_title)}
                    </A>
                </span>
            </div>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match queue.await {
                        Ok(q) => Either::Left(view! { <Queue queue=q /> }),
                        Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Queue(queue: ReviewQueue) -> impl IntoView {
    let i18n = use_i18n();
    let version = use_queue_version();
    let count = queue.count();
    let selected = RwSignal::new(BTreeSet::<i64>::new());
    let versions = StoredValue::new(queue.items.iter().map(|i| (i.filing_id, i.version)).collect::<Vec<_>>());
    let error = RwSignal::new(None::<AppError>);
    let batch = Action::new_local(move |items: &Vec<BatchItem>| {
        let items = items.clone();
        async move { batch_approve(items).await }
    });
    Effect::new(move |_| match batch.value().get() {
        Some(Ok(_)) => {
            selected.set(BTreeSet::new());
            version.update(|v| *v += 1);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let approve_selected = move |_| {
        let chosen = selected.get_untracked();
        let items: Vec<BatchItem> = versions.with_value(|all| {
            all.iter()
                .filter(|(id, _)| chosen.contains(id))
                .map(|(id, v)| BatchItem { filing_id: *id, version: *v })
                .collect()
        });
        if !items.is_empty() {
            error.set(None);
            batch.dispatch(items);
        }
    };
    let publishable = queue.publishable;
    view! {
        {queue.own_report.map(|due| view! { <OwnReportCard due /> })}
        <p class="muted" data-testid="queue-count">{t!(i18n, review_waiting, count = count)}</p>
        {if queue.items.is_empty() {
            Either::Left(view! { <p class="card" data-testid="review-empty">{t!(i18n, review_empty)}</p> })
        } else {
            Either::Right(view! {
                <ul class="queue" data-testid="review-queue">
                    {queue.items.into_iter().map(|item| view! { <QueueCard item selected /> }).collect_view()}
                </ul>
                <Show when=move || selected.with(|s| !s.is_empty())>
                    <button class="btn btn-primary btn-block" data-testid="batch-approve" on:click=approve_selected>
                        {move || t_string!(i18n, review_batch_approve, count = selected.with(BTreeSet::len))}
                    </button>
                </Show>
            })
        }}
        {move || error.get().map(|error| view! { <p class="form-error" role="alert"><ErrorText error /></p> })}
        {(!publishable.is_empty()).then(|| view! {
            <h2 class="section-title">{t!(i18n, review_publishable)}</h2>
            {publishable.into_iter().map(|p| view! { <PublishCard p /> }).collect_view()}
        })}
    }
}

/// The unit head's own report of the period that just ended, still to be filed: open the
/// form, or file an empty period (the report page opens with its confirmation showing,
/// so that is two taps).
#[component]
fn OwnReportCard(due: OwnReportDue) -> impl IntoView {
    let i18n = use_i18n();
    let OwnReportDue { period, period_label, deadline, late, allows_nothing_to_report } = due;
    let open = format!("/filing?period={period}");
    let nothing = format!("/filing?period={period}&nothing=1");
    view! {
        <article class="card own-report" data-testid="own-report" data-period=period>
            <p>
                {t!(i18n, review_own_report, period = period_label, date = deadline)}
                {late.then(|| view! { " " <span class="chip chip-warn">{t!(i18n, filing_late_chip)}</span> })}
            </p>
            <div class="actions">
                <A href=open attr:class="btn btn-secondary" attr:data-testid="own-report-open">
                    {t!(i18n, review_own_report_open)}
                </A>
                {allows_nothing_to_report.then(|| view! {
                    <A href=nothing attr:class="btn btn-primary" attr:data-testid="own-report-nothing">
                        {t!(i18n, filing_nothing)}
                    </A>
                })}
            </div>
        </article>
    }
}

#[component]
fn QueueCard(item: QueueItem, selected: RwSignal<BTreeSet<i64>>) -> impl IntoView {
    let i18n = use_i18n();
    let id = item.filing_id;
    let batchable = item.level == ReviewLevel::First;
    let second = item.level == ReviewLevel::Second;
    view! {
        <li class="card queue-item" data-testid="queue-item" data-filing=id.to_string()>
            {batchable.then(|| view! {
                <input
                    type="checkbox"
                    class="queue-check"
                    data-testid="queue-select"
                    aria-label=move || t_string!(i18n, review_select)
                    prop:checked=move || selected.with(|s| s.contains(&id))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        selected.update(|s| {
                            if on { s.insert(id); } else { s.remove(&id); }
                        });
                    }
                />
            })}
            <A href=format!("/review/{id}") attr:class="queue-link" attr:data-testid="queue-open">
                <span class="queue-name">{item.person_name}</span>
                <span class="muted">{item.unit_name} " · " {item.post}</span>
                <span class="muted">{item.period_label} " · " {t!(i18n, review_due, date = item.deadline)}</span>
                <span class="queue-scores">
                    {t!(i18n, review_self_score)} " " <b>{item.self_total.clone()}</b>
                    {item.reviewed_total.map(|r| {
                        let changed = r != item.self_total;
                        view! {
                            " → " {t!(i18n, review_reviewed_score)} " "
                            <b class:changed=changed data-testid="queue-reviewed">{r}</b>
                        }
                    })}
                </span>
                {second.then(|| view! { <span class="chip">{t!(i18n, review_level_two)}</span> })}
                {(item.adjusted_items > 0).then(|| view! {
                    <span class="chip chip-warn">{t!(i18n, review_adjusted_items, count = item.adjusted_items)}</span>
                })}
                {item.late.then(|| view! { <span class="chip">{t!(i18n, filing_late_chip)}</span> })}
            </A>
        </li>
    }
}

#[component]
fn PublishCard(p: Publishable) -> impl IntoView {
    let i18n = use_i18n();
    let version = use_queue_version();
    let (unit_id, period) = (p.unit_id, p.period.clone());
    let publish = Action::new_local(move |_: &()| {
        let period = period.clone();
        async move { publish_results(unit_id, period).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = publish.value().get() {
            version.update(|v| *v += 1);
        }
    });
    view! {
        <article class="card" data-testid="publishable">
            <p>{p.unit_name} " · " {p.period_label} " · " {t!(i18n, review_confirmed_count, count = p.confirmed)}</p>
            <button class="btn btn-primary" data-testid="publish" on:click=move |_| { publish.dispatch(()); }>
                {t!(i18n, review_publish)}
            </button>
            {move || publish.value().get().and_then(Result::err).map(|error| view! {
                <p class="form-error" role="alert"><ErrorText error /></p>
            })}
        </article>
    }
}
