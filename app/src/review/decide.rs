//! `/review/:id`: one filing for its reviewer. Level one approves (two taps from the
//! queue), adjusts items with a reason while the engine recomputes the total on the
//! phone, or returns it; level two sees self-score against reviewed score item by item
//! and confirms or sends back. Open objections are answered here too.

use std::sync::Arc;

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};
use rules_wasm::{CompiledScheme, Evaluation};

use super::queue::use_queue_version;
use super::{
    answer_objection, decide_filing, load_review_detail, preview_adjustments, Decision, ItemAdjustment,
    ObjectionAnswer, ObjectionStatus, ObjectionView, ReviewDetail, ReviewLevel,
};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::{ErrorPanel, ErrorText, Loading};

#[component]
pub fn ReviewFilingPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.with(|p| p.get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let reload = RwSignal::new(0u32);
    let detail = Resource::new(move || (id(), reload.get()), |(id, _)| load_review_detail(id));
    view! {
        <section class="stack" data-testid="page-review-filing">
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match detail.await {
                        Ok(d) => Either::Left(view! { <Review detail=d reload /> }),
                        Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The reviewer's recomputation: the cadre's inputs with the adjustments typed so far.
fn recompute(scheme: &CompiledScheme, d: &ReviewDetail, adjustments: &[ItemAdjustment]) -> Result<Evaluation, String> {
    let engine = preview_adjustments(scheme, adjustments).map_err(|(_, message)| message)?;
    let mut filing = d.filing.draft.engine_filing(&d.scheme.id, d.scheme.version, &d.filing.receipt.period);
    filing.adjustments = engine;
    filing.sources = d.sources.clone();
    rules_wasm::evaluate(scheme, &filing).map_err(|e| e.to_string())
}

#[component]
fn Review(detail: ReviewDetail, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let scheme = match detail.scheme.compile() {
        Ok(s) => Arc::new(s),
        Err(_) => return Either::Right(view! { <ErrorPanel error=AppError::Internal /> }),
    };
    let answerable = detail.objections.iter().any(|o| o.may_answer);
    let editable = detail.level == Some(ReviewLevel::First) || answerable;
    let adjustments = RwSignal::new(detail.adjustments.clone());
    let d = StoredValue::new(detail.clone());
    let scheme = StoredValue::new(scheme);
    let live = Memo::new(move |_| adjustments.with(|a| d.with_value(|d| scheme.with_value(|s| recompute(s, d, a)))));
    let names: Vec<(String, String, Option<String>)> = scheme.with_value(|s| {
        s.form().iter().map(|f| (f.id.to_string(), f.name.to_string(), f.max_points.map(|m| m.to_string()))).collect()
    });
    let self_result = detail.filing.result.clone();
    let reviewed = detail.reviewed.clone();
    let f = &detail.filing;
    let items: Vec<_> = self_result
        .items
        .iter()
        .filter(|i| i.counted)
        .map(|i| {
            let (name, max) = names
                .iter()
                .find(|(id, _, _)| id == &*i.id)
                .map(|(_, n, m)| (n.clone(), m.clone()))
                .unwrap_or_else(|| (i.id.to_string(), None));
            let reviewed_points = reviewed.as_ref().and_then(|r| r.item(&i.id)).map(|r| r.points.to_string());
            (i.id.to_string(), name, max, i.points.to_string(), reviewed_points)
        })
        .collect();
    let level = detail.level;
    let show_diff = reviewed.is_some();
    let self_total = f.receipt.total.clone();
    let comment = detail.comment.clone();
    Either::Left(view! {
        <header class="card">
            <h1 class="page-title" data-testid="review-person">{f.person_name.clone()}</h1>
            <p class="muted">{f.unit_name.clone()} " · " {f.period_label.clone()}</p>
            <p>
                {t!(i18n, review_self_score)} " " <b data-testid="self-total">{self_total.clone()}</b>
                {reviewed.as_ref().map(|r| view! {
                    " · " {t!(i18n, review_reviewed_score)} " " <b data-testid="reviewed-total">{r.total.to_string()}</b>
                })}
            </p>
            {(!comment.is_empty()).then(|| view! { <p class="panel" data-testid="review-comment">{comment}</p> })}
        </header>
        <ThreeDisplays detail=detail.clone() />
        <section class="card">
            <h2 class="section-title">{t!(i18n, review_items)}</h2>
            <ul class="review-items">
                {items
                    .into_iter()
                    .map(|(id, name, max, self_points, reviewed_points)| {
                        view! {
                            <ItemRow
                                id name max self_points reviewed_points adjustments editable show_diff live
                            />
                        }
                    })
                    .collect_view()}
            </ul>
            <LiveTotal live />
        </section>
        {match level {
            Some(ReviewLevel::First) => EitherOf3::A(view! { <FirstLevel d adjustments /> }),
            Some(ReviewLevel::Second) => EitherOf3::B(view! { <SecondLevel d /> }),
            None => EitherOf3::C(()),
        }}
        {(!detail.objections.is_empty()).then(|| view! {
            <section class="card" data-testid="objections">
                <h2 class="section-title">{t!(i18n, objection_title)}</h2>
                {detail
                    .objections
                    .iter()
                    .cloned()
                    .map(|o| view! { <ObjectionCard o version=detail.version adjustments reload /> })
                    .collect_view()}
            </section>
        })}
    })
}

/// 三亮: duties, tasks and the work reported (achievements with photos).
#[component]
fn ThreeDisplays(detail: ReviewDetail) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="card" data-testid="three-displays">
            <summary>{t!(i18n, review_three_displays)}</summary>
            {detail.duties.map(|d| view! { <h3>{t!(i18n, review_duties)}</h3><p>{d}</p> })}
            <h3>{t!(i18n, review_tasks)}</h3>
            <ul>{detail.tasks.into_iter().map(|t| view! { <li>{t.title} " · " {t.target}</li> }).collect_view()}</ul>
            <h3>{t!(i18n, review_achievements)}</h3>
            <ul data-testid="achievements">
                {detail
                    .filing
                    .draft
                    .entries
                    .into_iter()
                    .map(|e| view! {
                        <li>
                            {e.title} {(!e.quantity.is_empty()).then(|| format!(" × {}", e.quantity))}
                            {(!e.note.is_empty()).then(|| view! { <span class="muted">" — " {e.note.clone()}</span> })}
                            {e.evidence.into_iter().map(|p| view! {
                                <a href=format!("/evidence/{p}") target="_blank" class="chip">{t!(i18n, review_photo)}</a>
                            }).collect_view()}
                        </li>
                    })
                    .collect_view()}
            </ul>
        </details>
    }
}

#[component]
#[allow(clippy::too_many_arguments)]
fn ItemRow(
    id: String,
    name: String,
    max: Option<String>,
    self_points: String,
    reviewed_points: Option<String>,
    adjustments: RwSignal<Vec<ItemAdjustment>>,
    editable: bool,
    show_diff: bool,
    live: Memo<Result<Evaluation, String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let key = StoredValue::new(id.clone());
    let adjusted = move || key.with_value(|k| adjustments.with(|a| a.iter().any(|x| &x.indicator == k)));
    let field = move |pick: fn(&ItemAdjustment) -> String| {
        key.with_value(|k| adjustments.with(|a| a.iter().find(|x| &x.indicator == k).map(pick).unwrap_or_default()))
    };
    let set = move |points: Option<String>, reason: Option<String>| {
        key.with_value(|k| {
            adjustments.update(|a| {
                if let Some(x) = a.iter_mut().find(|x| &x.indicator == k) {
                    if let Some(p) = points {
                        x.points = p;
                    }
                    if let Some(r) = reason {
                        x.reason = r;
                    }
                }
            })
        })
    };
    let toggle = move |_| {
        key.with_value(|k| {
            adjustments.update(|a| {
                if let Some(pos) = a.iter().position(|x| &x.indicator == k) {
                    a.remove(pos);
                } else {
                    a.push(ItemAdjustment { indicator: k.clone(), points: String::new(), reason: String::new() });
                }
            })
        })
    };
    let now_points = move || {
        key.with_value(|k| live.with(|l| l.as_ref().ok().and_then(|e| e.item(k)).map(|i| i.points.to_string())))
    };
    let changed = show_diff && reviewed_points.as_ref().is_some_and(|r| r != &self_points);
    let testid = format!("item-{id}");
    let (self_id, reviewed_id, live_id, adjust_id) =
        (format!("self-{id}"), format!("reviewed-{id}"), format!("live-{id}"), format!("adjust-{id}"));
    view! {
        <li class="review-item" class:changed=changed data-testid=testid>
            <div class="review-item-head">
                <span class="review-item-name">{name}</span>
                <span class="review-item-points">
                    <span data-testid=self_id>{self_points.clone()}</span>
                    {max.map(|m| view! { <span class="muted">" / " {m}</span> })}
                    {reviewed_points.filter(|_| show_diff).map(|r| view! {
                        " → " <b data-testid=reviewed_id>{r}</b>
                    })}
                    <Show when=adjusted>
                        " → " <b class="changed" data-testid=live_id.clone()>{now_points}</b>
                    </Show>
                </span>
                {editable.then(|| view! {
                    <button class="btn btn-ghost btn-small" data-testid=adjust_id on:click=toggle>
                        {move || if adjusted() { t_string!(i18n, review_undo_adjust) } else { t_string!(i18n, review_adjust) }}
                    </button>
                })}
            </div>
            <Show when=move || editable && adjusted()>
                <div class="review-adjust">
                    <label>
                        {t!(i18n, review_new_points)}
                        <input
                            type="text"
                            inputmode="decimal"
                            data-testid=format!("points-{}", key.get_value())
                            prop:value=move || field(|x| x.points.clone())
                            on:input=move |ev| set(Some(event_target_value(&ev)), None)
                        />
                    </label>
                    <label>
                        {t!(i18n, review_reason)}
                        <input
                            type="text"
                            data-testid=format!("reason-{}", key.get_value())
                            placeholder=move || t_string!(i18n, review_reason_hint)
                            prop:value=move || field(|x| x.reason.clone())
                            on:input=move |ev| set(None, Some(event_target_value(&ev)))
                        />
                    </label>
                </div>
            </Show>
        </li>
    }
}

#[component]
fn LiveTotal(live: Memo<Result<Evaluation, String>>) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    view! {
        <div class="score-main">
            <div>
                <span class="score-label">{t!(i18n, review_live_total)}</span>
                <strong class="score-total" data-testid="review-total">
                    {move || live.with(|l| l.as_ref().map(|e| e.total.to_string()).unwrap_or_else(|_| "—".into()))}
                </strong>
            </div>
            {move || live.with(|l| l.as_ref().ok().and_then(|e| e.grade.as_deref().map(str::to_string)))
                .map(|g| view! { <span class="grade">{g}</span> })}
            <button class="btn btn-ghost btn-small" data-testid="review-why" on:click=move |_| open.update(|o| *o = !*o)>
                {move || if open.get() { t_string!(i18n, filing_hide_why) } else { t_string!(i18n, filing_why) }}
            </button>
        </div>
        {move || live.with(|l| l.as_ref().err().cloned()).map(|m| view! { <p class="form-error">{m}</p> })}
        <Show when=move || open.get()>
            <ol class="why" data-testid="review-why-lines">
                {move || live.with(|l| match l {
                    Ok(e) => e.lines.iter().map(|line| {
                        let points = line.points.map(|p| p.to_string());
                        view! { <li><span>{line.text()}</span>{points.map(|p| view! { <b class="why-points">{p}</b> })}</li> }
                    }).collect_view().into_any(),
                    Err(_) => ().into_any(),
                })}
            </ol>
        </Show>
    }
}

