//! Stored scheme versions and which scheme applies to whom.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use super::Conn;
use crate::on_conn;

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct SchemeRow {
    pub id: String,
    pub version: i64,
    pub name: String,
    pub period_kind: String,
    pub hash: String,
    pub body: String,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct BindingRow {
    pub id: i64,
    pub scope_kind: String,
    pub scope: String,
    pub tier: String,
    pub scheme_id: String,
    pub deadline_day: i64,
    pub allow_late: bool,
}

/// Stores a scheme version unless that (id, version) exists; returns whether it was new.
/// An existing row with another hash is left alone (published versions are immutable);
/// the caller compares hashes.
#[tracing::instrument(skip(conn, row), fields(id = %row.id, version = row.version))]
pub async fn insert_if_absent(conn: &mut Conn<'_>, row: &SchemeRow, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query(
            "INSERT INTO schemes (id, version, name, period_kind, hash, body, effective_from, effective_to, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (id, version) DO NOTHING",
        )
        .bind(&row.id)
        .bind(row.version)
        .bind(&row.name)
        .bind(&row.period_kind)
        .bind(&row.hash)
        .bind(&row.body)
        .bind(row.effective_from)
        .bind(row.effective_to)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

#[tracing::instrument(skip(conn))]
pub async fn get(conn: &mut Conn<'_>, id: &str, version: i64) -> Result<Option<SchemeRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT id, version, name, period_kind, hash, body, effective_from, effective_to
             FROM schemes WHERE id = $1 AND version = $2",
        )
        .bind(id)
        .bind(version)
        .fetch_optional(c)
        .await
    })
}

/// The newest version of `id` in effect on `day`.
#[tracing::instrument(skip(conn))]
pub async fn effective(conn: &mut Conn<'_>, id: &str, day: NaiveDate) -> Result<Option<SchemeRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT id, version, name, period_kind, hash, body, effective_from, effective_to
             FROM schemes
             WHERE id = $1 AND effective_from <= $2 AND (effective_to IS NULL OR effective_to >= $2)
             ORDER BY version DESC LIMIT 1",
        )
        .bind(id)
        .bind(day)
        .fetch_optional(c)
        .await
    })
}

/// When a version of a scheme is in effect: what choosing a version needs, without the
/// body (the row itself is immutable and cached by [`crate::schemes::SchemeCache`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, FromRow)]
pub struct VersionSpan {
    pub version: i64,
    pub effective_from: NaiveDate,
    pub effective_to: Option<NaiveDate>,
}

/// The newest version of every scheme (the admin's list).
#[tracing::instrument(skip(conn))]
pub async fn latest_versions(conn: &mut Conn<'_>) -> Result<Vec<SchemeRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT s.id, s.version, s.name, s.period_kind, s.hash, s.body, s.effective_from, s.effective_to
             FROM schemes s
             WHERE s.version = (SELECT MAX(v.version) FROM schemes v WHERE v.id = s.id)
             ORDER BY s.id",
        )
        .fetch_all(c)
        .await
    })
}

/// A binding to create or replace.
#[derive(Debug, Clone)]
pub struct NewBinding<'a> {
    /// `category` or `unit`.
    pub scope_kind: &'a str,
    /// The category name, or the unit id as text.
    pub scope: &'a str,
    pub tier: &'a str,
    pub scheme_id: &'a str,
    pub deadline_day: i64,
    pub allow_late: bool,
}

#[tracing::instrument(skip(conn))]
pub async fn bind(conn: &mut Conn<'_>, b: &NewBinding<'_>) -> Result<(), sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query(
            "INSERT INTO scheme_bindings (scope_kind, scope, tier, scheme_id, deadline_day, allow_late)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (scope_kind, scope, tier)
             DO UPDATE SET scheme_id = excluded.scheme_id, deadline_day = excluded.deadline_day,
                           allow_late = excluded.allow_late",
        )
        .bind(b.scope_kind)
        .bind(b.scope)
        .bind(b.tier)
        .bind(b.scheme_id)
        .bind(b.deadline_day)
        .bind(b.allow_late)
        .execute(c)
        .await
        .map(|_| ())
    })
}

#[tracing::instrument(skip(conn))]
pub async fn bindings(conn: &mut Conn<'_>) -> Result<Vec<BindingRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT id, scope_kind, scope, tier, scheme_id, deadline_day, allow_late
             FROM scheme_bindings ORDER BY scope_kind, scope, tier",
        )
        .fetch_all(c)
        .await
    })
}
