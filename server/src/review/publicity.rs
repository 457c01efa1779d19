//! Publicity (公示) of confirmed results, objections and their reconsideration (复议),
//! and each unit's choices about them.

use app::error::AppError;
use app::filing::DraftBody;
use app::model::{Role, SessionUser};
use app::period::Period;
use app::review::{
    BoardRow, ObjectionAnswer, ObjectionStatus, ObjectionView, PublicationSummary, PublicityBoard, UnitReviewSettings,
};
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde_json::json;
use sqlx::types::Json;

use super::{level_in, recompute, required_text, scheme_of, unit_settings};
use crate::error::OrInternal;
use crate::evaluation::sources::source_scores;
use crate::rights;
use crate::schemes::SchemeCache;
use crate::storage::reviews::{self, ObjectionRow, PublicationRow, SettingsRow};
use crate::storage::{audit, filings, tasks, Conn, Db};

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn label(period: &str) -> String {
    Period::parse(period).map(Period::label_zh).unwrap_or_else(|| period.to_string())
}

fn summary(p: &PublicationRow, now: DateTime<Utc>) -> PublicationSummary {
    PublicationSummary {
        unit_id: p.unit_id,
        unit_name: p.unit_name.clone(),
        period: p.period.clone(),
        period_label: label(&p.period),
        window_ends_at: rfc3339(p.window_ends_at),
        open: now < p.window_ends_at,
    }
}

/// Whether `user` is in the audience of a unit's board.
async fn may_see_board(conn: &mut Conn<'_>, user: &SessionUser, s: &SettingsRow) -> Result<bool, AppError> {
    Ok(user.has_role(Role::Admin)
        || user.unit_id == Some(s.unit_id)
        || s.publicity_scope == "district"
        || level_in(conn, user, s.unit_id).await?.is_some())
}

/// Publishes a unit's confirmed filings of a period for the unit's publicity window.
///
/// # Errors
/// [`AppError::Forbidden`] unless the caller confirms for the unit (or, where the levels
/// are merged, reviews it) or is an admin; [`AppError::Conflict`] when already published
/// or nothing is confirmed.
pub async fn publish(
    db: &Db,
    user: &SessionUser,
    unit_id: i64,
    period: &str,
    now: DateTime<Utc>,
) -> Result<PublicationSummary, AppError> {
    let period = Period::parse(period).ok_or_else(|| AppError::invalid("period", "考核期格式不正确"))?.to_string();
    let mut tx = db.begin().await.or_internal("begin")?;
    let mut conn = tx.conn();
    let settings = unit_settings(&mut conn, unit_id).await?;
    let level = level_in(&mut conn, user, unit_id).await?;
    let may = user.has_role(Role::Admin) || level == Some(2) || (settings.merged_levels && level == Some(1));
    if !may {
        return Err(AppError::Forbidden);
    }
    if reviews::publication(&mut conn, unit_id, &period).await.or_internal("publication")?.is_some() {
        return Err(AppError::Conflict { message: "本单位该考核期的结果已公示".into() });
    }
    let confirmed = reviews::unit_filings(&mut conn, unit_id, &period, "confirmed").await.or_internal("filings")?;
    if confirmed.is_empty() {
        return Err(AppError::Conflict { message: "该考核期还没有已确认的结果可公示".into() });
    }
    let ends = now + Duration::days(settings.publicity_days);
    reviews::insert_publication(&mut conn, unit_id, &period, user.id, now, ends).await.or_internal("publication")?;
    for (id, version) in &confirmed {
        if !reviews::set_status(&mut conn, *id, *version, "published", now).await.or_internal("status")? {
            return Err(AppError::Conflict { message: "有填报正被他人处理，请刷新后重试".into() });
        }
    }
    audit::append(
        &mut conn,
        &audit::NewEntry {
            actor_user_id: Some(user.id),
            action: "publicity.publish".into(),
            subject_type: "unit".into(),
            subject_id: unit_id.to_string(),
            before: Some(json!({ "status": "confirmed" })),
            after: Some(json!({
                "period": period,
                "filings": confirmed.iter().map(|(id, _)| id).collect::<Vec<_>>(),
                "window_ends_at": rfc3339(ends),
                "scope": settings.publicity_scope,
            })),
        },
        now,
    )
    .await
    .or_internal("audit")?;
    let row = reviews::publication(&mut conn, unit_id, &period)
        .await
        .or_internal("publication")?
        .ok_or(AppError::Internal)?;
    tx.commit().await.or_internal("commit")?;
    Ok(summary(&row, now))
}

