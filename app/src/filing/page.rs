//! `/filing`: the report of the period to file now (`?period=2026-11`: of that period).

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::form::ReportForm;
use super::period_report;
use crate::i18n::*;
use crate::ui::{ErrorPanel, Loading};

#[component]
pub fn FilingPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let report = Resource::new(move || query.with(|q| q.get("period")), period_report);
    view! {
        <section class="stack" data-testid="page-filing">
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match report.await {
                        Ok(Some(ctx)) => EitherOf3::A(view! { <ReportForm ctx /> }),
                        Ok(None) => EitherOf3::B(view! {
                            <h1 class="page-title">{t!(i18n, filing_title)}</h1>
                            <p class="card" data-testid="filing-empty">{t!(i18n, filing_no_scheme)}</p>
                        }),
                        Err(error) => EitherOf3::C(view! { <ErrorPanel error /> }),
                    }
                })}
            </Transition>
        </section>
    }
}
