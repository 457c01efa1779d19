//! Review (审核) in two levels that a unit may merge into one, publicity (公示) with
//! objections and reconsideration (复议), and the organisation admin's view of how
//! reviewers score.
//!
//! Every state change runs in one transaction that moves the filing from the version the
//! actor saw (`filings.version`), so two reviewers acting at once cannot both succeed,
//! and appends to the hash-chained audit log.

pub mod decide;
pub mod publicity;
pub mod stats;

use std::collections::BTreeMap;
use std::sync::Arc;

use app::error::AppError;
use app::filing::{DraftBody, SchemeInfo};
use app::model::{Role, SessionUser};
use app::review::{engine_adjustments, ItemAdjustment, ReviewLevel};
use rules_wasm::{Adjustment, CompiledScheme, Evaluation, SourceScore};

use crate::error::OrInternal;
use crate::schemes::SchemeCache;
use crate::storage::filings::FilingRow;
use crate::storage::reviews::{self, SettingsRow};
use crate::storage::{schemes, Conn};

/// The level at which `user` reviews `unit_id`, if any.
///
/// # Errors
/// [`AppError::Internal`] when the database cannot be read.
pub async fn level_in(conn: &mut Conn<'_>, user: &SessionUser, unit_id: i64) -> Result<Option<i64>, AppError> {
    if !user.has_role(Role::Leader) {
        return Ok(None);
    }
    let levels = reviews::levels_of(conn, user.id).await.or_internal("levels")?;
    Ok(levels.into_iter().find(|(u, _)| *u == unit_id).map(|(_, l)| l))
}

/// A unit's settings (defaults when it chose none).
///
/// # Errors
/// [`AppError::NotFound`] for an unknown unit.
pub async fn unit_settings(conn: &mut Conn<'_>, unit_id: i64) -> Result<SettingsRow, AppError> {
    reviews::settings(conn, unit_id).await.or_internal("settings")?.ok_or(AppError::NotFound)
}

/// The step `user` may take on a filing now, given their level in its unit.
pub fn allowed_step(user: &SessionUser, f: &FilingRow, level: Option<i64>, merged: bool) -> Option<ReviewLevel> {
    if user.person_id == Some(f.person_id) {
        return None;
    }
    match (f.status.as_str(), level) {
        ("submitted", Some(1)) => Some(ReviewLevel::First),
        ("submitted", Some(2)) if merged => Some(ReviewLevel::First),
        ("reviewed", Some(2)) => Some(ReviewLevel::Second),
        _ => None,
    }
}

/// The compiled scheme a filing was filed under, and the phone's view of it.
///
/// # Errors
/// [`AppError::Internal`] when the stored scheme is missing or does not compile.
pub async fn scheme_of(
    conn: &mut Conn<'_>,
    cache: &SchemeCache,
    f: &FilingRow,
) -> Result<(Arc<CompiledScheme>, SchemeInfo), AppError> {
    let row =
        schemes::get(conn, &f.scheme_id, f.scheme_version).await.or_internal("scheme")?.ok_or(AppError::Internal)?;
    let compiled = cache.compiled(&row)?;
    let info = SchemeInfo {
        id: row.id.clone(),
        version: u32::try_from(row.version).unwrap_or_default(),
        hash: row.hash.clone(),
        name: row.name.clone(),
        json: row.body.clone(),
        allows_nothing_to_report: compiled.scheme().empty_period.is_some(),
    };
    Ok((compiled, info))
}

