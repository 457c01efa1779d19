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
//! And several submissions share one such query (group commit): a request queues its
//! submission in [`Waiting`] and then waits either for its answer or for the write turn;
//! whoever gets the turn writes everything queued, up to [`MAX_GROUP`], between one
//! `BEGIN IMMEDIATE` and one `COMMIT`, and answers each. A commit writes every page it
//! changed to the log once, and the pages submissions share (the tables' and indexes'
//! last leaves and their parents) are most of a submission's: measured in
//! bench/results/submissions.md. If the group's query fails, it is rolled back and each
//! submission written alone, so that an error (a reused key) reaches only its own.
//!
//! PostgreSQL cannot take several statements with parameters in one query, and its
//! writers do not queue behind one another; there the whole write is one statement
//! ([`POSTGRES_SUBMIT`]), its own transaction: one round trip where BEGIN, a locking
//! read, the upsert, the rest and COMMIT took five, and the database's CPU per
//! submission is what bounds PostgreSQL on a small machine.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::sqlite::Sqlite;
use sqlx::{FromRow, Row, SqlitePool};
use tokio::sync::oneshot;

use super::filings::{FilingHead, NewFiling};
use super::{Db, ScriptTx, Turn, WriteTurn};

/// The columns of [`FilingHead`]: what a submission reads and gets back of the filing it
/// replaces or stores. Not the inputs and the engine's result, which are kilobytes of
/// JSON the write path already has in hand. A literal, for `concat!`.
macro_rules! head_columns {
    () => {
        "id, period, status, revision, version, nothing_to_report, late, total, grade, submitted_at"
    };
}

/// SQLite: inserts the filing at revision 1, or replaces the one of the same person and
/// period if its status is one of `$16`, `$17` (those a cadre may still change), and
/// returns it; no row when the filing is with its reviewer. The replaced revision moves
/// to `filing_revisions` by trigger (migration 0008). (SQLite's one writer means no
/// concurrent insert can slip in; PostgreSQL's statement has to lock first.)
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

/// One submission's statements inside a group's transaction: the upsert (returning the
/// submission's place in the group as `slot`), then the audit entry (`$18` actor, `$19`
/// action, `$20` the `after` state without its `revision`), the idempotency record (`$21`
/// key, `$22` the receipt without `filing_id` and `revision`) and the draft's removal,
/// each only if the statement before it wrote a row. The `before` state is the revision
/// just archived. [`group_sql`] numbers each submission's parameters after the previous
/// one's.
const SQLITE_ONE: &str = concat!(
    upsert!(),
    ", {slot} AS slot; INSERT INTO audit_log (at, actor_user_id, action, subject_type, subject_id, before_state, after_state)
       SELECT $15, $18, $19, 'filing', CAST(f.id AS TEXT),
              (SELECT json_object('revision', r.revision, 'total', r.total, 'status', r.status)
               FROM filing_revisions r WHERE r.filing_id = f.id AND r.revision = f.revision - 1),
              json_set($20, '$.revision', f.revision)
       FROM filings f WHERE f.person_id = $1 AND f.period = $3 AND changes() = 1;
     INSERT INTO submissions (idempotency_key, person_id, filing_id, revision, response, created_at)
       SELECT $21, $1, f.id, f.revision, json_set($22, '$.filing_id', f.id, '$.revision', f.revision), $15
       FROM filings f WHERE f.person_id = $1 AND f.period = $3 AND changes() = 1;
     DELETE FROM drafts WHERE person_id = $1 AND period = $3 AND changes() = 1; "
);

/// Parameters of [`SQLITE_ONE`].
const PARAMS_PER_SUBMISSION: usize = 22;

/// The most submissions written in one transaction. SQLite takes 32,766 parameters.
pub const MAX_GROUP: usize = 16;

