//! What the phone and the server exchange about reviews (审核), publicity (公示) and
//! objections (复议).

use rules_wasm::{Adjustment, CompiledScheme, Decimal, Evaluation};
use serde::{Deserialize, Serialize};

use crate::filing::{FilingStatus, FilingView, SchemeInfo, TaskItem};

/// The shortest reason a reviewer may give for changing points.
pub const MIN_REASON_CHARS: usize = 2;
/// The longest reason, comment or objection.
pub const MAX_TEXT_CHARS: usize = 300;

/// Which review step a reviewer takes on a unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewLevel {
    /// 分管领导审核: approve, adjust, or return to the cadre.
    First,
    /// 单位党委/主要领导 or 考核办确认: confirm, or send back to level one.
    Second,
}

impl ReviewLevel {
    pub fn number(self) -> i64 {
        match self {
            ReviewLevel::First => 1,
            ReviewLevel::Second => 2,
        }
    }

    pub fn of_number(n: i64) -> Option<Self> {
        match n {
            1 => Some(ReviewLevel::First),
            2 => Some(ReviewLevel::Second),
            _ => None,
        }
    }

    /// The filing status this level acts on.
    pub fn acts_on(self) -> FilingStatus {
        match self {
            ReviewLevel::First => FilingStatus::Submitted,
            ReviewLevel::Second => FilingStatus::Reviewed,
        }
    }
}

/// One filing waiting for the caller.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub filing_id: i64,
    /// The version the caller saw; sent back with a decision.
    pub version: i64,
    pub level: ReviewLevel,
    pub person_name: String,
    pub post: String,
    pub unit_name: String,
    pub period: String,
    pub period_label: String,
    /// The filing's due day (`YYYY-MM-DD`); the queue is ordered by it.
    pub deadline: String,
    pub late: bool,
    pub self_total: String,
    /// Level two: the score level one arrived at.
    pub reviewed_total: Option<String>,
    /// Level two: how many items level one changed.
    pub adjusted_items: usize,
}

/// Confirmed results of a unit and period the caller may publish.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publishable {
    pub unit_id: i64,
    pub unit_name: String,
    pub period: String,
    pub period_label: String,
    pub confirmed: i64,
}

/// The caller's queue: level one and level two, oldest deadline first, and what they
/// may publish.
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ReviewQueue {
    pub items: Vec<QueueItem>,
    #[serde(default)]
    pub publishable: Vec<Publishable>,
    /// The reviewer's own report, when they are assessed too and have not filed the
    /// period yet.
    #[serde(default)]
    pub own_report: Option<OwnReportDue>,
}

/// A unit head's own report of the previous period, not filed yet. Shown on top of their
/// queue (where they land) so that filing an empty month takes two taps after sign-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnReportDue {
    /// `2026-11`, for the report page's link.
    pub period: String,
    pub period_label: String,
    /// `YYYY-MM-DD`
    pub deadline: String,
    /// The deadline has passed (the scheme accepts late filings).
    pub late: bool,
    /// The scheme counts an empty period (本月无重难点工作).
    pub allows_nothing_to_report: bool,
}

impl ReviewQueue {
    pub fn count(&self) -> usize {
        self.items.len()
    }
}

/// A reviewer's change of one item's points, with the mandatory reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemAdjustment {
    pub indicator: String,
    /// The item's new points as typed (a plain decimal).
    pub points: String,
    pub reason: String,
}

/// Everything a reviewer sees when opening a filing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewDetail {
    pub filing: FilingView,
    pub version: i64,
    /// What the caller may do now (`None`: read only).
    pub level: Option<ReviewLevel>,
    /// The unit merged the two levels into one: approving is final.
    pub merged_levels: bool,
    /// The scheme, so the phone recomputes the total live as points are adjusted.
    pub scheme: SchemeInfo,
    pub duties: Option<String>,
    pub tasks: Vec<TaskItem>,
    /// The adjustments stored so far (level one's, for level two to see).
    pub adjustments: Vec<ItemAdjustment>,
    /// The reviewed result, once level one approved.
    pub reviewed: Option<Evaluation>,
    /// The last comment of a return or send-back.
    pub comment: String,
    pub objections: Vec<ObjectionView>,
    /// Evaluation sources gathered so far (closed rounds, ended campaigns), so the phone's
    /// live total matches the server's.
    #[serde(default)]
    pub sources: std::collections::BTreeMap<String, rules_wasm::SourceScore>,
}

