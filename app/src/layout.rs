//! The frame of every signed-in page: a header, the page, and a bottom tab bar with the
//! tabs of the user's roles (designed at 360×740; tabs are thumb-sized, ≥ 56 px tall).

use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};

use crate::auth::use_session;
use crate::i18n::*;
use crate::model::{Role, SessionUser};
use crate::review::{review_count, QueueVersion, ReviewCountBadge};
use crate::ui::{ErrorPanel, Loading};

/// One tab of the bottom bar.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    Filing,
    Mine,
    Review,
    Unit,
    Schemes,
    Ranking,
}

impl Tab {
    pub fn href(self) -> &'static str {
        match self {
            Tab::Filing => "/filing",
            Tab::Mine => "/me",
            Tab::Review => "/review",
            Tab::Unit => "/unit",
            Tab::Schemes => "/schemes",
            Tab::Ranking => "/ranking",
        }
    }

    fn icon(self) -> &'static str {
        // Simple line icons as SVG path data (24×24).
        match self {
            Tab::Filing => "M6 2h9l5 5v15H6zM14 2v6h6M9 13h8M9 17h8",
            Tab::Mine => "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21c0-4 4-6 8-6s8 2 8 6",
            Tab::Review => "M9 11l3 3 8-8M20 12v7a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h9",
            Tab::Unit => "M3 21h18M5 21V7l7-4 7 4v14M9 21v-6h6v6",
            Tab::Schemes => "M4 4h16v4H4zM4 10h16v4H4zM4 16h16v4H4z",
            Tab::Ranking => "M4 20V10M10 20V4M16 20v-7M22 20H2",
        }
    }
}

/// The tabs of a user, in the order of their roles ([`Role::HOME_ORDER`]).
pub fn tabs_for(user: &SessionUser) -> Vec<Tab> {
    Role::HOME_ORDER
        .into_iter()
        .filter(|r| user.has_role(*r))
        .flat_map(|r| match r {
            Role::Cadre => [Tab::Filing, Tab::Mine],
            Role::Leader => [Tab::Review, Tab::Unit],
            Role::Admin => [Tab::Schemes, Tab::Ranking],
        })
        .collect()
}

#[component]
fn TabLabel(tab: Tab) -> impl IntoView {
    let i18n = use_i18n();
    move || match tab {
        Tab::Filing => t_string!(i18n, tab_filing),
        Tab::Mine => t_string!(i18n, tab_mine),
        Tab::Review => t_string!(i18n, tab_review),
        Tab::Unit => t_string!(i18n, tab_unit),
        Tab::Schemes => t_string!(i18n, tab_schemes),
        Tab::Ranking => t_string!(i18n, tab_ranking),
    }
}

