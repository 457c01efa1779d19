//! Review levels, reviewed scores, unit settings, publications and objections.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::types::Json;
use sqlx::FromRow;

use super::Conn;
use crate::on_conn;

/// The level (1 or 2) at which `user_id` reviews each unit.
#[tracing::instrument(skip(conn))]
pub async fn levels_of(conn: &mut Conn<'_>, user_id: i64) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as("SELECT unit_id, level FROM leader_units WHERE user_id = $1 ORDER BY unit_id")
            .bind(user_id)
            .fetch_all(c)
            .await
    })
}

/// Makes `user_id` review `unit_id` at `level`.
#[tracing::instrument(skip(conn))]
pub async fn add_reviewer(conn: &mut Conn<'_>, user_id: i64, unit_id: i64, level: i64) -> Result<(), sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query("INSERT INTO leader_units (user_id, unit_id, level) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(unit_id)
            .bind(level)
            .execute(c)
            .await
            .map(|_| ())
    })
}

/// The users reviewing a unit at a level.
#[tracing::instrument(skip(conn))]
pub async fn reviewers_of(conn: &mut Conn<'_>, unit_id: i64, level: i64) -> Result<Vec<i64>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar("SELECT user_id FROM leader_units WHERE unit_id = $1 AND level = $2 ORDER BY user_id")
            .bind(unit_id)
            .bind(level)
            .fetch_all(c)
            .await
    })
}

#[derive(Debug, Clone, FromRow)]
pub struct SettingsRow {
    pub unit_id: i64,
    pub unit_name: String,
    pub merged_levels: bool,
    pub publicity_days: i64,
    pub publicity_scope: String,
    pub show_tasks: bool,
    pub show_rank: bool,
    pub colleague_objections: bool,
    pub answer_days: i64,
}

const SETTINGS_SELECT: &str = "SELECT u.id AS unit_id, u.name AS unit_name,
        COALESCE(s.merged_levels, FALSE) AS merged_levels,
        COALESCE(s.publicity_days, 5) AS publicity_days,
        COALESCE(s.publicity_scope, 'unit') AS publicity_scope,
        COALESCE(s.show_tasks, TRUE) AS show_tasks,
        COALESCE(s.show_rank, TRUE) AS show_rank,
        COALESCE(s.colleague_objections, FALSE) AS colleague_objections,
        COALESCE(s.answer_days, 5) AS answer_days
     FROM units u LEFT JOIN unit_review_settings s ON s.unit_id = u.id";

/// A unit's settings (defaults where the unit chose none).
#[tracing::instrument(skip(conn))]
pub async fn settings(conn: &mut Conn<'_>, unit_id: i64) -> Result<Option<SettingsRow>, sqlx::Error> {
    let sql = format!("{SETTINGS_SELECT} WHERE u.id = $1");
    on_conn!(conn, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(unit_id).fetch_optional(c).await)
}

/// The settings of every unit that holds people.
#[tracing::instrument(skip(conn))]
pub async fn all_settings(conn: &mut Conn<'_>) -> Result<Vec<SettingsRow>, sqlx::Error> {
    let sql = format!("{SETTINGS_SELECT} WHERE EXISTS (SELECT 1 FROM people p WHERE p.unit_id = u.id) ORDER BY u.id");
    on_conn!(conn, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(c).await)
}

#[tracing::instrument(skip(conn, s))]
pub async fn save_settings(
    conn: &mut Conn<'_>,
    s: &SettingsRow,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query(
            "INSERT INTO unit_review_settings (unit_id, merged_levels, publicity_days, publicity_scope, show_tasks,
                                               show_rank, colleague_objections, answer_days, updated_by, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
             ON CONFLICT (unit_id) DO UPDATE SET
                 merged_levels = excluded.merged_levels, publicity_days = excluded.publicity_days,
                 publicity_scope = excluded.publicity_scope, show_tasks = excluded.show_tasks,
                 show_rank = excluded.show_rank, colleague_objections = excluded.colleague_objections,
                 answer_days = excluded.answer_days, updated_by = excluded.updated_by,
                 updated_at = excluded.updated_at",
        )
        .bind(s.unit_id)
        .bind(s.merged_levels)
        .bind(s.publicity_days)
        .bind(&s.publicity_scope)
        .bind(s.show_tasks)
        .bind(s.show_rank)
        .bind(s.colleague_objections)
        .bind(s.answer_days)
        .bind(by)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ())
    })
}

