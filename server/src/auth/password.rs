//! Password hashing with argon2id (RustCrypto `argon2`, OWASP default parameters).
//!
//! Hashing costs tens of milliseconds of CPU on purpose, so it runs on tokio's blocking
//! pool: a burst of sign-ins must not stall the async threads serving everyone else.

use std::sync::OnceLock;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Hashing failed (should not happen with valid parameters) or the task was lost.
#[derive(Debug, thiserror::Error)]
#[error("密码哈希失败：{0}")]
pub struct HashError(String);

/// Hashes a password into a PHC string (`$argon2id$v=19$…`).
///
/// # Errors
/// [`HashError`] if argon2 fails or the blocking task panics.
pub async fn hash(password: String) -> Result<String, HashError> {
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await.map_err(|e| HashError(e.to_string()))?
}

/// Synchronous hashing, for tools that are not on the async runtime.
///
/// # Errors
/// [`HashError`] if argon2 fails.
pub fn hash_blocking(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Whether `password` matches the stored hash. When there is no stored hash (unknown
/// user) it still verifies against a fixed dummy hash, so the answer takes as long as
/// for a real user and timing does not reveal which user names exist.
///
/// # Errors
/// [`HashError`] if the blocking task panics.
pub async fn verify(stored: Option<String>, password: String) -> Result<bool, HashError> {
    tokio::task::spawn_blocking(move || {
        let known = stored.is_some();
        let stored = stored.unwrap_or_else(|| dummy_hash().to_string());
        let ok = PasswordHash::new(&stored)
            .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false);
        known && ok
    })
    .await
    .map_err(|e| HashError(e.to_string()))
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("kaohe-dummy-password").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_own_password_only() {
        let h = hash("正确的密码".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify(Some(h.clone()), "正确的密码".into()).await.unwrap());
        assert!(!verify(Some(h), "错误的密码".into()).await.unwrap());
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        assert!(!verify(None, "kaohe-dummy-password".into()).await.unwrap());
    }

    #[tokio::test]
    async fn a_malformed_stored_hash_fails_closed() {
        assert!(!verify(Some("not-a-hash".into()), "x".into()).await.unwrap());
    }
}
