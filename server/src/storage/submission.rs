//! A submission's write, in one transaction: the filing inserted or replaced (its old
//! revision archived by trigger), the idempotency record, the draft dropped, the audit
//! entry appended — or nothing, when the filing is with its reviewer.
//!
//! On SQLite the whole transaction is one multi-statement query (`BEGIN IMMEDIATE; …;
//! COMMIT`), for two reasons measured under load (bench/results/submissions.md): every
//! call into sqlx is a hand-over to the connection's thread and back, and those thread
//! switches cost more than the statements; and SQLite has one writer, so the write turn
//! is held from BEGIN to COMMIT — with a decision in Rust between two queries, it was
//! also held while the task waited to be polled again among the other requests, and the
//! server idled at a third of its CPU with writers queued. So the statements after the
//! upsert run only if it wrote (`changes() = 1`, which counts the statement's own row,
//! not the trigger's) and take the filing's id and revision from the database, filling
//! them into JSON prepared by the caller (`json_set`).
//!
//! PostgreSQL cannot take several statements with parameters in one query, and its
//! writers do not queue behind one another: BEGIN, the filing locked, the upsert, then
//! one statement whose common table expressions write the key and drop the draft, COMMIT.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sqlx::types::Json;

use super::filings::{FilingHead, NewFiling};
use super::{Db, ScriptTx};

/// The columns of [`FilingHead`]: what a submission reads and gets back of the filing it
/// replaces or stores. Not the inputs and the engine's result, which are kilobytes of
/// JSON the write path already has in hand. A literal, for `concat!`.
macro_rules! head_columns {
    () => {
        "id, period, status, revision, version, nothing_to_report, late, total, grade, submitted_at"
    };
}

/// Inserts the filing at revision 1, or replaces the one of the same person and period if
/// its status is one of `$16`, `$17` (those a cadre may still change), and returns it;
/// no row when the filing is with its reviewer. The replaced revision moves
/// to `filing_revisions` by trigger (migration 0008).
macro_rules! upsert {
    () => {
        concat!(
            "INSERT INTO filings (person_id, unit_id, period, scheme_id, scheme_version, scheme_hash,
                                  engine_version, status, revision, version, nothing_to_report, late,
                                  inputs, result, total, grade, submitted_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, 1, $9, $10, $11, $12, $13, $14, $15, $15)
             ON CONFLICT (person_id, period) DO UPDATE SET
                 unit_id = excluded.unit_id, scheme_id = excluded.scheme_id,
                 scheme_version = excluded.scheme_version, scheme_hash = excluded.scheme_hash,
                 engine_version = excluded.engine_version, status = excluded.status,
                 nothing_to_report = excluded.nothing_to_report, late = excluded.late,
                 inputs = excluded.inputs, result = excluded.result, total = excluded.total,
                 grade = excluded.grade, submitted_at = excluded.submitted_at,
                 updated_at = excluded.updated_at,
                 revision = filings.revision + 1, version = filings.version + 1
             WHERE filings.status IN ($16, $17)
             RETURNING ",
            head_columns!()
        )
    };
}

/// The audit entry (`$18` actor, `$19` action, `$20` the `after` state without its
/// `revision`), the idempotency record (`$21` key, `$22` the receipt without `filing_id`
/// and `revision`) and the draft's removal, each only if the statement before it wrote a
/// row. The `before` state is the revision just archived.
const SQLITE_SUBMIT: &str = concat!(
    "BEGIN IMMEDIATE; ",
    upsert!(),
    "; INSERT INTO audit_log (at, actor_user_id, action, subject_type, subject_id, before_state, after_state)
       SELECT $15, $18, $19, 'filing', CAST(f.id AS TEXT),
              (SELECT json_object('revision', r.revision, 'total', r.total, 'status', r.status)
               FROM filing_revisions r WHERE r.filing_id = f.id AND r.revision = f.revision - 1),
              json_set($20, '$.revision', f.revision)
       FROM filings f WHERE f.person_id = $1 AND f.period = $3 AND changes() = 1;
     INSERT INTO submissions (idempotency_key, person_id, filing_id, revision, response, created_at)
       SELECT $21, $1, f.id, f.revision, json_set($22, '$.filing_id', f.id, '$.revision', f.revision), $15
       FROM filings f WHERE f.person_id = $1 AND f.period = $3 AND changes() = 1;
     DELETE FROM drafts WHERE person_id = $1 AND period = $3 AND changes() = 1;
     COMMIT"
);

const POSTGRES_LOCK_OLD: &str =
    concat!("SELECT ", head_columns!(), " FROM filings WHERE person_id = $1 AND period = $2 FOR UPDATE");