/// The query writing `n` (1 ≤ n ≤ [`MAX_GROUP`]) submissions, built once per size.
fn group_sql(n: usize) -> &'static str {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    let texts = TEXTS.get_or_init(|| {
        (1..=MAX_GROUP)
            .map(|n| {
                let mut sql = String::from("BEGIN IMMEDIATE; ");
                for slot in 0..n {
                    let one = SQLITE_ONE.replace("{slot}", &slot.to_string());
                    sql.push_str(&shift_parameters(&one, slot * PARAMS_PER_SUBMISSION));
                }
                sql.push_str("COMMIT");
                sql
            })
            .collect()
    });
    &texts[n.clamp(1, MAX_GROUP) - 1]
}

/// `sql` with every parameter `$n` renumbered `$(n + by)`.
fn shift_parameters(sql: &str, by: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            let n: usize = rest[..digits].parse().unwrap_or_default();
            out.push_str(&(n + by).to_string());
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

/// The whole write on PostgreSQL, parameters numbered as in [`SQLITE_ONE`]. `old`
/// locks the filing of the person and period if there is one (with the latest committed
/// values: a concurrent submission waits here, or this one waits for it); a new filing
/// is inserted only if there was none, a locked one replaced only if its status is
/// editable (`$16`, `$17`), its revision archived by trigger. The key, the draft's
/// removal and the audit entry (its `before` from the locked row) follow from what was
/// stored. One row comes back: `had_old` and the stored filing's columns, all null when
/// nothing was stored — because the filing is with its reviewer (`had_old`), or because
/// a concurrent submission inserted it first (then the insert did nothing; tried again,
/// it is a replacement).
const POSTGRES_SUBMIT: &str = concat!(
    "WITH old AS (
         SELECT id AS old_id, revision AS old_revision, total AS old_total, status AS old_status
         FROM filings WHERE person_id = $1 AND period = $3 FOR UPDATE),
     inserted AS (
         INSERT INTO filings (person_id, unit_id, period, scheme_id, scheme_version, scheme_hash,
                              engine_version, status, revision, version, nothing_to_report, late,
                              inputs, result, total, grade, submitted_at, updated_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, 1, 1, $9, $10, $11::jsonb, $12::jsonb, $13, $14, $15, $15
         WHERE NOT EXISTS (SELECT 1 FROM old)
         ON CONFLICT (person_id, period) DO NOTHING
         RETURNING ",
    head_columns!(),
    "),
     replaced AS (
         UPDATE filings AS f SET
             unit_id = $2, scheme_id = $4, scheme_version = $5, scheme_hash = $6,
             engine_version = $7, status = $8, nothing_to_report = $9, late = $10,
             inputs = $11::jsonb, result = $12::jsonb, total = $13, grade = $14, submitted_at = $15,
             updated_at = $15, revision = f.revision + 1, version = f.version + 1
         FROM old WHERE f.id = old.old_id AND old.old_status IN ($16, $17)
         RETURNING ",
    head_columns!(),
    "),
     stored AS (SELECT * FROM inserted UNION ALL SELECT * FROM replaced),
     s AS (
         INSERT INTO submissions (idempotency_key, person_id, filing_id, revision, response, created_at)
         SELECT $21, $1, id, revision,
                jsonb_set(jsonb_set($22::jsonb, '{filing_id}', to_jsonb(id)), '{revision}', to_jsonb(revision)), $15
         FROM stored),
     d AS (DELETE FROM drafts WHERE person_id = $1 AND period = $3 AND EXISTS (SELECT 1 FROM stored)),
     a AS (
         INSERT INTO audit_log (at, actor_user_id, action, subject_type, subject_id, before_state, after_state)
         SELECT $15, $18, $19, 'filing', stored.id::text,
                (SELECT jsonb_build_object('revision', old_revision, 'total', old_total, 'status', old_status) FROM old),
                jsonb_set($20::jsonb, '{revision}', to_jsonb(stored.revision))
         FROM stored)
     SELECT EXISTS (SELECT 1 FROM old) AS had_old, stored.*
     FROM (SELECT 1) AS one LEFT JOIN stored ON true"
);

/// Binds a [`Queued`] submission as the next 22 parameters, numbered as in
/// [`SQLITE_ONE`] and [`POSTGRES_SUBMIT`] (JSON as text: PostgreSQL's statement casts it).
macro_rules! bind_submission {
    ($query:expr, $q:expr) => {
        $query
            .bind($q.person_id)
            .bind($q.unit_id)
            .bind(&$q.period)
            .bind(&$q.scheme_id)
            .bind($q.scheme_version)
            .bind(&$q.scheme_hash)
            .bind(&$q.engine_version)
            .bind(&$q.status)
            .bind($q.nothing_to_report)
            .bind($q.late)
            .bind(&$q.inputs)
            .bind(&$q.result)
            .bind(&$q.total)
            .bind(&$q.grade)
            .bind($q.now)
            .bind(&$q.editable[0])
            .bind(&$q.editable[1])
            .bind($q.actor_user_id)
            .bind(&$q.action)
            .bind(&$q.after)
            .bind(&$q.key)
            .bind(&$q.receipt)
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
    /// PostgreSQL only: a concurrent submission inserted the filing first; nothing
    /// written, to be tried again.
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
        Db::Sqlite(pool, writer) => {
            let queued = Arc::new(Queued::new(f, editable, sub, now)?);
            write_in_group(pool, writer, &queued).await
        }
        Db::Postgres(pool) => {
            let queued = Queued::new(f, editable, sub, now)?;
            let row = bind_submission!(sqlx::query(POSTGRES_SUBMIT), queued).fetch_one(pool).await?;
            if row.try_get::<Option<i64>, _>("id")?.is_some() {
                Ok(Outcome::Stored(FilingHead::from_row(&row)?))
            } else if row.try_get("had_old")? {
                Ok(Outcome::UnderReview)
            } else {
                Ok(Outcome::Raced)
            }
        }
    }
}

/// SQLite: the submissions waiting to be written, oldest first (see the module's comment).
#[derive(Default)]
pub struct Waiting(Mutex<VecDeque<Waiter>>);

impl std::fmt::Debug for Waiting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Waiting").finish_non_exhaustive()
    }
}

/// A queued submission and where its answer goes.
struct Waiter {
    submission: Arc<Queued>,
    answer: oneshot::Sender<Result<Outcome, sqlx::Error>>,
}

impl Waiting {
    fn push(&self, waiter: Waiter) {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).push_back(waiter);
    }

    fn take(&self, most: usize) -> Vec<Waiter> {
        let mut queue = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let n = queue.len().min(most);
        queue.drain(..n).collect()
    }
}

