//! The organisation admin opens and closes evaluation rounds.

use app::error::AppError;
use app::evaluation::{RoundAction, RoundKind, RoundView, RoundsPage};
use app::model::{Role, SessionUser};
use app::period::Period;
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::error::OrInternal;
use crate::storage::audit::{self, NewEntry};
use crate::storage::evaluations::{self, NewRound, RoundRow, RoundSummaryRow};
use crate::storage::{is_unique_violation, org, Db};

fn require_admin(user: &SessionUser) -> Result<(), AppError> {
    if user.has_role(Role::Admin) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The admin's rounds page.
///
/// # Errors
/// [`AppError::Forbidden`] for anyone but an organisation admin.
pub async fn page(db: &Db, user: &SessionUser, now: DateTime<Utc>) -> Result<RoundsPage, AppError> {
    require_admin(user)?;
    let mut pooled = db.acquire().await.or_internal("acquire")?;
    let mut conn = pooled.conn();
    let rounds = evaluations::summaries(&mut conn).await.or_internal("rounds")?;
    let units = org::units_with_counts(&mut conn).await.or_internal("units")?;
    let today = crate::filing::china_today(now);
    Ok(RoundsPage {
        rounds: rounds.into_iter().map(view).collect(),
        units: units.into_iter().map(|u| (u.id, u.name)).collect(),
        default_period: Period::containing(app::period::Kind::Month, today).to_string(),
    })
}

fn view(r: RoundSummaryRow) -> RoundView {
    let kind = if r.kind == "two_way" { RoundKind::TwoWay } else { RoundKind::Unit };
    let title = match kind {
        RoundKind::Unit => r.unit_name.unwrap_or_default(),
        RoundKind::TwoWay => format!("双向考核：{} 评 {}", r.rater_categories, r.ratee_categories),
    };
    RoundView {
        id: r.id,
        kind,
        title,
        period_label: Period::parse(&r.period).map_or_else(|| r.period.clone(), Period::label_zh),
        period: r.period,
        open: r.status == "open",
        min_raters: u32::try_from(r.min_raters).unwrap_or_default(),
        ballots: u32::try_from(r.ballots).unwrap_or_default(),
        leaders: u32::try_from(r.leaders).unwrap_or_default(),
    }
}

/// Opens or closes a round, with its audit entry, and returns the page as it now is.
///
/// # Errors
/// [`AppError::Forbidden`] for anyone but an admin; [`AppError::Invalid`] for a bad
/// period, minimum, unit or categories; [`AppError::Conflict`] for a round that exists
/// already or is not open; [`AppError::NotFound`] for an unknown round.
pub async fn act(db: &Db, user: &SessionUser, action: RoundAction, now: DateTime<Utc>) -> Result<RoundsPage, AppError> {
    require_admin(user)?;
    let mut tx = db.begin().await.or_internal("begin")?;
    let mut conn = tx.conn();
    let (audit_action, subject, after) = match action {
        RoundAction::Open { kind, unit_id, period, min_raters, rater_categories, ratee_categories } => {
            let period = Period::parse(period.trim())
                .ok_or_else(|| AppError::invalid("period", "考核期格式应为 2026-11、2026-Q4、2026-H2 或 2026"))?
                .to_string();
            if !(1..=100).contains(&min_raters) {
                return Err(AppError::invalid("min_raters", "最少评价人数应在 1 到 100 之间"));
            }
            let (unit_id, raters, ratees) = match kind {
                RoundKind::Unit => {
                    let unit_id = unit_id.ok_or_else(|| AppError::invalid("unit_id", "请选择单位"))?;
                    org::unit(&mut conn, unit_id)
                        .await
                        .or_internal("unit")?
                        .ok_or_else(|| AppError::invalid("unit_id", "单位不存在"))?;
                    (Some(unit_id), String::new(), String::new())
                }
                RoundKind::TwoWay => {
                    let raters = categories(&rater_categories, "rater_categories")?;
                    let ratees = categories(&ratee_categories, "ratee_categories")?;
                    (None, raters, ratees)
                }
            };
            let new = NewRound {
                kind: kind.as_str(),
                unit_id,
                period: &period,
                min_raters: i64::from(min_raters),
                rater_categories: &raters,
                ratee_categories: &ratees,
                opened_by: user.id,
            };
            let id = match evaluations::insert_round(&mut conn, &new, now).await {
                Ok(id) => id,
                Err(e) if is_unique_violation(&e) => {
                    return Err(AppError::Conflict { message: "该单位本期测评已开启过".into() })
                }
                Err(e) => return Err(crate::error::internal("insert round", e)),
            };
            let after = json!({ "kind": kind.as_str(), "unit_id": unit_id, "period": period,
                                "min_raters": min_raters, "raters": raters, "ratees": ratees });
            ("evaluation.round_opened", id, after)
        }
        RoundAction::Close { round_id } => {
            let round: RoundRow =
                evaluations::round(&mut conn, round_id).await.or_internal("round")?.ok_or(AppError::NotFound)?;
            if !evaluations::close_round(&mut conn, round.id, now).await.or_internal("close round")? {
                return Err(AppError::Conflict { message: "本轮测评已结束".into() });
            }
            ("evaluation.round_closed", round.id, json!({ "status": "closed" }))
        }
    };
    audit::append(
        &mut conn,
        &NewEntry {
            actor_user_id: Some(user.id),
            action: audit_action.into(),
            subject_type: "evaluation_round".into(),
            subject_id: subject.to_string(),
            before: None,
            after: Some(after),
        },
        now,
    )
    .await
    .or_internal("audit")?;
    tx.commit().await.or_internal("commit")?;
    page(db, user, now).await
}

/// A comma-separated list of unit categories (、，, all accepted), normalised.
fn categories(list: &str, field: &str) -> Result<String, AppError> {
    let parts: Vec<&str> = list.split([',', '，', '、']).map(str::trim).filter(|c| !c.is_empty()).collect();
    if parts.is_empty() {
        return Err(AppError::invalid(field, "请填写单位类别，如：街道,镇"));
    }
    Ok(parts.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_accept_chinese_separators() {
        assert_eq!(categories("街道、镇", "f").unwrap(), "街道,镇");
        assert_eq!(categories(" 经济部门，综合管理 ,", "f").unwrap(), "经济部门,综合管理");
        assert!(categories(" , ", "f").is_err());
    }
}
