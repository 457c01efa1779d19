//! Accounts, their roles and the units leaders supervise.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::Conn;
use crate::on_conn;

/// An account as stored. Holds the password hash, so it never leaves the server.
#[derive(Debug, Clone, FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub person_id: Option<i64>,
    pub display_name: String,
    pub disabled: bool,
}

/// Who a user is, without secrets: what a session resolves to.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct IdentityRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub person_id: Option<i64>,
    pub unit_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub password_hash: &'a str,
    pub person_id: Option<i64>,
    pub display_name: &'a str,
}

#[tracing::instrument(skip(conn, user), fields(username = user.username))]
pub async fn insert(conn: &mut Conn<'_>, user: &NewUser<'_>, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar(
            "INSERT INTO users (username, password_hash, person_id, display_name, disabled, created_at)
             VALUES ($1, $2, $3, $4, FALSE, $5) RETURNING id",
        )
        .bind(user.username)
        .bind(user.password_hash)
        .bind(user.person_id)
        .bind(user.display_name)
        .bind(now)
        .fetch_one(c)
        .await
    })
}

#[tracing::instrument(skip(conn))]
pub async fn add_role(conn: &mut Conn<'_>, user_id: i64, role: &str) -> Result<(), sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
            .bind(user_id)
            .bind(role)
            .execute(c)
            .await
            .map(|_| ())
    })
}

#[tracing::instrument(skip(conn))]
pub async fn add_supervised_unit(conn: &mut Conn<'_>, user_id: i64, unit_id: i64) -> Result<(), sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query("INSERT INTO leader_units (user_id, unit_id) VALUES ($1, $2)")
            .bind(user_id)
            .bind(unit_id)
            .execute(c)
            .await
            .map(|_| ())
    })
}

#[tracing::instrument(skip(conn))]
pub async fn by_username(conn: &mut Conn<'_>, username: &str) -> Result<Option<UserRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT id, username, password_hash, person_id, display_name, disabled FROM users WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(c)
        .await
    })
}

#[tracing::instrument(skip(conn))]
pub async fn identity(conn: &mut Conn<'_>, user_id: i64) -> Result<Option<IdentityRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT u.id, u.username, u.display_name, u.person_id, p.unit_id
             FROM users u LEFT JOIN people p ON p.id = u.person_id
             WHERE u.id = $1",
        )
        .bind(user_id)
        .fetch_optional(c)
        .await
    })
}

#[tracing::instrument(skip(conn))]
pub async fn roles(conn: &mut Conn<'_>, user_id: i64) -> Result<Vec<String>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
            .bind(user_id)
            .fetch_all(c)
            .await
    })
}

#[tracing::instrument(skip(conn))]
pub async fn supervised_unit_ids(conn: &mut Conn<'_>, user_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar("SELECT unit_id FROM leader_units WHERE user_id = $1 ORDER BY unit_id")
            .bind(user_id)
            .fetch_all(c)
            .await
    })
}

#[tracing::instrument(skip(conn))]
pub async fn count(conn: &mut Conn<'_>) -> Result<i64, sqlx::Error> {
    on_conn!(conn, |c| sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(c).await)
}

/// Disables or re-enables an account; a disabled account's sessions stop working at once
/// because every request joins the session to its (enabled) user.
#[tracing::instrument(skip(conn))]
pub async fn set_disabled(conn: &mut Conn<'_>, user_id: i64, disabled: bool) -> Result<u64, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query("UPDATE users SET disabled = $1 WHERE id = $2")
            .bind(disabled)
            .bind(user_id)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })
}