/// A submission's parameters, owned (on SQLite whichever request writes it holds it),
/// bound by [`bind_submission!`] on both databases.
struct Queued {
    person_id: i64,
    unit_id: i64,
    period: String,
    scheme_id: String,
    scheme_version: i64,
    scheme_hash: String,
    engine_version: String,
    status: String,
    nothing_to_report: bool,
    late: bool,
    inputs: String,
    result: String,
    total: String,
    grade: Option<String>,
    now: DateTime<Utc>,
    editable: [String; 2],
    actor_user_id: Option<i64>,
    action: String,
    after: String,
    key: String,
    receipt: String,
}

impl Queued {
    fn new(
        f: &NewFiling<'_>,
        editable: [&str; 2],
        sub: &Submitted<'_>,
        now: DateTime<Utc>,
    ) -> Result<Self, sqlx::Error> {
        let json = |value: &Value| serde_json::to_string(value).map_err(|e| sqlx::Error::Encode(Box::new(e)));
        Ok(Self {
            person_id: f.person_id,
            unit_id: f.unit_id,
            period: f.period.to_owned(),
            scheme_id: f.scheme_id.to_owned(),
            scheme_version: f.scheme_version,
            scheme_hash: f.scheme_hash.to_owned(),
            engine_version: f.engine_version.to_owned(),
            status: f.status.to_owned(),
            nothing_to_report: f.nothing_to_report,
            late: f.late,
            inputs: f.inputs.get().to_owned(),
            result: f.result.get().to_owned(),
            total: f.total.to_owned(),
            grade: f.grade.map(str::to_owned),
            now,
            editable: editable.map(str::to_owned),
            actor_user_id: sub.actor_user_id,
            action: sub.action.to_owned(),
            after: json(&sub.after)?,
            key: sub.key.to_owned(),
            receipt: json(&sub.receipt)?,
        })
    }
}

