//! The session cookie.
//!
//! `__Host-` makes the browser refuse it unless it is `Secure`, has `Path=/` and no
//! `Domain`, so no sibling sub-domain can plant or read it. `HttpOnly` keeps it from
//! scripts; `SameSite=Strict` keeps it off cross-site requests. Browsers accept `Secure`
//! cookies from `http://localhost` and `127.0.0.1`; production runs behind TLS.

use cookie::{Cookie, SameSite};
use http::HeaderMap;

/// The cookie's name.
pub const NAME: &str = "__Host-kaohe";

/// `Set-Cookie` value carrying `token` for `max_age_secs`.
pub fn set(token: &str, max_age_secs: i64) -> String {
    Cookie::build((NAME, token))
        .path("/")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Strict)
        .max_age(cookie::time::Duration::seconds(max_age_secs))
        .build()
        .to_string()
}

/// `Set-Cookie` value that removes the cookie.
pub fn clear() -> String {
    set("", 0)
}

/// The session token sent with the request, if any.
pub fn token(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == NAME && !c.value().is_empty())
        .map(|c| c.value().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_is_host_only_secure_httponly_strict() {
        let v = set("tok", 3600);
        for part in ["__Host-kaohe=tok", "Path=/", "Secure", "HttpOnly", "SameSite=Strict", "Max-Age=3600"] {
            assert!(v.contains(part), "{v} lacks {part}");
        }
        assert!(!v.contains("Domain"));
    }

    #[test]
    fn the_token_is_found_among_other_cookies() {
        let mut h = HeaderMap::new();
        h.append(http::header::COOKIE, "a=1; __Host-kaohe=tok; i18n_pref_locale=zh".parse().unwrap());
        assert_eq!(token(&h).as_deref(), Some("tok"));
        let mut h = HeaderMap::new();
        h.append(http::header::COOKIE, "kaohe=tok".parse().unwrap());
        assert_eq!(token(&h), None);
    }

    #[test]
    fn clearing_sends_an_empty_expired_cookie() {
        let v = clear();
        assert!(v.starts_with("__Host-kaohe=;"));
        assert!(v.contains("Max-Age=0"));
    }
}
