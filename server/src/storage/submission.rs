//! A submission's write: the filing inserted or replaced, then its idempotency record, the
//! draft dropped and the audit entry, in one transaction of two steps with the caller's
//! decision between them ([`SubmitTx::write`], then [`SubmitTx::finish`] or
//! [`SubmitTx::rollback`]).
//!
//! Why two steps of several statements each, and not a statement per call: on SQLite
//! every call into sqlx is a hand-over to the connection's own thread and back, and
//! under load those thread switches cost more than the statements (over half the
//! server's CPU in the 2026-12-04 profile). So on SQLite each step is one
//! multi-statement query, the first opening the transaction (`BEGIN IMMEDIATE; …`) and
//! the second closing it (`…; COMMIT`), under the process's write turn. PostgreSQL
//! cannot take several statements with parameters in one query; there the first step
//! is BEGIN, the filing locked and the upsert, and the second one statement whose
//! common table expressions write the key and drop the draft, then COMMIT.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::types::Json;
use sqlx::{FromRow, Postgres, Transaction};

use super::audit::NewEntry;
use super::filings::{FilingHead, NewFiling};
use super::{Db, ScriptTx};
use crate::insert_entry_sql;

/// The columns of [`FilingHead`]: what a submission reads and gets back of the filing it
/// replaces or stores. Not the inputs and the engine's result, which are kilobytes of
/// JSON the write path already has in hand. A literal, for `concat!`.
macro_rules! head_columns {
    () => {
        "id, period, status, revision, version, nothing_to_report, late, total, grade, submitted_at"
    };
}

/// The filing as it stood, marked `old` (SQLite numbering: `$1` person, `$3` period).
macro_rules! select_old {
    () => {
        concat!("SELECT 'old' AS which, ", head_columns!(), " FROM filings WHERE person_id = $1 AND period = $3")
    };
}

/// Inserts the filing at revision 1, or replaces the one of the same person and period if
/// its status is one of `$16`, `$17` (those a cadre may still change), and returns it
/// marked `new`; no row when the filing is with its reviewer. The replaced revision moves
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
             RETURNING 'new' AS which, ",
            head_columns!()
        )
    };
}

/// The idempotency record (`$8`–`$12`, created at `$1`) and the draft's removal (`$9`
/// person, `$13` period), after the audit entry's `$1`–`$7`.
macro_rules! insert_submission {
    () => {
        "INSERT INTO submissions (idempotency_key, person_id, filing_id, revision, response, created_at)
         VALUES ($8, $9, $10, $11, $12, $1)"
    };
}
macro_rules! delete_draft {
    () => {
        "DELETE FROM drafts WHERE person_id = $9 AND period = $13"
    };
}

const SQLITE_WRITE: &str = concat!("BEGIN IMMEDIATE; ", select_old!(), "; ", upsert!());
const SQLITE_FINISH: &str = concat!(insert_entry_sql!(), "; ", insert_submission!(), "; ", delete_draft!(), "; COMMIT");
const POSTGRES_LOCK_OLD: &str = concat!(
    "SELECT 'old' AS which, ",
    head_columns!(),
    " FROM filings WHERE person_id = $1 AND period = $2 FOR UPDATE"
);
const POSTGRES_UPSERT: &str = upsert!();
const POSTGRES_FINISH: &str =
    concat!("WITH s AS (", insert_submission!(), "), d AS (", delete_draft!(), ") ", insert_entry_sql!());

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

/// A filing head marked `old` (as it stood) or `new` (as stored).
#[derive(FromRow)]
struct Marked {
    which: String,
    #[sqlx(flatten)]
    head: FilingHead,
}

/// What the first step found and did.
#[derive(Debug, Clone)]
pub struct Written {
    /// The filing as it stood before, if there was one.
    pub before: Option<FilingHead>,
    /// The filing as stored; `None` when the one that stood was not in an editable status.
    pub stored: Option<FilingHead>,
}

