//! The append-only, hash-chained audit log.
//!
//! Each sealed entry's hash is `sha256(prev_hash ‖ canonical JSON of the entry)`, in the
//! order of its chain position `seq`, the first entry chaining from [`GENESIS`].
//!
//! Writing and sealing are apart. A change appends its entry unsealed, inside its own
//! transaction and without reading anything ([`append`]), so concurrent writers do not
//! wait for each other here (they used to queue on one lock held through every commit
//! and its log flush). Shortly after, a sealer ([`seal`]; each server runs one every
//! [`SEAL_EVERY`], and only one seals at a time) gives the committed unsealed entries,
//! oldest id first, the next chain positions and their hashes.
//!
//! The window: an entry is unsealed from its commit until the next sealing pass,
//! normally less than [`SEAL_EVERY`]; after a crash, until a server starts again.
//! Meanwhile the triggers guard it as before (no `UPDATE` but the one-time sealing, no
//! `DELETE`); only the chain does not cover it yet, and [`verify`] counts it as pending.
//! Someone with direct database access can drop the triggers; [`verify`] then names the
//! first sealed entry whose content or link no longer matches.

use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use sqlx::types::Json;
use sqlx::FromRow;

use super::{Conn, Db, Flavor};
use crate::on_conn;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// How often each server seals what was appended: the longest an entry normally waits
/// outside the chain.
pub const SEAL_EVERY: Duration = Duration::from_millis(50);

/// Entries sealed per transaction.
const SEAL_BATCH: i64 = 1000;

/// The PostgreSQL advisory lock of the sealer (0x6B616F6865 = "kaohe").
const SEALER_LOCK: i64 = 461_195_749_477;

/// What happened, by whom, to what; `before`/`after` hold the changed state.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEntry {
    pub actor_user_id: Option<i64>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// A stored entry; `prev_hash` and `hash` are `None` until it is sealed.
#[derive(Debug, Clone, FromRow)]
pub struct EntryRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub action: String,
    pub subject_type: String,
    pub subject_id: String,
    pub before_state: Option<Json<Value>>,
    pub after_state: Option<Json<Value>>,
    pub prev_hash: Option<String>,
    pub hash: Option<String>,
}

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    /// Sealed entries checked.
    pub entries: u64,
    /// The id of the first sealed entry whose hash or link does not match, if any.
    pub first_broken: Option<i64>,
    /// Entries appended but not sealed yet (not covered by the chain).
    pub pending: u64,
}

/// The fields an entry's hash covers.
#[derive(Debug, Clone, Copy)]
pub struct Hashed<'a> {
    pub at: DateTime<Utc>,
    pub actor_user_id: Option<i64>,
    pub action: &'a str,
    pub subject_type: &'a str,
    pub subject_id: &'a str,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
}

impl<'a> Hashed<'a> {
    fn of_row(row: &'a EntryRow) -> Self {
        Hashed {
            at: row.at,
            actor_user_id: row.actor_user_id,
            action: &row.action,
            subject_type: &row.subject_type,
            subject_id: &row.subject_id,
            before: row.before_state.as_ref().map(|j| &j.0),
            after: row.after_state.as_ref().map(|j| &j.0),
        }
    }
}

/// The hash of an entry given its predecessor's hash. Serialising through
/// `serde_json::Value` sorts object keys, so the text hashed does not depend on how
/// the database stored the JSON (PostgreSQL's JSONB reorders keys).
pub fn entry_hash(prev_hash: &str, e: &Hashed<'_>) -> String {
    let canonical = json!({
        "at": e.at.to_rfc3339_opts(SecondsFormat::Millis, true),
        "actor": e.actor_user_id,
        "action": e.action,
        "subject_type": e.subject_type,
        "subject_id": e.subject_id,
        "before": e.before,
        "after": e.after,
    });
    let mut hasher = Sha256::new();
    hasher.update(prev_hash.as_bytes());
    hasher.update(b"\n");
    hasher.update(canonical.to_string().as_bytes());
    hex::encode(hasher.finalize())
}

