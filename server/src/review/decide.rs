//! The review queue, one filing as reviewers see it, and the review steps.

use app::error::AppError;
use app::filing::{FilingStatus, TaskItem};
use app::model::{Role, SessionUser};
use app::period::Period;
use app::review::{
    BatchItem, Decision, DecisionOutcome, Publishable, QueueItem, ReviewDetail, ReviewLevel, ReviewQueue,
};
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::types::Json;

use super::{allowed_step, item_adjustments, level_in, recompute, required_text, scheme_of, unit_settings};
use crate::error::OrInternal;
use crate::evaluation::sources::source_scores;
use crate::filing::context::own_report_due;
use crate::filing::history::filing_view;
use crate::rights;
use crate::schemes::SchemeCache;
use crate::storage::reviews::{self, ReviewRow};
use crate::storage::{audit, filings, tasks, Conn, Db};

/// The filing day assumed when no binding applies any more (the seed schemes' is the 5th).
const DEFAULT_DEADLINE_DAY: u32 = 5;

/// The filings waiting for `user`, oldest deadline first.
///
/// # Errors
/// [`AppError::Forbidden`] for anyone but a leader.
pub async fn queue(
    db: &Db,
    cache: &SchemeCache,
    user: &SessionUser,
    now: DateTime<Utc>,
) -> Result<ReviewQueue, AppError> {
    rights::require_role(user, Role::Leader)?;
    let mut pooled = db.acquire().await.or_internal("acquire")?;
    let rows = reviews::queue(&mut pooled.conn(), user.id, user.person_id).await.or_internal("queue")?;
    let publishable = reviews::publishable(&mut pooled.conn(), user.id)
        .await
        .or_internal("publishable")?
        .into_iter()
        .map(|(unit_id, unit_name, period, confirmed)| Publishable {
            unit_id,
            unit_name,
            period_label: Period::parse(&period).map(Period::label_zh).unwrap_or_else(|| period.clone()),
            period,
            confirmed,
        })
        .collect();
    let mut items: Vec<QueueItem> = rows
        .into_iter()
        .filter_map(|r| {
            let level = if r.status == "reviewed" { ReviewLevel::Second } else { ReviewLevel::First };
            let period = Period::parse(&r.period)?;
            Some(QueueItem {
                filing_id: r.filing_id,
                version: r.version,
                level,
                person_name: r.person_name,
                post: r.post,
                unit_name: r.unit_name,
                period_label: period.label_zh(),
                deadline: period
                    .deadline(r.deadline_day.and_then(|d| u32::try_from(d).ok()).unwrap_or(DEFAULT_DEADLINE_DAY))
                    .to_string(),
                period: r.period,
                late: r.late,
                self_total: r.self_total,
                reviewed_total: if level == ReviewLevel::Second { r.reviewed_total } else { None },
                adjusted_items: r.adjustments.map_or(0, |a| a.0.as_array().map_or(0, Vec::len)),
            })
        })
        .collect();
    items.sort_by(|a, b| a.deadline.cmp(&b.deadline));
    drop(pooled);
    let own_report = own_report_due(db, cache, user, now).await?;
    Ok(ReviewQueue { items, publishable, own_report })
}

