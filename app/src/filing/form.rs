//! The one-page report form: state, live score, saving and submitting.
//!
//! Every edit bumps a counter, is written to local storage at once and to the server a
//! moment later; the engine recomputes the score on every edit, on the phone, with no
//! round trip. Submitting puts the submission in the outbox first, then sends it.

use std::collections::BTreeMap;
use std::sync::Arc;

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use rules_wasm::{CompiledScheme, Evaluation, Filing};

use super::entries::WorkEntries;
use super::fields::IndicatorFields;
use super::outbox::{send_now, use_outbox, SendOutcome};
use super::score::ScoreCard;
use super::store::{self, LocalDraft, LocalStorage};
use super::{DraftBody, DraftSave, FilingContext, Receipt, Submission};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::{ErrorPanel, ErrorText};

/// The state every part of the form reads; all fields are cheap, copyable handles.
#[derive(Clone, Copy)]
pub struct FormState {
    pub draft: RwSignal<DraftBody>,
    pub rev: RwSignal<i64>,
    pub scheme: StoredValue<Arc<CompiledScheme>>,
    pub evaluation: Memo<Result<Evaluation, rules_wasm::Error>>,
    /// Field path → Chinese message (engine validation and shape checks).
    pub problems: Memo<BTreeMap<String, String>>,
    /// Show problems of untouched fields too (after a submit attempt).
    pub show_problems: RwSignal<bool>,
    pub editable: Signal<bool>,
    pub tasks: StoredValue<Vec<super::TaskItem>>,
}

impl FormState {
    /// Applies an edit and bumps the draft counter (which triggers saving).
    pub fn edit(&self, f: impl FnOnce(&mut DraftBody)) {
        if !self.editable.get_untracked() {
            return;
        }
        self.draft.update(f);
        self.rev.update(|r| *r += 1);
    }

    pub fn problem(&self, path: &str) -> Option<String> {
        self.problems.with(|p| p.get(path).cloned())
    }
}

pub fn use_form() -> FormState {
    expect_context::<FormState>()
}

/// Where the draft stands, shown under the form.
#[derive(Clone, Debug, PartialEq)]
enum SaveState {
    Clean,
    SavedLocally,
    Synced,
    Sending,
    Queued,
    Sent(Receipt),
    Refused(AppError),
    Incomplete,
}

#[component]
pub fn ReportForm(ctx: FilingContext) -> impl IntoView {
    let scheme = match ctx.scheme.compile() {
        Ok(s) => Arc::new(s),
        Err(e) => {
            leptos::logging::error!("scheme does not compile: {e}");
            return Either::Right(view! { <ErrorPanel error=AppError::Internal /> });
        }
    };
    Either::Left(view! { <Form ctx scheme /> })
}

