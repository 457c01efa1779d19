//! The scheme content hash, identical on the phone and on the server.
//!
//! Canonical form: the engine's own compact JSON serialization of the parsed scheme, with
//! the `hash` field left out. Parsing fixes key order (declaration order), drops whitespace
//! and omits absent optional fields, so formatting and key order in the stored text do not
//! change the hash. Decimals are kept as written (`"40"` and `"40.0"` hash differently):
//! the hash identifies a published text, not an equivalence class of schemes.

use crate::scheme::Scheme;
use sha2::{Digest, Sha256};

/// The canonical JSON the hash is computed over (see [`crate::scheme`]'s canonical form:
/// serde's serialization of the parsed scheme, without `hash`).
#[must_use]
pub fn canonical_json(scheme: &Scheme) -> String {
    crate::scheme::canonical::canonical_json(scheme)
}

/// `sha256:` followed by the lowercase hex SHA-256 of [`canonical_json`].
#[must_use]
pub fn scheme_hash(scheme: &Scheme) -> String {
    let digest = Sha256::digest(canonical_json(scheme).as_bytes());
    let mut out = String::with_capacity(7 + 64);
    out.push_str("sha256:");
    for byte in digest {
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";
