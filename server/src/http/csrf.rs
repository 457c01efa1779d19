//! Cross-site request defence for every state-changing request.
//!
//! Leptos server functions accept plain form posts and have no CSRF token of their own.
//! `SameSite=Strict` already keeps the session cookie off cross-site requests; this
//! middleware is the second wall: browsers say where a request comes from in
//! `Sec-Fetch-Site` (all current ones) or `Origin`, and anything but our own origin is
//! refused before a handler runs. Requests with neither header come from non-browser
//! clients, which carry no ambient cookies to abuse, and pass.

use app::error::AppError;
use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderMap, Method};

use super::error_response;

/// Whether a request with these headers may change state.
pub fn is_same_origin(headers: &HeaderMap) -> bool {
    let get = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = get("sec-fetch-site") {
        // "none": typed into the address bar or opened from a bookmark.
        return matches!(site, "same-origin" | "none");
    }
    if let Some(origin) = get("origin") {
        let authority = origin.split_once("://").map(|(_, rest)| rest);
        return match (authority, get("host")) {
            (Some(authority), Some(host)) => authority.eq_ignore_ascii_case(host),
            _ => false,
        };
    }
    true
}

/// Refuses unsafe methods from other origins with 403 `cross_site`.
pub async fn reject_cross_site(req: Request, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if safe || is_same_origin(req.headers()) {
        next.run(req).await
    } else {
        tracing::warn!(path = %req.uri().path(), "cross-site request refused");
        error_response(&AppError::CrossSite)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn same_origin_fetches_pass() {
        assert!(is_same_origin(&headers(&[("sec-fetch-site", "same-origin")])));
        assert!(is_same_origin(&headers(&[("origin", "http://127.0.0.1:3000"), ("host", "127.0.0.1:3000")])));
    }

    #[test]
    fn cross_site_and_same_site_fetches_are_refused() {
        assert!(!is_same_origin(&headers(&[("sec-fetch-site", "cross-site")])));
        assert!(!is_same_origin(&headers(&[("sec-fetch-site", "same-site")])));
        assert!(!is_same_origin(&headers(&[("origin", "https://evil.example"), ("host", "127.0.0.1:3000")])));
        assert!(!is_same_origin(&headers(&[("origin", "null"), ("host", "127.0.0.1:3000")])));
    }

    #[test]
    fn sec_fetch_site_wins_over_origin() {
        let h = headers(&[("sec-fetch-site", "cross-site"), ("origin", "http://a"), ("host", "a")]);
        assert!(!is_same_origin(&h));
    }

    #[test]
    fn non_browser_clients_pass() {
        assert!(is_same_origin(&HeaderMap::new()));
    }
}
