use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::*;

/// Any path without a page.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <div class="page page-center">
            <h1>{t!(i18n, not_found)}</h1>
            <A href="/" attr:class="btn btn-primary">
                {t!(i18n, back_home)}
            </A>
        </div>
    }
}
