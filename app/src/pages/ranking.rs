use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::*;
use crate::org::peer_groups;
use crate::ui::{ErrorPanel, Loading};

/// 排名: units by peer group (rankings fill in as periods close).
#[component]
pub fn RankingPage() -> impl IntoView {
    let i18n = use_i18n();
    let groups = Resource::new(|| (), |_| peer_groups());
    view! {
        <section class="stack" data-testid="page-ranking">
            <h1 class="page-title">{t!(i18n, ranking_title)}</h1>
            <p class="muted">{t!(i18n, ranking_hint)}</p>
            <A href="/review-admin" attr:class="btn btn-ghost" attr:data-testid="to-review-admin">
                {t!(i18n, ranking_review_admin)}
            </A>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match groups.await {
                        Ok(groups) => Either::Left(
                            groups
                                .into_iter()
                                .map(|g| {
                                    let count = g.units.len();
                                    view! {
                                        <article class="card" data-testid="peer-group">
                                            <header class="card-head">
                                                <h2>{g.name}</h2>
                                                <span class="chip">{t!(i18n, ranking_units, count)}</span>
                                            </header>
                                            <ul class="list">
                                                {g.units
                                                    .into_iter()
                                                    .map(|u| view! {
                                                        <li class="list-row">
                                                            <span class="list-main">{u.name}</span>
                                                            <span class="list-sub">
                                                                {u.category} " · "
                                                                {t!(i18n, unit_members, count = u.member_count)}
                                                            </span>
                                                        </li>
                                                    })
                                                    .collect_view()}
                                            </ul>
                                        </article>
                                    }
                                })
                                .collect_view(),
                        ),
                        Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                    }
                })}
            </Transition>
        </section>
    }
}