impl Written {
    fn of(rows: Vec<Marked>) -> Self {
        let mut written = Written { before: None, stored: None };
        for row in rows {
            match row.which.as_str() {
                "old" => written.before = Some(row.head),
                _ => written.stored = Some(row.head),
            }
        }
        written
    }
}

/// The idempotency record of a stored submission.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a, R> {
    pub key: &'a str,
    pub person_id: i64,
    pub period: &'a str,
    pub filing_id: i64,
    pub revision: i64,
    /// The answer a resend of the same key gets.
    pub response: &'a R,
}

/// An open submission transaction (see the module's comment). Dropped unfinished, it
/// rolls back.
pub struct SubmitTx(Step);

enum Step {
    Sqlite(ScriptTx),
    Postgres(Transaction<'static, Postgres>),
}

impl SubmitTx {
    /// Step one: opens the transaction, reads the filing of the person and period as it
    /// stands and inserts or replaces it if its status is one of `editable`.
    ///
    /// # Errors
    /// The database's; the transaction is then rolled back.
    pub async fn write(
        db: &Db,
        f: &NewFiling<'_>,
        editable: [&str; 2],
        now: DateTime<Utc>,
    ) -> Result<(Self, Written), sqlx::Error> {
        match db {
            Db::Sqlite(pool, turn) => {
                let mut tx = ScriptTx::take(pool, turn).await?;
                let rows = bind_filing!(sqlx::query_as::<_, Marked>(SQLITE_WRITE), f, editable, now)
                    // All rows: sqlx stops a multi-statement query at the limit of a
                    // fetch_one or fetch_optional.
                    .fetch_all(tx.conn())
                    .await;
                match rows {
                    Ok(rows) => Ok((SubmitTx(Step::Sqlite(tx)), Written::of(rows))),
                    Err(e) => {
                        tx.rollback().await;
                        Err(e)
                    }
                }
            }
            Db::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                // Locked, so that a concurrent submission for the same period waits here
                // and then reads what this one stored.
                let before = sqlx::query_as::<_, Marked>(POSTGRES_LOCK_OLD)
                    .bind(f.person_id)
                    .bind(f.period)
                    .fetch_optional(&mut *tx)
                    .await?;
                let stored = bind_filing!(sqlx::query_as::<_, Marked>(POSTGRES_UPSERT), f, editable, now)
                    .fetch_optional(&mut *tx)
                    .await?;
                Ok((
                    SubmitTx(Step::Postgres(tx)),
                    Written { before: before.map(|m| m.head), stored: stored.map(|m| m.head) },
                ))
            }
        }
    }

    /// Step two: records the key, drops the draft, appends the audit entry and commits.
    ///
    /// # Errors
    /// The database's (a unique violation when the key was used); the transaction is then
    /// rolled back.
    pub async fn finish<R: Serialize>(
        self,
        record: &Record<'_, R>,
        entry: &NewEntry,
        now: DateTime<Utc>,
    ) -> Result<(), sqlx::Error> {
        macro_rules! bind_record {
            ($query:expr) => {
                entry
                    .bind($query, now)
                    .bind(record.key)
                    .bind(record.person_id)
                    .bind(record.filing_id)
                    .bind(record.revision)
                    .bind(Json(record.response))
                    .bind(record.period)
            };
        }
        match self.0 {
            Step::Sqlite(mut tx) => match bind_record!(sqlx::query(SQLITE_FINISH)).execute(tx.conn()).await {
                Ok(_) => {
                    tx.ended();
                    Ok(())
                }
                Err(e) => {
                    tx.rollback().await;
                    Err(e)
                }
            },
            Step::Postgres(mut tx) => {
                bind_record!(sqlx::query(POSTGRES_FINISH)).execute(&mut *tx).await?;
                tx.commit().await
            }
        }
    }

    /// Abandons the write.
    pub async fn rollback(self) {
        match self.0 {
            Step::Sqlite(tx) => tx.rollback().await,
            Step::Postgres(tx) => {
                if let Err(e) = tx.rollback().await {
                    tracing::warn!(error = %e, "rollback failed; the connection is dropped");
                }
            }
        }
    }
}