/// Appends an unsealed entry inside the caller's transaction: it commits or rolls back
/// with the change it records. One statement, no lock (see the module's comment).
#[tracing::instrument(skip(conn, entry), fields(action = %entry.action, subject = %entry.subject_id))]
pub async fn append(conn: &mut Conn<'_>, entry: &NewEntry, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query(
            "INSERT INTO audit_log (at, actor_user_id, action, subject_type, subject_id, before_state, after_state)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(now)
        .bind(entry.actor_user_id)
        .bind(&entry.action)
        .bind(&entry.subject_type)
        .bind(&entry.subject_id)
        .bind(entry.before.clone().map(Json))
        .bind(entry.after.clone().map(Json))
        .execute(c)
        .await
        .map(|_| ())
    })
}

/// The chain position and hashes one entry is sealed with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seal {
    pub id: i64,
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
}

/// Chains `rows` (unsealed, in the order to seal) after the entry at `last_seq` with
/// hash `last_hash` (`0` and [`GENESIS`] for an empty chain).
pub fn seals_for(last_seq: i64, last_hash: &str, rows: &[EntryRow]) -> Vec<Seal> {
    let mut prev = last_hash.to_string();
    let mut seals = Vec::with_capacity(rows.len());
    for (seq, row) in (last_seq + 1..).zip(rows) {
        let hash = entry_hash(&prev, &Hashed::of_row(row));
        seals.push(Seal { id: row.id, seq, prev_hash: std::mem::replace(&mut prev, hash.clone()), hash });
    }
    seals
}

/// One sealing pass: seals every committed unsealed entry, a batch per transaction.
/// Returns at once, sealing nothing, while another sealer is at work (it will seal them).
///
/// # Errors
/// The database's.
pub async fn seal(db: &Db) -> Result<u64, sqlx::Error> {
    seal_passes(db, false).await
}

/// Seals everything committed so far, waiting for a sealer at work to finish first
/// (for checks that must see the whole log sealed: tests, `kaohe verify-audit`).
///
/// # Errors
/// The database's.
pub async fn seal_all(db: &Db) -> Result<u64, sqlx::Error> {
    seal_passes(db, true).await
}

async fn seal_passes(db: &Db, wait: bool) -> Result<u64, sqlx::Error> {
    let mut total = 0;
    loop {
        let mut tx = db.begin().await?;
        if !take_sealer_lock(&mut tx.conn(), wait).await? {
            return Ok(total);
        }
        let sealed = seal_batch(&mut tx.conn(), SEAL_BATCH).await?;
        tx.commit().await?;
        total += sealed;
        if sealed < SEAL_BATCH.unsigned_abs() {
            return Ok(total);
        }
    }
}

/// Only one sealer may chain at a time, or two would hand out the same position.
async fn take_sealer_lock(conn: &mut Conn<'_>, wait: bool) -> Result<bool, sqlx::Error> {
    match conn {
        // The write transaction (`BEGIN IMMEDIATE`) already shuts out every other writer.
        Conn::Sqlite(_) => Ok(true),
        Conn::Postgres(c) if wait => {
            sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(SEALER_LOCK).execute(&mut **c).await?;
            Ok(true)
        }
        Conn::Postgres(c) => {
            sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)").bind(SEALER_LOCK).fetch_one(&mut **c).await
        }
    }
}