/// One filing with everything its reviewer needs, and what the caller may do with it.
///
/// # Errors
/// [`AppError::NotFound`]; [`AppError::Forbidden`] unless the caller reads the unit's
/// filings (a reviewer of the unit, the owner, or an admin).
pub async fn detail(db: &Db, cache: &SchemeCache, user: &SessionUser, id: i64) -> Result<ReviewDetail, AppError> {
    let view = filing_view(db, user, id).await?;
    let mut pooled = db.acquire().await.or_internal("acquire")?;
    let mut conn = pooled.conn();
    let f = filings::by_id(&mut conn, id).await.or_internal("filing")?.ok_or(AppError::NotFound)?;
    let settings = unit_settings(&mut conn, f.unit_id).await?;
    let level = level_in(&mut conn, user, f.unit_id).await?;
    let (compiled, scheme) = scheme_of(&mut conn, cache, &f).await?;
    let sources = source_scores(&mut conn, &compiled, f.person_id, f.unit_id, &f.period).await?;
    let year: i64 = f.period.get(..4).and_then(|y| y.parse().ok()).unwrap_or_default();
    let duties = tasks::duties(&mut conn, f.person_id, year).await.or_internal("duties")?;
    let tasks = tasks::of_person(&mut conn, f.person_id, year)
        .await
        .or_internal("tasks")?
        .into_iter()
        .filter(|t| t.status != "cancelled")
        .map(|t| TaskItem {
            id: t.id,
            title: t.title,
            target: t.target,
            deadline: t.deadline.map(|d| d.to_string()),
            indicator: t.indicator,
            status: t.status,
        })
        .collect();
    let review = reviews::review(&mut conn, id).await.or_internal("review")?;
    let objections = super::publicity::objection_views(&mut conn, user, id).await?;
    let reviewed_statuses = ["reviewed", "confirmed", "published", "final"];
    Ok(ReviewDetail {
        filing: view,
        version: f.version,
        level: allowed_step(user, &f, level, settings.merged_levels),
        merged_levels: settings.merged_levels,
        scheme,
        duties,
        tasks,
        adjustments: review.as_ref().map(|r| item_adjustments(&r.adjustments.0)).unwrap_or_default(),
        reviewed: review
            .as_ref()
            .filter(|_| reviewed_statuses.contains(&f.status.as_str()))
            .and_then(|r| serde_json::from_value(r.result.0.clone()).ok()),
        comment: review.map(|r| r.comment).unwrap_or_default(),
        objections,
        sources,
    })
}

/// Takes one review step, in one transaction.
///
/// # Errors
/// See [`app::review::decide_filing`].
pub async fn decide(
    db: &Db,
    cache: &SchemeCache,
    user: &SessionUser,
    filing_id: i64,
    version: i64,
    decision: &Decision,
    now: DateTime<Utc>,
) -> Result<DecisionOutcome, AppError> {
    let mut tx = db.begin().await.or_internal("begin")?;
    let outcome = step(&mut tx.conn(), cache, user, filing_id, version, decision, now).await?;
    tx.commit().await.or_internal("commit")?;
    Ok(outcome)
}

/// Approves unchanged filings in one transaction: all or none.
///
/// # Errors
/// The first failure of any one of them.
pub async fn batch_approve(
    db: &Db,
    cache: &SchemeCache,
    user: &SessionUser,
    items: &[BatchItem],
    now: DateTime<Utc>,
) -> Result<Vec<DecisionOutcome>, AppError> {
    if items.is_empty() || items.len() > 100 {
        return Err(AppError::invalid("items", "请选择 1 至 100 份填报"));
    }
    let approve = Decision::Approve { adjustments: vec![] };
    let mut tx = db.begin().await.or_internal("begin")?;
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        out.push(step(&mut tx.conn(), cache, user, item.filing_id, item.version, &approve, now).await?);
    }
    tx.commit().await.or_internal("commit")?;
    Ok(out)
}

fn conflict(message: &str) -> AppError {
    AppError::Conflict { message: message.into() }
}

