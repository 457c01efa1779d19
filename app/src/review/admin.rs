//! `/review-admin`: the organisation admin's choices per unit (one or two review levels,
//! publicity) and how reviewers score compared with their peers.

use leptos::either::Either;
use leptos::prelude::*;

use super::{load_reviewer_stats, load_unit_settings, save_unit_settings, ReviewerStats, UnitReviewSettings};
use crate::i18n::*;
use crate::ui::{ErrorPanel, ErrorText, Loading};

#[component]
pub fn ReviewAdminPage() -> impl IntoView {
    let i18n = use_i18n();
    let settings = Resource::new(|| (), |_| load_unit_settings());
    let stats = Resource::new(|| (), |_| load_reviewer_stats());
    view! {
        <section class="stack" data-testid="page-review-admin">
            <h1 class="page-title">{t!(i18n, review_admin_title)}</h1>
            <h2 class="section-title">{t!(i18n, review_stats_title)}</h2>
            <p class="muted">{t!(i18n, review_stats_hint)}</p>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match stats.await {
                        Ok(list) if list.is_empty() => Either::Left(Either::Left(view! {
                            <p class="muted">{t!(i18n, review_stats_none)}</p>
                        })),
                        Ok(list) => Either::Left(Either::Right(
                            list.into_iter().map(|s| view! { <StatsCard s /> }).collect_view(),
                        )),
                        Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                    }
                })}
            </Transition>
            <h2 class="section-title">{t!(i18n, review_settings_title)}</h2>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match settings.await {
                        Ok(list) => Either::Left(list.into_iter().map(|s| view! { <SettingsCard s /> }).collect_view()),
                        Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn StatsCard(s: ReviewerStats) -> impl IntoView {
    let i18n = use_i18n();
    let flagged = !s.flags.is_empty();
    view! {
        <article class="card" class:flagged=flagged data-testid="reviewer-stats">
            <p><b>{s.name}</b></p>
            <p class="muted">
                {t!(i18n, review_stats_line, reviewed = s.reviewed, adjusted = s.adjusted_items,
                    change = s.mean_change.clone(), max = s.at_max_percent, distinct = s.distinct_totals)}
            </p>
            <ul>{s.flags.into_iter().map(|f| view! { <li class="flag" data-testid="reviewer-flag">"⚑ " {f}</li> }).collect_view()}</ul>
        </article>
    }
}

#[component]
fn SettingsCard(s: UnitReviewSettings) -> impl IntoView {
    let i18n = use_i18n();
    let current = RwSignal::new(s.clone());
    let save = Action::new_local(move |_: &()| {
        let s = current.get_untracked();
        async move { save_unit_settings(s).await }
    });
    let check = move |get: fn(&UnitReviewSettings) -> bool, set: fn(&mut UnitReviewSettings, bool)| {
        view! {
            <input type="checkbox" prop:checked=move || current.with(get)
                on:change=move |ev| current.update(|c| set(c, event_target_checked(&ev))) />
        }
    };
    view! {
        <article class="card" data-testid="unit-settings">
            <p><b>{s.unit_name}</b></p>
            <label data-testid="merge-levels">{check(|c| c.merged_levels, |c, v| c.merged_levels = v)} {t!(i18n, settings_merged)}</label>
            <label>{check(|c| c.publicity_district, |c, v| c.publicity_district = v)} {t!(i18n, settings_district)}</label>
            <label>{check(|c| c.show_tasks, |c, v| c.show_tasks = v)} {t!(i18n, settings_show_tasks)}</label>
            <label>{check(|c| c.show_rank, |c, v| c.show_rank = v)} {t!(i18n, settings_show_rank)}</label>
            <label>{check(|c| c.colleague_objections, |c, v| c.colleague_objections = v)} {t!(i18n, settings_colleagues)}</label>
            <label>
                {t!(i18n, settings_days)}
                <input type="number" min="1" max="30" prop:value=move || current.with(|c| c.publicity_days.to_string())
                    on:input=move |ev| current.update(|c| c.publicity_days = event_target_value(&ev).parse().unwrap_or(c.publicity_days)) />
            </label>
            <button class="btn btn-primary btn-small" data-testid="save-settings" on:click=move |_| { save.dispatch(()); }>
                {t!(i18n, settings_save)}
            </button>
            {move || save.value().get().map(|r| match r {
                Ok(_) => Either::Left(view! { <span class="muted" data-testid="settings-saved">{t!(i18n, settings_saved)}</span> }),
                Err(error) => Either::Right(view! { <p class="form-error"><ErrorText error /></p> }),
            })}
        </article>
    }
}