/// Seals up to `limit` committed unsealed entries, oldest id first, after the chain's
/// last sealed entry; the caller holds the sealer's lock. Returns how many it sealed.
#[tracing::instrument(skip(conn))]
async fn seal_batch(conn: &mut Conn<'_>, limit: i64) -> Result<u64, sqlx::Error> {
    let head: Option<(i64, Option<String>)> = on_conn!(conn, |c| {
        sqlx::query_as("SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1")
            .fetch_optional(c)
            .await
    })?;
    let rows: Vec<EntryRow> = on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT id, at, actor_user_id, action, subject_type, subject_id, before_state, after_state, prev_hash, hash
             FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(c)
        .await
    })?;
    if rows.is_empty() {
        return Ok(0);
    }
    let (last_seq, last_hash) = match head {
        // A sealed entry without a hash was tampered with; verification names it.
        Some((seq, hash)) => (seq, hash.unwrap_or_default()),
        None => (0, GENESIS.to_string()),
    };
    let seals = seals_for(last_seq, &last_hash, &rows);
    write_seals(conn, &seals).await?;
    Ok(seals.len() as u64)
}

/// Stores the seals in one statement: arrays on PostgreSQL, a JSON array of
/// `[id, seq, prev_hash, hash]` on SQLite. A statement per entry cost SQLite a hand-over
/// to its connection's thread and back each, all while holding the one write lock.
async fn write_seals(conn: &mut Conn<'_>, seals: &[Seal]) -> Result<(), sqlx::Error> {
    match conn {
        Conn::Postgres(c) => {
            let ids: Vec<i64> = seals.iter().map(|s| s.id).collect();
            let seqs: Vec<i64> = seals.iter().map(|s| s.seq).collect();
            let prevs: Vec<&str> = seals.iter().map(|s| s.prev_hash.as_str()).collect();
            let hashes: Vec<&str> = seals.iter().map(|s| s.hash.as_str()).collect();
            sqlx::query(
                "UPDATE audit_log a SET seq = s.seq, prev_hash = s.prev_hash, hash = s.hash
                 FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::TEXT[], $4::TEXT[]) AS s(id, seq, prev_hash, hash)
                 WHERE a.id = s.id AND a.seq IS NULL",
            )
            .bind(&ids)
            .bind(&seqs)
            .bind(&prevs)
            .bind(&hashes)
            .execute(&mut **c)
            .await?;
        }
        Conn::Sqlite(c) => {
            let rows: Vec<(i64, i64, &str, &str)> =
                seals.iter().map(|s| (s.id, s.seq, s.prev_hash.as_str(), s.hash.as_str())).collect();
            sqlx::query(
                "UPDATE audit_log SET seq = json_extract(s.value, '$[1]'), prev_hash = json_extract(s.value, '$[2]'),
                        hash = json_extract(s.value, '$[3]')
                 FROM json_each($1) AS s
                 WHERE audit_log.id = json_extract(s.value, '$[0]') AND audit_log.seq IS NULL",
            )
            .bind(Json(rows))
            .execute(&mut **c)
            .await?;
        }
    }
    Ok(())
}

/// Re-computes every sealed entry's hash in chain order, reports the first that does
/// not match, and counts the entries not sealed yet.
#[tracing::instrument(skip(conn))]
pub async fn verify(conn: &mut Conn<'_>) -> Result<ChainReport, sqlx::Error> {
    let rows: Vec<EntryRow> = on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT id, at, actor_user_id, action, subject_type, subject_id, before_state, after_state, prev_hash, hash
             FROM audit_log WHERE seq IS NOT NULL ORDER BY seq",
        )
        .fetch_all(c)
        .await
    })?;
    let pending: i64 = on_conn!(conn, |c| {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE seq IS NULL").fetch_one(c).await
    })?;
    Ok(ChainReport { pending: pending.unsigned_abs(), ..check_chain(&rows) })
}

/// The pure part of [`verify`]: `rows` are the sealed entries in chain order.
pub fn check_chain(rows: &[EntryRow]) -> ChainReport {
    let entries = rows.len() as u64;
    let mut expected_prev = GENESIS.to_string();
    for row in rows {
        let (Some(prev), Some(hash)) = (&row.prev_hash, &row.hash) else {
            return ChainReport { entries, first_broken: Some(row.id), pending: 0 };
        };
        if *prev != expected_prev || entry_hash(prev, &Hashed::of_row(row)) != *hash {
            return ChainReport { entries, first_broken: Some(row.id), pending: 0 };
        }
        expected_prev.clone_from(hash);
    }
    ChainReport { entries, first_broken: None, pending: 0 }
}