#[component]
fn TabBar(tabs: Vec<Tab>, count: usize) -> impl IntoView {
    view! {
        <nav class="tabbar" data-testid="tabbar">
            {tabs
                .into_iter()
                .map(|tab| {
                    view! {
                        <A href=tab.href() attr:class="tab" attr:data-testid=format!("tab-{}", &tab.href()[1..])>
                            <svg viewBox="0 0 24 24" aria-hidden="true" class="tab-icon">
                                <path d=tab.icon() />
                            </svg>
                            <span class="tab-label">
                                <TabLabel tab />
                            </span>
                            {(tab == Tab::Review).then(|| view! { <ReviewCountBadge count /> })}
                        </A>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// Shows a banner while the phone is offline (the service worker serves cached pages).
#[component]
fn OfflineBanner() -> impl IntoView {
    let i18n = use_i18n();
    // Starts online on both server and phone so hydration matches, then follows the
    // browser's real state.
    let online = RwSignal::new(true);
    #[cfg(feature = "hydrate")]
    {
        Effect::new(move |_| {
            if let Some(w) = web_sys::window() {
                online.set(w.navigator().on_line());
            }
        });
        let up = window_event_listener(leptos::ev::online, move |_| online.set(true));
        let down = window_event_listener(leptos::ev::offline, move |_| online.set(false));
        on_cleanup(move || {
            up.remove();
            down.remove();
        });
    }
    view! {
        <Show when=move || !online.get()>
            <div class="offline-banner" role="status" data-testid="offline-banner">
                {t!(i18n, offline_banner)}
            </div>
        </Show>
    }
}

/// Sends queued submissions when the app starts and whenever the network comes back,
/// whatever page is open: a report submitted offline must not wait for its page.
#[component]
fn OutboxSender(user_id: i64) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        use crate::filing::outbox::{flush, use_outbox};
        let outbox = use_outbox();
        Effect::new(move |_| flush(user_id, outbox));
        let handle = window_event_listener(leptos::ev::online, move |_| flush(user_id, outbox));
        on_cleanup(move || handle.remove());
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = user_id;
}

/// Header, page and tab bar for signed-in pages.
#[component]
pub fn AppLayout() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    // Review steps bump this so the tab's count and the queue reload.
    let version = RwSignal::new(0);
    provide_context(QueueVersion(version));
    let count = review_count(session.user, version);
    // One outbox for the whole app, shared with the report page.
    crate::filing::outbox::provide_outbox();

    let frame = move || {
        Suspend::new(async move {
            // Both awaited here, before anything renders: a Suspend nested in the frame
            // (the badge used to have one) may still be pending when the server writes the
            // frame but is ready when the phone hydrates it, and the two then differ.
            let user = session.user.await;
            let count = count.await;
            match user {
                Ok(Some(user)) => {
                    let tabs = tabs_for(&user);
                    Either::Left(view! {
                        <header class="topbar">
                            <span class="topbar-title">{t!(i18n, app_name)}</span>
                            <span class="topbar-user" data-testid="current-user">
                                {user.display_name.clone()}
                            </span>
                            <ActionForm action=session.sign_out attr:class="topbar-signout">
                                <button type="submit" class="btn btn-ghost" data-testid="sign-out">
                                    {t!(i18n, sign_out)}
                                </button>
                            </ActionForm>
                        </header>
                        <TabBar tabs count />
                        <OutboxSender user_id=user.id />
                    })
                }
                Ok(None) => Either::Right(Either::Left(view! { <Redirect path="/login" /> })),
                Err(error) => Either::Right(Either::Right(view! { <ErrorPanel error /> })),
            }
        })
    };

    view! {
        <div class="app">
            <Transition fallback=Loading>{frame}</Transition>
            <OfflineBanner />
            <main class="page">
                <Outlet />
            </main>
        </div>
    }
}

/// `/`: sends the user to the home of their first role.
#[component]
pub fn HomeRedirect() -> impl IntoView {
    let session = use_session();
    view! {
        <Transition fallback=Loading>
            {move || Suspend::new(async move {
                let home = match session.user.await {
                    Ok(Some(user)) => user.home(),
                    _ => "/login",
                };
                view! { <Redirect path=home /> }
            })}
        </Transition>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(roles: Vec<Role>) -> SessionUser {
        SessionUser {
            id: 1,
            username: "u".into(),
            display_name: "U".into(),
            roles,
            person_id: None,
            unit_id: None,
            supervised_units: vec![],
        }
    }

    #[test]
    fn each_role_brings_its_two_tabs() {
        assert_eq!(tabs_for(&user(vec![Role::Cadre])), vec![Tab::Filing, Tab::Mine]);
        assert_eq!(tabs_for(&user(vec![Role::Leader])), vec![Tab::Review, Tab::Unit]);
        assert_eq!(tabs_for(&user(vec![Role::Admin])), vec![Tab::Schemes, Tab::Ranking]);
        assert_eq!(
            tabs_for(&user(vec![Role::Leader, Role::Cadre])),
            vec![Tab::Review, Tab::Unit, Tab::Filing, Tab::Mine]
        );
    }
}