#[component]
fn Form(ctx: FilingContext, scheme: Arc<CompiledScheme>) -> impl IntoView {
    let i18n = use_i18n();
    let outbox = use_outbox();
    let FilingContext { user_id, period, period_label, deadline, overdue, scheme: info, tasks, draft, filed, .. } = ctx;
    let (initial, initial_rev) = draft.map(|d| (d.body, d.client_rev)).unwrap_or_default();

    let draft = RwSignal::new(initial);
    let rev = RwSignal::new(initial_rev);
    let filed = RwSignal::new(filed);
    let state = RwSignal::new(SaveState::Clean);
    let owns_tab = RwSignal::new(true);
    let show_problems = RwSignal::new(false);
    let scheme = StoredValue::new(scheme);
    let (scheme_id, version) = (info.id.clone(), info.version);

    let engine_filing = {
        let (scheme_id, period) = (scheme_id.clone(), period.clone());
        move |d: &DraftBody| -> Filing { d.engine_filing(&scheme_id, version, &period) }
    };
    let evaluation = Memo::new({
        let engine_filing = engine_filing.clone();
        move |_| {
            let filing = draft.with(|d| engine_filing(d));
            scheme.with_value(|s| rules_wasm::evaluate(s, &filing))
        }
    });
    let problems = Memo::new({
        let engine_filing = engine_filing.clone();
        move |_| {
            draft.with(|d| {
                let filing = engine_filing(d);
                scheme.with_value(|s| super::submission_problems(s, d, &filing))
            })
        }
    });
    let editable = Signal::derive(move || {
        owns_tab.get() && filed.with(|f| f.as_ref().is_none_or(|r| r.status.editable_by_cadre()))
    });
    let form =
        FormState { draft, rev, scheme, evaluation, problems, show_problems, editable, tasks: StoredValue::new(tasks) };
    provide_context(form);

    // After hydration: take this period's draft for this tab, continue from the newest
    // copy (phone or server), and ask the browser to keep our storage.
    {
        let period = period.clone();
        Effect::new(move |_| {
            crate::browser::request_persistent_storage();
            let lock = format!("kaohe-draft-{user_id}-{period}");
            crate::browser::hold_lock(&lock, move |held| owns_tab.set(held));
            let local = store::load_draft(&LocalStorage, user_id, &period);
            let server = Some((draft.get_untracked(), rev.get_untracked())).filter(|(_, r)| *r > 0);
            if let Some((body, r)) = store::newest(local, server) {
                if r > rev.get_untracked() {
                    draft.set(body);
                    rev.set(r);
                }
            }
        });
    }

    // Save on every change: local storage now, the server after a pause in typing.
    {
        let (period, scheme_id) = (period.clone(), scheme_id.clone());
        Effect::new(move |previous: Option<i64>| {
            let r = rev.get();
            if previous.is_none_or(|p| p == r) {
                return r;
            }
            let body = draft.get_untracked();
            let local = LocalDraft {
                period: period.clone(),
                scheme_id: scheme_id.clone(),
                scheme_version: version,
                client_rev: r,
                body: body.clone(),
            };
            store::save_draft(&mut LocalStorage, user_id, &local);
            state.set(SaveState::SavedLocally);
            let save = DraftSave {
                period: period.clone(),
                scheme_id: scheme_id.clone(),
                scheme_version: version,
                body,
                client_rev: r,
            };
            set_timeout(
                move || {
                    if rev.get_untracked() != r || !crate::browser::online() {
                        return;
                    }
                    leptos::task::spawn_local(async move {
                        if super::save_draft(save).await.is_ok() && rev.get_untracked() == r {
                            state.set(SaveState::Synced);
                        }
                    });
                },
                std::time::Duration::from_millis(1200),
            );
            r
        });
    }

    // A submission delivered later from the outbox (e.g. when the network came back).
    {
        let period = period.clone();
        Effect::new(move |_| {
            if let Some(receipt) = outbox.delivered.get() {
                if receipt.period == period {
                    filed.set(Some(receipt.clone()));
                    state.set(SaveState::Sent(receipt));
                }
            }
        });
    }

    let submit = {
        let (period, scheme_id) = (period.clone(), scheme_id.clone());
        move |nothing_to_report: bool| {
            if !editable.get_untracked() {
                return;
            }
            if nothing_to_report {
                form.edit(|d| d.filing.nothing_to_report = true);
            } else if draft.with_untracked(|d| d.filing.nothing_to_report) {
                form.edit(|d| d.filing.nothing_to_report = false);
            }
            show_problems.set(true);
            if !nothing_to_report && !problems.with_untracked(BTreeMap::is_empty) {
                state.set(SaveState::Incomplete);
                return;
            }
            let Ok(claimed) = evaluation.get_untracked() else { return };
            let submission = Submission {
                period: period.clone(),
                scheme_id: scheme_id.clone(),
                scheme_version: version,
                idempotency_key: crate::browser::random_key(),
                draft: draft.get_untracked(),
                claimed,
            };
            // Into the outbox before the first attempt: if the answer is lost, the same
            // key is sent again and the server answers with what it stored.
            store::enqueue(&mut LocalStorage, user_id, &submission);
            state.set(SaveState::Sending);
            let period = period.clone();
            leptos::task::spawn_local(async move {
                match send_now(user_id, submission).await {
                    SendOutcome::Delivered(receipt) => {
                        store::clear_draft(&mut LocalStorage, user_id, &period);
                        filed.set(Some(receipt.clone()));
                        state.set(SaveState::Sent(receipt));
                    }
                    SendOutcome::Offline => state.set(SaveState::Queued),
                    SendOutcome::Refused(e) => state.set(SaveState::Refused(e)),
                }
            });
        }
    };
    let submit_report = submit.clone();
    let submit_nothing = submit;
    // `/filing?nothing=1` (from a unit head's queue card) opens with the confirmation
    // showing: the card's tap was the first of the two.
    let asked_nothing = use_query_map().with_untracked(|q| q.get("nothing").as_deref() == Some("1"));
    let confirming_nothing = RwSignal::new(asked_nothing && info.allows_nothing_to_report && editable.get_untracked());

    let status_line = move || match state.get() {
        SaveState::Clean => None,
        SaveState::SavedLocally => Some(view! { <span>{t!(i18n, filing_saved_local)}</span> }.into_any()),
        SaveState::Synced => Some(view! { <span>{t!(i18n, filing_synced)}</span> }.into_any()),
        SaveState::Sending => Some(view! { <span>{t!(i18n, filing_submitting)}</span> }.into_any()),
        SaveState::Queued => {
            Some(view! { <span class="warn" data-testid="filing-queued">{t!(i18n, filing_queued)}</span> }.into_any())
        }
        SaveState::Sent(r) => {
            let total = r.total.clone();
            Some(
                view! { <span class="ok" data-testid="filing-sent">{t!(i18n, filing_submitted, total)}</span> }
                    .into_any(),
            )
        }
        SaveState::Refused(error) => Some(
            view! { <span class="error" role="alert" data-testid="filing-refused"><ErrorText error /></span> }
                .into_any(),
        ),
        SaveState::Incomplete => {
            Some(view! { <span class="error" role="alert">{t!(i18n, filing_fix)}</span> }.into_any())
        }
    };

    let banner = move || {
        if !owns_tab.get() {
            return Some(
                view! { <p class="banner banner-warn" data-testid="other-tab">{t!(i18n, filing_other_tab)}</p> }
                    .into_any(),
            );
        }
        filed.get().map(|r| {
            let n = r.revision;
            let late = r.late;
            let view = match r.status {
                super::FilingStatus::Submitted => {
                    if r.nothing_to_report {
                        view! { <span>{t!(i18n, filing_nothing_filed)}</span> }.into_any()
                    } else {
                        view! { <span>{t!(i18n, filing_status_submitted, n)}</span> }.into_any()
                    }
                }
                super::FilingStatus::Returned => view! { <span>{t!(i18n, filing_status_returned)}</span> }.into_any(),
                _ => view! { <span>{t!(i18n, filing_status_locked)}</span> }.into_any(),
            };
            view! {
                <p class="banner" data-testid="filing-status" data-status=r.status.as_str()>
                    {view}
                    {late.then(|| view! { <span class="chip chip-warn">{t!(i18n, filing_late_chip)}</span> })}
                </p>
            }
            .into_any()
        })
    };

    let allows_nothing = info.allows_nothing_to_report;
    // What the scheme says an empty period counts as, in its own words.
    let empty_note = scheme.with_value(|s| s.scheme().empty_period.as_ref().and_then(|e| e.note.clone()));
    view! {
        <div class="report" data-testid="report-form" data-period=period.clone()>
            <header class="report-head">
                <h1 class="page-title">{t!(i18n, filing_title)}</h1>
                <span class="report-period" data-testid="filing-period">{period_label}</span>
            </header>
            <p class="muted report-deadline">
                {t!(i18n, filing_deadline, date = deadline.clone())}
                {overdue.then(|| view! { <span class="chip chip-warn" data-testid="filing-overdue">{t!(i18n, filing_overdue)}</span> })}
            </p>
            {banner}
            <ScoreCard />
            {allows_nothing.then(|| {
                let submit_nothing = submit_nothing.clone();
                view! {
                    <div class="nothing">
                        <Show
                            when=move || confirming_nothing.get()
                            fallback=move || view! {
                                <button
                                    class="btn btn-secondary btn-block"
                                    data-testid="nothing-this-month"
                                    disabled=move || !editable.get()
                                    on:click=move |_| confirming_nothing.set(true)
                                >
                                    {t!(i18n, filing_nothing)}
                                </button>
                            }
                        >
                            {
                                let submit_nothing = submit_nothing.clone();
                                view! {
                                    <div class="confirm">
                                        <p>{t!(i18n, filing_nothing_hint)}</p>
                                        {empty_note.clone().map(|note| view! {
                                            <p class="muted" data-testid="nothing-note">{note}</p>
                                        })}
                                        <div class="row">
                                            <button class="btn btn-ghost" on:click=move |_| confirming_nothing.set(false)>
                                                {t!(i18n, filing_cancel)}
                                            </button>
                                            <button
                                                class="btn btn-primary"
                                                data-testid="nothing-confirm"
                                                on:click=move |_| {
                                                    confirming_nothing.set(false);
                                                    submit_nothing(true);
                                                }
                                            >
                                                {t!(i18n, filing_nothing_confirm)}
                                            </button>
                                        </div>
                                    </div>
                                }
                            }
                        </Show>
                    </div>
                }
            })}
            <WorkEntries />
            <IndicatorFields />
            <div class="submit-bar">
                <p class="save-state" aria-live="polite" data-testid="save-state">{status_line}</p>
                <button
                    class="btn btn-primary btn-block"
                    data-testid="submit"
                    disabled=move || !editable.get() || matches!(state.get(), SaveState::Sending)
                    on:click=move |_| submit_report(false)
                >
                    {move || if filed.with(Option::is_some) { t_string!(i18n, filing_resubmit) } else { t_string!(i18n, filing_submit) }}
                </button>
            </div>
        </div>
    }
}