/// A filing waiting for a reviewer, with what the queue shows.
#[derive(Debug, Clone, FromRow)]
pub struct QueueRow {
    pub filing_id: i64,
    pub version: i64,
    pub level: i64,
    pub status: String,
    pub person_name: String,
    pub post: String,
    pub unit_name: String,
    pub period: String,
    pub late: bool,
    pub self_total: String,
    pub reviewed_total: Option<String>,
    pub adjustments: Option<Json<Value>>,
    pub submitted_at: DateTime<Utc>,
    /// The filing day of the scheme binding the person files under (their unit's own
    /// binding, else their unit category's), if one still applies.
    pub deadline_day: Option<i64>,
}

/// The filings `user_id` may act on: submitted ones at level one (or at level two where
/// the unit merged the levels), reviewed ones at level two; never the reviewer's own.
#[tracing::instrument(skip(conn))]
pub async fn queue(conn: &mut Conn<'_>, user_id: i64, own_person: Option<i64>) -> Result<Vec<QueueRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT f.id AS filing_id, f.version, l.level, f.status, p.name AS person_name, p.post,
                    u.name AS unit_name, f.period, f.late, f.total AS self_total,
                    r.total AS reviewed_total, r.adjustments, f.submitted_at,
                    (SELECT b.deadline_day FROM scheme_bindings b
                     WHERE b.tier = p.tier
                       AND ((b.scope_kind = 'unit' AND b.scope = CAST(u.id AS TEXT))
                         OR (b.scope_kind = 'category' AND b.scope = u.category))
                     ORDER BY CASE b.scope_kind WHEN 'unit' THEN 0 ELSE 1 END
                     LIMIT 1) AS deadline_day
             FROM filings f
             JOIN leader_units l ON l.unit_id = f.unit_id AND l.user_id = $1
             JOIN people p ON p.id = f.person_id
             JOIN units u ON u.id = f.unit_id
             LEFT JOIN unit_review_settings s ON s.unit_id = f.unit_id
             LEFT JOIN reviews r ON r.filing_id = f.id
             WHERE f.person_id <> COALESCE($2, -1)
               AND ((f.status = 'submitted' AND (l.level = 1 OR COALESCE(s.merged_levels, FALSE)))
                 OR (f.status = 'reviewed' AND l.level = 2))
             ORDER BY f.period, f.submitted_at, f.id",
        )
        .bind(user_id)
        .bind(own_person)
        .fetch_all(c)
        .await
    })
}

/// Units and periods with confirmed filings that `user_id` may publish (level two, or
/// level one where the unit merged the levels).
#[tracing::instrument(skip(conn))]
pub async fn publishable(conn: &mut Conn<'_>, user_id: i64) -> Result<Vec<(i64, String, String, i64)>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT f.unit_id, u.name, f.period, COUNT(*) AS confirmed
             FROM filings f
             JOIN leader_units l ON l.unit_id = f.unit_id AND l.user_id = $1
             JOIN units u ON u.id = f.unit_id
             LEFT JOIN unit_review_settings s ON s.unit_id = f.unit_id
             WHERE f.status = 'confirmed' AND (l.level = 2 OR COALESCE(s.merged_levels, FALSE))
             GROUP BY f.unit_id, u.name, f.period
             ORDER BY f.period, f.unit_id",
        )
        .bind(user_id)
        .fetch_all(c)
        .await
    })
}

#[derive(Debug, Clone, FromRow)]
pub struct ReviewRow {
    pub filing_id: i64,
    pub adjustments: Json<Value>,
    pub result: Json<Value>,
    pub total: String,
    pub grade: Option<String>,
    pub level1_by: Option<i64>,
    pub level1_at: Option<DateTime<Utc>>,
    pub level2_by: Option<i64>,
    pub level2_at: Option<DateTime<Utc>>,
    pub comment: String,
}

#[tracing::instrument(skip(conn))]
pub async fn review(conn: &mut Conn<'_>, filing_id: i64) -> Result<Option<ReviewRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT filing_id, adjustments, result, total, grade, level1_by, level1_at, level2_by, level2_at, comment
             FROM reviews WHERE filing_id = $1",
        )
        .bind(filing_id)
        .fetch_optional(c)
        .await
    })
}

/// Every review with a level-one reviewer, with the self-declared total, for statistics.
#[derive(Debug, Clone, FromRow)]
pub struct StatsRow {
    pub level1_by: i64,
    pub reviewer_name: String,
    pub unit_id: i64,
    pub self_total: String,
    pub total: String,
    pub adjustments: Json<Value>,
    pub result: Json<Value>,
}