/// The publicity windows `user` may see, newest first.
///
/// # Errors
/// [`AppError::Internal`] when the database cannot be read.
pub async fn publications(
    db: &Db,
    user: &SessionUser,
    now: DateTime<Utc>,
) -> Result<Vec<PublicationSummary>, AppError> {
    let mut pooled = db.acquire().await.or_internal("acquire")?;
    let mut conn = pooled.conn();
    let mut out = Vec::new();
    for p in reviews::publications(&mut conn).await.or_internal("publications")? {
        let settings = unit_settings(&mut conn, p.unit_id).await?;
        if may_see_board(&mut conn, user, &settings).await? {
            out.push(summary(&p, now));
        }
    }
    Ok(out)
}

/// Ranks by reviewed total, highest first; equal totals share a rank.
pub fn ranks(totals: &[String]) -> Vec<usize> {
    let parsed: Vec<Option<rules_wasm::Decimal>> = totals.iter().map(|t| rules_wasm::num::parse_decimal(t)).collect();
    parsed.iter().map(|mine| 1 + parsed.iter().filter(|other| other > &mine).count()).collect()
}

/// A unit's board for a period.
///
/// # Errors
/// [`AppError::NotFound`] when the period was not published; [`AppError::Forbidden`]
/// outside the unit's chosen audience.
pub async fn board(
    db: &Db,
    user: &SessionUser,
    unit_id: i64,
    period: &str,
    now: DateTime<Utc>,
) -> Result<PublicityBoard, AppError> {
    let mut pooled = db.acquire().await.or_internal("acquire")?;
    let mut conn = pooled.conn();
    let settings = unit_settings(&mut conn, unit_id).await?;
    if !may_see_board(&mut conn, user, &settings).await? {
        return Err(AppError::Forbidden);
    }
    let p =
        reviews::publication(&mut conn, unit_id, period).await.or_internal("publication")?.ok_or(AppError::NotFound)?;
    let open = now < p.window_ends_at;
    let filings = reviews::board_filings(&mut conn, unit_id, period).await.or_internal("board")?;
    let rank = ranks(&filings.iter().map(|f| f.reviewed_total.clone()).collect::<Vec<_>>());
    let year: i64 = period.get(..4).and_then(|y| y.parse().ok()).unwrap_or_default();
    let mut rows = Vec::with_capacity(filings.len());
    for (f, rank) in filings.into_iter().zip(rank) {
        let own = user.person_id == Some(f.person_id);
        let (duties, task_titles) = if settings.show_tasks {
            let duties = tasks::duties(&mut conn, f.person_id, year).await.or_internal("duties")?;
            let titles = tasks::of_person(&mut conn, f.person_id, year)
                .await
                .or_internal("tasks")?
                .into_iter()
                .filter(|t| t.status != "cancelled")
                .map(|t| t.title)
                .collect();
            (duties, titles)
        } else {
            (None, vec![])
        };
        let draft: DraftBody = serde_json::from_value(f.inputs.0.clone()).unwrap_or_default();
        let objected = reviews::objections_of_filing(&mut conn, f.filing_id)
            .await
            .or_internal("objections")?
            .iter()
            .any(|o| o.objector_id == user.id && o.status == "open");
        let may_object = open
            && !objected
            && (own || (settings.colleague_objections && user.unit_id == Some(unit_id) && user.person_id.is_some()));
        rows.push(BoardRow {
            filing_id: f.filing_id,
            person_name: f.person_name,
            post: f.post,
            duties,
            tasks: task_titles,
            achievements: draft.entries.into_iter().map(|e| e.title).collect(),
            self_total: f.self_total,
            reviewed_total: f.reviewed_total,
            grade: f.grade,
            rank: settings.show_rank.then_some(rank),
            own,
            may_object,
        });
    }
    Ok(PublicityBoard {
        unit_id,
        unit_name: p.unit_name.clone(),
        period: p.period.clone(),
        period_label: label(&p.period),
        published_at: rfc3339(p.published_at),
        window_ends_at: rfc3339(p.window_ends_at),
        open,
        rows,
    })
}

