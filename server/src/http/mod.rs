//! HTTP concerns outside Leptos: CSRF defence, the sign-in gate for pages, health.

pub mod csrf;
pub mod evidence;
pub mod gate;
pub mod health;
pub mod status;

use app::error::AppError;
use axum::response::{IntoResponse, Response};

/// An [`AppError`] as a plain JSON response with its status (for middleware and
/// non-Leptos endpoints; server functions encode it themselves).
pub fn error_response(error: &AppError) -> Response {
    let status = http::StatusCode::from_u16(error.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(error)).into_response()
}
