//! Small shared pieces of UI.

use leptos::prelude::*;

use crate::error::AppError;
use crate::i18n::*;
use crate::model::{Role, Tier};

/// The user-facing text of an error, in the current language.
#[component]
pub fn ErrorText(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    move || match &error {
        AppError::Unauthenticated => t_string!(i18n, err_unauthenticated).to_string(),
        AppError::InvalidCredentials => t_string!(i18n, err_invalid_credentials).to_string(),
        AppError::RateLimited { retry_after_secs } => {
            let secs = *retry_after_secs;
            t_string!(i18n, err_rate_limited, secs).to_string()
        }
        AppError::Forbidden => t_string!(i18n, err_forbidden).to_string(),
        AppError::CrossSite => t_string!(i18n, err_cross_site).to_string(),
        AppError::NotFound => t_string!(i18n, err_not_found).to_string(),
        AppError::Invalid { fields } => {
            let head = t_string!(i18n, err_invalid).to_string();
            if fields.is_empty() {
                head
            } else {
                let details: Vec<&str> = fields.values().map(String::as_str).collect();
                format!("{head}：{}", details.join("；"))
            }
        }
        AppError::ScoreMismatch { .. } => t_string!(i18n, err_score_mismatch).to_string(),
        AppError::Conflict { message } if !message.is_empty() => message.clone(),
        AppError::Conflict { .. } => t_string!(i18n, err_conflict).to_string(),
        AppError::Internal => t_string!(i18n, err_internal).to_string(),
        AppError::Transport { .. } => t_string!(i18n, err_transport).to_string(),
    }
}

/// A block showing an error in place of content.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let code = error.code();
    view! {
        <div class="panel panel-error" role="alert" data-testid="error-panel" data-code=code>
            <ErrorText error />
        </div>
    }
}

/// A spinner line while a page loads.
#[component]
pub fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="loading">{t!(i18n, loading)}</p> }
}

/// The name of a tier in the current language.
#[component]
pub fn TierName(tier: Tier) -> impl IntoView {
    let i18n = use_i18n();
    move || match tier {
        Tier::Principal => t_string!(i18n, tier_principal),
        Tier::Section => t_string!(i18n, tier_section),
        Tier::Staff => t_string!(i18n, tier_staff),
    }
}

/// The name of a role in the current language.
#[component]
pub fn RoleName(role: Role) -> impl IntoView {
    let i18n = use_i18n();
    move || match role {
        Role::Cadre => t_string!(i18n, role_cadre),
        Role::Leader => t_string!(i18n, role_leader),
        Role::Admin => t_string!(i18n, role_admin),
    }
}