async fn view_of(conn: &mut Conn<'_>, user: &SessionUser, o: ObjectionRow) -> Result<ObjectionView, AppError> {
    let level = level_in(conn, user, o.unit_id).await?;
    let status = ObjectionStatus::parse(&o.status).unwrap_or(ObjectionStatus::Open);
    Ok(ObjectionView {
        id: o.id,
        filing_id: o.filing_id,
        person_name: o.person_name,
        period_label: label(&o.period),
        objector_name: o.objector_name,
        reason: o.reason,
        lodged_at: rfc3339(o.lodged_at),
        answer_due: rfc3339(o.answer_due),
        status,
        answer: o.answer,
        old_total: o.old_total,
        new_total: o.new_total,
        may_answer: status == ObjectionStatus::Open && level.is_some() && o.objector_id != user.id,
    })
}

/// The objections to a filing the caller may see: their own, or all of them for the
/// unit's reviewers and admins.
///
/// # Errors
/// [`AppError::Internal`] when the database cannot be read.
pub async fn objection_views(
    conn: &mut Conn<'_>,
    user: &SessionUser,
    filing_id: i64,
) -> Result<Vec<ObjectionView>, AppError> {
    let rows = reviews::objections_of_filing(conn, filing_id).await.or_internal("objections")?;
    let mut out = Vec::new();
    for o in rows {
        let reviewer = level_in(conn, user, o.unit_id).await?.is_some() || user.has_role(Role::Admin);
        if reviewer || o.objector_id == user.id {
            out.push(view_of(conn, user, o).await?);
        }
    }
    Ok(out)
}

/// The objections `user` lodged and those they must answer.
///
/// # Errors
/// [`AppError::Internal`] when the database cannot be read.
pub async fn my_objections(db: &Db, user: &SessionUser) -> Result<Vec<ObjectionView>, AppError> {
    let mut pooled = db.acquire().await.or_internal("acquire")?;
    let mut conn = pooled.conn();
    let units: Vec<i64> = if user.has_role(Role::Leader) {
        reviews::levels_of(&mut conn, user.id).await.or_internal("levels")?.into_iter().map(|(u, _)| u).collect()
    } else {
        vec![]
    };
    let rows = reviews::objections_for(&mut conn, user.id, &units).await.or_internal("objections")?;
    let mut out = Vec::with_capacity(rows.len());
    for o in rows {
        out.push(view_of(&mut conn, user, o).await?);
    }
    Ok(out)
}

