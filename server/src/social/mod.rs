//! 社会评议: residents rate a unit or a person by scanning a QR code — anonymous, but not
//! stuffable.
//!
//! The organisation admin opens a **campaign** (a unit, or one person of it, and a
//! period) and prints its poster; the QR code is a link `/r/{token}` whose token is signed
//! ([`token`]). A resident opens it on any phone without an account and gets a few-KB
//! page of plain HTML ([`page`], not the WebAssembly app: it must load on a weak network)
//! with three buttons — 满意 / 基本满意 / 不满意 — and an optional comment.
//!
//! What keeps one person from rating a hundred times, each part tested:
//! - **one rating per device per campaign**: a random device id in a long-lived
//!   `HttpOnly` cookie (`Path=/r`) and `UNIQUE (campaign_id, device_id)`;
//! - **a limit per address**: at most [`RateLimit::max_per_ip`] ratings (default 30) of a
//!   campaign from one client address per [`RateLimit::window`] (default 10 minutes),
//!   counted in the database (the app servers are stateless), on a keyed hash of the
//!   address (the address itself is never stored). 30 per 10 minutes is 180 an hour from
//!   one address: a whole village behind one NAT still gets through in an evening, a
//!   script does not get far. Behind a proxy, `KAOHE_TRUST_PROXY` makes the address the
//!   first `X-Forwarded-For` hop, as for sign-in;
//! - **proof of work** on every submission ([`pow`], ALTCHA v1), each solution accepted
//!   once (`UNIQUE (challenge)`);
//! - **forged, expired and wrong-scope tokens** are refused before the database is asked;
//! - **anomalies** are flagged for the admin, computed when the list is read ([`flags`]):
//!   a burst (more than 30 ratings in any 5 minutes) or one address giving more than half
//!   of a campaign's ratings once it has 20.
//!
//! A stronger identity (a code sent by SMS to the resident's phone) is not built; the
//! place for it is [`ResidentCheck`].
//!
//! Results feed the scoring engine as the `social` source through [`aggregate`].

pub mod admin;
pub mod flags;
pub mod page;
pub mod pow;
pub mod qr;
pub mod resident;
pub mod token;

use app::error::AppError;
use argon2::password_hash::rand_core::{OsRng, RngCore};
use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, Mac};
use rules_wasm::{Decimal, SourceScore};
use sha2::Sha256;

use crate::config::Settings;
use crate::error::OrInternal;
use crate::storage::social::{self as store, Scope};
use crate::storage::{self, Conn};

/// A resident's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// 满意: 100 points.
    Satisfied,
    /// 基本满意: 60 points.
    Basic,
    /// 不满意: 0 points.
    Dissatisfied,
}

impl Level {
    pub const ALL: [Level; 3] = [Level::Satisfied, Level::Basic, Level::Dissatisfied];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Satisfied => "satisfied",
            Level::Basic => "basic",
            Level::Dissatisfied => "dissatisfied",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Level::Satisfied => "满意",
            Level::Basic => "基本满意",
            Level::Dissatisfied => "不满意",
        }
    }

    /// The points the engine counts for this answer.
    pub fn points(self) -> i64 {
        match self {
            Level::Satisfied => 100,
            Level::Basic => 60,
            Level::Dissatisfied => 0,
        }
    }
}

/// The longest comment kept, in characters.
pub const MAX_COMMENT_CHARS: usize = 200;

/// How many ratings one address may give one campaign per window.
#[derive(Debug, Clone, Copy)]
pub struct RateLimit {
    pub max_per_ip: i64,
    pub window: TimeDelta,
}

impl RateLimit {
    /// Ratings after this instant count against the limit.
    pub fn since(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now - self.window
    }

    /// Seconds until an address that reached the limit may rate again: when the oldest
    /// rating in the window leaves it.
    pub fn retry_after(&self, oldest_in_window: Option<DateTime<Utc>>, now: DateTime<Utc>) -> u64 {
        let frees_at = oldest_in_window.unwrap_or(now) + self.window;
        u64::try_from((frees_at - now).num_seconds().max(1)).unwrap_or(1)
    }
}

/// Where a stronger check of the resident would go (not built).
///
/// A deployment that wants one rating per *person* rather than per device would
/// implement this — e.g. send a six-digit code by SMS to a phone number the resident
/// types, and accept the rating only with the code — and call it in
/// [`resident::submit`] after the proof of work and before the insert, using the
/// identity it returns (a keyed hash of the phone number) in place of the device id, so
/// that `UNIQUE (campaign_id, device_id)` then means one rating per phone number.
/// Left out because it needs an SMS gateway contract and makes residents hand over a
/// phone number, which the anonymous design avoids.
pub trait ResidentCheck: Send + Sync {
    /// `Ok(Some(id))`: a stable, anonymous identity for the one-per-campaign rule
    /// (replacing the device id); `Ok(None)`: no extra check; `Err`: refuse, saying why.
    ///
    /// # Errors
    /// The refusal to show the resident (e.g. a wrong or expired SMS code).
    fn identity(
        &self,
        form: &resident::RatingForm,
        request: &http::request::Parts,
    ) -> Result<Option<String>, resident::Refusal>;
}

