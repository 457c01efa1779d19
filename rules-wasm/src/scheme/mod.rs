//! A scheme (考核方案) is data: the versioned JSON document that says what is assessed, how
//! each indicator scores, which caps, vetoes and coefficients apply, and how grades and
//! period roll-ups work.
//!
//! Every decimal in a scheme is written as a JSON **string** (`"points": "40"`), so no value
//! ever passes through a binary float. Counts and versions are plain JSON numbers. Unknown
//! fields are rejected, so a typo cannot silently change a score.

pub(crate) mod canonical;
mod names;
mod read;

use crate::decimal::Decimal;
use serde::{Deserialize, Serialize};

/// One assessment scheme. Parse it with [`crate::CompiledScheme::from_json`], which also
/// validates it and computes its content hash.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    /// Stable identifier, e.g. `"s1-hanbin-staff-monthly"`.
    pub id: String,
    /// Increases with every published change; results name the version they were computed by.
    pub version: u32,
    /// Chinese display name.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// First day the scheme applies, `YYYY-MM-DD`.
    pub effective_from: String,
    /// Last day the scheme applies, `YYYY-MM-DD`; open-ended when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<String>,
    /// The content hash the publisher claims (`sha256:…`). When present it must equal
    /// [`crate::scheme_hash`]; it is left out of the hashed canonical form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
    /// Who is assessed by this scheme.
    pub target: Target,
    /// The period one filing covers.
    pub period: PeriodKind,
    #[serde(default)]
    pub rounding: Rounding,
    /// Named aspects indicators can be tagged with, e.g. 德 / 能 / 勤 / 绩 / 廉.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dimensions: Vec<Dimension>,
    pub groups: Vec<Group>,
    pub indicators: Vec<Indicator>,
    /// Gates whose failure forces the result (一票否决), checked after the total.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vetoes: Vec<Veto>,
    /// Per-person multipliers applied to the total.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coefficients: Vec<Coefficient>,
    #[serde(default)]
    pub totals: Totals,
    /// At most this many `selectable` indicators count per person (Quzhou: 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_selected: Option<u32>,
    /// What a period with nothing to report counts as (Wanzhou); absent: not allowed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub empty_period: Option<EmptyPeriod>,
    /// Grade bands, best first.
    pub grades: Vec<Band>,
    /// How results of this scheme's periods combine into longer periods.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rollups: Vec<RollUp>,
}

/// The people a scheme is for.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Category of unit or post, e.g. `"经济管理类"`, `"街道组"`, `"乡镇（街道）"`.
    pub category: String,
    /// The peer group people are ranked in, when narrower than the category.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peer_group: Option<String>,
    /// The tier, e.g. `"一般工作人员"`, `"党政正职"`, `"中层干部"`.
    pub tier: String,
}

/// The length of one assessment period.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// `YYYY-MM`
    Month,
    /// `YYYY-Qn`
    Quarter,
    /// `YYYY-Hn`
    HalfYear,
    /// `YYYY`
    Year,
}

/// The one rounding rule: half away from zero to `scale` places, applied to each item's
/// points, to the total after coefficients and caps, and to each roll-up part and total.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Rounding {
    /// Decimal places, 0–4. Default 2.
    pub scale: u32,
    pub mode: RoundingMode,
}

impl Default for Rounding {
    fn default() -> Self {
        Self { scale: 2, mode: RoundingMode::HalfUp }
    }
}

/// Only one mode exists; it is named so the result states it.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum RoundingMode {
    /// 四舍五入: half away from zero.
    #[default]
    HalfUp,
}

/// A named aspect, such as 德 or 廉.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Dimension {
    pub id: String,
    pub name: String,
}

/// A group of indicators: 共性, 个性, 专项, 争先创优, a Quzhou dimension, bonus or penalty items.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: String,
    pub name: String,
    /// What kind of indicators these are (for display and reports).
    pub category: Category,
    /// How the group's points enter the total.
    #[serde(default)]
    pub effect: Effect,
    /// For 争先创优 groups: 规定 / 自选 / 特色 work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track: Option<Track>,
    /// The group's points never exceed this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap: Option<Decimal>,
}

/// The kind of a group.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// 共性指标
    Common,
    /// 个性指标
    Specific,
    /// 专项指标 / 专项考核
    Special,
    /// 争先创优
    Excellence,
    /// A dimension such as Quzhou's 岗位赋分 / 实绩评分 / 服务积分 / 专项加分
    Dimension,
    /// Evaluations by others (领导评鉴, 干部评价, 社会评议, 双向考核)
    Evaluation,
    /// 加分项
    Bonus,
    /// 减分项
    Penalty,
}

/// How a group's points enter the total.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// Part of the base score.
    #[default]
    Add,
    /// Added on top of the base, under `totals.bonus_cap`.
    Bonus,
    /// Deducted (items score positive points that are subtracted), under `totals.penalty_cap`.
    Penalty,
}

