//! 三亮: what a cadre shows — 亮职责 (post duties, set by the unit), 亮任务 (the task
//! list: proposed by the cadre and approved by the leader, or dispatched by the leader
//! and accepted; then signed as a commitment), 亮实绩 (achievements, month by month,
//! from the filed reports).

mod api;
mod page;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use api::*;
pub use page::{PersonSanLiangPage, SanLiangPage};

use crate::error::AppError;
use crate::filing::FilingStatus;

/// Longest task title, measure and target the phone shows without wrapping badly.
pub const MAX_TITLE_CHARS: usize = 60;
pub const MAX_MEASURE_CHARS: usize = 200;
pub const MAX_TARGET_CHARS: usize = 60;
pub const MAX_DUTIES_CHARS: usize = 2000;

/// One person's 三亮 for a year, with what the viewer may do.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SanLiang {
    pub person_id: i64,
    pub person_name: String,
    pub post: String,
    pub unit_name: String,
    pub year: i64,
    pub duties: Option<String>,
    pub tasks: Vec<Task>,
    pub achievements: Vec<Achievement>,
    /// The viewer is this person (may propose, sign and accept).
    pub is_owner: bool,
    /// The viewer supervises this person's unit (may set duties, approve, dispatch).
    pub is_leader: bool,
    /// The person's colleagues in the unit, to split a task among (分单); only for the
    /// person themselves.
    #[serde(default)]
    pub colleagues: Vec<Colleague>,
}

/// A colleague a share of a task can go to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Colleague {
    pub person_id: i64,
    pub name: String,
    pub post: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Task {
    pub id: i64,
    pub title: String,
    pub measure: String,
    pub target: String,
    pub deadline: Option<String>,
    pub status: TaskStatus,
    /// Dispatched by a leader (派单) rather than proposed by the cadre.
    pub dispatched: bool,
    /// Split off a colleague's task (分单): that colleague's name.
    #[serde(default)]
    pub split_from: Option<String>,
    /// The shares this task was split into.
    #[serde(default)]
    pub shares: Vec<TaskShare>,
}

/// One share of a split task: who has it, for how much, and whether they took it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskShare {
    pub task_id: i64,
    pub person_name: String,
    pub target: String,
    pub status: TaskStatus,
}

/// One share to hand out, as typed: to whom, and their part of the target.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareDraft {
    pub person_id: i64,
    pub target: String,
}

/// At most this many shares in one split (a unit's section, not the whole district).
pub const MAX_SHARES: usize = 20;

/// Where a task is: proposed → approved → committed (承诺), or dispatched → committed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Proposed,
    Approved,
    Committed,
    Dispatched,
    Done,
    Cancelled,
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Proposed => "proposed",
            TaskStatus::Approved => "approved",
            TaskStatus::Committed => "committed",
            TaskStatus::Dispatched => "dispatched",
            TaskStatus::Done => "done",
            TaskStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Proposed, Self::Approved, Self::Committed, Self::Dispatched, Self::Done, Self::Cancelled]
            .into_iter()
            .find(|t| t.as_str() == s)
    }
}

/// A month's achievements as filed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Achievement {
    pub filing_id: i64,
    pub period_label: String,
    pub status: FilingStatus,
    pub total: String,
    pub grade: Option<String>,
    pub nothing_to_report: bool,
    /// The titles of the month's key tasks.
    pub items: Vec<String>,
}

/// A new task as typed on the phone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TaskDraft {
    pub title: String,
    pub measure: String,
    pub target: String,
    /// `YYYY-MM-DD`, or empty for none.
    pub deadline: String,
}

/// Everything one can do to a 三亮 page. The server checks who may do which.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum TaskAction {
    /// The cadre proposes a task for their own list.
    Propose { task: TaskDraft },
    /// The leader approves a proposed task.
    Approve { task_id: i64 },
    /// The cadre signs an approved task as a commitment (承诺).
    Commit { task_id: i64 },
    /// The leader dispatches a task to a person (派单).
    Dispatch { person_id: i64, task: TaskDraft },
    /// The cadre accepts a dispatched task (接单), which commits them to it.
    Accept { task_id: i64 },
    /// The leader sets the person's post duties for the year.
    SetDuties { person_id: i64, body: String },
    /// The holder of an accepted dispatched task splits it among colleagues (分单); each
    /// share is dispatched to its colleague, who accepts it.
    Split { task_id: i64, shares: Vec<ShareDraft> },
}