#[tracing::instrument(skip(conn))]
pub async fn stats_rows(conn: &mut Conn<'_>) -> Result<Vec<StatsRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT r.level1_by, us.display_name AS reviewer_name, f.unit_id, f.total AS self_total, r.total,
                    r.adjustments, r.result
             FROM reviews r JOIN filings f ON f.id = r.filing_id JOIN users us ON us.id = r.level1_by
             WHERE r.level1_by IS NOT NULL ORDER BY r.level1_by, f.id",
        )
        .fetch_all(c)
        .await
    })
}

#[tracing::instrument(skip(conn, row))]
pub async fn upsert_review(conn: &mut Conn<'_>, row: &ReviewRow, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query(
            "INSERT INTO reviews (filing_id, adjustments, result, total, grade, level1_by, level1_at, level2_by,
                                  level2_at, comment, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (filing_id) DO UPDATE SET
                 adjustments = excluded.adjustments, result = excluded.result, total = excluded.total,
                 grade = excluded.grade, level1_by = excluded.level1_by, level1_at = excluded.level1_at,
                 level2_by = excluded.level2_by, level2_at = excluded.level2_at, comment = excluded.comment,
                 updated_at = excluded.updated_at",
        )
        .bind(row.filing_id)
        .bind(&row.adjustments)
        .bind(&row.result)
        .bind(&row.total)
        .bind(&row.grade)
        .bind(row.level1_by)
        .bind(row.level1_at)
        .bind(row.level2_by)
        .bind(row.level2_at)
        .bind(&row.comment)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ())
    })
}

/// Moves filing `id` to `status` if it is still at `version`; returns whether it was.
/// Every review step goes through here, so two reviewers acting on the same version
/// cannot both succeed.
#[tracing::instrument(skip(conn))]
pub async fn set_status(
    conn: &mut Conn<'_>,
    id: i64,
    version: i64,
    status: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query(
            "UPDATE filings SET status = $3, version = version + 1, updated_at = $4 WHERE id = $1 AND version = $2",
        )
        .bind(id)
        .bind(version)
        .bind(status)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}

/// Ids of a unit's filings for a period in `status`.
#[tracing::instrument(skip(conn))]
pub async fn unit_filings(
    conn: &mut Conn<'_>,
    unit_id: i64,
    period: &str,
    status: &str,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as("SELECT id, version FROM filings WHERE unit_id = $1 AND period = $2 AND status = $3 ORDER BY id")
            .bind(unit_id)
            .bind(period)
            .bind(status)
            .fetch_all(c)
            .await
    })
}

#[derive(Debug, Clone, FromRow)]
pub struct PublicationRow {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub period: String,
    pub published_at: DateTime<Utc>,
    pub window_ends_at: DateTime<Utc>,
}

const PUBLICATION_SELECT: &str = "SELECT pb.id, pb.unit_id, u.name AS unit_name, pb.period, pb.published_at,
        pb.window_ends_at FROM publications pb JOIN units u ON u.id = pb.unit_id";

#[tracing::instrument(skip(conn))]
pub async fn insert_publication(
    conn: &mut Conn<'_>,
    unit_id: i64,
    period: &str,
    by: i64,
    now: DateTime<Utc>,
    ends: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar(
            "INSERT INTO publications (unit_id, period, published_by, published_at, window_ends_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(unit_id)
        .bind(period)
        .bind(by)
        .bind(now)
        .bind(ends)
        .fetch_one(c)
        .await
    })
}

#[tracing::instrument(skip(conn))]
pub async fn publication(
    conn: &mut Conn<'_>,
    unit_id: i64,
    period: &str,
) -> Result<Option<PublicationRow>, sqlx::Error> {
    let sql = format!("{PUBLICATION_SELECT} WHERE pb.unit_id = $1 AND pb.period = $2");
    on_conn!(conn, |c| {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(unit_id).bind(period).fetch_optional(c).await
    })
}

#[tracing::instrument(skip(conn))]
pub async fn publications(conn: &mut Conn<'_>) -> Result<Vec<PublicationRow>, sqlx::Error> {
    let sql = format!("{PUBLICATION_SELECT} ORDER BY pb.published_at DESC, pb.id DESC");
    on_conn!(conn, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(c).await)
}

/// A published filing with its person and reviewed score, for the board.
#[derive(Debug, Clone, FromRow)]
pub struct BoardFilingRow {
    pub filing_id: i64,
    pub person_id: i64,
    pub person_name: String,
    pub post: String,
    pub inputs: Json<Value>,
    pub self_total: String,
    pub reviewed_total: String,
    pub grade: Option<String>,
}

