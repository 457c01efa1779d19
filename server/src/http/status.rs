//! The HTTP status of a server function's error follows its `code`.
//!
//! A server function sets its error's status itself ([`app::backend::ssr::with_status`]),
//! but only once its body runs: when Leptos cannot even read the arguments (a JSON body
//! posted to a form-encoded function, a missing or mistyped field) it answers with
//! status 500 and the body `{"code":"invalid",…}`. The client's mistake must not look like
//! the server's failure, so for `/api/` responses with status 500 the status is taken from
//! the error in the body. Only those responses are read; they are small.

use app::error::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::StatusCode;

/// Error bodies are a few hundred bytes; anything larger is passed on as it is.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Gives `/api/` 500 responses the status of the [`AppError`] they carry.
pub async fn status_from_code(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    if !api || response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Some(status) = status_of(&bytes) {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The status of the error a body holds, if it holds one.
fn status_of(body: &[u8]) -> Option<StatusCode> {
    let error: AppError = serde_json::from_slice(body).ok()?;
    StatusCode::from_u16(error.status()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_decides_the_status() {
        assert_eq!(
            status_of(br#"{"code":"invalid","fields":{"request":"x"}}"#),
            Some(StatusCode::UNPROCESSABLE_ENTITY)
        );
        assert_eq!(status_of(br#"{"code":"forbidden"}"#), Some(StatusCode::FORBIDDEN));
        assert_eq!(status_of(br#"{"code":"internal"}"#), Some(StatusCode::INTERNAL_SERVER_ERROR));
        assert_eq!(status_of(b"not json"), None);
    }
}