/// One review step inside the caller's transaction.
async fn step(
    conn: &mut Conn<'_>,
    cache: &SchemeCache,
    user: &SessionUser,
    filing_id: i64,
    version: i64,
    decision: &Decision,
    now: DateTime<Utc>,
) -> Result<DecisionOutcome, AppError> {
    rights::require_role(user, Role::Leader)?;
    let f = filings::by_id(conn, filing_id).await.or_internal("filing")?.ok_or(AppError::NotFound)?;
    if user.person_id == Some(f.person_id) {
        // Nobody approves their own filing.
        return Err(AppError::Forbidden);
    }
    let level = level_in(conn, user, f.unit_id).await?.ok_or(AppError::Forbidden)?;
    let settings = unit_settings(conn, f.unit_id).await?;
    let permitted = match decision.level() {
        ReviewLevel::First => level == 1 || (settings.merged_levels && level == 2),
        ReviewLevel::Second => level == 2,
    };
    if !permitted {
        return Err(AppError::Forbidden);
    }
    if f.version != version {
        return Err(conflict("该填报已被他人处理或本人已修改，请刷新后重试"));
    }
    if f.status != decision.level().acts_on().as_str() {
        return Err(conflict("该填报当前不在待您审核的环节，请刷新后重试"));
    }
    let existing = reviews::review(conn, f.id).await.or_internal("review")?;
    let before = json!({ "status": f.status, "version": f.version, "self_total": f.total,
                          "reviewed_total": existing.as_ref().map(|r| r.total.clone()) });

    let (status, action, review, after) = match decision {
        Decision::Approve { adjustments } => {
            let (scheme, _) = scheme_of(conn, cache, &f).await?;
            let sources = source_scores(conn, &scheme, f.person_id, f.unit_id, &f.period).await?;
            let (engine, result) = recompute(&scheme, &f, adjustments, &sources, &user.display_name)?;
            let self_result: rules_wasm::Evaluation =
                serde_json::from_value(f.result.0.clone()).or_internal("stored result")?;
            for a in &engine {
                let was = self_result.item(&a.indicator).map(|i| i.points.to_string());
                let now_points = result.item(&a.indicator).map(|i| i.points.to_string());
                audit::append(
                    conn,
                    &audit::NewEntry {
                        actor_user_id: Some(user.id),
                        action: "review.adjust".into(),
                        subject_type: "filing".into(),
                        subject_id: f.id.to_string(),
                        before: Some(json!({ "indicator": a.indicator, "points": was })),
                        after: Some(json!({ "indicator": a.indicator, "points": now_points, "reason": a.reason })),
                    },
                    now,
                )
                .await
                .or_internal("audit")?;
            }
            let status = if settings.merged_levels { FilingStatus::Confirmed } else { FilingStatus::Reviewed };
            let total = result.total.to_string();
            let grade = result.grade.as_deref().map(str::to_string);
            let review = ReviewRow {
                filing_id: f.id,
                adjustments: Json(serde_json::to_value(&engine).or_internal("adjustments json")?),
                result: Json(serde_json::to_value(&result).or_internal("result json")?),
                total: total.clone(),
                grade: grade.clone(),
                level1_by: Some(user.id),
                level1_at: Some(now),
                level2_by: settings.merged_levels.then_some(user.id),
                level2_at: settings.merged_levels.then_some(now),
                comment: String::new(),
            };
            let after = json!({ "status": status.as_str(), "reviewed_total": total, "grade": grade,
                                "adjusted_items": engine.len(), "merged_levels": settings.merged_levels });
            (status, "review.approve", review, after)
        }
        Decision::Return { comment } => {
            let comment = required_text("comment", comment, "退回意见")?;
            let review = ReviewRow {
                filing_id: f.id,
                adjustments: Json(json!([])),
                result: f.result.clone(),
                total: f.total.clone(),
                grade: f.grade.clone(),
                level1_by: Some(user.id),
                level1_at: Some(now),
                level2_by: None,
                level2_at: None,
                comment: comment.clone(),
            };
            (FilingStatus::Returned, "review.return", review, json!({ "status": "returned", "comment": comment }))
        }
        Decision::Confirm => {
            let mut review = existing.clone().ok_or(AppError::Internal)?;
            review.level2_by = Some(user.id);
            review.level2_at = Some(now);
            let after = json!({ "status": "confirmed", "reviewed_total": review.total });
            (FilingStatus::Confirmed, "review.confirm", review, after)
        }
        Decision::SendBack { comment } => {
            let comment = required_text("comment", comment, "发回意见")?;
            let mut review = existing.clone().ok_or(AppError::Internal)?;
            review.level2_by = None;
            review.level2_at = None;
            review.comment = comment.clone();
            (FilingStatus::Submitted, "review.send_back", review, json!({ "status": "submitted", "comment": comment }))
        }
    };
    if !reviews::set_status(conn, f.id, version, status.as_str(), now).await.or_internal("status")? {
        return Err(conflict("该填报已被他人处理，请刷新后重试"));
    }
    reviews::upsert_review(conn, &review, now).await.or_internal("review")?;
    audit::append(
        conn,
        &audit::NewEntry {
            actor_user_id: Some(user.id),
            action: action.into(),
            subject_type: "filing".into(),
            subject_id: f.id.to_string(),
            before: Some(before),
            after: Some(after),
        },
        now,
    )
    .await
    .or_internal("audit")?;
    Ok(DecisionOutcome { filing_id: f.id, status, version: version + 1, total: review.total })
}