/// Sends a decision; on success reloads the queue and goes back to it.
fn decision_action(d: StoredValue<ReviewDetail>) -> Action<Decision, Result<super::DecisionOutcome, AppError>> {
    let version = use_queue_version();
    let navigate = use_navigate();
    let action = Action::new_local(move |decision: &Decision| {
        let decision = decision.clone();
        let (id, v) = d.with_value(|d| (d.filing.receipt.filing_id, d.version));
        async move { decide_filing(id, v, decision).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = action.value().get() {
            version.update(|v| *v += 1);
            navigate("/review", Default::default());
        }
    });
    action
}

#[component]
fn FirstLevel(d: StoredValue<ReviewDetail>, adjustments: RwSignal<Vec<ItemAdjustment>>) -> impl IntoView {
    let i18n = use_i18n();
    let action = decision_action(d);
    let returning = RwSignal::new(false);
    let comment = RwSignal::new(String::new());
    let approve = move |_| {
        action.dispatch(Decision::Approve { adjustments: adjustments.get_untracked() });
    };
    view! {
        <div class="actions" data-testid="first-level">
            <button class="btn btn-primary btn-block" data-testid="approve" on:click=approve
                disabled=move || action.pending().get()>
                {move || if adjustments.with(Vec::is_empty) {
                    t_string!(i18n, review_approve)
                } else {
                    t_string!(i18n, review_approve_adjusted)
                }}
            </button>
            <button class="btn btn-ghost btn-block" data-testid="return" on:click=move |_| returning.update(|r| *r = !*r)>
                {t!(i18n, review_return)}
            </button>
            <Show when=move || returning.get()>
                <textarea data-testid="return-comment" placeholder=move || t_string!(i18n, review_return_hint)
                    prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                <button class="btn btn-primary" data-testid="return-confirm"
                    on:click=move |_| { action.dispatch(Decision::Return { comment: comment.get_untracked() }); }>
                    {t!(i18n, review_return_confirm)}
                </button>
            </Show>
            <ActionError action />
        </div>
    }
}

#[component]
fn SecondLevel(d: StoredValue<ReviewDetail>) -> impl IntoView {
    let i18n = use_i18n();
    let action = decision_action(d);
    let sending = RwSignal::new(false);
    let comment = RwSignal::new(String::new());
    let reasons = d.with_value(|d| d.adjustments.clone());
    view! {
        <section class="card" data-testid="diff">
            <h2 class="section-title">{t!(i18n, review_differences)}</h2>
            {if reasons.is_empty() {
                Either::Left(view! { <p class="muted" data-testid="no-differences">{t!(i18n, review_no_differences)}</p> })
            } else {
                Either::Right(view! {
                    <ul>
                        {reasons.into_iter().map(|a| view! {
                            <li data-testid="difference"><b>{a.indicator}</b> " → " {a.points} "：" {a.reason}</li>
                        }).collect_view()}
                    </ul>
                })
            }}
        </section>
        <div class="actions" data-testid="second-level">
            <button class="btn btn-primary btn-block" data-testid="confirm"
                on:click=move |_| { action.dispatch(Decision::Confirm); } disabled=move || action.pending().get()>
                {t!(i18n, review_confirm)}
            </button>
            <button class="btn btn-ghost btn-block" data-testid="send-back" on:click=move |_| sending.update(|r| *r = !*r)>
                {t!(i18n, review_send_back)}
            </button>
            <Show when=move || sending.get()>
                <textarea data-testid="send-back-comment" prop:value=move || comment.get()
                    on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                <button class="btn btn-primary" data-testid="send-back-confirm"
                    on:click=move |_| { action.dispatch(Decision::SendBack { comment: comment.get_untracked() }); }>
                    {t!(i18n, review_send_back)}
                </button>
            </Show>
            <ActionError action />
        </div>
    }
}

#[component]
fn ActionError<I, O>(action: Action<I, Result<O, AppError>>) -> impl IntoView
where
    I: Send + Sync + 'static,
    O: Send + Sync + Clone + 'static,
{
    move || {
        action.value().get().and_then(Result::err).map(|error| {
            view! {
                <p class="form-error" role="alert" data-testid="decision-error"><ErrorText error /></p>
            }
        })
    }
}

#[component]
fn ObjectionCard(
    o: ObjectionView,
    version: i64,
    adjustments: RwSignal<Vec<ItemAdjustment>>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let answer = RwSignal::new(String::new());
    let id = o.id;
    let send = Action::new_local(move |change: &bool| {
        let a = ObjectionAnswer {
            objection_id: id,
            version,
            answer: answer.get_untracked(),
            adjustments: change.then(|| adjustments.get_untracked()),
        };
        async move { answer_objection(a).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = send.value().get() {
            reload.update(|r| *r += 1);
        }
    });
    view! {
        <article class="objection" data-testid="objection">
            <p><b>{o.objector_name}</b> "：" {o.reason}</p>
            <p class="muted">{t!(i18n, objection_due, date = crate::period::china_time_label(&o.answer_due))}</p>
            <ObjectionOutcome status=o.status answer=o.answer new_total=o.new_total />
            {o.may_answer.then(|| view! {
                <textarea data-testid="objection-answer" placeholder=move || t_string!(i18n, objection_answer_hint)
                    prop:value=move || answer.get() on:input=move |ev| answer.set(event_target_value(&ev))></textarea>
                <div class="actions">
                    <button class="btn btn-ghost" data-testid="objection-keep" on:click=move |_| { send.dispatch(false); }>
                        {t!(i18n, objection_keep)}
                    </button>
                    <button class="btn btn-primary" data-testid="objection-change" on:click=move |_| { send.dispatch(true); }>
                        {t!(i18n, objection_change)}
                    </button>
                </div>
                <ActionError action=send />
            })}
        </article>
    }
}

/// An objection's status and, once answered, the outcome.
#[component]
pub fn ObjectionOutcome(status: ObjectionStatus, answer: Option<String>, new_total: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let label = move || match status {
        ObjectionStatus::Open => t_string!(i18n, objection_open),
        ObjectionStatus::Kept => t_string!(i18n, objection_kept),
        ObjectionStatus::Changed => t_string!(i18n, objection_changed),
    };
    view! {
        <p>
            <span class="chip" data-testid="objection-status" data-status=status.as_str()>{label}</span>
            {new_total.map(|t| view! { <b class="objection-new-total" data-testid="objection-new-total">{t}</b> })}
            {answer.map(|a| view! { <span class="objection-reply" data-testid="objection-reply">{a}</span> })}
        </p>
    }
}