/// What a reviewer decides about one filing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Decision {
    /// Level one: approve with these adjustments (none: the self-score stands).
    Approve { adjustments: Vec<ItemAdjustment> },
    /// Level one: back to the cadre to change and resubmit.
    Return { comment: String },
    /// Level two: confirm level one's result.
    Confirm,
    /// Level two: back to level one.
    SendBack { comment: String },
}

impl Decision {
    pub fn level(&self) -> ReviewLevel {
        match self {
            Decision::Approve { .. } | Decision::Return { .. } => ReviewLevel::First,
            Decision::Confirm | Decision::SendBack { .. } => ReviewLevel::Second,
        }
    }
}

/// The answer to a decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionOutcome {
    pub filing_id: i64,
    pub status: FilingStatus,
    pub version: i64,
    pub total: String,
}

/// One filing of a batch approval, at the version the reviewer saw.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchItem {
    pub filing_id: i64,
    pub version: i64,
}

/// Turns adjustments into the engine's, checking each; `by` names the reviewer.
///
/// # Errors
/// `(field path, Chinese message)` for an unknown item, a non-number, or a missing or
/// overlong reason.
pub fn engine_adjustments(
    scheme: &CompiledScheme,
    adjustments: &[ItemAdjustment],
    by: &str,
) -> Result<Vec<Adjustment>, (String, String)> {
    let mut out = Vec::with_capacity(adjustments.len());
    for (i, a) in adjustments.iter().enumerate() {
        let points = adjusted_points(scheme, i, a)?;
        let reason = a.reason.trim();
        if reason.chars().count() < MIN_REASON_CHARS {
            return Err((format!("adjustments[{i}].reason"), "调整分值须填写理由".into()));
        }
        if reason.chars().count() > MAX_TEXT_CHARS {
            return Err((format!("adjustments[{i}].reason"), format!("理由不超过 {MAX_TEXT_CHARS} 字")));
        }
        out.push(Adjustment { indicator: a.indicator.clone(), points, reason: reason.to_string(), by: by.to_string() });
    }
    Ok(out)
}

/// The adjustments for the reviewer's live total while they type: rows without points
/// yet are left out, and a reason still being written does not hold the total back (the
/// reason is checked, by [`engine_adjustments`], when the decision is sent).
///
/// # Errors
/// `(field path, Chinese message)` for an unknown item or a non-number.
pub fn preview_adjustments(
    scheme: &CompiledScheme,
    adjustments: &[ItemAdjustment],
) -> Result<Vec<Adjustment>, (String, String)> {
    let mut out = Vec::with_capacity(adjustments.len());
    for (i, a) in adjustments.iter().enumerate().filter(|(_, a)| !a.points.trim().is_empty()) {
        let points = adjusted_points(scheme, i, a)?;
        out.push(Adjustment {
            indicator: a.indicator.clone(),
            points,
            reason: a.reason.trim().to_string(),
            by: String::new(),
        });
    }
    Ok(out)
}

/// The points of one adjustment, for an indicator the scheme has.
fn adjusted_points(scheme: &CompiledScheme, i: usize, a: &ItemAdjustment) -> Result<Decimal, (String, String)> {
    if !scheme.scheme().indicators.iter().any(|ind| ind.id == a.indicator) {
        return Err((format!("adjustments[{i}].indicator"), "方案中没有此项".into()));
    }
    rules_wasm::num::parse_decimal(a.points.trim())
        .ok_or_else(|| (format!("adjustments[{i}].points"), "分值应为数字".into()))
}

/// A unit's review and publicity choices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitReviewSettings {
    pub unit_id: i64,
    pub unit_name: String,
    /// One review level instead of two.
    pub merged_levels: bool,
    pub publicity_days: i64,
    /// The whole district sees the board, not only the unit's members.
    pub publicity_district: bool,
    pub show_tasks: bool,
    pub show_rank: bool,
    /// Colleagues, not only the cadre, may object.
    pub colleague_objections: bool,
    pub answer_days: i64,
}

/// One person on a publicity board.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardRow {
    pub filing_id: i64,
    pub person_name: String,
    pub post: String,
    pub duties: Option<String>,
    pub tasks: Vec<String>,
    pub achievements: Vec<String>,
    pub self_total: String,
    pub reviewed_total: String,
    pub grade: Option<String>,
    /// Rank in the assessment unit by reviewed score (ties share a rank).
    pub rank: Option<usize>,
    pub own: bool,
    /// The caller may lodge an objection now.
    pub may_object: bool,
}

/// A unit's publicity board for a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicityBoard {
    pub unit_id: i64,
    pub unit_name: String,
    pub period: String,
    pub period_label: String,
    /// RFC 3339, UTC.
    pub published_at: String,
    pub window_ends_at: String,
    pub open: bool,
    pub rows: Vec<BoardRow>,
}

