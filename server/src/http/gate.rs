//! The sign-in gate in front of pages: a page request without a valid session goes to
//! `/login` before anything renders, `/` goes to the home of the user's first role, and a
//! signed-in user asking for `/login` goes home. Works the same without WebAssembly.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::Method;

use super::error_response;
use crate::backend::ServerBackend;

/// Where a page request should go instead, if anywhere.
pub fn redirect_for(path: &str, home: Option<&str>) -> Option<String> {
    match (path, home) {
        ("/login", Some(home)) | ("/", Some(home)) => Some(home.to_string()),
        ("/login", None) => None,
        (_, None) => Some("/login".to_string()),
        (_, Some(_)) => None,
    }
}

pub async fn page_gate(State(backend): State<ServerBackend>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    // Server functions registered on the same router answer for themselves.
    if !matches!(*req.method(), Method::GET | Method::HEAD) || path.starts_with("/api/") {
        return next.run(req).await;
    }
    let user = match backend.auth.session_user(req.headers()).await {
        Ok(user) => user,
        Err(e) => return error_response(&e),
    };
    match redirect_for(path, user.as_ref().map(|u| u.home())) {
        Some(to) => Redirect::to(&to).into_response(),
        None => next.run(req).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strangers_go_to_login_except_on_login() {
        assert_eq!(redirect_for("/filing", None).as_deref(), Some("/login"));
        assert_eq!(redirect_for("/", None).as_deref(), Some("/login"));
        assert_eq!(redirect_for("/login", None), None);
    }

    #[test]
    fn signed_in_users_go_home_from_root_and_login() {
        assert_eq!(redirect_for("/", Some("/review")).as_deref(), Some("/review"));
        assert_eq!(redirect_for("/login", Some("/filing")).as_deref(), Some("/filing"));
        assert_eq!(redirect_for("/unit", Some("/review")), None);
    }
}
