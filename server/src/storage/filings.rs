//! Filings, their revisions, the idempotency record of submissions, and drafts.

use chrono::{DateTime, Utc};
use serde_json::value::RawValue;
use serde_json::Value;
use sqlx::types::Json;
use sqlx::FromRow;

use super::Conn;
use crate::on_conn;

#[derive(Debug, Clone, FromRow)]
pub struct FilingRow {
    pub id: i64,
    pub person_id: i64,
    pub unit_id: i64,
    pub period: String,
    pub scheme_id: String,
    pub scheme_version: i64,
    pub scheme_hash: String,
    pub engine_version: String,
    pub status: String,
    pub revision: i64,
    pub version: i64,
    pub nothing_to_report: bool,
    pub late: bool,
    pub inputs: Json<Value>,
    pub result: Json<Value>,
    pub total: String,
    pub grade: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A filing without its inputs and result: enough for a receipt and a replacement.
#[derive(Debug, Clone, FromRow)]
pub struct FilingHead {
    pub id: i64,
    pub period: String,
    pub status: String,
    pub revision: i64,
    pub version: i64,
    pub nothing_to_report: bool,
    pub late: bool,
    pub total: String,
    pub grade: Option<String>,
    pub submitted_at: DateTime<Utc>,
}

impl From<&FilingRow> for FilingHead {
    fn from(f: &FilingRow) -> Self {
        Self {
            id: f.id,
            period: f.period.clone(),
            status: f.status.clone(),
            revision: f.revision,
            version: f.version,
            nothing_to_report: f.nothing_to_report,
            late: f.late,
            total: f.total.clone(),
            grade: f.grade.clone(),
            submitted_at: f.submitted_at,
        }
    }
}

/// The columns a submission writes. Inputs and result come as JSON text, serialised
/// once from the values themselves (no intermediate `serde_json::Value`).
#[derive(Debug, Clone)]
pub struct NewFiling<'a> {
    pub person_id: i64,
    pub unit_id: i64,
    pub period: &'a str,
    pub scheme_id: &'a str,
    pub scheme_version: i64,
    pub scheme_hash: &'a str,
    pub engine_version: &'a str,
    pub status: &'a str,
    pub nothing_to_report: bool,
    pub late: bool,
    pub inputs: &'a RawValue,
    pub result: &'a RawValue,
    pub total: &'a str,
    pub grade: Option<&'a str>,
}

#[derive(Debug, Clone, FromRow)]
pub struct SubmissionRow {
    pub idempotency_key: String,
    pub person_id: i64,
    pub filing_id: i64,
    pub revision: i64,
    pub response: Json<Value>,
}

#[tracing::instrument(skip(conn, key))]
pub async fn submission(conn: &mut Conn<'_>, key: &str) -> Result<Option<SubmissionRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT idempotency_key, person_id, filing_id, revision, response FROM submissions
             WHERE idempotency_key = $1",
        )
        .bind(key)
        .fetch_optional(c)
        .await
    })
}

#[tracing::instrument(skip(conn))]
pub async fn for_person_period(
    conn: &mut Conn<'_>,
    person_id: i64,
    period: &str,
) -> Result<Option<FilingRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT id, person_id, unit_id, period, scheme_id, scheme_version, scheme_hash, engine_version,
                    status, revision, version, nothing_to_report, late, inputs, result, total, grade,
                    submitted_at, updated_at
             FROM filings WHERE person_id = $1 AND period = $2",
        )
        .bind(person_id)
        .bind(period)
        .fetch_optional(c)
        .await
    })
}

#[tracing::instrument(skip(conn))]
pub async fn by_id(conn: &mut Conn<'_>, id: i64) -> Result<Option<FilingRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT id, person_id, unit_id, period, scheme_id, scheme_version, scheme_hash, engine_version,
                    status, revision, version, nothing_to_report, late, inputs, result, total, grade,
                    submitted_at, updated_at
             FROM filings WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(c)
        .await
    })
}

/// A person's filings, newest period first.
#[tracing::instrument(skip(conn))]
pub async fn of_person(conn: &mut Conn<'_>, person_id: i64) -> Result<Vec<FilingRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT id, person_id, unit_id, period, scheme_id, scheme_version, scheme_hash, engine_version,
                    status, revision, version, nothing_to_report, late, inputs, result, total, grade,
                    submitted_at, updated_at
             FROM filings WHERE person_id = $1 ORDER BY period DESC",
        )
        .bind(person_id)
        .fetch_all(c)
        .await
    })
}

#[tracing::instrument(skip(conn))]
pub async fn revision_count(conn: &mut Conn<'_>, filing_id: i64) -> Result<i64, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar("SELECT COUNT(*) FROM filing_revisions WHERE filing_id = $1")
            .bind(filing_id)
            .fetch_one(c)
            .await
    })
}

#[derive(Debug, Clone, FromRow)]
pub struct DraftRow {
    pub period: String,
    pub scheme_id: String,
    pub scheme_version: i64,
    pub body: Json<Value>,
    pub client_rev: i64,
    pub updated_at: DateTime<Utc>,
}

/// Stores the draft unless the server already holds a newer one (by the phone's counter);
/// returns whether it was stored.
#[tracing::instrument(skip(conn, body))]
pub async fn save_draft(
    conn: &mut Conn<'_>,
    person_id: i64,
    draft: &DraftRow,
    body: &Value,
) -> Result<bool, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query(
            "INSERT INTO drafts (person_id, period, scheme_id, scheme_version, body, client_rev, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (person_id, period) DO UPDATE SET
                 scheme_id = excluded.scheme_id, scheme_version = excluded.scheme_version, body = excluded.body,
                 client_rev = excluded.client_rev, updated_at = excluded.updated_at
             WHERE drafts.client_rev < excluded.client_rev",
        )
        .bind(person_id)
        .bind(&draft.period)
        .bind(&draft.scheme_id)
        .bind(draft.scheme_version)
        .bind(Json(body))
        .bind(draft.client_rev)
        .bind(draft.updated_at)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

#[tracing::instrument(skip(conn))]
pub async fn draft(conn: &mut Conn<'_>, person_id: i64, period: &str) -> Result<Option<DraftRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT period, scheme_id, scheme_version, body, client_rev, updated_at FROM drafts
             WHERE person_id = $1 AND period = $2",
        )
        .bind(person_id)
        .bind(period)
        .fetch_optional(c)
        .await
    })
}
