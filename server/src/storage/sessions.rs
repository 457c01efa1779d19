//! Server-side sessions and the record of failed sign-ins.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::Conn;
use crate::on_conn;

#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub id: &'a str,
    pub user_id: i64,
    pub expires_at: DateTime<Utc>,
    pub user_agent: &'a str,
    pub ip: &'a str,
}

#[tracing::instrument(skip(conn, session), fields(user_id = session.user_id))]
pub async fn insert(conn: &mut Conn<'_>, session: &NewSession<'_>, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query(
            "INSERT INTO sessions (id, user_id, created_at, expires_at, user_agent, ip)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(session.id)
        .bind(session.user_id)
        .bind(now)
        .bind(session.expires_at)
        .bind(session.user_agent)
        .bind(session.ip)
        .execute(c)
        .await
        .map(|_| ())
    })
}

/// One role of the user behind a live session (`role` is `None` for a user without
/// roles): the session is neither revoked nor expired and its user is not disabled.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ActiveRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub role: Option<String>,
}

impl ActiveRow {
    pub fn identity(&self) -> super::users::IdentityRow {
        super::users::IdentityRow {
            id: self.id,
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            person_id: self.person_id,
            unit_id: self.unit_id,
        }
    }
}

/// The identity and roles behind a live session, one row per role; no rows when the
/// session is not live. One round trip: every request makes it.
#[tracing::instrument(skip(conn, id))]
pub async fn find_active(
    conn: &mut Conn<'_>,
    id: &str,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<ActiveRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT u.id, u.username, u.display_name, u.person_id, p.unit_id, r.role
             FROM sessions s
             JOIN users u ON u.id = s.user_id
             LEFT JOIN people p ON p.id = u.person_id
             LEFT JOIN user_roles r ON r.user_id = u.id
             WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $3
               AND NOT u.disabled
             ORDER BY r.role",
        )
        .bind(id)
        .bind(user_id)
        .bind(now)
        .fetch_all(c)
        .await
    })
}

#[tracing::instrument(skip(conn, id))]
pub async fn revoke(conn: &mut Conn<'_>, id: &str, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(id)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })
}

#[tracing::instrument(skip(conn, username))]
pub async fn record_login_failure(
    conn: &mut Conn<'_>,
    username: &str,
    ip: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query("INSERT INTO login_failures (username, ip, at) VALUES ($1, $2, $3)")
            .bind(username)
            .bind(ip)
            .bind(now)
            .execute(c)
            .await
            .map(|_| ())
    })
}

/// Failures since `since`: how many, and the oldest (when the window frees a slot).
#[derive(Debug, Clone, Copy, FromRow)]
pub struct FailureCount {
    pub failures: i64,
    pub oldest: Option<DateTime<Utc>>,
}

#[tracing::instrument(skip(conn, username))]
pub async fn login_failures_for_username(
    conn: &mut Conn<'_>,
    username: &str,
    since: DateTime<Utc>,
) -> Result<FailureCount, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT COUNT(*) AS failures, MIN(at) AS oldest FROM login_failures WHERE username = $1 AND at > $2",
        )
        .bind(username)
        .bind(since)
        .fetch_one(c)
        .await
    })
}

#[tracing::instrument(skip(conn))]
pub async fn login_failures_for_ip(
    conn: &mut Conn<'_>,
    ip: &str,
    since: DateTime<Utc>,
) -> Result<FailureCount, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as("SELECT COUNT(*) AS failures, MIN(at) AS oldest FROM login_failures WHERE ip = $1 AND at > $2")
            .bind(ip)
            .bind(since)
            .fetch_one(c)
            .await
    })
}
