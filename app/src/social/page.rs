//! `/campaigns`: the organisation admin opens 社会评议 campaigns, prints their posters,
//! watches the counts and flags, and closes them.

use leptos::either::Either;
use leptos::prelude::*;

use super::{close_campaign, create_campaign, load_campaigns, Campaign, CampaignBoard, Flag, NewCampaign};
use crate::error::AppError;
use crate::i18n::*;
use crate::ui::{ErrorPanel, ErrorText, Loading};

#[component]
pub fn CampaignsPage() -> impl IntoView {
    let i18n = use_i18n();
    let board = Resource::new(|| (), |_| load_campaigns());
    view! {
        <section class="stack" data-testid="page-campaigns">
            <h1 class="page-title">{t!(i18n, social_title)}</h1>
            <p class="muted">{t!(i18n, social_hint)}</p>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match board.await {
                        Ok(initial) => Either::Left(view! { <Board initial /> }),
                        Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The form and the list, kept current by each create and close.
#[component]
fn Board(initial: CampaignBoard) -> impl IntoView {
    let i18n = use_i18n();
    let campaigns = RwSignal::new(initial.campaigns.clone());
    let updated = move |c: Campaign| {
        campaigns.update(|list| match list.iter_mut().find(|x| x.id == c.id) {
            Some(slot) => *slot = c,
            None => list.insert(0, c),
        });
    };
    view! {
        <NewCampaignForm board=initial on_created=updated />
        <h2 class="section-title">{t!(i18n, social_list)}</h2>
        {move || {
            let list = campaigns.get();
            if list.is_empty() {
                Either::Left(view! { <p class="muted" data-testid="campaigns-none">{t!(i18n, social_none)}</p> })
            } else {
                Either::Right(
                    list.into_iter().map(|c| view! { <CampaignCard c on_closed=updated /> }).collect_view(),
                )
            }
        }}
    }
}

#[component]
fn NewCampaignForm(
    board: CampaignBoard,
    on_created: impl Fn(Campaign) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let units = StoredValue::new(board.units);
    let first_unit = units.with_value(|u| u.first().map(|u| u.id).unwrap_or(0));
    let draft =
        RwSignal::new(NewCampaign { unit_id: first_unit, person_id: None, period: board.default_period, days: 14 });
    let create = Action::new(move |c: &NewCampaign| create_campaign(c.clone()));
    let error = RwSignal::new(None::<AppError>);
    Effect::new(move |_| match create.value().get() {
        Some(Ok(c)) => {
            error.set(None);
            on_created(c);
        }
        Some(Err(e)) => error.set(Some(e)),
        None => {}
    });
    let people = move || {
        let unit_id = draft.with(|d| d.unit_id);
        units.with_value(|u| u.iter().find(|u| u.id == unit_id).map(|u| u.people.clone()).unwrap_or_default())
    };
    view! {
        <section class="card stack" data-testid="campaign-form">
            <h2>{t!(i18n, social_new)}</h2>
            <label class="field">
                <span>{t!(i18n, social_unit)}</span>
                <select data-testid="campaign-unit" on:change=move |ev| {
                    let id = event_target_value(&ev).parse().unwrap_or(0);
                    draft.update(|d| { d.unit_id = id; d.person_id = None; });
                }>
                    {units.with_value(|u| u.iter().map(|u| {
                        let id = u.id;
                        view! { <option value=id.to_string() selected=move || draft.with(|d| d.unit_id == id)>{u.name.clone()}</option> }
                    }).collect_view())}
                </select>
            </label>
            <label class="field">
                <span>{t!(i18n, social_person)}</span>
                <select data-testid="campaign-person" on:change=move |ev| {
                    let id = event_target_value(&ev).parse().ok();
                    draft.update(|d| d.person_id = id);
                }>
                    <option value="" selected=move || draft.with(|d| d.person_id.is_none())>{t!(i18n, social_whole_unit)}</option>
                    {move || people().into_iter().map(|p| {
                        let id = p.id;
                        let label = format!("{}（{}）", p.name, p.post);
                        view! { <option value=id.to_string() selected=move || draft.with(|d| d.person_id == Some(id))>{label}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span>{t!(i18n, social_period)}</span>
                <input data-testid="campaign-period" placeholder="2026-11"
                    prop:value=move || draft.with(|d| d.period.clone())
                    on:input=move |ev| draft.update(|d| d.period = event_target_value(&ev)) />
            </label>
            <label class="field">
                <span>{t!(i18n, social_days)}</span>
                <input type="number" min="1" max=super::MAX_DAYS.to_string() data-testid="campaign-days"
                    prop:value=move || draft.with(|d| d.days.to_string())
                    on:input=move |ev| draft.update(|d| d.days = event_target_value(&ev).parse().unwrap_or(0)) />
            </label>
            {move || error.get().map(|error| view! { <p class="form-error" role="alert"><ErrorText error /></p> })}
            <button class="btn btn-primary btn-block" data-testid="campaign-create"
                disabled=move || create.pending().get()
                on:click=move |_| { create.dispatch(draft.get_untracked()); }>
                {t!(i18n, social_create)}
            </button>
        </section>
    }
}

#[component]
fn CampaignCard(c: Campaign, on_closed: impl Fn(Campaign) + Copy + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let id = c.id;
    let close = Action::new(move |_: &()| close_campaign(id));
    Effect::new(move |_| {
        if let Some(Ok(c)) = close.value().get() {
            on_closed(c);
        }
    });
    let status =
        if c.open { t_string!(i18n, social_open).to_string() } else { t_string!(i18n, social_ended).to_string() };
    let period_line = format!("{} · {}", c.period_label, t_string!(i18n, social_ends, at = c.ends_at.clone()));
    let counts = t_string!(
        i18n,
        social_counts,
        satisfied = c.satisfied,
        basic = c.basic,
        dissatisfied = c.dissatisfied,
        total = c.total
    )
    .to_string();
    let flagged = !c.flags.is_empty();
    let flags = c
        .flags
        .iter()
        .map(|f| {
            let text = match f {
                Flag::Burst { at, minutes, count } => {
                    t_string!(i18n, social_flag_burst, at = at.clone(), minutes = *minutes, count = *count).to_string()
                }
                Flag::OneSource { count, total, percent } => {
                    t_string!(i18n, social_flag_source, percent = *percent, count = *count, total = *total).to_string()
                }
            };
            view! { <li class="flag" data-testid="campaign-flag">{format!("⚑ {text}")}</li> }
        })
        .collect_view();
    let base = format!("/admin/campaigns/{id}");
    view! {
        <article class="card campaign" class:flagged=flagged data-testid="campaign" data-open=c.open.to_string()>
            <header class="card-head">
                <h2>{c.title}</h2>
                <span class="chip" class:chip-warn=!c.open>{status}</span>
            </header>
            <p class="muted">{period_line}</p>
            <p data-testid="campaign-counts">{counts}</p>
            <ul class="campaign-flags">{flags}</ul>
            <input class="campaign-link" readonly data-testid="campaign-link" value=c.link />
            <p class="campaign-actions">
                <a class="btn btn-secondary btn-small" rel="external" target="_blank" data-testid="campaign-poster"
                    href=format!("{base}/poster")>{t!(i18n, social_poster)}</a>
                <a class="btn btn-ghost btn-small" rel="external" target="_blank" href=format!("{base}/qr.svg")>"SVG"</a>
                <a class="btn btn-ghost btn-small" rel="external" target="_blank" href=format!("{base}/qr.png")>"PNG"</a>
                {c.open.then(|| view! {
                    <button class="btn btn-ghost btn-small" data-testid="campaign-close"
                        disabled=move || close.pending().get()
                        on:click=move |_| { close.dispatch(()); }>
                        {t!(i18n, social_close)}
                    </button>
                })}
            </p>
        </article>
    }
}