/// A publicity window the caller may see.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicationSummary {
    pub unit_id: i64,
    pub unit_name: String,
    pub period: String,
    pub period_label: String,
    pub window_ends_at: String,
    pub open: bool,
}

/// Where an objection stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectionStatus {
    Open,
    /// 维持: the score is kept.
    Kept,
    /// 改变: the score was changed.
    Changed,
}

impl ObjectionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectionStatus::Open => "open",
            ObjectionStatus::Kept => "kept",
            ObjectionStatus::Changed => "changed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Open, Self::Kept, Self::Changed].into_iter().find(|x| x.as_str() == s)
    }
}

/// An objection and its reconsideration, as the objector and the reviewers see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionView {
    pub id: i64,
    pub filing_id: i64,
    pub person_name: String,
    pub period_label: String,
    pub objector_name: String,
    pub reason: String,
    pub lodged_at: String,
    /// The reviewer must answer by then (RFC 3339, UTC).
    pub answer_due: String,
    pub status: ObjectionStatus,
    pub answer: Option<String>,
    pub old_total: String,
    pub new_total: Option<String>,
    /// The caller may answer it.
    pub may_answer: bool,
}

/// The reconsideration outcome a reviewer records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectionAnswer {
    pub objection_id: i64,
    /// The filing's version the reviewer saw.
    pub version: i64,
    pub answer: String,
    /// `None`: the score is kept. `Some`: the full new set of adjustments; the engine
    /// recomputes the score.
    pub adjustments: Option<Vec<ItemAdjustment>>,
}

/// How one reviewer's level-one decisions compare with their peers' (a flag, not a verdict).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReviewerStats {
    pub user_id: i64,
    pub name: String,
    pub reviewed: usize,
    pub adjusted_items: usize,
    /// Mean change of reviewed over self-declared total.
    pub mean_change: String,
    /// Share of reviewed filings scored at the scheme's maximum (0–100).
    pub at_max_percent: u32,
    /// Distinct reviewed totals.
    pub distinct_totals: usize,
    /// Changes of at least a fifth of the item's range with a reason under ten characters.
    pub thin_reason_changes: usize,
    /// Plain-language flags, each explaining itself.
    pub flags: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheme() -> CompiledScheme {
        let json = include_str!("../../../rules-wasm/schemes/s1-hanbin-staff-monthly.json");
        CompiledScheme::from_json(json).unwrap()
    }

    fn adj(indicator: &str, points: &str, reason: &str) -> ItemAdjustment {
        ItemAdjustment { indicator: indicator.into(), points: points.into(), reason: reason.into() }
    }

    #[test]
    fn an_adjustment_needs_a_reason() {
        let s = scheme();
        let err = engine_adjustments(&s, &[adj("tasks", "30", " ")], "张伟").unwrap_err();
        assert_eq!(err.0, "adjustments[0].reason");
        let ok = engine_adjustments(&s, &[adj("tasks", "30", "台账未按时更新")], "张伟").unwrap();
        assert_eq!(ok[0].by, "张伟");
        assert_eq!(ok[0].points.to_string(), "30");
    }

    #[test]
    fn the_live_total_counts_points_before_the_reason_is_written() {
        let s = scheme();
        let rows = [adj("tasks", "30", ""), adj("study", " ", "")];
        let preview = preview_adjustments(&s, &rows).unwrap();
        assert_eq!(preview.len(), 1, "a row without points yet is left out");
        assert_eq!(preview[0].points.to_string(), "30");
        assert_eq!(preview_adjustments(&s, &[adj("tasks", "abc", "")]).unwrap_err().0, "adjustments[0].points");
        assert!(engine_adjustments(&s, &rows[..1], "张伟").is_err(), "sending still needs the reason");
    }

    #[test]
    fn unknown_items_and_non_numbers_are_refused() {
        let s = scheme();
        assert_eq!(
            engine_adjustments(&s, &[adj("nope", "1", "理由充分")], "x").unwrap_err().0,
            "adjustments[0].indicator"
        );
        assert_eq!(
            engine_adjustments(&s, &[adj("tasks", "abc", "理由充分")], "x").unwrap_err().0,
            "adjustments[0].points"
        );
    }

    #[test]
    fn decisions_belong_to_their_level() {
        assert_eq!(Decision::Confirm.level(), ReviewLevel::Second);
        assert_eq!(Decision::Approve { adjustments: vec![] }.level(), ReviewLevel::First);
        assert_eq!(ReviewLevel::of_number(ReviewLevel::Second.number()), Some(ReviewLevel::Second));
    }
}
