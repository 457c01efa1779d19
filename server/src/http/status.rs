//! The HTTP status of a server function's error follows its `code`.
//!
//! A server function sets its error's status itself ([`app::backend::ssr::with_status`]),
//! but only once its body runs: when Leptos cannot even read the arguments (a JSON body
//! posted to a form-encoded function, a missing or mistyped field) it answers with
//! status 500 and the body `{"code":"invalid",…}`. The client's mistake must not look like
//! the server's failure, so for `/api/` responses with status 500 the status is taken from
//! the error in the body. Only those responses are read; they are small.
//!
//! A path under `/api/` that names no server function falls through to the page
//! fallback, which answers an HTML page; a script calling the API gets the error JSON
//! instead, like every other API error.

use app::error::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::CONTENT_TYPE;
use http::{HeaderValue, StatusCode};

/// Error bodies are a few hundred bytes; anything larger is passed on as it is.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// Gives `/api/` 500 responses the status of the [`AppError`] they carry.
pub async fn status_from_code(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    if !api {
        return response;
    }
    if response.status() == StatusCode::NOT_FOUND && !is_json(&response) {
        return not_found();
    }
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
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

fn is_json(response: &Response) -> bool {
    response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("json"))
}

/// `404 {"code":"not_found"}`.
fn not_found() -> Response {
    let body = serde_json::to_vec(&AppError::NotFound).unwrap_or_else(|_| br#"{"code":"not_found"}"#.to_vec());
    let mut response = (StatusCode::NOT_FOUND, body).into_response();
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
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
