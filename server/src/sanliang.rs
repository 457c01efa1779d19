//! 三亮: a person's duties, task list and achievements, and the steps on them.
//!
//! Who may do what is decided here, per record: the person proposes, signs (承诺) and
//! accepts; a leader supervising the person's unit sets duties, approves and dispatches
//! (派单); an organisation admin may read. Every step is one transaction with its audit
//! entry, and a step on a task that has moved on meanwhile is a conflict, not a no-op.

use app::error::AppError;
use app::filing::FilingStatus;
use app::model::{Role, SessionUser, Tier};
use app::period::Period;
use app::sanliang::{
    validate_duties, validate_shares, Achievement, Colleague, SanLiang, ShareDraft, Task, TaskAction, TaskDraft,
    TaskShare, TaskStatus,
};
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::error::OrInternal;
use crate::filing::context::current_year;
use crate::rights;
use crate::storage::audit::{self, NewEntry};
use crate::storage::org::{self, PersonRow};
use crate::storage::tasks::{self, NewTask, ShareRow, TaskRow};
use crate::storage::{filings, Conn, Db};

/// The person a request is about, with the caller's standing towards them.
struct Standing {
    person: PersonRow,
    is_owner: bool,
    is_leader: bool,
}

async fn standing(conn: &mut Conn<'_>, user: &SessionUser, person_id: Option<i64>) -> Result<Standing, AppError> {
    let person_id = person_id.or(user.person_id).ok_or(AppError::Forbidden)?;
    let person = org::person(conn, person_id).await.or_internal("person")?.ok_or(AppError::NotFound)?;
    rights::require_person_access(user, person.id, person.unit_id)?;
    Ok(Standing {
        is_owner: user.person_id == Some(person.id),
        is_leader: user.has_role(Role::Leader) && user.supervises(person.unit_id),
        person,
    })
}

/// A person's 三亮 for the current year.
///
/// # Errors
/// [`AppError::Forbidden`] for anyone but the person, their leaders and admins.
pub async fn view(
    db: &Db,
    user: &SessionUser,
    person_id: Option<i64>,
    now: DateTime<Utc>,
) -> Result<SanLiang, AppError> {
    let mut pooled = db.acquire().await.or_internal("acquire")?;
    let mut conn = pooled.conn();
    let s = standing(&mut conn, user, person_id).await?;
    load(&mut conn, s, now).await
}

async fn load(conn: &mut Conn<'_>, s: Standing, now: DateTime<Utc>) -> Result<SanLiang, AppError> {
    let year = current_year(now);
    let unit = org::unit(conn, s.person.unit_id).await.or_internal("unit")?.ok_or(AppError::Internal)?;
    let duties = tasks::duties(conn, s.person.id, year).await.or_internal("duties")?;
    let task_rows = tasks::of_person(conn, s.person.id, year).await.or_internal("tasks")?;
    let shares = tasks::shares_of_person(conn, s.person.id, year).await.or_internal("shares")?;
    let filed = filings::of_person(conn, s.person.id).await.or_internal("filings")?;
    let colleagues = if s.is_owner {
        org::people_of_unit(conn, s.person.unit_id)
            .await
            .or_internal("colleagues")?
            .into_iter()
            .filter(|p| p.id != s.person.id && tier_rank(&p.tier) >= tier_rank(&s.person.tier))
            .map(|p| Colleague { person_id: p.id, name: p.name, post: p.post })
            .collect()
    } else {
        Vec::new()
    };
    Ok(SanLiang {
        person_id: s.person.id,
        person_name: s.person.name,
        post: s.person.post,
        unit_name: unit.name,
        year,
        duties,
        tasks: task_rows.iter().filter_map(|t| task_of(t, &shares)).collect(),
        achievements: filed
            .iter()
            .map(|f| Achievement {
                filing_id: f.id,
                period_label: Period::parse(&f.period).map(Period::label_zh).unwrap_or_else(|| f.period.clone()),
                status: FilingStatus::parse(&f.status).unwrap_or(FilingStatus::Submitted),
                total: f.total.clone(),
                grade: f.grade.clone(),
                nothing_to_report: f.nothing_to_report,
                items: f.inputs.0["entries"]
                    .as_array()
                    .map(|es| es.iter().filter_map(|e| e["title"].as_str().map(str::to_string)).collect())
                    .unwrap_or_default(),
            })
            .collect(),
        is_owner: s.is_owner,
        is_leader: s.is_leader,
        colleagues,
    })
}

