//! Units (the organisation tree) and the people assessed in them.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::FromRow;

use super::schemes::{BindingRow, VersionSpan};
use super::Conn;
use crate::on_conn;

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct UnitRow {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub code: String,
    pub name: String,
    pub category: String,
    pub peer_group: String,
}

/// A unit with the number of active people in it.
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct UnitCountRow {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub peer_group: String,
    pub member_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct PersonRow {
    pub id: i64,
    pub unit_id: i64,
    pub name: String,
    pub tier: String,
    pub post: String,
}

#[derive(Debug, Clone)]
pub struct NewUnit<'a> {
    pub parent_id: Option<i64>,
    pub code: &'a str,
    pub name: &'a str,
    pub category: &'a str,
    pub peer_group: &'a str,
}

#[derive(Debug, Clone)]
pub struct NewPerson<'a> {
    pub unit_id: i64,
    pub name: &'a str,
    pub tier: &'a str,
    pub post: &'a str,
}

#[tracing::instrument(skip(conn))]
pub async fn insert_unit(conn: &mut Conn<'_>, unit: &NewUnit<'_>, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar(
            "INSERT INTO units (parent_id, code, name, category, peer_group, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(unit.parent_id)
        .bind(unit.code)
        .bind(unit.name)
        .bind(unit.category)
        .bind(unit.peer_group)
        .bind(now)
        .fetch_one(c)
        .await
    })
}

#[tracing::instrument(skip(conn))]
pub async fn insert_person(
    conn: &mut Conn<'_>,
    person: &NewPerson<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar(
            "INSERT INTO people (unit_id, name, tier, post, active, created_at)
             VALUES ($1, $2, $3, $4, TRUE, $5) RETURNING id",
        )
        .bind(person.unit_id)
        .bind(person.name)
        .bind(person.tier)
        .bind(person.post)
        .bind(now)
        .fetch_one(c)
        .await
    })
}

#[tracing::instrument(skip(conn))]
pub async fn unit(conn: &mut Conn<'_>, id: i64) -> Result<Option<UnitRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as("SELECT id, parent_id, code, name, category, peer_group FROM units WHERE id = $1")
            .bind(id)
            .fetch_optional(c)
            .await
    })
}

#[tracing::instrument(skip(conn))]
pub async fn person(conn: &mut Conn<'_>, id: i64) -> Result<Option<PersonRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as("SELECT id, unit_id, name, tier, post FROM people WHERE id = $1")
            .bind(id)
            .fetch_optional(c)
            .await
    })
}

/// The columns of [`PersonUnitRow`] from `people p JOIN units u` (a literal, so queries
/// built with `concat!` stay static strings).
macro_rules! person_unit_columns {
    () => {
        "p.id, p.unit_id, p.name, p.tier, p.post, u.parent_id AS unit_parent_id, u.code AS unit_code,
         u.name AS unit_name, u.category AS unit_category, u.peer_group AS unit_peer_group"
    };
}

/// A person and their unit, in one round trip (every submission asks).
#[tracing::instrument(skip(conn))]
pub async fn person_and_unit(conn: &mut Conn<'_>, id: i64) -> Result<Option<(PersonRow, UnitRow)>, sqlx::Error> {
    let row: Option<PersonUnitRow> = on_conn!(conn, |c| {
        sqlx::query_as(concat!(
            "SELECT ",
            person_unit_columns!(),
            " FROM people p JOIN units u ON u.id = p.unit_id WHERE p.id = $1"
        ))
        .bind(id)
        .fetch_optional(c)
        .await
    })?;
    Ok(row.map(PersonUnitRow::split))
}

/// Where a person files: their unit, the scheme binding they file under — their unit's
/// own for their tier, else their unit category's — and which versions of that scheme
/// exist. Every submission asks, so it is one read.
#[derive(Debug, Clone)]
pub struct Placement {
    pub person: PersonRow,
    pub unit: UnitRow,
    pub binding: Option<BindingRow>,
    /// The bound scheme's versions, newest first (empty without a binding).
    pub versions: Vec<VersionSpan>,
}

/// A person's [`Placement`], one row per version of the bound scheme (or one row
/// without a binding).
#[tracing::instrument(skip(conn))]
pub async fn placement(conn: &mut Conn<'_>, person_id: i64) -> Result<Option<Placement>, sqlx::Error> {
    let rows: Vec<PlacementRow> = on_conn!(conn, |c| {
        sqlx::query_as(concat!(
            "SELECT ",
            person_unit_columns!(),
            ", b.id AS binding_id, b.scope_kind AS binding_scope_kind, b.scope AS binding_scope,
                    b.scheme_id AS binding_scheme_id, b.deadline_day AS binding_deadline_day,
                    b.allow_late AS binding_allow_late,
                    s.version AS scheme_version, s.effective_from AS scheme_effective_from,
                    s.effective_to AS scheme_effective_to
             FROM people p
             JOIN units u ON u.id = p.unit_id
             LEFT JOIN scheme_bindings b ON b.id = (
                 SELECT o.id FROM scheme_bindings o
                 WHERE o.tier = p.tier
                   AND ((o.scope_kind = 'unit' AND o.scope = CAST(u.id AS TEXT))
                        OR (o.scope_kind = 'category' AND o.scope = u.category))
                 ORDER BY CASE o.scope_kind WHEN 'unit' THEN 0 ELSE 1 END
                 LIMIT 1)
             LEFT JOIN schemes s ON s.id = b.scheme_id
             WHERE p.id = $1
             ORDER BY s.version DESC"
        ))
        .bind(person_id)
        .fetch_all(c)
        .await
    })?;
    Ok(PlacementRow::gather(rows))
}

