//! Proof of work on each rating: the ALTCHA protocol, v1.
//!
//! The page receives a challenge — `challenge = hex(SHA-256(salt + number))` for a secret
//! `number ≤ maxnumber`, HMAC-signed — and its script finds `number` by trying them all
//! (`crypto.subtle.digest`), then sends the solution as base64 JSON, as ALTCHA's widget
//! does. Checking costs the server one hash and one HMAC; finding costs the phone
//! `maxnumber / 2` hashes on average (50 000 by default: a fraction of a second on a
//! cheap phone, but a real cost for a script posting thousands of ratings).
//!
//! The salt carries the campaign id and the expiry (`…-c7?expires=…&`), both covered by
//! the hash and hence by the signature: a challenge is good for one campaign and ten
//! minutes. Each solution is accepted once: the challenge is stored with the rating
//! under a UNIQUE constraint (see `storage::social`).

use altcha_lib_rs::algorithm::AltchaAlgorithm;
use altcha_lib_rs::{create_challenge, verify_solution, Challenge, ChallengeOptions, Payload};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use base64::Engine;
use chrono::{DateTime, TimeDelta, Utc};

/// How hard and how long-lived the challenges are.
#[derive(Clone)]
pub struct Pow {
    hmac_key: String,
    pub max_number: u64,
    pub ttl: TimeDelta,
}

impl std::fmt::Debug for Pow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pow").field("max_number", &self.max_number).field("ttl", &self.ttl).finish_non_exhaustive()
    }
}

/// Why a solution was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PowError {
    /// Missing, not base64 JSON, wrong number, wrong signature, or for another campaign.
    Invalid,
    /// Genuine but older than its time to live.
    Expired,
}

/// The longest solution accepted (a real one is ~300 bytes).
const MAX_PAYLOAD_BYTES: usize = 1024;

impl Pow {
    /// `hmac_key` should be a key of its own (derived from the server's signing key).
    pub fn new(hmac_key: String, max_number: u64, ttl: TimeDelta) -> Self {
        Self { hmac_key, max_number: max_number.max(1), ttl }
    }

    /// A fresh challenge for `campaign_id`.
    ///
    /// # Errors
    /// The library's error (not expected: the options are always valid).
    pub fn issue(&self, campaign_id: i64, now: DateTime<Utc>) -> Result<Challenge, altcha_lib_rs::error::Error> {
        let mut random = [0u8; 12];
        OsRng.fill_bytes(&mut random);
        create_challenge(ChallengeOptions {
            algorithm: Some(AltchaAlgorithm::Sha256),
            max_number: Some(self.max_number),
            hmac_key: &self.hmac_key,
            // The campaign goes into the salt itself, not as a second salt parameter: the
            // library rebuilds the parameters from a hash map when verifying, so with two
            // of them it would hash them in a random order and refuse half the solutions.
            salt: Some(format!("{}-c{campaign_id}", hex::encode(random))),
            expires: Some(now + self.ttl),
            ..Default::default()
        })
    }

    /// Checks a solution (the form's base64 JSON) for `campaign_id`; returns the solved
    /// challenge, which the caller stores to make the solution single-use.
    ///
    /// # Errors
    /// [`PowError`] saying why the solution is refused.
    pub fn verify(&self, solution: &str, campaign_id: i64, now: DateTime<Utc>) -> Result<String, PowError> {
        if solution.is_empty() || solution.len() > MAX_PAYLOAD_BYTES {
            return Err(PowError::Invalid);
        }
        let json = base64::engine::general_purpose::STANDARD.decode(solution.trim()).map_err(|_| PowError::Invalid)?;
        let payload: Payload = serde_json::from_slice(&json).map_err(|_| PowError::Invalid)?;
        if !matches!(payload.algorithm, AltchaAlgorithm::Sha256) || payload.number > self.max_number {
            return Err(PowError::Invalid);
        }
        // The library checks expiry against the wall clock only when the salt says so;
        // we insist that it does, and check it ourselves against `now`.
        let (base, params) = payload.salt.split_once('?').unwrap_or((payload.salt.as_str(), ""));
        let campaign = base.rsplit_once("-c").and_then(|(_, id)| id.parse::<i64>().ok());
        let expires = params
            .split('&')
            .filter_map(|pair| pair.split_once('='))
            .find(|(k, _)| *k == "expires")
            .and_then(|(_, v)| v.parse::<i64>().ok());
        if campaign != Some(campaign_id) {
            return Err(PowError::Invalid);
        }
        let expires = expires.ok_or(PowError::Invalid)?;
        verify_solution(&payload, &self.hmac_key, false).map_err(|_| PowError::Invalid)?;
        if expires < now.timestamp() {
            return Err(PowError::Expired);
        }
        Ok(payload.challenge)
    }
}

