use leptos::either::Either;
use leptos::prelude::*;

use crate::i18n::*;
use crate::model::UnitRoster;
use crate::org::my_units;
use crate::ui::{ErrorPanel, Loading, TierName};

/// 本单位: the people of the units a leader supervises.
#[component]
pub fn UnitPage() -> impl IntoView {
    let i18n = use_i18n();
    let units = Resource::new(|| (), |_| my_units());
    view! {
        <section class="stack" data-testid="page-unit">
            <h1 class="page-title">{t!(i18n, unit_title)}</h1>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match units.await {
                        Ok(units) if units.is_empty() => {
                            Either::Left(Either::Left(view! { <p class="card">{t!(i18n, unit_none)}</p> }))
                        }
                        Ok(units) => Either::Left(Either::Right(
                            units.into_iter().map(|roster| view! { <RosterCard roster /> }).collect_view(),
                        )),
                        Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RosterCard(roster: UnitRoster) -> impl IntoView {
    let i18n = use_i18n();
    let UnitRoster { unit, members } = roster;
    let count = members.len();
    view! {
        <article class="card" data-testid="unit-roster">
            <header class="card-head">
                <h2>{unit.name}</h2>
                <span class="chip">{unit.peer_group}</span>
            </header>
            <p class="muted">{t!(i18n, unit_members, count)}</p>
            <ul class="list">
                {members
                    .into_iter()
                    .map(|m| {
                        view! {
                            <li>
                                <a class="list-row list-link" href=format!("/people/{}", m.person_id) data-testid="member-link">
                                    <span class="list-main">{m.name}</span>
                                    <span class="list-sub">{m.post} " · " <TierName tier=m.tier /></span>
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </article>
    }
}