#[derive(FromRow)]
struct PlacementRow {
    #[sqlx(flatten)]
    person: PersonUnitRow,
    binding_id: Option<i64>,
    binding_scope_kind: Option<String>,
    binding_scope: Option<String>,
    binding_scheme_id: Option<String>,
    binding_deadline_day: Option<i64>,
    binding_allow_late: Option<bool>,
    scheme_version: Option<i64>,
    scheme_effective_from: Option<NaiveDate>,
    scheme_effective_to: Option<NaiveDate>,
}

impl PlacementRow {
    /// The rows differ only in their version columns.
    fn gather(rows: Vec<Self>) -> Option<Placement> {
        let versions = rows
            .iter()
            .filter_map(|r| {
                Some(VersionSpan {
                    version: r.scheme_version?,
                    effective_from: r.scheme_effective_from?,
                    effective_to: r.scheme_effective_to,
                })
            })
            .collect();
        let first = rows.into_iter().next()?;
        let (person, unit) = first.person.split();
        // Every binding column is NOT NULL: all are there, or the join found none.
        let binding = match (
            first.binding_id,
            first.binding_scope_kind,
            first.binding_scope,
            first.binding_scheme_id,
            first.binding_deadline_day,
            first.binding_allow_late,
        ) {
            (Some(id), Some(scope_kind), Some(scope), Some(scheme_id), Some(deadline_day), Some(allow_late)) => {
                Some(BindingRow {
                    id,
                    scope_kind,
                    scope,
                    tier: person.tier.clone(),
                    scheme_id,
                    deadline_day,
                    allow_late,
                })
            }
            _ => None,
        };
        Some(Placement { person, unit, binding, versions })
    }
}

#[derive(FromRow)]
struct PersonUnitRow {
    id: i64,
    unit_id: i64,
    name: String,
    tier: String,
    post: String,
    unit_parent_id: Option<i64>,
    unit_code: String,
    unit_name: String,
    unit_category: String,
    unit_peer_group: String,
}

impl PersonUnitRow {
    fn split(self) -> (PersonRow, UnitRow) {
        let unit = UnitRow {
            id: self.unit_id,
            parent_id: self.unit_parent_id,
            code: self.unit_code,
            name: self.unit_name,
            category: self.unit_category,
            peer_group: self.unit_peer_group,
        };
        let person =
            PersonRow { id: self.id, unit_id: self.unit_id, name: self.name, tier: self.tier, post: self.post };
        (person, unit)
    }
}

/// Every assessed unit (units that hold people) with its head count, by peer group.
#[tracing::instrument(skip(conn))]
pub async fn units_with_counts(conn: &mut Conn<'_>) -> Result<Vec<UnitCountRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT u.id, u.name, u.category, u.peer_group, COUNT(p.id) AS member_count
             FROM units u JOIN people p ON p.unit_id = u.id AND p.active
             GROUP BY u.id, u.name, u.category, u.peer_group
             ORDER BY u.peer_group, u.id",
        )
        .fetch_all(c)
        .await
    })
}

/// The units a leader supervises, with their head counts.
#[tracing::instrument(skip(conn))]
pub async fn units_supervised_by(conn: &mut Conn<'_>, user_id: i64) -> Result<Vec<UnitCountRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT u.id, u.name, u.category, u.peer_group,
                    (SELECT COUNT(*) FROM people p WHERE p.unit_id = u.id AND p.active) AS member_count
             FROM units u JOIN leader_units l ON l.unit_id = u.id
             WHERE l.user_id = $1
             ORDER BY u.id",
        )
        .bind(user_id)
        .fetch_all(c)
        .await
    })
}

/// The active people of the units a leader supervises, in roster order
/// (unit head, section level, staff).
#[tracing::instrument(skip(conn))]
pub async fn people_supervised_by(conn: &mut Conn<'_>, user_id: i64) -> Result<Vec<PersonRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT p.id, p.unit_id, p.name, p.tier, p.post
             FROM people p JOIN leader_units l ON l.unit_id = p.unit_id
             WHERE l.user_id = $1 AND p.active
             ORDER BY p.unit_id,
                      CASE p.tier WHEN 'principal' THEN 0 WHEN 'section' THEN 1 ELSE 2 END,
                      p.id",
        )
        .bind(user_id)
        .fetch_all(c)
        .await
    })
}

/// The active people of a unit, in roster order (unit head, section level, staff).
#[tracing::instrument(skip(conn))]
pub async fn people_of_unit(conn: &mut Conn<'_>, unit_id: i64) -> Result<Vec<PersonRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT p.id, p.unit_id, p.name, p.tier, p.post FROM people p
             WHERE p.unit_id = $1 AND p.active
             ORDER BY CASE p.tier WHEN 'principal' THEN 0 WHEN 'section' THEN 1 ELSE 2 END, p.id",
        )
        .bind(unit_id)
        .fetch_all(c)
        .await
    })
}
