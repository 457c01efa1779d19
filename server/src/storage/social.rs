//! 社会评议: campaigns (one unit or person, one period, one QR code) and the residents'
//! anonymous ratings.
//!
//! The resident's submission is one statement ([`rate`]): it inserts only while the
//! campaign is open and the address is under its limit, and `ON CONFLICT DO NOTHING`
//! turns the two UNIQUE constraints (device per campaign, proof-of-work solution) into
//! "nothing inserted" rather than an error. Only when nothing was inserted do the slower
//! queries ([`device_rated`], [`challenge_used`], [`ip_count`]) say why.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::Conn;
use crate::on_conn;

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct CampaignRow {
    pub id: i64,
    pub unit_id: i64,
    pub person_id: Option<i64>,
    pub period: String,
    pub title: String,
    pub unit_name: String,
    pub person_name: Option<String>,
    pub created_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
}

impl CampaignRow {
    /// Still taking ratings at `now`.
    pub fn is_open(&self, now: DateTime<Utc>) -> bool {
        self.closed_at.is_none() && self.ends_at > now
    }
}

#[derive(Debug, Clone)]
pub struct NewCampaign<'a> {
    pub unit_id: i64,
    pub person_id: Option<i64>,
    pub period: &'a str,
    pub title: &'a str,
    pub created_by: i64,
    pub ends_at: DateTime<Utc>,
}

/// A resident's rating, with the limit it must stay under.
#[derive(Debug, Clone)]
pub struct NewRating<'a> {
    pub campaign_id: i64,
    /// The period the QR token names; the campaign must be of it.
    pub period: &'a str,
    pub device_id: &'a str,
    pub ip_hash: &'a str,
    pub level: &'a str,
    pub comment: &'a str,
    /// The proof-of-work challenge it solved (single use).
    pub challenge: &'a str,
}

/// Ratings of one campaign at one level.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct LevelCount {
    pub campaign_id: i64,
    pub level: String,
    pub count: i64,
}

const CAMPAIGN_COLUMNS: &str = "c.id, c.unit_id, c.person_id, c.period, c.title, u.name AS unit_name,
     p.name AS person_name, c.created_at, c.ends_at, c.closed_at
     FROM social_campaigns c JOIN units u ON u.id = c.unit_id LEFT JOIN people p ON p.id = c.person_id";

#[tracing::instrument(skip(conn, c), fields(unit_id = c.unit_id))]
pub async fn insert_campaign(conn: &mut Conn<'_>, c: &NewCampaign<'_>, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    on_conn!(conn, |db| {
        sqlx::query_scalar(
            "INSERT INTO social_campaigns (unit_id, person_id, period, title, created_by, created_at, ends_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(c.unit_id)
        .bind(c.person_id)
        .bind(c.period)
        .bind(c.title)
        .bind(c.created_by)
        .bind(now)
        .bind(c.ends_at)
        .fetch_one(db)
        .await
    })
}

#[tracing::instrument(skip(conn))]
pub async fn campaign(conn: &mut Conn<'_>, id: i64) -> Result<Option<CampaignRow>, sqlx::Error> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {CAMPAIGN_COLUMNS} WHERE c.id = $1"));
    on_conn!(conn, |c| sqlx::query_as(sql).bind(id).fetch_optional(c).await)
}

/// Every campaign, newest first.
#[tracing::instrument(skip(conn))]
pub async fn campaigns(conn: &mut Conn<'_>) -> Result<Vec<CampaignRow>, sqlx::Error> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {CAMPAIGN_COLUMNS} ORDER BY c.created_at DESC, c.id DESC"));
    on_conn!(conn, |c| sqlx::query_as(sql).fetch_all(c).await)
}

/// Closes an open campaign; `false` when it was already closed (or does not exist).
#[tracing::instrument(skip(conn))]
pub async fn close(conn: &mut Conn<'_>, id: i64, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query("UPDATE social_campaigns SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL")
            .bind(id)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected() == 1)
    })
}

/// Inserts the rating if the campaign is of the token's period and open at `now`, the address has fewer than
/// `max_per_ip` ratings of this campaign since `since`, the device has not rated it and
/// the challenge is unused. `None` when any of these stopped it.
///
/// On PostgreSQL (read committed) two concurrent requests from one address can both see
/// the count under the limit, so the limit may be overshot by the number of requests in
/// flight; it is a brake on stuffing, not an exact quota. SQLite runs writers one at a
/// time, so there it is exact.
#[tracing::instrument(skip_all, fields(campaign_id = r.campaign_id))]
pub async fn rate(
    conn: &mut Conn<'_>,
    r: &NewRating<'_>,
    now: DateTime<Utc>,
    since: DateTime<Utc>,
    max_per_ip: i64,
) -> Result<Option<i64>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar(
            "INSERT INTO social_ratings (campaign_id, device_id, ip_hash, level, comment, challenge, created_at)
             SELECT $1, $2, $3, $4, $5, $6, $7
             WHERE EXISTS (SELECT 1 FROM social_campaigns
                           WHERE id = $1 AND period = $10 AND closed_at IS NULL AND ends_at > $7)
               AND (SELECT COUNT(*) FROM social_ratings
                    WHERE campaign_id = $1 AND ip_hash = $3 AND created_at > $8) < $9
             ON CONFLICT DO NOTHING
             RETURNING id",
        )
        .bind(r.campaign_id)
        .bind(r.device_id)
        .bind(r.ip_hash)
        .bind(r.level)
        .bind(r.comment)
        .bind(r.challenge)
        .bind(now)
        .bind(since)
        .bind(max_per_ip)
        .bind(r.period)
        .fetch_optional(c)
        .await
    })
}