/// What the viewer can do to a task now: `(action, label key)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskStep {
    Approve,
    Commit,
    Accept,
}

/// The step open to the viewer on this task, if any.
pub fn next_step(status: TaskStatus, is_owner: bool, is_leader: bool) -> Option<TaskStep> {
    match status {
        TaskStatus::Proposed if is_leader => Some(TaskStep::Approve),
        TaskStatus::Approved if is_owner => Some(TaskStep::Commit),
        TaskStatus::Dispatched if is_owner => Some(TaskStep::Accept),
        _ => None,
    }
}

/// Whether the viewer may split this task: their own, dispatched to them and accepted.
pub fn may_split(task: &Task, is_owner: bool) -> bool {
    is_owner && task.dispatched && task.status == TaskStatus::Committed
}

/// Checks a split: one to [`MAX_SHARES`] shares, each to a different colleague (not the
/// holder), each with its part of the target. Messages in Chinese, by field.
///
/// # Errors
/// [`AppError::Invalid`] naming each bad share.
pub fn validate_shares(shares: &[ShareDraft], holder: i64) -> Result<(), AppError> {
    let mut fields = BTreeMap::new();
    if shares.is_empty() {
        fields.insert("shares".into(), "请至少选择一位同事".into());
    } else if shares.len() > MAX_SHARES {
        fields.insert("shares".into(), format!("一次最多分给 {MAX_SHARES} 人"));
    }
    for (i, share) in shares.iter().enumerate() {
        if share.person_id == holder {
            fields.insert(format!("shares[{i}].person_id"), "不能分给自己".into());
        } else if shares[..i].iter().any(|s| s.person_id == share.person_id) {
            fields.insert(format!("shares[{i}].person_id"), "同一位同事只能分一份".into());
        }
        let target = share.target.trim();
        if target.is_empty() {
            fields.insert(format!("shares[{i}].target"), "请填写分给该同事的任务量".into());
        } else if target.chars().count() > MAX_TARGET_CHARS {
            fields.insert(format!("shares[{i}].target"), format!("目标不超过 {MAX_TARGET_CHARS} 字"));
        }
    }
    if fields.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid { fields })
    }
}

impl TaskDraft {
    /// Checks the fields; messages in Chinese, by field.
    ///
    /// # Errors
    /// [`AppError::Invalid`] naming each bad field.
    pub fn validate(&self) -> Result<(), AppError> {
        let mut fields = BTreeMap::new();
        let title = self.title.trim();
        if title.is_empty() {
            fields.insert("title".into(), "请填写任务名称".into());
        } else if title.chars().count() > MAX_TITLE_CHARS {
            fields.insert("title".into(), format!("任务名称不超过 {MAX_TITLE_CHARS} 字"));
        }
        if self.measure.trim().chars().count() > MAX_MEASURE_CHARS {
            fields.insert("measure".into(), format!("措施不超过 {MAX_MEASURE_CHARS} 字"));
        }
        if self.target.trim().chars().count() > MAX_TARGET_CHARS {
            fields.insert("target".into(), format!("目标不超过 {MAX_TARGET_CHARS} 字"));
        }
        if self.deadline().is_err() {
            fields.insert("deadline".into(), "完成时限应为日期，如 2026-12-31".into());
        }
        if fields.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid { fields })
        }
    }

    /// The deadline as a date; `Ok(None)` when left empty.
    ///
    /// # Errors
    /// When it is not a `YYYY-MM-DD` date.
    pub fn deadline(&self) -> Result<Option<chrono::NaiveDate>, chrono::ParseError> {
        let d = self.deadline.trim();
        if d.is_empty() {
            Ok(None)
        } else {
            chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map(Some)
        }
    }
}