const POSTGRES_UPSERT: &str = upsert!();
const POSTGRES_FINISH: &str = "WITH s AS (
         INSERT INTO submissions (idempotency_key, person_id, filing_id, revision, response, created_at)
         VALUES ($7, $8, $9, $10, $11, $1)),
     d AS (DELETE FROM drafts WHERE person_id = $8 AND period = $12)
     INSERT INTO audit_log (at, actor_user_id, action, subject_type, subject_id, before_state, after_state)
     VALUES ($1, $2, $3, 'filing', $4, $5, $6)";

/// Binds a [`NewFiling`] as `$1`–`$17` of [`upsert!`] (the same on both databases).
macro_rules! bind_filing {
    ($query:expr, $f:expr, $editable:expr, $now:expr) => {
        $query
            .bind($f.person_id)
            .bind($f.unit_id)
            .bind($f.period)
            .bind($f.scheme_id)
            .bind($f.scheme_version)
            .bind($f.scheme_hash)
            .bind($f.engine_version)
            .bind($f.status)
            .bind($f.nothing_to_report)
            .bind($f.late)
            .bind(Json($f.inputs))
            .bind(Json($f.result))
            .bind($f.total)
            .bind($f.grade)
            .bind($now)
            .bind($editable[0])
            .bind($editable[1])
    };
}

/// What a submission records besides the filing. The JSON is complete but for what the
/// database assigns: `after` lacks `revision`, `receipt` lacks `filing_id` and `revision`.
#[derive(Debug, Clone)]
pub struct Submitted<'a> {
    pub key: &'a str,
    pub actor_user_id: Option<i64>,
    /// The audit entry's action; its subject is the filing.
    pub action: &'a str,
    pub after: Value,
    /// The answer a resend of the same key gets.
    pub receipt: Value,
}

/// What became of a submission's write.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Stored (and committed), as returned by the write.
    Stored(FilingHead),
    /// The filing stood in a status not among the editable ones: nothing written.
    UnderReview,
    /// PostgreSQL only: a concurrent submission inserted the filing after this one looked;
    /// rolled back, to be tried again.
    Raced,
}

/// Writes a submission (see the module's comment). A filing whose status is not one of
/// `editable` is left alone.
///
/// # Errors
/// The database's, the transaction rolled back: a unique violation when the key was used.
pub async fn store(
    db: &Db,
    f: &NewFiling<'_>,
    editable: [&str; 2],
    sub: &Submitted<'_>,
    now: DateTime<Utc>,
) -> Result<Outcome, sqlx::Error> {
    match db {
        Db::Sqlite(pool, turn) => {
            let mut tx = ScriptTx::take(pool, turn).await?;
            let written = bind_filing!(sqlx::query_as::<_, FilingHead>(SQLITE_SUBMIT), f, editable, now)
                .bind(sub.actor_user_id)
                .bind(sub.action)
                .bind(Json(&sub.after))
                .bind(sub.key)
                .bind(Json(&sub.receipt))
                // All rows: sqlx stops a multi-statement query at the limit of a
                // fetch_one or fetch_optional, before its COMMIT.
                .fetch_all(tx.conn())
                .await;
            match written {
                Ok(rows) => {
                    tx.ended();
                    Ok(rows.into_iter().next().map_or(Outcome::UnderReview, Outcome::Stored))
                }
                Err(e) => {
                    tx.rollback().await;
                    Err(e)
                }
            }
        }
        Db::Postgres(pool) => {
            let mut tx = pool.begin().await?;
            // Locked, so that a concurrent submission for the same period waits here and
            // then reads what this one stored.
            let before: Option<FilingHead> =
                sqlx::query_as(POSTGRES_LOCK_OLD).bind(f.person_id).bind(f.period).fetch_optional(&mut *tx).await?;
            let stored: Option<FilingHead> =
                bind_filing!(sqlx::query_as(POSTGRES_UPSERT), f, editable, now).fetch_optional(&mut *tx).await?;
            let Some(stored) = stored else {
                return Ok(Outcome::UnderReview);
            };
            // A filing inserted by a concurrent submission after the read was not locked by it.
            if stored.revision != before.as_ref().map_or(1, |b| b.revision + 1) {
                return Ok(Outcome::Raced);
            }
            // What SQLite reads back from the archived revision.
            let before = before.map(|b| json!({ "revision": b.revision, "total": b.total, "status": b.status }));
            let mut after = sub.after.clone();
            after["revision"] = json!(stored.revision);
            let mut receipt = sub.receipt.clone();
            receipt["filing_id"] = json!(stored.id);
            receipt["revision"] = json!(stored.revision);
            sqlx::query(POSTGRES_FINISH)
                .bind(now)
                .bind(sub.actor_user_id)
                .bind(sub.action)
                .bind(stored.id.to_string())
                .bind(before.map(Json))
                .bind(Json(&after))
                .bind(sub.key)
                .bind(f.person_id)
                .bind(stored.id)
                .bind(stored.revision)
                .bind(Json(&receipt))
                .bind(f.period)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(Outcome::Stored(stored))
        }
    }
}
