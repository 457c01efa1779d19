//! The result of [`crate::evaluate`]: total, grade, per-item points, caps that bit, vetoes,
//! coefficients, warnings and the explanation, stamped with the scheme and engine version.
//!
//! Every part is keyed by stable ids and derives `PartialEq`, so the server can compare the
//! phone's claimed result with its own in one `==`, and [`Evaluation::differences`] says
//! where two results part.

use crate::decimal::Decimal;
mod json;

pub(crate) use json::line as write_line;

use crate::explain::{Line, Warning};
use crate::name::Name;
use crate::scheme::{Effect, Rounding};
use serde::{Deserialize, Serialize};

/// Which scheme (and which exact content) produced a result.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct SchemeRef {
    pub id: Name,
    pub version: u32,
    /// `sha256:` + hex of the canonical scheme JSON.
    pub hash: Name,
}

/// The result of evaluating one filing.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Evaluation {
    pub scheme: SchemeRef,
    /// The engine's crate version ([`crate::ENGINE_VERSION`]).
    pub engine: Name,
    pub period: Option<String>,
    /// The rounding rule the numbers follow.
    pub rounding: Rounding,
    /// The final total, rounded once (see [`Rounding`]).
    pub total: Decimal,
    /// The grade, if the total reaches any band.
    pub grade: Option<Name>,
    /// The grade was set by a gate outside the grade's quota.
    pub outside_quota: bool,
    /// The filing declared nothing to report.
    pub nothing_to_report: bool,
    /// Roll-ups leave this period out.
    pub excluded_from_rollup: bool,
    /// Sum of the base groups.
    pub base: Decimal,
    /// Bonus added (after caps).
    pub bonus: Decimal,
    /// Penalty deducted (after caps).
    pub penalty: Decimal,
    /// Product of all coefficients.
    pub coefficient: Decimal,
    pub items: Vec<ItemResult>,
    pub groups: Vec<GroupResult>,
    pub caps: Vec<CapHit>,
    /// Ids of the veto gates that fired.
    pub vetoes: Vec<Name>,
    pub coefficients: Vec<CoefficientApplied>,
    pub warnings: Vec<Warning>,
    /// The explanation, in order of computation.
    pub lines: Vec<Line>,
}

/// Points of one indicator.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ItemResult {
    pub id: Name,
    pub group: Name,
    /// False when the indicator was not among the person's selected ones.
    pub counted: bool,
    /// Points from the method, rounded, before any adjustment.
    pub computed: Decimal,
    /// Points that entered the group sum (after a reviewer adjustment, if any).
    pub points: Decimal,
    pub adjusted: bool,
    /// The most the item can score (`None`: unbounded).
    pub max: Option<Decimal>,
}

/// Points of one group.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct GroupResult {
    pub id: Name,
    pub effect: Effect,
    /// Sum of its items.
    pub raw: Decimal,
    /// After the group cap.
    pub points: Decimal,
}

/// A cap that changed a number.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CapHit {
    pub kind: CapKind,
    pub id: Option<Name>,
    pub before: Decimal,
    pub after: Decimal,
}

/// Which cap bit.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum CapKind {
    Item,
    Group,
    Bonus,
    Penalty,
    Floor,
    Coefficient,
    Total,
    Veto,
}

/// A coefficient as applied.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct CoefficientApplied {
    pub id: Name,
    pub value: Decimal,
    /// The given value was outside the bounds and was clamped.
    pub clamped: bool,
}

/// One place where two results disagree.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// e.g. `total`, `items.tasks.points`, `vetoes`.
    pub path: String,
    pub ours: String,
    pub theirs: String,
}

impl Evaluation {
    /// Where `other` disagrees with `self`: scheme, engine, total, grade, every item's and
    /// group's points, vetoes, coefficients and caps. Explanation text and warnings are
    /// derived from these and not compared separately. Empty means the results agree.
    #[must_use]
    pub fn differences(&self, other: &Self) -> Vec<Difference> {
        let mut out = Vec::new();
        let mut check = |path: &str, ours: String, theirs: String| {
            if ours != theirs {
                out.push(Difference { path: path.to_owned(), ours, theirs });
            }
        };
        check("scheme.id", self.scheme.id.to_string(), other.scheme.id.to_string());
        check("scheme.version", self.scheme.version.to_string(), other.scheme.version.to_string());
        check("scheme.hash", self.scheme.hash.to_string(), other.scheme.hash.to_string());
        check("engine", self.engine.to_string(), other.engine.to_string());
        check("total", self.total.to_string(), other.total.to_string());
        check("grade", format!("{:?}", self.grade), format!("{:?}", other.grade));
        check("outside_quota", self.outside_quota.to_string(), other.outside_quota.to_string());
        for item in &self.items {
            let theirs = other.items.iter().find(|candidate| candidate.id == item.id);
            check(
                &format!("items.{}.points", item.id),
                item.points.to_string(),
                theirs.map_or_else(|| "—".to_owned(), |theirs| theirs.points.to_string()),
            );
            check(
                &format!("items.{}.counted", item.id),
                item.counted.to_string(),
                theirs.map_or_else(|| "—".to_owned(), |theirs| theirs.counted.to_string()),
            );
        }
        for item in &other.items {
            if !self.items.iter().any(|candidate| candidate.id == item.id) {
                check(&format!("items.{}.points", item.id), "—".to_owned(), item.points.to_string());
            }
        }
        for group in &self.groups {
            let theirs = other.groups.iter().find(|candidate| candidate.id == group.id);
            check(
                &format!("groups.{}.points", group.id),
                group.points.to_string(),
                theirs.map_or_else(|| "—".to_owned(), |theirs| theirs.points.to_string()),
            );
        }
        check("vetoes", format!("{:?}", self.vetoes), format!("{:?}", other.vetoes));
        check("coefficients", format!("{:?}", self.coefficients), format!("{:?}", other.coefficients));
        check("caps", format!("{:?}", self.caps), format!("{:?}", other.caps));
        out
    }

    /// The item result for an indicator id.
    #[must_use]
    pub fn item(&self, id: &str) -> Option<&ItemResult> {
        self.items.iter().find(|item| &*item.id == id)
    }

    /// All explanation lines as Chinese sentences.
    #[must_use]
    pub fn texts(&self) -> Vec<String> {
        self.lines.iter().map(Line::text).collect()
    }
}