#[tracing::instrument(skip_all)]
pub async fn device_rated(conn: &mut Conn<'_>, campaign_id: i64, device_id: &str) -> Result<bool, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM social_ratings WHERE campaign_id = $1 AND device_id = $2")
            .bind(campaign_id)
            .bind(device_id)
            .fetch_one(c)
            .await
            .map(|n| n > 0)
    })
}

#[tracing::instrument(skip_all)]
pub async fn challenge_used(conn: &mut Conn<'_>, challenge: &str) -> Result<bool, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM social_ratings WHERE challenge = $1")
            .bind(challenge)
            .fetch_one(c)
            .await
            .map(|n| n > 0)
    })
}

/// How many ratings an address gave a campaign since `since`, and the oldest of them.
#[tracing::instrument(skip_all)]
pub async fn ip_count(
    conn: &mut Conn<'_>,
    campaign_id: i64,
    ip_hash: &str,
    since: DateTime<Utc>,
) -> Result<(i64, Option<DateTime<Utc>>), sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT COUNT(*), MIN(created_at) FROM social_ratings
             WHERE campaign_id = $1 AND ip_hash = $2 AND created_at > $3",
        )
        .bind(campaign_id)
        .bind(ip_hash)
        .bind(since)
        .fetch_one(c)
        .await
    })
}

/// Ratings per campaign and level (of one campaign, or of all).
#[tracing::instrument(skip(conn))]
pub async fn level_counts(conn: &mut Conn<'_>, campaign_id: Option<i64>) -> Result<Vec<LevelCount>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT campaign_id, level, COUNT(*) AS count FROM social_ratings
             WHERE ($1 IS NULL OR campaign_id = $1)
             GROUP BY campaign_id, level",
        )
        .bind(campaign_id)
        .fetch_all(c)
        .await
    })
}

/// Per campaign, the most ratings that came from any one address hash.
#[tracing::instrument(skip(conn))]
pub async fn busiest_source(conn: &mut Conn<'_>, campaign_id: Option<i64>) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT campaign_id, MAX(n) FROM (
                 SELECT campaign_id, ip_hash, COUNT(*) AS n FROM social_ratings
                 WHERE ($1 IS NULL OR campaign_id = $1)
                 GROUP BY campaign_id, ip_hash
             ) per_source GROUP BY campaign_id",
        )
        .bind(campaign_id)
        .fetch_all(c)
        .await
    })
}

/// When each rating of a campaign came in, in order (for the burst flag).
#[tracing::instrument(skip(conn))]
pub async fn times(conn: &mut Conn<'_>, campaign_id: i64) -> Result<Vec<DateTime<Utc>>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar("SELECT created_at FROM social_ratings WHERE campaign_id = $1 ORDER BY created_at")
            .bind(campaign_id)
            .fetch_all(c)
            .await
    })
}

/// Which campaigns of a period a person's social score comes from.
#[derive(Debug, Clone, Copy)]
pub enum Scope {
    /// Campaigns that rate this person.
    Person(i64),
    /// Campaigns that rate this unit as a whole.
    Unit(i64),
}

/// Ratings per level over the campaigns of `scope` and `period` that have ended by `now`
/// (closed, or past their end).
#[tracing::instrument(skip(conn))]
pub async fn ended_level_counts(
    conn: &mut Conn<'_>,
    scope: Scope,
    period: &str,
    now: DateTime<Utc>,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let (filter, id) = match scope {
        Scope::Person(id) => ("c.person_id = $2", id),
        Scope::Unit(id) => ("c.person_id IS NULL AND c.unit_id = $2", id),
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT r.level, COUNT(*) FROM social_ratings r JOIN social_campaigns c ON c.id = r.campaign_id
         WHERE c.period = $1 AND {filter} AND (c.closed_at IS NOT NULL OR c.ends_at <= $3)
         GROUP BY r.level"
    ));
    on_conn!(conn, |c| sqlx::query_as(sql).bind(period).bind(id).bind(now).fetch_all(c).await)
}

/// Every active person (for choosing whom a campaign rates).
#[tracing::instrument(skip(conn))]
pub async fn people(conn: &mut Conn<'_>) -> Result<Vec<super::org::PersonRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as("SELECT id, unit_id, name, tier, post FROM people WHERE active ORDER BY unit_id, id")
            .fetch_all(c)
            .await
    })
}