/// Checks the duties text.
///
/// # Errors
/// [`AppError::Invalid`] when empty or too long.
pub fn validate_duties(body: &str) -> Result<(), AppError> {
    let n = body.trim().chars().count();
    let message = if n == 0 {
        "请填写岗位职责".to_string()
    } else if n > MAX_DUTIES_CHARS {
        format!("岗位职责不超过 {MAX_DUTIES_CHARS} 字")
    } else {
        return Ok(());
    };
    Err(AppError::Invalid { fields: BTreeMap::from([("body".to_string(), message)]) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(title: &str, deadline: &str) -> TaskDraft {
        TaskDraft { title: title.into(), measure: String::new(), target: "95 户".into(), deadline: deadline.into() }
    }

    #[test]
    fn a_task_needs_a_title_and_a_real_date() {
        assert!(draft("商户分流安置", "2026-12-31").validate().is_ok());
        assert!(draft("商户分流安置", "").validate().is_ok());
        let Err(AppError::Invalid { fields }) = draft("  ", "12/31").validate() else { panic!("must be invalid") };
        assert_eq!(fields.get("title").map(String::as_str), Some("请填写任务名称"));
        assert!(fields.contains_key("deadline"));
        let long = "长".repeat(MAX_TITLE_CHARS + 1);
        assert!(draft(&long, "").validate().is_err());
    }

    #[test]
    fn each_party_gets_only_their_step() {
        assert_eq!(next_step(TaskStatus::Proposed, false, true), Some(TaskStep::Approve));
        assert_eq!(next_step(TaskStatus::Proposed, true, false), None);
        assert_eq!(next_step(TaskStatus::Approved, true, false), Some(TaskStep::Commit));
        assert_eq!(next_step(TaskStatus::Approved, false, true), None);
        assert_eq!(next_step(TaskStatus::Dispatched, true, true), Some(TaskStep::Accept));
        assert_eq!(next_step(TaskStatus::Committed, true, true), None);
    }

    #[test]
    fn a_split_goes_to_distinct_colleagues_with_their_part() {
        let share = |person_id, target: &str| ShareDraft { person_id, target: target.into() };
        assert!(validate_shares(&[share(2, "400 户"), share(3, "400 户")], 1).is_ok());
        let Err(AppError::Invalid { fields }) = validate_shares(&[share(1, "1"), share(2, " "), share(2, "3")], 1)
        else {
            panic!("must be invalid")
        };
        assert_eq!(fields.get("shares[0].person_id").map(String::as_str), Some("不能分给自己"));
        assert!(fields.contains_key("shares[1].target"));
        assert_eq!(fields.get("shares[2].person_id").map(String::as_str), Some("同一位同事只能分一份"));
        assert!(validate_shares(&[], 1).is_err());
        let many: Vec<ShareDraft> = (2..=(MAX_SHARES as i64 + 2)).map(|p| share(p, "1")).collect();
        assert!(validate_shares(&many, 1).is_err());
    }

    #[test]
    fn only_the_holder_splits_an_accepted_dispatched_task() {
        let task = |status, dispatched| Task {
            id: 1,
            title: "排查".into(),
            measure: String::new(),
            target: "1200 户".into(),
            deadline: None,
            status,
            dispatched,
            split_from: None,
            shares: vec![],
        };
        assert!(may_split(&task(TaskStatus::Committed, true), true));
        assert!(!may_split(&task(TaskStatus::Committed, true), false));
        assert!(!may_split(&task(TaskStatus::Dispatched, true), true), "accept it first (接单)");
        assert!(!may_split(&task(TaskStatus::Committed, false), true), "own proposals are not split");
    }

    #[test]
    fn statuses_round_trip() {
        for s in ["proposed", "approved", "committed", "dispatched", "done", "cancelled"] {
            assert_eq!(TaskStatus::parse(s).map(TaskStatus::as_str), Some(s));
        }
        assert_eq!(TaskStatus::parse("x"), None);
    }

    #[test]
    fn duties_must_say_something() {
        assert!(validate_duties("负责公文运转").is_ok());
        assert!(validate_duties(" ").is_err());
        assert!(validate_duties(&"职".repeat(MAX_DUTIES_CHARS + 1)).is_err());
    }
}
