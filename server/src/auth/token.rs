//! The session token: a JWT (HS256, pinned) naming a server-side session row.
//!
//! The signature stops forged or altered tokens before the database is asked; the row
//! is what makes sign-out and disabling a user take effect immediately.

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// What the token says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The session row id.
    pub sid: String,
    pub iat: i64,
    pub exp: i64,
}

/// Signing and verification keys, built once at start-up.
#[derive(Clone)]
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(***)")
    }
}

impl Keys {
    pub fn new(secret: &[u8]) -> Self {
        // Only HS256 is accepted: a token naming another algorithm (or "none") fails.
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.validate_exp = true;
        validation.set_required_spec_claims(&["exp", "sub"]);
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret), validation }
    }

    /// Signs the claims.
    ///
    /// # Errors
    /// The library's error (not expected with an HMAC key).
    pub fn sign(&self, claims: &Claims) -> Result<String, jsonwebtoken::errors::Error> {
        encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
    }

    /// Verifies signature, algorithm and expiry; `None` for any invalid token.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        decode::<Claims>(token, &self.decoding, &self.validation).ok().map(|data| data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp_from_now: i64) -> Claims {
        let now = chrono::Utc::now().timestamp();
        Claims { sub: "42".into(), sid: "abc".into(), iat: now, exp: now + exp_from_now }
    }

    #[test]
    fn a_signed_token_verifies_with_the_same_key_only() {
        let keys = Keys::new(b"0123456789abcdef0123456789abcdef");
        let c = claims(60);
        let token = keys.sign(&c).unwrap();
        assert_eq!(keys.verify(&token), Some(c));
        let other = Keys::new(b"another-key-another-key-another-key!");
        assert_eq!(other.verify(&token), None);
    }

    #[test]
    fn an_expired_token_is_refused() {
        let keys = Keys::new(b"0123456789abcdef0123456789abcdef");
        let token = keys.sign(&claims(-1)).unwrap();
        assert_eq!(keys.verify(&token), None);
    }

    #[test]
    fn a_token_with_another_algorithm_is_refused() {
        let secret = b"0123456789abcdef0123456789abcdef";
        let keys = Keys::new(secret);
        let hs512 = encode(&Header::new(Algorithm::HS512), &claims(60), &EncodingKey::from_secret(secret)).unwrap();
        assert_eq!(keys.verify(&hs512), None);
        // An unsigned token ("alg": "none") is refused too.
        let unsigned = format!(
            "{}.{}.",
            base64_url(r#"{"alg":"none","typ":"JWT"}"#),
            base64_url(&serde_json::to_string(&claims(60)).unwrap())
        );
        assert_eq!(keys.verify(&unsigned), None);
    }

    #[test]
    fn a_tampered_token_is_refused() {
        let keys = Keys::new(b"0123456789abcdef0123456789abcdef");
        let token = keys.sign(&claims(60)).unwrap();
        let mut parts: Vec<String> = token.split('.').map(String::from).collect();
        let mut forged = claims(60);
        forged.sub = "1".into();
        parts[1] = base64_url(&serde_json::to_string(&forged).unwrap());
        assert_eq!(keys.verify(&parts.join(".")), None);
    }

    fn base64_url(s: &str) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s)
    }
}
