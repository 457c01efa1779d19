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

/// The identity behind a live session: the session is neither revoked nor expired
/// and its user is not disabled.
#[tracing::instrument(skip(conn, id))]
pub async fn find_active(
    conn: &mut Conn<'_>,
    id: &str,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Option<super::users::IdentityRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT u.id, u.username, u.display_name, u.person_id, p.unit_id
             FROM sessions s
             JOIN users u ON u.id = s.user_id
             LEFT JOIN people p ON p.id = u.person_id
             WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > $3
               AND NOT u.disabled",
        )
        .bind(id)
        .bind(user_id)
        .bind(now)
        .fetch_optional(c)
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
