use leptos::prelude::*;

use crate::i18n::*;

/// 方案: the organisation department's assessment schemes.
#[component]
pub fn SchemesPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="stack" data-testid="page-schemes">
            <h1 class="page-title">{t!(i18n, schemes_title)}</h1>
            <p class="card">{t!(i18n, schemes_hint)}</p>
            <a class="btn btn-secondary btn-block" href="/evaluations" data-testid="to-evaluations">
                {t!(i18n, schemes_to_evaluations)}
            </a>
            <a class="btn btn-secondary btn-block" href="/campaigns" data-testid="to-campaigns">
                {t!(i18n, social_manage)}
            </a>
        </section>
    }
}