/// The social-evaluation service: its keys and limits, built once at start-up.
#[derive(Clone, Debug)]
pub struct Social {
    pub tokens: token::TokenKeys,
    pub pow: pow::Pow,
    pub limit: RateLimit,
    ip_key: IpKey,
    trust_proxy: bool,
    /// The address residents reach the server at (`KAOHE_PUBLIC_URL`), for QR codes.
    public_url: Option<String>,
    /// Campaign headings for the thanks page (see [`Social::heading`]).
    headings: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<i64, page::CampaignHeading>>>,
}

#[derive(Clone)]
struct IpKey([u8; 32]);

impl std::fmt::Debug for IpKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IpKey(***)")
    }
}

impl Social {
    /// Derives the service's keys from the server's signing key (so every server sharing
    /// the database agrees on them) and reads its limits from the settings.
    pub fn new(secret: &[u8], settings: &Settings) -> Self {
        Self {
            tokens: token::TokenKeys::derive(secret),
            pow: pow::Pow::new(
                hex::encode(token::derive_key(secret, "kaohe/social-pow/v1")),
                settings.social_pow_max_number,
                TimeDelta::minutes(10),
            ),
            limit: RateLimit {
                max_per_ip: settings.social_max_per_ip,
                window: TimeDelta::minutes(settings.social_ip_window_minutes),
            },
            ip_key: IpKey(token::derive_key(secret, "kaohe/social-ip/v1")),
            trust_proxy: settings.trust_proxy,
            public_url: settings.public_url.clone(),
            headings: std::sync::Arc::default(),
        }
    }

    /// A keyed hash of a client address: the same address gives the same hash on every
    /// server, but the database alone cannot be searched for an address (IPv4 has only
    /// 2³² of them; without the key, hashing them all proves nothing).
    pub fn ip_hash(&self, ip: &str) -> String {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.ip_key.0).expect("HMAC takes keys of any length");
        mac.update(ip.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..16])
    }

    /// The address the request came from (see [`crate::auth::client_ip`]).
    pub fn client_ip(&self, req: &http::request::Parts) -> String {
        crate::auth::client_ip(req, self.trust_proxy)
    }

    /// Where residents reach the server: `KAOHE_PUBLIC_URL`, or else the scheme and host
    /// the admin's own request came by (set `KAOHE_PUBLIC_URL` in production: behind TLS
    /// termination the server cannot tell `https` from the request alone unless it
    /// trusts the proxy's `X-Forwarded-Proto`).
    pub fn public_base(&self, req: &http::request::Parts) -> String {
        if let Some(url) = &self.public_url {
            return url.trim_end_matches('/').to_string();
        }
        let header = |name: &str| req.headers.get(name).and_then(|v| v.to_str().ok());
        let forwarded = |name: &str| if self.trust_proxy { header(name) } else { None };
        let scheme = forwarded("x-forwarded-proto").filter(|p| matches!(*p, "http" | "https")).unwrap_or("http");
        let host = forwarded("x-forwarded-host")
            .or_else(|| header("host"))
            .filter(|h| {
                !h.is_empty() && h.len() <= 255 && h.bytes().all(|b| b.is_ascii_alphanumeric() || b"-.:[]".contains(&b))
            })
            .unwrap_or("127.0.0.1");
        format!("{scheme}://{host}")
    }

    /// What the thanks page says about a campaign. Title, period and end never change
    /// once a campaign is opened, so each server keeps them after the first read: the
    /// rating's hot path then does no read of its own. (Not a shared state: a server that
    /// has not seen the campaign just reads it.)
    pub async fn heading(&self, db: &crate::storage::Db, campaign_id: i64) -> Option<page::CampaignHeading> {
        if let Some(h) = self.headings.lock().ok().and_then(|m| m.get(&campaign_id).cloned()) {
            return Some(h);
        }
        let mut pooled = db.acquire().await.ok()?;
        let h = resident::heading(&store::campaign(&mut pooled.conn(), campaign_id).await.ok()??);
        if let Ok(mut m) = self.headings.lock() {
            if m.len() >= 10_000 {
                m.clear();
            }
            m.insert(campaign_id, h.clone());
        }
        Some(h)
    }

    /// The token of a campaign's QR code.
    ///
    /// # Errors
    /// [`AppError::Internal`] if signing fails (not expected).
    pub fn token_for(&self, campaign: &store::CampaignRow) -> Result<String, AppError> {
        self.tokens
            .sign(&token::Claims {
                scope: token::SCOPE.into(),
                cid: campaign.id,
                period: campaign.period.clone(),
                exp: campaign.ends_at.timestamp(),
            })
            .or_internal("sign social token")
    }
}

