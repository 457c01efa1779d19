use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::*;
use crate::model::Profile;
use crate::org::my_profile;
use crate::ui::{ErrorPanel, Loading, RoleName, TierName};

/// 我的考核: the cadre's own record.
#[component]
pub fn MinePage() -> impl IntoView {
    let i18n = use_i18n();
    let profile = Resource::new(|| (), |_| my_profile());
    view! {
        <section class="stack" data-testid="page-mine">
            <h1 class="page-title">{t!(i18n, mine_title)}</h1>
            <Transition fallback=Loading>
                {move || Suspend::new(async move {
                    match profile.await {
                        Ok(p) => Either::Left(view! {
                            {p.person.is_some().then(|| view! {
                                <a class="btn btn-secondary btn-block" href="/sanliang" data-testid="sanliang-link">
                                    {t!(i18n, sl_mine_link)}
                                </a>
                            })}
                            <ProfileCard profile=p />
                        }),
                        Err(error) => Either::Right(view! { <ErrorPanel error /> }),
                    }
                })}
            </Transition>
            <A href="/evaluate" attr:class="btn btn-secondary btn-block" attr:data-testid="to-evaluate">
                {t!(i18n, mine_evaluate)}
            </A>
            <A href="/publicity" attr:class="btn btn-ghost" attr:data-testid="to-publicity">
                {t!(i18n, mine_publicity)}
            </A>
            <LanguageSwitch />
        </section>
    }
}

#[component]
fn ProfileCard(profile: Profile) -> impl IntoView {
    let i18n = use_i18n();
    let Profile { display_name, username, roles, person, unit } = profile;
    view! {
        <dl class="card facts" data-testid="profile">
            <dt>{t!(i18n, field_name)}</dt>
            <dd>{display_name}</dd>
            {person.map(|m| view! {
                <dt>{t!(i18n, field_post)}</dt>
                <dd>{m.post}</dd>
                <dt>{t!(i18n, field_tier)}</dt>
                <dd><TierName tier=m.tier /></dd>
            })}
            {unit.map(|u| view! {
                <dt>{t!(i18n, field_unit)}</dt>
                <dd>{u.name}</dd>
                <dt>{t!(i18n, field_category)}</dt>
                <dd>{u.category}</dd>
                <dt>{t!(i18n, field_peer_group)}</dt>
                <dd>{u.peer_group}</dd>
            })}
            <dt>{t!(i18n, field_username)}</dt>
            <dd>{username}</dd>
            <dt>{t!(i18n, field_roles)}</dt>
            <dd>
                {roles.into_iter().map(|role| view! { <span class="chip"><RoleName role /></span> }).collect_view()}
            </dd>
        </dl>
    }
}

/// Switches between 简体中文 and English (remembered in a cookie).
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let toggle = move |_| {
        let next = match i18n.get_locale() {
            Locale::zh => Locale::en,
            Locale::en => Locale::zh,
        };
        i18n.set_locale(next);
    };
    view! {
        <button class="btn btn-ghost" on:click=toggle data-testid="switch-language">
            {t!(i18n, switch_language)}
        </button>
    }
}