/// 争先创优 tracks.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Track {
    /// 规定工作
    Required,
    /// 自选工作
    Optional,
    /// 特色工作
    Featured,
}

/// Who enters an indicator's value.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum FilledBy {
    /// The assessed cadre (个人申报).
    #[default]
    #[serde(rename = "self")]
    Own,
    /// The supervising leader (分管领导).
    Leader,
    /// The assessment office / organisation department (考核办、组织部).
    Office,
    /// Another system or data feed.
    System,
    /// Aggregated evaluations (see [`Method::Sources`]).
    Sources,
}

/// One indicator (指标).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Stable id; the key of its value in a filing.
    pub id: String,
    pub name: String,
    /// The group id.
    pub group: String,
    /// A dimension id (德能勤绩廉 …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dimension: Option<String>,
    #[serde(default)]
    pub filled_by: FilledBy,
    /// A submitted filing must carry a value (a draft need not).
    #[serde(default, skip_serializing_if = "is_false")]
    pub required: bool,
    /// Counts toward `max_selected`: the person picks which of these apply to them.
    #[serde(default, skip_serializing_if = "is_false")]
    pub selectable: bool,
    /// Unit shown beside the input, e.g. `"%"`, `"户"`, `"小时"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub method: Method,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_false(value: &bool) -> bool {
    !*value
}

/// How an indicator turns its input into points.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Method {
    /// Completion ratio × points: `value ÷ target × points`, at most `cap` (default `points`;
    /// a cap above `points` rewards over-completion).
    Ratio {
        points: Decimal,
        target: Decimal,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap: Option<Decimal>,
    },
    /// Step table: the points of the highest step whose `min` the value reaches (`≥`);
    /// below the lowest step, 0. Steps are listed in ascending `min`.
    Steps { steps: Vec<Step> },
    /// Count × points per unit (Hanbin: 10 points per household), at most `cap`.
    PerUnit {
        points: Decimal,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap: Option<Decimal>,
    },
    /// Done → `points`; not done or missing → 0.
    Done { points: Decimal },
    /// A rating 0–100 × `weight` (weight `0.2` gives at most 20 points).
    Rating { weight: Decimal },
    /// Schedule progress (时序进度): the value is the cumulative completion of the year's
    /// target in %; `plan` gives the expected cumulative % at the end of each month (12
    /// entries). Points = `min(value ÷ expected, 1) × points`. Below expected is a
    /// warning: yellow within `yellow_within` percentage points, red beyond.
    Schedule {
        points: Decimal,
        plan: Vec<Decimal>,
        #[serde(default)]
        yellow_within: Decimal,
    },
    /// Pick one option from a list; its points.
    Choice { options: Vec<ChoiceOption> },
    /// Weighted evaluation sources (self, leader, peers, residents, two-way) given as
    /// aggregated scores 0–100 with sample sizes in `filing.sources`. Points = weighted mean
    /// ÷ 100 × `points`. A source below its `min_sample` is handled by `below_min`.
    Sources {
        points: Decimal,
        #[serde(default)]
        below_min: BelowMin,
        sources: Vec<Source>,
    },
}

/// One row of a step table.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Reached when `value ≥ min`.
    pub min: Decimal,
    pub points: Decimal,
}

/// One option of a [`Method::Choice`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub id: String,
    pub label: String,
    pub points: Decimal,
}

/// One evaluation source of a [`Method::Sources`] indicator.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Key in `filing.sources`; unique in the scheme.
    pub id: String,
    pub name: String,
    pub kind: SourceKind,
    /// Weights of one indicator's sources add up to 1.
    pub weight: Decimal,
    /// Fewer ratings than this and the source does not count as given.
    #[serde(default)]
    pub min_sample: u32,
}

/// Who an evaluation source is.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// 自评
    #[serde(rename = "self")]
    Own,
    /// 领导评鉴
    Leader,
    /// 干部评价 (peers)
    Peer,
    /// 社会评议 (residents, the public)
    Social,
    /// 双向考核: units rating the departments that serve them
    TwoWay,
}

/// What happens to a source with fewer ratings than its `min_sample` (or none at all).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum BelowMin {
    /// Left out; the remaining sources' weights are renormalised to add up to 1.
    #[default]
    Exclude,
    /// Counts as a score of 0 with its full weight.
    Zero,
}

/// A veto gate (一票否决). Its value in a filing is `true` when the gate **failed** (the
/// political check was not passed, a negative-list behaviour occurred).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Veto {
    pub id: String,
    pub name: String,
    #[serde(default = "leader")]
    pub filled_by: FilledBy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub effect: VetoEffect,
}

fn leader() -> FilledBy {
    FilledBy::Leader
}

/// What a fired gate does. When several fire, `zero` wins, then the lowest total cap and
/// the worst grade cap; `grade_set` applies only if no other gate fired.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum VetoEffect {
    /// The total is 0 ("首关不过，余关莫论").
    Zero,
    /// The total is at most `points`.
    TotalCap { points: Decimal },
    /// The grade is at best `grade`.
    GradeCap { grade: String },
    /// The grade is `grade` whatever the total (Hengkou: ranked first in a special
    /// assessment → 优秀), optionally outside the grade's quota.
    GradeSet {
        grade: String,
        #[serde(default)]
        outside_quota: bool,
    },
}