fn task_of(t: &TaskRow, shares: &[ShareRow]) -> Option<Task> {
    let status = TaskStatus::parse(&t.status)?;
    (status != TaskStatus::Cancelled).then(|| Task {
        id: t.id,
        title: t.title.clone(),
        measure: t.measure.clone(),
        target: t.target.clone(),
        deadline: t.deadline.map(|d| d.to_string()),
        status,
        dispatched: t.origin == "dispatched",
        split_from: t.split_from.clone(),
        shares: shares
            .iter()
            .filter(|sh| sh.parent_id == t.id)
            .map(|sh| TaskShare {
                task_id: sh.id,
                person_name: sh.person_name.clone(),
                target: sh.target.clone(),
                status: TaskStatus::parse(&sh.status).unwrap_or(TaskStatus::Dispatched),
            })
            .collect(),
    })
}

/// Does one step and returns the page as it now is.
///
/// # Errors
/// [`AppError::Forbidden`] when the step is not the caller's; [`AppError::Conflict`] when
/// the task is no longer where the step starts; [`AppError::Invalid`] for bad fields.
pub async fn act(db: &Db, user: &SessionUser, action: TaskAction, now: DateTime<Utc>) -> Result<SanLiang, AppError> {
    let mut tx = db.begin().await.or_internal("begin")?;
    let person_id = match &action {
        TaskAction::Propose { task } => {
            task.validate()?;
            None
        }
        TaskAction::Dispatch { person_id, task } => {
            task.validate()?;
            Some(*person_id)
        }
        TaskAction::SetDuties { person_id, body } => {
            validate_duties(body)?;
            Some(*person_id)
        }
        TaskAction::Approve { task_id }
        | TaskAction::Commit { task_id }
        | TaskAction::Accept { task_id }
        | TaskAction::Split { task_id, .. } => {
            let task = tasks::by_id(&mut tx.conn(), *task_id).await.or_internal("task")?.ok_or(AppError::NotFound)?;
            Some(task.person_id)
        }
    };
    let s = standing(&mut tx.conn(), user, person_id).await?;
    let year = current_year(now);
    let (action_name, subject, after) = match &action {
        TaskAction::Propose { task } => {
            if !s.is_owner {
                return Err(AppError::Forbidden);
            }
            let id = insert_task(&mut tx.conn(), &s, task, year, "proposed", "self", user.id, now).await?;
            ("task.propose", format!("task:{id}"), json!({ "title": task.title.trim(), "status": "proposed" }))
        }
        TaskAction::Dispatch { task, .. } => {
            if !s.is_leader {
                return Err(AppError::Forbidden);
            }
            let id = insert_task(&mut tx.conn(), &s, task, year, "dispatched", "dispatched", user.id, now).await?;
            ("task.dispatch", format!("task:{id}"), json!({ "title": task.title.trim(), "status": "dispatched" }))
        }
        TaskAction::SetDuties { body, .. } => {
            if !s.is_leader {
                return Err(AppError::Forbidden);
            }
            tasks::set_duties(&mut tx.conn(), s.person.id, year, body.trim(), user.id, now)
                .await
                .or_internal("duties")?;
            ("duties.set", format!("person:{}:{year}", s.person.id), json!({ "body": body.trim() }))
        }
        TaskAction::Approve { task_id } => {
            step(&mut tx.conn(), s.is_leader, *task_id, "proposed", "approved", user.id, now).await?;
            ("task.approve", format!("task:{task_id}"), json!({ "status": "approved" }))
        }
        TaskAction::Commit { task_id } => {
            step(&mut tx.conn(), s.is_owner, *task_id, "approved", "committed", user.id, now).await?;
            ("task.commit", format!("task:{task_id}"), json!({ "status": "committed" }))
        }
        TaskAction::Accept { task_id } => {
            step(&mut tx.conn(), s.is_owner, *task_id, "dispatched", "committed", user.id, now).await?;
            ("task.accept", format!("task:{task_id}"), json!({ "status": "committed" }))
        }
        TaskAction::Split { task_id, shares } => {
            let made = split(&mut tx.conn(), &s, *task_id, shares, user.id, now).await?;
            ("task.split", format!("task:{task_id}"), json!({ "shares": made }))
        }
    };
    let entry = NewEntry {
        actor_user_id: Some(user.id),
        action: action_name.into(),
        subject_type: "sanliang".into(),
        subject_id: subject,
        before: None,
        after: Some(after),
    };
    audit::append(&mut tx.conn(), &entry, now).await.or_internal("audit")?;
    let page = load(&mut tx.conn(), s, now).await?;
    tx.commit().await.or_internal("commit")?;
    Ok(page)
}