/// Lodges an objection during the publicity window.
///
/// # Errors
/// [`AppError::Forbidden`] for someone who may not object; [`AppError::Conflict`] outside
/// the window or with an objection still open; [`AppError::Invalid`] without a reason.
pub async fn lodge(
    db: &Db,
    user: &SessionUser,
    filing_id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<ObjectionView, AppError> {
    let reason = required_text("reason", reason, "异议理由")?;
    let mut tx = db.begin().await.or_internal("begin")?;
    let mut conn = tx.conn();
    let f = filings::by_id(&mut conn, filing_id).await.or_internal("filing")?.ok_or(AppError::NotFound)?;
    let settings = unit_settings(&mut conn, f.unit_id).await?;
    let own = user.person_id == Some(f.person_id);
    let colleague = settings.colleague_objections && user.unit_id == Some(f.unit_id) && user.person_id.is_some();
    if !own && !colleague {
        return Err(AppError::Forbidden);
    }
    let window = reviews::publication(&mut conn, f.unit_id, &f.period).await.or_internal("publication")?;
    let open = f.status == "published" && window.is_some_and(|p| now < p.window_ends_at);
    if !open {
        return Err(AppError::Conflict { message: "不在公示期内，不能提出异议".into() });
    }
    let existing = reviews::objections_of_filing(&mut conn, f.id).await.or_internal("objections")?;
    if existing.iter().any(|o| o.objector_id == user.id && o.status == "open") {
        return Err(AppError::Conflict { message: "您对该结果的异议尚在复议中".into() });
    }
    let review = reviews::review(&mut conn, f.id).await.or_internal("review")?.ok_or(AppError::Internal)?;
    let due = now + Duration::days(settings.answer_days);
    let id = reviews::insert_objection(&mut conn, f.id, user.id, &reason, &review.total, now, due)
        .await
        .or_internal("objection")?;
    audit::append(
        &mut conn,
        &audit::NewEntry {
            actor_user_id: Some(user.id),
            action: "objection.lodge".into(),
            subject_type: "filing".into(),
            subject_id: f.id.to_string(),
            before: Some(json!({ "reviewed_total": review.total })),
            after: Some(json!({ "objection": id, "reason": reason, "answer_due": rfc3339(due) })),
        },
        now,
    )
    .await
    .or_internal("audit")?;
    let row = reviews::objection(&mut conn, id).await.or_internal("objection")?.ok_or(AppError::Internal)?;
    let view = view_of(&mut conn, user, row).await?;
    tx.commit().await.or_internal("commit")?;
    Ok(view)
}

/// Records the reconsideration outcome: the score kept, or changed through new
/// adjustments that the engine recomputes.
///
/// # Errors
/// [`AppError::Forbidden`] unless the caller reviews the unit (and is not the filing's
/// owner); [`AppError::Conflict`] when already answered or the filing changed.
pub async fn answer(
    db: &Db,
    cache: &SchemeCache,
    user: &SessionUser,
    a: &ObjectionAnswer,
    now: DateTime<Utc>,
) -> Result<ObjectionView, AppError> {
    rights::require_role(user, Role::Leader)?;
    let text = required_text("answer", &a.answer, "复议意见")?;
    let mut tx = db.begin().await.or_internal("begin")?;
    let mut conn = tx.conn();
    let o = reviews::objection(&mut conn, a.objection_id).await.or_internal("objection")?.ok_or(AppError::NotFound)?;
    let f = filings::by_id(&mut conn, o.filing_id).await.or_internal("filing")?.ok_or(AppError::Internal)?;
    if level_in(&mut conn, user, f.unit_id).await?.is_none() || user.person_id == Some(f.person_id) {
        return Err(AppError::Forbidden);
    }
    if o.status != "open" {
        return Err(AppError::Conflict { message: "该异议已复议".into() });
    }
    if f.version != a.version {
        return Err(AppError::Conflict { message: "该结果已被他人修改，请刷新后重试".into() });
    }
    let mut review = reviews::review(&mut conn, f.id).await.or_internal("review")?.ok_or(AppError::Internal)?;
    let old_total = review.total.clone();
    let status = match &a.adjustments {
        None => ObjectionStatus::Kept,
        Some(adjustments) => {
            let (scheme, _) = scheme_of(&mut conn, cache, &f).await?;
            let sources = source_scores(&mut conn, &scheme, f.person_id, f.unit_id, &f.period).await?;
            let (engine, result) = recompute(&scheme, &f, adjustments, &sources, &user.display_name)?;
            review.adjustments = Json(serde_json::to_value(&engine).or_internal("adjustments json")?);
            review.total = result.total.to_string();
            review.grade = result.grade.as_deref().map(str::to_string);
            review.result = Json(serde_json::to_value(&result).or_internal("result json")?);
            if review.total == old_total {
                ObjectionStatus::Kept
            } else {
                ObjectionStatus::Changed
            }
        }
    };
    let new_total = (status == ObjectionStatus::Changed).then(|| review.total.clone());
    if !reviews::answer_objection(&mut conn, o.id, status.as_str(), &text, new_total.as_deref(), user.id, now)
        .await
        .or_internal("answer")?
    {
        return Err(AppError::Conflict { message: "该异议已复议".into() });
    }
    if !reviews::set_status(&mut conn, f.id, a.version, &f.status, now).await.or_internal("status")? {
        return Err(AppError::Conflict { message: "该结果已被他人修改，请刷新后重试".into() });
    }
    reviews::upsert_review(&mut conn, &review, now).await.or_internal("review")?;
    audit::append(
        &mut conn,
        &audit::NewEntry {
            actor_user_id: Some(user.id),
            action: "objection.outcome".into(),
            subject_type: "filing".into(),
            subject_id: f.id.to_string(),
            before: Some(json!({ "objection": o.id, "reviewed_total": old_total })),
            after: Some(json!({ "objection": o.id, "outcome": status.as_str(), "reviewed_total": review.total,
                                "answer": text, "on_time": now <= o.answer_due })),
        },
        now,
    )
    .await
    .or_internal("audit")?;
    let row = reviews::objection(&mut conn, o.id).await.or_internal("objection")?.ok_or(AppError::Internal)?;
    let view = view_of(&mut conn, user, row).await?;
    tx.commit().await.or_internal("commit")?;
    Ok(view)
}

fn settings_view(s: SettingsRow) -> UnitReviewSettings {
    UnitReviewSettings {
        unit_id: s.unit_id,
        unit_name: s.unit_name,
        merged_levels: s.merged_levels,
        publicity_days: s.publicity_days,
        publicity_district: s.publicity_scope == "district",
        show_tasks: s.show_tasks,
        show_rank: s.show_rank,
        colleague_objections: s.colleague_objections,
        answer_days: s.answer_days,
    }
}

/// Every unit's choices (organisation admins).
///
/// # Errors
/// [`AppError::Forbidden`] for anyone but an admin.
pub async fn all_settings(db: &Db, user: &SessionUser) -> Result<Vec<UnitReviewSettings>, AppError> {
    rights::require_role(user, Role::Admin)?;
    let mut pooled = db.acquire().await.or_internal("acquire")?;
    let rows = reviews::all_settings(&mut pooled.conn()).await.or_internal("settings")?;
    Ok(rows.into_iter().map(settings_view).collect())
}

/// Changes one unit's choices (organisation admins), audited.
///
/// # Errors
/// [`AppError::Forbidden`] for anyone but an admin; [`AppError::Invalid`] for days outside
/// 1–30.
pub async fn save_settings(
    db: &Db,
    user: &SessionUser,
    s: &UnitReviewSettings,
    now: DateTime<Utc>,
) -> Result<UnitReviewSettings, AppError> {
    rights::require_role(user, Role::Admin)?;
    if !(1..=30).contains(&s.publicity_days) {
        return Err(AppError::invalid("publicity_days", "公示天数应在 1 至 30 天之间"));
    }
    if !(1..=30).contains(&s.answer_days) {
        return Err(AppError::invalid("answer_days", "复议答复期限应在 1 至 30 天之间"));
    }
    let mut tx = db.begin().await.or_internal("begin")?;
    let mut conn = tx.conn();
    let before = settings_view(unit_settings(&mut conn, s.unit_id).await?);
    let row = SettingsRow {
        unit_id: s.unit_id,
        unit_name: before.unit_name.clone(),
        merged_levels: s.merged_levels,
        publicity_days: s.publicity_days,
        publicity_scope: if s.publicity_district { "district" } else { "unit" }.into(),
        show_tasks: s.show_tasks,
        show_rank: s.show_rank,
        colleague_objections: s.colleague_objections,
        answer_days: s.answer_days,
    };
    reviews::save_settings(&mut conn, &row, user.id, now).await.or_internal("save settings")?;
    let after = settings_view(row);
    audit::append(
        &mut conn,
        &audit::NewEntry {
            actor_user_id: Some(user.id),
            action: "unit.review_settings".into(),
            subject_type: "unit".into(),
            subject_id: s.unit_id.to_string(),
            before: Some(serde_json::to_value(&before).or_internal("json")?),
            after: Some(serde_json::to_value(&after).or_internal("json")?),
        },
        now,
    )
    .await
    .or_internal("audit")?;
    tx.commit().await.or_internal("commit")?;
    Ok(after)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_totals_share_a_rank() {
        let totals: Vec<String> = ["90.00", "95.50", "90.00", "80"].iter().map(|s| s.to_string()).collect();
        assert_eq!(ranks(&totals), vec![2, 1, 2, 4]);
    }
}
