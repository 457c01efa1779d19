//! 三亮's first two lists: post duties (岗位职责) and tasks (任务清单).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use super::Conn;
use crate::on_conn;

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct TaskRow {
    pub id: i64,
    pub person_id: i64,
    pub year: i64,
    pub title: String,
    pub measure: String,
    pub target: String,
    pub deadline: Option<NaiveDate>,
    pub indicator: Option<String>,
    pub status: String,
    pub origin: String,
    pub created_by: i64,
    pub approved_by: Option<i64>,
    /// The task this one is a share of (分单).
    pub parent_id: Option<i64>,
    /// Who holds that task: the colleague who split it.
    pub split_from: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewTask<'a> {
    pub person_id: i64,
    pub year: i64,
    pub title: &'a str,
    pub measure: &'a str,
    pub target: &'a str,
    pub deadline: Option<NaiveDate>,
    pub indicator: Option<&'a str>,
    pub status: &'a str,
    pub origin: &'a str,
    pub created_by: i64,
    pub parent_id: Option<i64>,
}

#[tracing::instrument(skip(conn, t), fields(person_id = t.person_id))]
pub async fn insert(conn: &mut Conn<'_>, t: &NewTask<'_>, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar(
            "INSERT INTO tasks (person_id, year, title, measure, target, deadline, indicator, status, origin,
                                created_by, created_at, updated_at, parent_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12) RETURNING id",
        )
        .bind(t.person_id)
        .bind(t.year)
        .bind(t.title)
        .bind(t.measure)
        .bind(t.target)
        .bind(t.deadline)
        .bind(t.indicator)
        .bind(t.status)
        .bind(t.origin)
        .bind(t.created_by)
        .bind(now)
        .bind(t.parent_id)
        .fetch_one(c)
        .await
    })
}

#[tracing::instrument(skip(conn))]
pub async fn of_person(conn: &mut Conn<'_>, person_id: i64, year: i64) -> Result<Vec<TaskRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT t.id, t.person_id, t.year, t.title, t.measure, t.target, t.deadline, t.indicator, t.status,
                    t.origin, t.created_by, t.approved_by, t.parent_id, holder.name AS split_from
             FROM tasks t
             LEFT JOIN tasks parent ON parent.id = t.parent_id
             LEFT JOIN people holder ON holder.id = parent.person_id
             WHERE t.person_id = $1 AND t.year = $2 AND t.status <> 'cancelled'
             ORDER BY t.deadline IS NULL, t.deadline, t.id",
        )
        .bind(person_id)
        .bind(year)
        .fetch_all(c)
        .await
    })
}

#[tracing::instrument(skip(conn))]
pub async fn by_id(conn: &mut Conn<'_>, id: i64) -> Result<Option<TaskRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT t.id, t.person_id, t.year, t.title, t.measure, t.target, t.deadline, t.indicator, t.status,
                    t.origin, t.created_by, t.approved_by, t.parent_id, holder.name AS split_from
             FROM tasks t
             LEFT JOIN tasks parent ON parent.id = t.parent_id
             LEFT JOIN people holder ON holder.id = parent.person_id
             WHERE t.id = $1",
        )
        .bind(id)
        .fetch_optional(c)
        .await
    })
}

/// A share of a task (分单), as its holder sees it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct ShareRow {
    pub id: i64,
    pub parent_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub target: String,
    pub status: String,
}

/// The shares of all of a person's tasks of a year, in the order they were made.
#[tracing::instrument(skip(conn))]
pub async fn shares_of_person(conn: &mut Conn<'_>, person_id: i64, year: i64) -> Result<Vec<ShareRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT s.id, s.parent_id, s.person_id, p.name AS person_name, s.target, s.status
             FROM tasks s
             JOIN tasks parent ON parent.id = s.parent_id
             JOIN people p ON p.id = s.person_id
             WHERE parent.person_id = $1 AND parent.year = $2 AND s.status <> 'cancelled'
             ORDER BY s.id",
        )
        .bind(person_id)
        .bind(year)
        .fetch_all(c)
        .await
    })
}

/// Moves a task from one status to another; returns whether it was in `from`.
#[tracing::instrument(skip(conn))]
pub async fn transition(
    conn: &mut Conn<'_>,
    id: i64,
    from: &str,
    to: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query(
            "UPDATE tasks SET status = $3, updated_at = $5,
                 approved_by = CASE WHEN $3 = 'approved' THEN $4 ELSE approved_by END,
                 approved_at = CASE WHEN $3 = 'approved' THEN $5 ELSE approved_at END,
                 committed_at = CASE WHEN $3 = 'committed' THEN $5 ELSE committed_at END
             WHERE id = $1 AND status = $2",
        )
        .bind(id)
        .bind(from)
        .bind(to)
        .bind(by)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

#[tracing::instrument(skip(conn, body))]
pub async fn set_duties(
    conn: &mut Conn<'_>,
    person_id: i64,
    year: i64,
    body: &str,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query(
            "INSERT INTO duties (person_id, year, body, set_by, updated_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (person_id, year) DO UPDATE SET body = excluded.body, set_by = excluded.set_by,
                 updated_at = excluded.updated_at",
        )
        .bind(person_id)
        .bind(year)
        .bind(body)
        .bind(by)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ())
    })
}

#[tracing::instrument(skip(conn))]
pub async fn duties(conn: &mut Conn<'_>, person_id: i64, year: i64) -> Result<Option<String>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar("SELECT body FROM duties WHERE person_id = $1 AND year = $2")
            .bind(person_id)
            .bind(year)
            .fetch_optional(c)
            .await
    })
}