#[tracing::instrument(skip(conn))]
pub async fn board_filings(
    conn: &mut Conn<'_>,
    unit_id: i64,
    period: &str,
) -> Result<Vec<BoardFilingRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT f.id AS filing_id, f.person_id, p.name AS person_name, p.post, f.inputs, f.total AS self_total,
                    r.total AS reviewed_total, r.grade
             FROM filings f JOIN people p ON p.id = f.person_id JOIN reviews r ON r.filing_id = f.id
             WHERE f.unit_id = $1 AND f.period = $2 AND f.status = 'published'
             ORDER BY f.id",
        )
        .bind(unit_id)
        .bind(period)
        .fetch_all(c)
        .await
    })
}

#[derive(Debug, Clone, FromRow)]
pub struct ObjectionRow {
    pub id: i64,
    pub filing_id: i64,
    pub unit_id: i64,
    pub person_name: String,
    pub period: String,
    pub objector_id: i64,
    pub objector_name: String,
    pub reason: String,
    pub lodged_at: DateTime<Utc>,
    pub answer_due: DateTime<Utc>,
    pub status: String,
    pub answer: Option<String>,
    pub old_total: String,
    pub new_total: Option<String>,
}

const OBJECTION_SELECT: &str = "SELECT o.id, o.filing_id, f.unit_id, p.name AS person_name, f.period, o.objector_id,
        us.display_name AS objector_name, o.reason, o.lodged_at, o.answer_due, o.status, o.answer, o.old_total,
        o.new_total
     FROM objections o JOIN filings f ON f.id = o.filing_id JOIN people p ON p.id = f.person_id
     JOIN users us ON us.id = o.objector_id";

#[allow(clippy::too_many_arguments)]
#[tracing::instrument(skip(conn, reason))]
pub async fn insert_objection(
    conn: &mut Conn<'_>,
    filing_id: i64,
    objector_id: i64,
    reason: &str,
    old_total: &str,
    now: DateTime<Utc>,
    due: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar(
            "INSERT INTO objections (filing_id, objector_id, reason, lodged_at, answer_due, status, old_total)
             VALUES ($1, $2, $3, $4, $5, 'open', $6) RETURNING id",
        )
        .bind(filing_id)
        .bind(objector_id)
        .bind(reason)
        .bind(now)
        .bind(due)
        .bind(old_total)
        .fetch_one(c)
        .await
    })
}

#[tracing::instrument(skip(conn))]
pub async fn objection(conn: &mut Conn<'_>, id: i64) -> Result<Option<ObjectionRow>, sqlx::Error> {
    let sql = format!("{OBJECTION_SELECT} WHERE o.id = $1");
    on_conn!(conn, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(id).fetch_optional(c).await)
}

#[tracing::instrument(skip(conn))]
pub async fn objections_of_filing(conn: &mut Conn<'_>, filing_id: i64) -> Result<Vec<ObjectionRow>, sqlx::Error> {
    let sql = format!("{OBJECTION_SELECT} WHERE o.filing_id = $1 ORDER BY o.id");
    on_conn!(conn, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).bind(filing_id).fetch_all(c).await)
}

/// Objections lodged by `user_id` or concerning the units in `units`.
#[tracing::instrument(skip(conn))]
pub async fn objections_for(
    conn: &mut Conn<'_>,
    user_id: i64,
    units: &[i64],
) -> Result<Vec<ObjectionRow>, sqlx::Error> {
    let sql = format!("{OBJECTION_SELECT} ORDER BY o.id DESC");
    let rows: Vec<ObjectionRow> =
        on_conn!(conn, |c| sqlx::query_as(sqlx::AssertSqlSafe(sql.clone())).fetch_all(c).await)?;
    Ok(rows.into_iter().filter(|o| o.objector_id == user_id || units.contains(&o.unit_id)).collect())
}

/// Records the outcome of an open objection; returns whether it was still open.
#[tracing::instrument(skip(conn, answer))]
pub async fn answer_objection(
    conn: &mut Conn<'_>,
    id: i64,
    status: &str,
    answer: &str,
    new_total: Option<&str>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query(
            "UPDATE objections SET status = $2, answer = $3, new_total = $4, answered_by = $5, answered_at = $6
             WHERE id = $1 AND status = 'open'",
        )
        .bind(id)
        .bind(status)
        .bind(answer)
        .bind(new_total)
        .bind(by)
        .bind(now)
        .execute(c)
        .await
        .map(|r| r.rows_affected() == 1)
    })
}