/// A stored filing and which submission of the group stored it.
#[derive(FromRow)]
struct GroupRow {
    slot: i64,
    #[sqlx(flatten)]
    head: FilingHead,
}

/// Queues `queued`, then waits for its answer, or for the write turn and then writes it
/// with whatever else is queued.
async fn write_in_group(pool: &SqlitePool, writer: &WriteTurn, queued: &Arc<Queued>) -> Result<Outcome, sqlx::Error> {
    loop {
        let (answer, mut answered) = oneshot::channel();
        writer.waiting.push(Waiter { submission: queued.clone(), answer });
        let turn = tokio::select! {
            biased;
            outcome = &mut answered => match outcome {
                Ok(outcome) => return outcome,
                // The writer that had taken it was cancelled before it answered (its
                // transaction, if not committed, rolled back): queue it again. If it had
                // committed, the key is taken and the caller finds the receipt.
                Err(_) => continue,
            },
            turn = writer.take() => turn,
        };
        loop {
            match answered.try_recv() {
                Ok(outcome) => return outcome,
                Err(oneshot::error::TryRecvError::Closed) => break,
                Err(oneshot::error::TryRecvError::Empty) => {}
            }
            let group = writer.waiting.take(MAX_GROUP);
            if group.is_empty() {
                // Not answered, not queued: taken by a writer cancelled before answering.
                break;
            }
            write_group(pool, &turn, group).await;
        }
    }
}

/// Writes a group in one transaction and answers each of its submissions; if that
/// fails, writes each alone.
async fn write_group(pool: &SqlitePool, turn: &Turn, group: Vec<Waiter>) {
    match write_queued(pool, turn, &group).await {
        Ok(outcomes) => {
            for (waiter, outcome) in group.into_iter().zip(outcomes) {
                // A request that stopped waiting no longer wants the answer.
                let _ = waiter.answer.send(Ok(outcome));
            }
        }
        Err(e) if group.len() == 1 => {
            if let Some(waiter) = group.into_iter().next() {
                let _ = waiter.answer.send(Err(e));
            }
        }
        Err(e) => {
            tracing::debug!(error = %e, size = group.len(), "group write failed; writing each alone");
            for waiter in group {
                let outcome = write_queued(pool, turn, std::slice::from_ref(&waiter)).await;
                let _ = waiter.answer.send(outcome.map(|mut outcomes| outcomes.remove(0)));
            }
        }
    }
}

/// One transaction writing every submission of `group`; an outcome for each, in order.
async fn write_queued(pool: &SqlitePool, turn: &Turn, group: &[Waiter]) -> Result<Vec<Outcome>, sqlx::Error> {
    let mut query = sqlx::query_as::<Sqlite, GroupRow>(group_sql(group.len()));
    for waiter in group {
        query = bind_submission!(query, waiter.submission);
    }
    let mut tx = ScriptTx::open(pool, turn).await?;
    // All rows: sqlx stops a multi-statement query at the limit of a fetch_one or
    // fetch_optional, before its COMMIT.
    match query.fetch_all(tx.conn()).await {
        Ok(rows) => {
            tx.ended();
            let mut outcomes = vec![Outcome::UnderReview; group.len()];
            for row in rows {
                if let Some(outcome) = usize::try_from(row.slot).ok().and_then(|slot| outcomes.get_mut(slot)) {
                    *outcome = Outcome::Stored(row.head);
                }
            }
            Ok(outcomes)
        }
        Err(e) => {
            tx.rollback().await;
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_submission_of_a_group_has_its_own_parameters() {
        assert_eq!(shift_parameters("a = $1 AND b = $22, '$.x' $", 22), "a = $23 AND b = $44, '$.x' $");
        let two = group_sql(2);
        assert!(two.starts_with("BEGIN IMMEDIATE; INSERT INTO filings") && two.ends_with("COMMIT"));
        assert!(two.contains("$44") && !two.contains("$45") && two.contains("1 AS slot"));
        assert_eq!(group_sql(MAX_GROUP).matches("INSERT INTO filings").count(), MAX_GROUP);
    }
}