/// A new device id: 128 random bits, hex.
pub fn new_device_id() -> String {
    let mut bytes = [0u8; 16];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Whether a cookie value looks like a device id we issued (the shape only: a forged one
/// is no better than clearing cookies, which the address limit and proof of work brake).
pub fn is_device_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The mean score and count of a set of answers: 满意 100, 基本满意 60, 不满意 0.
/// `None` for no answers. Exact: a mean that does not terminate is rounded at the
/// 28th place, far below anything a scheme shows.
pub fn mean(counts: &[(Level, i64)]) -> Option<SourceScore> {
    let n: i64 = counts.iter().map(|(_, c)| *c).sum();
    if n <= 0 {
        return None;
    }
    let points: i64 = counts.iter().map(|(l, c)| l.points() * c).sum();
    let score = Decimal::new(points, 0).checked_div(Decimal::new(n, 0))?;
    Some(SourceScore { score, n: u32::try_from(n).unwrap_or(u32::MAX) })
}

/// The residents' evaluation of `person_id` (campaigns scoped to the person, else to
/// their unit `unit_id`) for `period`: mean score (满意 100, 基本满意 60, 不满意 0) and
/// count, from campaigns that have ended (closed by the admin or past their end). None
/// when there are no ratings.
///
/// "Else" means: when the person's own campaigns of the period have any ratings, only
/// they count; otherwise the unit's campaigns (those rating the unit as a whole) do.
///
/// # Errors
/// [`AppError::Internal`] when the database cannot be read.
pub async fn aggregate(
    conn: &mut crate::storage::Conn<'_>,
    person_id: i64,
    unit_id: i64,
    period: &str,
) -> Result<Option<rules_wasm::SourceScore>, app::error::AppError> {
    let now = storage::now();
    for scope in [Scope::Person(person_id), Scope::Unit(unit_id)] {
        if let Some(score) = mean(&ended_counts(conn, scope, period, now).await?) {
            return Ok(Some(score));
        }
    }
    Ok(None)
}

async fn ended_counts(
    conn: &mut Conn<'_>,
    scope: Scope,
    period: &str,
    now: DateTime<Utc>,
) -> Result<Vec<(Level, i64)>, AppError> {
    let rows = store::ended_level_counts(conn, scope, period, now).await.or_internal("social counts")?;
    Ok(rows.into_iter().filter_map(|(level, n)| Level::parse(&level).map(|l| (l, n))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mean_weighs_satisfied_100_basic_60_dissatisfied_0() {
        let s = mean(&[(Level::Satisfied, 2), (Level::Basic, 1), (Level::Dissatisfied, 1)]).unwrap();
        assert_eq!(s.n, 4);
        assert_eq!(s.score, Decimal::new(65, 0));
        let third = mean(&[(Level::Satisfied, 1), (Level::Dissatisfied, 2)]).unwrap();
        assert_eq!(third.score.round_to(2).to_string(), "33.33");
        assert_eq!(mean(&[]), None);
        assert_eq!(mean(&[(Level::Basic, 0)]), None);
    }

    #[test]
    fn levels_round_trip() {
        for l in Level::ALL {
            assert_eq!(Level::parse(l.as_str()), Some(l));
        }
        assert_eq!(Level::parse("very"), None);
    }

    #[test]
    fn the_rate_limit_window_frees_when_its_oldest_rating_leaves() {
        let limit = RateLimit { max_per_ip: 30, window: TimeDelta::minutes(10) };
        let now = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        assert_eq!(limit.since(now), now - TimeDelta::minutes(10));
        assert_eq!(limit.retry_after(Some(now - TimeDelta::minutes(4)), now), 360);
        assert_eq!(limit.retry_after(Some(now - TimeDelta::minutes(10)), now), 1);
        assert_eq!(limit.retry_after(None, now), 600);
    }

    fn social(settings: &Settings) -> Social {
        Social::new(b"0123456789abcdef0123456789abcdef", settings)
    }

    #[test]
    fn addresses_are_stored_as_keyed_hashes() {
        let s = social(&Settings::default());
        let h = s.ip_hash("203.0.113.9");
        assert_eq!(h.len(), 32);
        assert_eq!(h, s.ip_hash("203.0.113.9"));
        assert_ne!(h, s.ip_hash("203.0.113.10"));
        assert!(!h.contains("203"));
        let other = Social::new(b"another-secret-another-secret-!!", &Settings::default());
        assert_ne!(h, other.ip_hash("203.0.113.9"));
    }

    #[test]
    fn device_ids_are_random_hex() {
        let a = new_device_id();
        assert!(is_device_id(&a));
        assert_ne!(a, new_device_id());
        assert!(!is_device_id("x"));
        assert!(!is_device_id(&"G".repeat(32)));
    }

    #[test]
    fn the_public_base_prefers_the_setting_and_checks_the_host() {
        let req = |host: &str| {
            let (parts, ()) = http::Request::builder().header("host", host).body(()).unwrap().into_parts();
            parts
        };
        let s = social(&Settings::default());
        assert_eq!(s.public_base(&req("kaohe.example:3000")), "http://kaohe.example:3000");
        assert_eq!(s.public_base(&req("evil\"><script>")), "http://127.0.0.1");
        let configured = Settings { public_url: Some("https://pj.example.gov.cn/".into()), ..Settings::default() };
        assert_eq!(social(&configured).public_base(&req("x")), "https://pj.example.gov.cn");
    }
}
