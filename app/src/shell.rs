//! The HTML document and the route table.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::auth::{provide_session, LoginPage};
use crate::evaluation::{EvaluatePage, EvaluationAdminPage};
use crate::i18n::I18nContextProvider;
use crate::layout::{AppLayout, HomeRedirect};
use crate::pages::{
    FilingPage, MinePage, NotFound, PublicityBoardPage, PublicityPage, RankingPage, ReviewAdminPage, ReviewFilingPage,
    ReviewPage, SchemesPage, UnitPage,
};
use crate::sanliang::{PersonSanLiangPage, SanLiangPage};

/// The document the server renders around the app. Manifest and service worker make it
/// an installable app that opens offline after the first visit.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="zh-CN">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                <meta name="theme-color" content="#b3261e" />
                <meta name="description" content="干部平时考核" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" type="image/png" sizes="192x192" href="/icons/icon-192.png" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                <script src="/pwa.js" defer></script>
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The whole app: i18n, the signed-in session, and the routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_session();

    view! {
        <Stylesheet id="leptos" href="/pkg/kaohe.css" />
        <Title text="考核" />
        <I18nContextProvider>
            <Router>
                <Routes fallback=NotFound>
                    <Route path=path!("/login") view=LoginPage />
                    // Signed-in pages render once all their data is in (`Async`) instead of
                    // streaming out of order: the HTML the phone hydrates is then the same
                    // whatever order the queries finish in. They are a few small queries.
                    <ParentRoute path=path!("") view=AppLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=HomeRedirect />
                        <Route path=path!("filing") view=FilingPage />
                        <Route path=path!("me") view=MinePage />
                        <Route path=path!("sanliang") view=SanLiangPage />
                        <Route path=path!("people/:id") view=PersonSanLiangPage />
                        <Route path=path!("review") view=ReviewPage />
                        <Route path=path!("review/:id") view=ReviewFilingPage />
                        <Route path=path!("publicity") view=PublicityPage />
                        <Route path=path!("publicity/:unit/:period") view=PublicityBoardPage />
                        <Route path=path!("review-admin") view=ReviewAdminPage />
                        <Route path=path!("evaluate") view=EvaluatePage />
                        <Route path=path!("evaluations") view=EvaluationAdminPage />
                        <Route path=path!("unit") view=UnitPage />
                        <Route path=path!("schemes") view=SchemesPage />
                        <Route path=path!("ranking") view=RankingPage />
                        <Route path=path!("campaigns") view=crate::social::CampaignsPage />
                    </ParentRoute>
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}