/// Solves a challenge as the page's script does (tests, the benchmark's residents).
///
/// # Errors
/// When no number up to `maxnumber` fits (a challenge not made by [`Pow::issue`]).
pub fn solve(challenge: &Challenge) -> Result<String, altcha_lib_rs::error::Error> {
    let number = altcha_lib_rs::solve_challenge(
        &challenge.challenge,
        &challenge.salt,
        Some(challenge.algorithm),
        Some(challenge.maxnumber),
        0,
    )?;
    let payload = Payload {
        algorithm: challenge.algorithm,
        challenge: challenge.challenge.clone(),
        number,
        salt: challenge.salt.clone(),
        signature: challenge.signature.clone(),
        took: None,
    };
    let json = serde_json::to_vec(&payload).expect("a payload serializes");
    Ok(base64::engine::general_purpose::STANDARD.encode(json))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pow() -> Pow {
        Pow::new("k".repeat(64), 2_000, TimeDelta::minutes(10))
    }

    #[test]
    fn a_solved_challenge_verifies_for_its_campaign_only() {
        let pow = pow();
        let now = Utc::now();
        let c = pow.issue(7, now).unwrap();
        assert_eq!(c.maxnumber, 2_000);
        let solution = solve(&c).unwrap();
        assert_eq!(pow.verify(&solution, 7, now), Ok(c.challenge.clone()));
        assert_eq!(pow.verify(&solution, 8, now), Err(PowError::Invalid));
    }

    #[test]
    fn a_wrong_number_or_a_foreign_signature_is_refused() {
        let pow = pow();
        let now = Utc::now();
        let c = pow.issue(7, now).unwrap();
        let decode = |s: &str| -> serde_json::Value {
            serde_json::from_slice(&base64::engine::general_purpose::STANDARD.decode(s).unwrap()).unwrap()
        };
        let encode = |v: &serde_json::Value| base64::engine::general_purpose::STANDARD.encode(v.to_string());
        let mut wrong = decode(&solve(&c).unwrap());
        wrong["number"] = serde_json::json!(wrong["number"].as_u64().unwrap() + 1);
        assert_eq!(pow.verify(&encode(&wrong), 7, now), Err(PowError::Invalid));

        let other = Pow::new("x".repeat(64), 2_000, TimeDelta::minutes(10));
        let foreign = solve(&other.issue(7, now).unwrap()).unwrap();
        assert_eq!(pow.verify(&foreign, 7, now), Err(PowError::Invalid));
        assert_eq!(pow.verify("", 7, now), Err(PowError::Invalid));
        assert_eq!(pow.verify("not base64!", 7, now), Err(PowError::Invalid));
        assert_eq!(pow.verify(&"A".repeat(4000), 7, now), Err(PowError::Invalid));
    }

    #[test]
    fn a_challenge_expires() {
        let pow = pow();
        let issued = Utc::now() - TimeDelta::minutes(11);
        let solution = solve(&pow.issue(7, issued).unwrap()).unwrap();
        assert_eq!(pow.verify(&solution, 7, Utc::now()), Err(PowError::Expired));
        assert!(pow.verify(&solution, 7, issued + TimeDelta::minutes(9)).is_ok());
    }

    #[test]
    fn every_solution_verifies_not_just_most() {
        // Guards against salt parameters being rebuilt in a random order (see `issue`).
        let pow = pow();
        let now = Utc::now();
        for _ in 0..20 {
            let c = pow.issue(3, now).unwrap();
            assert_eq!(pow.verify(&solve(&c).unwrap(), 3, now), Ok(c.challenge));
        }
    }

    #[test]
    fn challenges_are_fresh_each_time() {
        let pow = pow();
        let now = Utc::now();
        assert_ne!(pow.issue(7, now).unwrap().salt, pow.issue(7, now).unwrap().salt);
    }
}
