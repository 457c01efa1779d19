//! The evaluations by people (评价): leaders rate the people they are responsible for on
//! five dimensions (领导评鉴, 德能勤绩廉), fellow cadres rate each other anonymously
//! (干部评价), and towns and streets rate the departments that serve them (双向考核).
//! Residents' ratings by QR code (社会评议) are in [`crate::social`].
//!
//! A rating is one of four levels, each worth a fixed score; the aggregates feed the
//! engine as evaluation sources (`filing.sources`) with the scheme's weight and minimum
//! sample.

mod api;
mod page;

use serde::{Deserialize, Serialize};

pub use api::*;
pub use page::{EvaluatePage, EvaluationAdminPage};

/// The dimensions a leader rates (德、能、勤、绩、廉), as (id, name).
pub const DIMENSIONS: [(&str, &str); 5] = [("de", "德"), ("neng", "能"), ("qin", "勤"), ("ji", "绩"), ("lian", "廉")];

/// Unit categories that rate in a two-way round, and those rated, unless the admin
/// chooses otherwise (Lüyuan: towns and streets rate the district departments).
pub const DEFAULT_TWO_WAY_RATERS: &str = "街道,镇";
pub const DEFAULT_TWO_WAY_RATEES: &str = "经济部门,综合管理";

/// One rating: 优秀 100 · 良好 85 · 一般 70 · 较差 50.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Excellent,
    Good,
    Fair,
    Poor,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::Excellent, Level::Good, Level::Fair, Level::Poor];

    /// The score 0–100 the level is worth.
    pub fn score(self) -> u32 {
        match self {
            Level::Excellent => 100,
            Level::Good => 85,
            Level::Fair => 70,
            Level::Poor => 50,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Excellent => "excellent",
            Level::Good => "good",
            Level::Fair => "fair",
            Level::Poor => "poor",
        }
    }
}

/// Who rates whom in a task.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingKind {
    /// 领导评鉴: a supervising leader rates each person of the unit on [`DIMENSIONS`].
    Leader,
    /// 干部评价: a member rates each colleague once, anonymously; no one rates themselves.
    Peer,
    /// 双向考核: a town's leader rates, for the town, each department that serves it.
    TwoWay,
}

impl RatingKind {
    /// How many levels one rating holds.
    pub fn levels_per_rating(self) -> usize {
        match self {
            RatingKind::Leader => DIMENSIONS.len(),
            RatingKind::Peer | RatingKind::TwoWay => 1,
        }
    }
}

/// Someone (a person, or for two-way a unit) the caller may rate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub id: i64,
    pub name: String,
    pub detail: String,
    /// What the caller gave so far (leaders may change theirs while the round is open).
    pub given: Vec<Level>,
}

/// One open round the caller takes part in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingTask {
    pub round_id: i64,
    pub kind: RatingKind,
    pub period: String,
    pub period_label: String,
    /// The assessment unit (unit rounds) or the rating unit (two-way).
    pub unit_name: String,
    /// Anonymous ballots are final once cast.
    pub done: bool,
    pub targets: Vec<Target>,
}

/// An aggregate the caller may see: only for closed rounds, and for anonymous ratings
/// only when at least the round's minimum number of raters took part.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AggregateView {
    pub round_id: i64,
    pub kind: RatingKind,
    pub period_label: String,
    pub subject: String,
    pub raters: u32,
    pub min_raters: u32,
    /// The mean score, `None` while hidden (below the minimum).
    pub score: Option<String>,
}

/// The 评价 page: what to rate now and what the caller may read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct EvaluationHome {
    pub tasks: Vec<RatingTask>,
    pub results: Vec<AggregateView>,
}

/// One target's rating in a submission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub target: i64,
    pub levels: Vec<Level>,
}

/// A ballot (peers, two-way: final) or a leader's ratings (changeable while open).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RatingSubmission {
    pub round_id: i64,
    pub kind: RatingKind,
    pub ratings: Vec<Rating>,
}

/// Round kinds the admin opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundKind {
    /// Leaders and peers of one assessment unit.
    Unit,
    /// Units of some categories rate units of others.
    TwoWay,
}

impl RoundKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RoundKind::Unit => "unit",
            RoundKind::TwoWay => "two_way",
        }
    }
}

/// A round as the organisation admin sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundView {
    pub id: i64,
    pub kind: RoundKind,
    /// The unit (unit rounds) or "raters → ratees" categories (two-way).
    pub title: String,
    pub period: String,
    pub period_label: String,
    pub open: bool,
    pub min_raters: u32,
    /// Ballots cast (peers or units) and leaders who rated.
    pub ballots: u32,
    pub leaders: u32,
}

/// The admin's 测评 page: rounds, and the units a unit round can be opened for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RoundsPage {
    pub rounds: Vec<RoundView>,
    /// (unit id, name).
    pub units: Vec<(i64, String)>,
    /// The period a new round defaults to (this month).
    pub default_period: String,
}

/// What the admin does to rounds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum RoundAction {
    Open {
        kind: RoundKind,
        unit_id: Option<i64>,
        period: String,
        min_raters: u32,
        rater_categories: String,
        ratee_categories: String,
    },
    Close {
        round_id: i64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_worth_fixed_scores_in_order() {
        let scores: Vec<u32> = Level::ALL.iter().map(|l| l.score()).collect();
        assert_eq!(scores, vec![100, 85, 70, 50]);
        assert_eq!(serde_json::to_string(&Level::Good).unwrap(), "\"good\"");
    }

    #[test]
    fn a_leader_rates_every_dimension_others_rate_once() {
        assert_eq!(RatingKind::Leader.levels_per_rating(), 5);
        assert_eq!(RatingKind::Peer.levels_per_rating(), 1);
        assert_eq!(RatingKind::TwoWay.levels_per_rating(), 1);
    }
}
