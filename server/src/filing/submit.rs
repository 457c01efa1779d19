//! Submitting a period's report: the server recomputes the score with the same engine the
//! phone ran, refuses a claimed score that differs, checks completeness, and stores the
//! filing, its history, the idempotency record and an audit entry in one transaction.

use app::error::{AppError, Mismatch};
use app::filing::{FilingStatus, Receipt, Submission};
use app::model::SessionUser;
use chrono::{DateTime, Utc};
use serde_json::json;

use super::context::{receipt_of, resolve, scheme_fits_period};
use crate::error::{internal, OrInternal};
use crate::schemes::SchemeCache;
use crate::storage::filings::{self, FilingHead, NewFiling};
use crate::storage::submission::{self, Outcome, Submitted};
use crate::storage::{self, audit, evidence, tasks, Conn, Db};

/// An idempotency key: 16–64 characters of `[A-Za-z0-9_-]` (a UUID fits).
pub fn valid_key(key: &str) -> bool {
    (16..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Submits a report. A key seen before returns the receipt stored for it.
///
/// # Errors
/// [`AppError::ScoreMismatch`] when the claimed result differs from the recomputed one;
/// [`AppError::Invalid`] for incomplete or malformed inputs; [`AppError::Conflict`] once the
/// filing is under review; [`AppError::Forbidden`] for non-cadres.
pub async fn submit(
    db: &Db,
    cache: &SchemeCache,
    user: &SessionUser,
    sub: Submission,
    now: DateTime<Utc>,
) -> Result<Receipt, AppError> {
    if !valid_key(&sub.idempotency_key) {
        return Err(AppError::invalid("idempotency_key", "提交编号无效"));
    }
    // The key is looked up only when the submission does not go through as new: one
    // that carries a used key fails at the key's unique index when it is recorded, and
    // one refused for anything else (the deadline has passed since, the filing is with
    // its reviewer) may be the phone resending what it filed while it was allowed to.
    match submit_new(db, cache, user, &sub, now).await {
        Err(refused @ (AppError::Invalid { .. } | AppError::Conflict { .. } | AppError::ScoreMismatch { .. })) => {
            let mut pooled = db.acquire().await.or_internal("acquire")?;
            Ok(replay(&mut pooled.conn(), user, &sub.idempotency_key).await?.ok_or(refused)?)
        }
        outcome => outcome,
    }
}

/// [`submit`] for a key not seen before.
async fn submit_new(
    db: &Db,
    cache: &SchemeCache,
    user: &SessionUser,
    sub: &Submission,
    now: DateTime<Utc>,
) -> Result<Receipt, AppError> {
    let today = super::china_today(now);
    let mut pooled = db.acquire().await.or_internal("acquire")?;
    let mut conn = pooled.conn();
    let r = resolve(&mut conn, cache, user, Some(&sub.period), today)
        .await?
        .ok_or_else(|| AppError::invalid("scheme", "您的单位和层级尚未配置考核方案"))?;
    if sub.scheme_id != r.binding.scheme_id {
        return Err(AppError::invalid("scheme", "填报所用方案已不是您的考核方案，请刷新页面后重新填报"));
    }
    let row = cache
        .row(&mut conn, &sub.scheme_id, i64::from(sub.scheme_version))
        .await
        .or_internal("scheme")?
        .filter(|row| scheme_fits_period(row, r.period))
        .ok_or_else(|| AppError::invalid("scheme", "填报所用方案版本不适用于该考核期，请刷新页面"))?;
    let compiled = cache.compiled(&row)?;
    let period = r.period.to_string();

    // Recompute with the same engine and refuse a different claim.
    let filing = sub.draft.engine_filing(&row.id, sub.scheme_version, &period);
    let ours = rules_wasm::evaluate(&compiled, &filing).map_err(|e| AppError::invalid("filing", e.to_string()))?;
    if ours != sub.claimed {
        let differences: Vec<Mismatch> = ours
            .differences(&sub.claimed)
            .into_iter()
            .map(|d| Mismatch { path: d.path, server: d.ours, client: d.theirs })
            .collect();
        if replay(&mut conn, user, &sub.idempotency_key).await?.is_some() {
            // Filed before under this key (by an engine that has since changed): the
            // caller answers with that receipt; this is no tampering to record.
            return Err(AppError::ScoreMismatch { differences });
        }
        tracing::warn!(person_id = r.person.id, %period, ?differences, "claimed score differs; submission refused");
        drop(pooled);
        record_rejection(db, user, r.person.id, &period, &ours, sub, &differences, now).await?;
        return Err(AppError::ScoreMismatch { differences });
    }

    // Complete and well-formed, as far as the cadre's part goes?
    let mut fields = app::filing::submission_problems(&compiled, &sub.draft, &filing);
    for (i, entry) in sub.draft.entries.iter().enumerate() {
        if let Some(task_id) = entry.task_id {
            let task = tasks::by_id(&mut conn, task_id).await.or_internal("task")?;
            if task.is_none_or(|t| t.person_id != r.person.id) {
                fields.insert(format!("entries[{i}].task_id"), "所选任务不在您的任务清单中".into());
            }
        }
        for id in &entry.evidence {
            let photo = evidence::get(&mut conn, id).await.or_internal("evidence")?;
            if photo.is_none_or(|p| p.person_id != r.person.id) {
                fields.insert(format!("entries[{i}].evidence"), "照片不存在或不属于您".into());
            }
        }
    }
    if !fields.is_empty() {
        return Err(AppError::Invalid { fields });
    }
    drop(pooled);

    let inputs = serde_json::value::to_raw_value(&sub.draft).or_internal("inputs json")?;
    let result = serde_json::value::to_raw_value(&ours).or_internal("result json")?;
    let total = ours.total.to_string();
    let grade = ours.grade.as_deref().map(str::to_string);
    let new = NewFiling {
        person_id: r.person.id,
        unit_id: r.unit.id,
        period: &period,
        scheme_id: &row.id,
        scheme_version: row.version,
        scheme_hash: &row.hash,
        engine_version: rules_wasm::ENGINE_VERSION,
        status: FilingStatus::Submitted.as_str(),
        nothing_to_report: filing.nothing_to_report,
        late: r.late,
        inputs: &inputs,
        result: &result,
        total: &total,
        grade: grade.as_deref(),
    };
    // A concurrent submission for the same period may commit between our read and our
    // write. If it carried our key, answer with its receipt; otherwise try again, which
    // turns our insert into a replacement of what it stored.
    for _ in 0..3 {
        match store(db, user, &sub.idempotency_key, &new, now).await {
            Ok(receipt) => return Ok(receipt),
            Err(Stored::Failed(e)) => return Err(e),
            // The key is not looked up inside the transaction, so whether it was this very
            // submission that a concurrent request committed is asked here.
            Err(outcome @ (Stored::Raced | Stored::UnderReview)) => {
                let mut pooled = db.acquire().await.or_internal("acquire")?;
                if let Some(receipt) = replay(&mut pooled.conn(), user, &sub.idempotency_key).await? {
                    return Ok(receipt);
                }
                if matches!(outcome, Stored::UnderReview) {
                    return Err(AppError::Conflict {
                        message: "本期填报已进入审核，如需修改请联系分管领导退回".into(),
                    });
                }
            }
        }
    }
    Err(AppError::Conflict { message: "本期填报正被同时提交，请稍后重试".into() })
}

enum Stored {
    /// A concurrent request committed first: this very submission (its key is taken), or
    /// another one for the same period (its revision is taken).
    Raced,
    /// The filing is with its reviewer; the cadre may no longer replace it.
    UnderReview,
    Failed(AppError),
}

/// The write transaction (see [`submission::store`]): insert or replace the filing,
/// record the key, drop the draft, append to the audit log. The key is not looked up
/// first: its unique index answers when the submission is recorded, and the transaction
/// then rolls back.
async fn store(
    db: &Db,
    user: &SessionUser,
    key: &str,
    new: &NewFiling<'_>,
    now: DateTime<Utc>,
) -> Result<Receipt, Stored> {
    // Complete but for what the database assigns (the filing's id and revision).
    let template = FilingHead {
        id: 0,
        period: new.period.to_string(),
        status: new.status.to_string(),
        revision: 0,
        version: 0,
        nothing_to_report: new.nothing_to_report,
        late: new.late,
        total: new.total.to_string(),
        grade: new.grade.map(str::to_string),
        submitted_at: now,
    };
    let sub = Submitted {
        key,
        actor_user_id: Some(user.id),
        action: "filing.submit",
        after: json!({
            "period": new.period,
            "total": new.total,
            "grade": new.grade,
            "late": new.late,
            "nothing_to_report": new.nothing_to_report,
            "scheme": format!("{}@{}", new.scheme_id, new.scheme_version),
            "scheme_hash": new.scheme_hash,
            "engine": new.engine_version,
        }),
        receipt: serde_json::to_value(receipt_of(&template, false))
            .map_err(|e| Stored::Failed(internal("receipt", e)))?,
    };
    let editable = FilingStatus::EDITABLE_BY_CADRE.map(FilingStatus::as_str);
    match submission::store(db, new, editable, &sub, now).await {
        Ok(Outcome::Stored(stored)) => Ok(receipt_of(&stored, false)),
        Ok(Outcome::UnderReview) => Err(Stored::UnderReview),
        Ok(Outcome::Raced) => Err(Stored::Raced),
        Err(e) if storage::is_unique_violation(&e) => Err(Stored::Raced),
        Err(e) => Err(Stored::Failed(internal("store submission", e))),
    }
}

/// The receipt stored for `key`, if the same person submitted it before.
async fn replay(conn: &mut Conn<'_>, user: &SessionUser, key: &str) -> Result<Option<Receipt>, AppError> {
    let Some(stored) = filings::submission(conn, key).await.or_internal("submission")? else {
        return Ok(None);
    };
    if Some(stored.person_id) != user.person_id {
        // Keys are random; another person's key is a forgery or a bug.
        return Err(AppError::Forbidden);
    }
    let mut receipt: Receipt = serde_json::from_value(stored.response.0).or_internal("stored receipt")?;
    receipt.replayed = true;
    Ok(Some(receipt))
}

/// Appends a refused submission to the audit log (who claimed what, and what was computed).
#[allow(clippy::too_many_arguments)]
async fn record_rejection(
    db: &Db,
    user: &SessionUser,
    person_id: i64,
    period: &str,
    ours: &rules_wasm::Evaluation,
    sub: &Submission,
    differences: &[Mismatch],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = db.begin().await.or_internal("begin")?;
    audit::append(
        &mut tx.conn(),
        &audit::NewEntry {
            actor_user_id: Some(user.id),
            action: "filing.rejected".into(),
            subject_type: "person".into(),
            subject_id: person_id.to_string(),
            before: None,
            after: Some(json!({
                "period": period,
                "claimed_total": sub.claimed.total.to_string(),
                "recomputed_total": ours.total.to_string(),
                "differences": differences.iter().map(|d| json!({"path": d.path, "server": d.server, "client": d.client})).collect::<Vec<_>>(),
            })),
        },
        now,
    )
    .await
    .or_internal("audit")?;
    tx.commit().await.or_internal("commit")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_long_random_looking_tokens() {
        assert!(valid_key("0f8fad5b-d9cb-469f-a165-70867728950e"));
        assert!(valid_key("abcdefghijklmnop"));
        assert!(!valid_key("short"));
        assert!(!valid_key("has spaces in it, sixteen+"));
        assert!(!valid_key(&"x".repeat(65)));
    }
}