/// Recomputes a filing's score with the reviewer's adjustments: the cadre's own inputs,
/// the evaluation sources gathered so far (leaders, peers, residents, two-way), each
/// adjusted item's points replaced, and the engine doing the rest (caps, vetoes,
/// coefficients, grade).
///
/// # Errors
/// [`AppError::Invalid`] for an adjustment without a reason, of an unknown item or not a
/// number.
pub fn recompute(
    scheme: &CompiledScheme,
    f: &FilingRow,
    adjustments: &[ItemAdjustment],
    sources: &BTreeMap<String, SourceScore>,
    by: &str,
) -> Result<(Vec<Adjustment>, Evaluation), AppError> {
    let engine =
        engine_adjustments(scheme, adjustments, by).map_err(|(path, message)| AppError::invalid(&path, message))?;
    let draft: DraftBody = serde_json::from_value(f.inputs.0.clone()).or_internal("stored inputs")?;
    let version = u32::try_from(f.scheme_version).unwrap_or_default();
    let mut filing = draft.engine_filing(&f.scheme_id, version, &f.period);
    filing.adjustments = engine.clone();
    filing.sources = sources.clone();
    let result = rules_wasm::evaluate(scheme, &filing).map_err(|e| AppError::invalid("filing", e.to_string()))?;
    Ok((engine, result))
}

/// The phone's view of stored engine adjustments.
pub fn item_adjustments(stored: &serde_json::Value) -> Vec<ItemAdjustment> {
    let engine: Vec<Adjustment> = serde_json::from_value(stored.clone()).unwrap_or_default();
    engine
        .into_iter()
        .map(|a| ItemAdjustment { indicator: a.indicator, points: a.points.to_string(), reason: a.reason })
        .collect()
}

/// Checks a free text (comment, reason, answer): present and not overlong.
///
/// # Errors
/// [`AppError::Invalid`] naming `field`.
pub fn required_text(field: &str, text: &str, what: &str) -> Result<String, AppError> {
    let t = text.trim();
    if t.is_empty() {
        return Err(AppError::invalid(field, format!("请填写{what}")));
    }
    if t.chars().count() > app::review::MAX_TEXT_CHARS {
        return Err(AppError::invalid(field, format!("{what}不超过 {} 字", app::review::MAX_TEXT_CHARS)));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filing(person: i64, status: &str) -> FilingRow {
        let now = chrono::Utc::now();
        FilingRow {
            id: 1,
            person_id: person,
            unit_id: 1,
            period: "2026-10".into(),
            scheme_id: "s".into(),
            scheme_version: 1,
            scheme_hash: "h".into(),
            engine_version: "e".into(),
            status: status.into(),
            revision: 1,
            version: 1,
            nothing_to_report: false,
            late: false,
            inputs: sqlx::types::Json(serde_json::json!({})),
            result: sqlx::types::Json(serde_json::json!({})),
            total: "90.00".into(),
            grade: None,
            submitted_at: now,
            updated_at: now,
        }
    }

    fn leader(person: i64) -> SessionUser {
        SessionUser {
            id: 9,
            username: "l".into(),
            display_name: "L".into(),
            roles: vec![Role::Leader, Role::Cadre],
            person_id: Some(person),
            unit_id: Some(1),
            supervised_units: vec![1],
        }
    }

    #[test]
    fn nobody_reviews_their_own_filing() {
        assert_eq!(allowed_step(&leader(5), &filing(5, "submitted"), Some(1), false), None);
        assert_eq!(allowed_step(&leader(6), &filing(5, "submitted"), Some(1), false), Some(ReviewLevel::First));
    }

    #[test]
    fn level_two_acts_at_level_one_only_where_levels_are_merged() {
        let l = leader(6);
        assert_eq!(allowed_step(&l, &filing(5, "submitted"), Some(2), false), None);
        assert_eq!(allowed_step(&l, &filing(5, "submitted"), Some(2), true), Some(ReviewLevel::First));
        assert_eq!(allowed_step(&l, &filing(5, "reviewed"), Some(2), false), Some(ReviewLevel::Second));
        assert_eq!(allowed_step(&l, &filing(5, "reviewed"), Some(1), false), None);
        assert_eq!(allowed_step(&l, &filing(5, "confirmed"), Some(2), false), None);
    }
}