/// 0 for 党政正职, 1 for 科级, 2 for 一般工作人员: a task is split among colleagues of the
/// holder's tier or below, never up to the unit's head.
fn tier_rank(tier: &str) -> u8 {
    match Tier::parse(tier) {
        Some(Tier::Principal) => 0,
        Some(Tier::Section) => 1,
        Some(Tier::Staff) | None => 2,
    }
}

/// 分单: the holder of an accepted dispatched task hands out shares of it to colleagues of
/// the unit. Each share is a task dispatched to the colleague (who accepts it, 接单), with
/// the parent's title, measure and deadline and its own part of the target. Returns what
/// was made, for the audit entry.
async fn split(
    conn: &mut Conn<'_>,
    s: &Standing,
    task_id: i64,
    shares: &[ShareDraft],
    by: i64,
    now: DateTime<Utc>,
) -> Result<Vec<serde_json::Value>, AppError> {
    if !s.is_owner {
        return Err(AppError::Forbidden);
    }
    validate_shares(shares, s.person.id)?;
    let parent = tasks::by_id(conn, task_id).await.or_internal("task")?.ok_or(AppError::NotFound)?;
    if parent.origin != "dispatched" || parent.status != TaskStatus::Committed.as_str() {
        return Err(AppError::Conflict { message: "只有已接单的派发任务可以分单".into() });
    }
    let existing = tasks::shares_of_person(conn, s.person.id, parent.year).await.or_internal("shares")?;
    let mut fields = std::collections::BTreeMap::new();
    for (i, share) in shares.iter().enumerate() {
        let colleague = org::person(conn, share.person_id).await.or_internal("colleague")?;
        if colleague.as_ref().is_none_or(|p| p.unit_id != s.person.unit_id) {
            fields.insert(format!("shares[{i}].person_id"), "只能分给本单位的同事".to_string());
        } else if colleague.is_some_and(|p| tier_rank(&p.tier) < tier_rank(&s.person.tier)) {
            fields.insert(format!("shares[{i}].person_id"), "分单只能分给同级或下级同事".to_string());
        } else if existing.iter().any(|e| e.parent_id == task_id && e.person_id == share.person_id) {
            fields.insert(format!("shares[{i}].person_id"), "已分给这位同事".to_string());
        }
    }
    if !fields.is_empty() {
        return Err(AppError::Invalid { fields });
    }
    let mut made = Vec::with_capacity(shares.len());
    for share in shares {
        let new = NewTask {
            person_id: share.person_id,
            year: parent.year,
            title: &parent.title,
            measure: &parent.measure,
            target: share.target.trim(),
            deadline: parent.deadline,
            indicator: parent.indicator.as_deref(),
            status: TaskStatus::Dispatched.as_str(),
            origin: "dispatched",
            created_by: by,
            parent_id: Some(parent.id),
        };
        let id = tasks::insert(conn, &new, now).await.or_internal("insert share")?;
        made.push(json!({ "task": id, "person_id": share.person_id, "target": share.target.trim() }));
    }
    Ok(made)
}

#[allow(clippy::too_many_arguments)] // one call per origin; a struct would only rename them
async fn insert_task(
    conn: &mut Conn<'_>,
    s: &Standing,
    task: &TaskDraft,
    year: i64,
    status: &str,
    origin: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let new = NewTask {
        person_id: s.person.id,
        year,
        title: task.title.trim(),
        measure: task.measure.trim(),
        target: task.target.trim(),
        deadline: task.deadline().ok().flatten(),
        indicator: None,
        status,
        origin,
        created_by: by,
        parent_id: None,
    };
    tasks::insert(conn, &new, now).await.or_internal("insert task")
}

async fn step(
    conn: &mut Conn<'_>,
    allowed: bool,
    task_id: i64,
    from: &str,
    to: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if !allowed {
        return Err(AppError::Forbidden);
    }
    if tasks::transition(conn, task_id, from, to, by, now).await.or_internal("task step")? {
        Ok(())
    } else {
        Err(AppError::Conflict { message: "任务状态已变化".into() })
    }
}