/// The SQL a test (or an attacker with database access) needs to bypass the
/// append-only triggers; kept here so tests exercise the real trigger names.
pub fn disable_guard_sql(flavor: Flavor) -> &'static [&'static str] {
    match flavor {
        Flavor::Sqlite => &["DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"],
        Flavor::Postgres => &["DROP TRIGGER audit_log_no_update ON audit_log"],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unsealed(id: i64, action: &str) -> EntryRow {
        let at = DateTime::parse_from_rfc3339("2026-11-01T08:00:00.000Z").unwrap().with_timezone(&Utc);
        EntryRow {
            id,
            at,
            actor_user_id: Some(1),
            action: action.into(),
            subject_type: "filing".into(),
            subject_id: "7".into(),
            before_state: None,
            after_state: Some(Json(json!({"b": 2, "a": 1}))),
            prev_hash: None,
            hash: None,
        }
    }

    /// Rows sealed as the sealer would seal them.
    fn sealed(rows: Vec<EntryRow>) -> Vec<EntryRow> {
        let seals = seals_for(0, GENESIS, &rows);
        rows.into_iter()
            .zip(seals)
            .map(|(row, seal)| EntryRow { prev_hash: Some(seal.prev_hash), hash: Some(seal.hash), ..row })
            .collect()
    }

    fn chain() -> Vec<EntryRow> {
        sealed(vec![unsealed(1, "submit"), unsealed(2, "approve"), unsealed(3, "confirm")])
    }

    #[test]
    fn an_untouched_chain_verifies() {
        assert_eq!(check_chain(&chain()), ChainReport { entries: 3, first_broken: None, pending: 0 });
    }

    #[test]
    fn a_changed_entry_is_named() {
        let mut rows = chain();
        rows[1].action = "reject".into();
        assert_eq!(check_chain(&rows).first_broken, Some(2));
    }

    #[test]
    fn a_deleted_entry_breaks_the_link_of_the_next() {
        let mut rows = chain();
        rows.remove(1);
        assert_eq!(check_chain(&rows).first_broken, Some(3));
    }

    #[test]
    fn a_sealed_entry_stripped_of_its_hash_is_named() {
        let mut rows = chain();
        rows[2].hash = None;
        assert_eq!(check_chain(&rows).first_broken, Some(3));
    }

    #[test]
    fn sealing_continues_the_chain_from_its_last_entry() {
        let first = chain();
        let last = first.last().unwrap();
        let more = seals_for(3, last.hash.as_deref().unwrap(), &[unsealed(5, "publish"), unsealed(4, "lodge")]);
        assert_eq!(more.iter().map(|s| (s.id, s.seq)).collect::<Vec<_>>(), vec![(5, 4), (4, 5)]);
        assert_eq!(more[0].prev_hash, *last.hash.as_ref().unwrap());
        assert_eq!(more[1].prev_hash, more[0].hash);
    }

    #[test]
    fn key_order_of_stored_json_does_not_matter() {
        let at = Utc::now();
        let a: Value = serde_json::from_str(r#"{"x":1,"y":[1,2]}"#).unwrap();
        let b: Value = serde_json::from_str(r#"{"y":[1,2],"x":1}"#).unwrap();
        let hashed = |v| Hashed {
            at,
            actor_user_id: None,
            action: "a",
            subject_type: "s",
            subject_id: "1",
            before: Some(v),
            after: None,
        };
        assert_eq!(entry_hash(GENESIS, &hashed(&a)), entry_hash(GENESIS, &hashed(&b)));
    }
}
