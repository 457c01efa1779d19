//! The token a campaign's QR code carries: a JWT (HS256, pinned) naming the campaign, its
//! period and scope, valid until the campaign ends.
//!
//! It is signed with a key derived from the server's signing key for this one purpose
//! (HMAC of the key and a label), so a session token can never pass as a QR token nor the
//! other way round, even before the `scope` claim is looked at. Tokens hold no `iat`: the
//! same campaign always gives the same URL, so a reprinted poster matches the first one.

use hmac::{Hmac, Mac};
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The one scope a resident's token may have.
pub const SCOPE: &str = "social_rating";

/// What the token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// Always [`SCOPE`]; anything else is refused.
    pub scope: String,
    /// The campaign id.
    pub cid: i64,
    /// The campaign's period (`2026-11`, `2026-Q4` …), checked against the campaign.
    pub period: String,
    /// The campaign's end (seconds since the epoch).
    pub exp: i64,
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Malformed, or not signed by us (forged, altered, another algorithm).
    Invalid,
    /// Ours, but past its campaign's end.
    Expired,
    /// Ours, but not for rating (or naming a different period than its campaign).
    WrongScope,
}

/// HMAC-SHA256 of `secret` and `label`: a key for one purpose only.
pub fn derive_key(secret: &[u8], label: &str) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret).expect("HMAC takes keys of any length");
    mac.update(label.as_bytes());
    mac.finalize().into_bytes().into()
}

/// Signing and verification keys for QR tokens, built once at start-up.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(***)")
    }
}

impl TokenKeys {
    /// Keys derived from the server's signing key.
    pub fn derive(secret: &[u8]) -> Self {
        let key = derive_key(secret, "kaohe/social-token/v1");
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.validate_exp = true;
        validation.set_required_spec_claims(&["exp"]);
        Self { encoding: EncodingKey::from_secret(&key), decoding: DecodingKey::from_secret(&key), validation }
    }

    /// Signs the claims.
    ///
    /// # Errors
    /// The library's error (not expected with an HMAC key).
    pub fn sign(&self, claims: &Claims) -> Result<String, jsonwebtoken::errors::Error> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
    }

    /// Verifies signature, algorithm, expiry and scope.
    ///
    /// # Errors
    /// [`TokenError`] saying why the token is refused. The signature is checked before
    /// the expiry, so [`TokenError::Expired`] is only ever said of a genuine token.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        if token.len() > 1024 {
            return Err(TokenError::Invalid);
        }
        // Signature and expiry first, on any JSON payload: only a token we signed can be
        // of the wrong scope; anything malformed is invalid.
        let payload = decode::<serde_json::Value>(token, &self.decoding, &self.validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })?
            .claims;
        let claims: Claims = serde_json::from_value(payload).map_err(|_| TokenError::WrongScope)?;
        if claims.scope != SCOPE {
            return Err(TokenError::WrongScope);
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn claims(exp_from_now: i64) -> Claims {
        Claims {
            scope: SCOPE.into(),
            cid: 7,
            period: "2026-11".into(),
            exp: chrono::Utc::now().timestamp() + exp_from_now,
        }
    }

    #[test]
    fn a_signed_token_verifies_with_the_same_secret_only() {
        let keys = TokenKeys::derive(SECRET);
        let c = claims(60);
        let token = keys.sign(&c).unwrap();
        assert_eq!(keys.verify(&token), Ok(c));
        let other = TokenKeys::derive(b"another-secret-another-secret-!!");
        assert_eq!(other.verify(&token), Err(TokenError::Invalid));
    }

    #[test]
    fn the_same_campaign_always_gives_the_same_token() {
        let keys = TokenKeys::derive(SECRET);
        let c = claims(3600);
        assert_eq!(keys.sign(&c).unwrap(), keys.sign(&c).unwrap());
    }

    #[test]
    fn an_expired_token_is_refused_as_expired() {
        let keys = TokenKeys::derive(SECRET);
        let token = keys.sign(&claims(-1)).unwrap();
        assert_eq!(keys.verify(&token), Err(TokenError::Expired));
    }

    #[test]
    fn a_forged_or_tampered_token_is_invalid() {
        let keys = TokenKeys::derive(SECRET);
        let token = keys.sign(&claims(60)).unwrap();
        let mut parts: Vec<String> = token.split('.').map(String::from).collect();
        let mut forged = claims(60);
        forged.cid = 8;
        parts[1] = b64(&serde_json::to_string(&forged).unwrap());
        assert_eq!(keys.verify(&parts.join(".")), Err(TokenError::Invalid));
        let unsigned = format!("{}.{}.", b64(r#"{"alg":"none","typ":"JWT"}"#), parts[1]);
        assert_eq!(keys.verify(&unsigned), Err(TokenError::Invalid));
        assert_eq!(keys.verify("not-a-token"), Err(TokenError::Invalid));
        assert_eq!(keys.verify(&"a".repeat(2000)), Err(TokenError::Invalid));
    }

    #[test]
    fn a_token_of_another_scope_is_refused() {
        let keys = TokenKeys::derive(SECRET);
        let mut c = claims(60);
        c.scope = "session".into();
        assert_eq!(keys.verify(&keys.sign(&c).unwrap()), Err(TokenError::WrongScope));
    }

    #[test]
    fn a_session_token_is_not_a_qr_token() {
        // The session key is the secret itself; the QR key is derived from it.
        let session = crate::auth::token::Keys::new(SECRET);
        let now = chrono::Utc::now().timestamp();
        let token = session
            .sign(&crate::auth::token::Claims { sub: "1".into(), sid: "s".into(), iat: now, exp: now + 60 })
            .unwrap();
        assert_eq!(TokenKeys::derive(SECRET).verify(&token), Err(TokenError::Invalid));
        // …and a QR token is no session token.
        let qr = TokenKeys::derive(SECRET).sign(&claims(60)).unwrap();
        assert_eq!(session.verify(&qr), None);
    }

    #[test]
    fn derived_keys_differ_by_label() {
        assert_ne!(derive_key(SECRET, "a"), derive_key(SECRET, "b"));
        assert_eq!(derive_key(SECRET, "a"), derive_key(SECRET, "a"));
    }

    fn b64(s: &str) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
    }
}