/// A per-person coefficient (工作饱和度, 岗位风险度, 工作难易度). The total is multiplied by the
/// product of all coefficients, each clamped into `[min, max]`; a missing value is `default`.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Coefficient {
    pub id: String,
    pub name: String,
    pub min: Decimal,
    pub max: Decimal,
    pub default: Decimal,
    #[serde(default = "leader")]
    pub filled_by: FilledBy,
}

/// Caps and floor of the total.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Totals {
    /// All bonus groups together add at most this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bonus_cap: Option<Decimal>,
    /// All penalty groups together deduct at most this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub penalty_cap: Option<Decimal>,
    /// The total (after coefficients) is at most this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_total: Option<Decimal>,
    /// The total before coefficients is at least this (default 0: penalties never make a
    /// score negative).
    #[serde(default)]
    pub floor: Decimal,
}

/// The rule for a period with nothing to report.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EmptyPeriod {
    pub counts_as: EmptyCounts,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What a period with nothing to report counts as.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum EmptyCounts {
    /// Indicators the cadre fills (`filled_by: self`) score 0 and are not "missing"; the
    /// rest is evaluated as usual.
    Zero,
    /// As `zero`, and the period is left out of roll-ups (its weight goes to the others).
    Excluded,
}

/// A grade band: reached when the total is `≥ min`. Bands are listed best first.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// 好 / 较好 / 一般 / 较差, or 优秀 / 称职 / 基本称职 / 不称职.
    pub grade: String,
    pub min: Decimal,
    /// Largest share of a ranking unit that may hold this grade (e.g. `0.2`). Not applied by
    /// `evaluate`: quotas work across people and belong to ranking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quota: Option<Decimal>,
    /// What the grade leads to, e.g. "主管领导谈话提醒".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// How period results combine into a longer period (month → quarter → half-year → year).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RollUp {
    pub id: String,
    pub name: String,
    /// The period the roll-up produces.
    pub period: PeriodKind,
    /// Weighted parts; weights add up to 1.
    pub parts: Vec<Part>,
    pub grades: Vec<Band>,
    /// Flags that set the roll-up grade directly (Hengkou: 专项考核排名第一 → 优秀).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub awards: Vec<Award>,
}

/// One weighted part of a roll-up: the mean of its period results.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub id: String,
    pub name: String,
    pub weight: Decimal,
    /// How many period results the part expects (3 months, 4 quarters, 1 annual review).
    pub expected: u32,
    pub missing: Missing,
}

/// The rule for expected period results that are missing.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// A missing period counts as 0.
    Zero,
    /// The mean of the periods present; a part with none is left out and the other parts'
    /// weights are renormalised.
    MeanOfPresent,
    /// A missing period is an error.
    Reject,
}

/// A flag that sets a roll-up grade directly.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Award {
    pub id: String,
    pub name: String,
    pub grade: String,
    #[serde(default)]
    pub outside_quota: bool,
}

impl Scheme {
    /// Reads a scheme from JSON (not validated: see [`crate::CompiledScheme::from_json`]).
    ///
    /// # Errors
    /// [`crate::Error::Json`] when the text is not a scheme.
    pub fn from_json(json: &str) -> Result<Self, crate::Error> {
        read::scheme(json).map_err(|error| crate::Error::json("scheme", &error))
    }

    /// Reads a scheme as the server publishes it to phones, leaving out its roll-ups:
    /// they combine period results on the server, and a phone never rolls up. (Their
    /// reader was about 2.3 KB gzip of the phone's engine module.) Whatever JSON stands
    /// in `rollups` is accepted and ignored; the rest is read as [`Scheme::from_json`]
    /// reads it.
    ///
    /// # Errors
    /// [`crate::Error::Json`] when the text is not a scheme.
    pub fn from_published_json(json: &str) -> Result<Self, crate::Error> {
        read::scheme_without_rollups(json).map_err(|error| crate::Error::json("scheme", &error))
    }
}

impl Method {
    /// The most points the method can give (`None`: unbounded, a per-unit method without a
    /// cap). Reviewer adjustments are clamped into `0..=max_points`.
    #[must_use]
    pub fn max_points(&self) -> Option<Decimal> {
        match self {
            Self::Ratio { points, cap, .. } => Some(cap.unwrap_or(*points)),
            Self::Steps { steps } => steps.iter().map(|step| step.points).max(),
            Self::PerUnit { cap, .. } => *cap,
            Self::Done { points } | Self::Schedule { points, .. } | Self::Sources { points, .. } => Some(*points),
            Self::Rating { weight } => Some(*weight * Decimal::ONE_HUNDRED),
            Self::Choice { options } => options.iter().map(|option| option.points).max(),
        }
    }
}
