//! Evaluation rounds and the ratings given in them (leaders, peers, two-way).
//!
//! Peer and two-way ratings are stored apart from the ballots that say who took part, with
//! nothing linking the two, so no query can tell who gave which rating.

use chrono::{DateTime, Utc};
use sqlx::types::Json;
use sqlx::FromRow;

use super::Conn;
use crate::on_conn;

#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct RoundRow {
    pub id: i64,
    pub kind: String,
    pub unit_id: Option<i64>,
    pub period: String,
    pub min_raters: i64,
    pub rater_categories: String,
    pub ratee_categories: String,
    pub status: String,
}

impl RoundRow {
    pub fn is_open(&self) -> bool {
        self.status == "open"
    }

    /// The unit categories of a two-way round's raters or ratees.
    pub fn categories(list: &str) -> impl Iterator<Item = &str> {
        list.split(',').map(str::trim).filter(|c| !c.is_empty())
    }
}

/// A round with its participation counts (the admin's list).
#[derive(Debug, Clone, PartialEq, Eq, FromRow)]
pub struct RoundSummaryRow {
    pub id: i64,
    pub kind: String,
    pub unit_name: Option<String>,
    pub period: String,
    pub min_raters: i64,
    pub rater_categories: String,
    pub ratee_categories: String,
    pub status: String,
    pub ballots: i64,
    pub leaders: i64,
}

#[derive(Debug, Clone)]
pub struct NewRound<'a> {
    pub kind: &'a str,
    pub unit_id: Option<i64>,
    pub period: &'a str,
    pub min_raters: i64,
    pub rater_categories: &'a str,
    pub ratee_categories: &'a str,
    pub opened_by: i64,
}

/// The columns of [`RoundRow`], as a literal so queries stay static strings.
macro_rules! round_columns {
    () => {
        "id, kind, unit_id, period, min_raters, rater_categories, ratee_categories, status"
    };
}

/// Opens a round; a second round of the same kind, unit and period is a unique violation.
#[tracing::instrument(skip(conn, r), fields(kind = r.kind, period = r.period))]
pub async fn insert_round(conn: &mut Conn<'_>, r: &NewRound<'_>, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar(
            "INSERT INTO evaluation_rounds (kind, unit_id, period, min_raters, rater_categories, ratee_categories,
                                            opened_by, opened_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(r.kind)
        .bind(r.unit_id)
        .bind(r.period)
        .bind(r.min_raters)
        .bind(r.rater_categories)
        .bind(r.ratee_categories)
        .bind(r.opened_by)
        .bind(now)
        .fetch_one(c)
        .await
    })
}

#[tracing::instrument(skip(conn))]
pub async fn round(conn: &mut Conn<'_>, id: i64) -> Result<Option<RoundRow>, sqlx::Error> {
    const SQL: &str = concat!("SELECT ", round_columns!(), " FROM evaluation_rounds WHERE id = $1");
    on_conn!(conn, |c| sqlx::query_as(SQL).bind(id).fetch_optional(c).await)
}

/// Closes an open round; `false` when it was not open.
#[tracing::instrument(skip(conn))]
pub async fn close_round(conn: &mut Conn<'_>, id: i64, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let done = on_conn!(conn, |c| {
        sqlx::query("UPDATE evaluation_rounds SET status = 'closed', closed_at = $2 WHERE id = $1 AND status = 'open'")
            .bind(id)
            .bind(now)
            .execute(c)
            .await
            .map(|r| r.rows_affected())
    })?;
    Ok(done == 1)
}

/// Every round, open ones first, newest first, with participation counts.
#[tracing::instrument(skip(conn))]
pub async fn summaries(conn: &mut Conn<'_>) -> Result<Vec<RoundSummaryRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as(
            "SELECT r.id, r.kind, u.name AS unit_name, r.period, r.min_raters, r.rater_categories,
                    r.ratee_categories, r.status,
                    (SELECT COUNT(*) FROM peer_ballots b WHERE b.round_id = r.id)
                      + (SELECT COUNT(*) FROM two_way_ballots t WHERE t.round_id = r.id) AS ballots,
                    (SELECT COUNT(DISTINCT l.rater_user_id) FROM leader_ratings l WHERE l.round_id = r.id) AS leaders
             FROM evaluation_rounds r LEFT JOIN units u ON u.id = r.unit_id
             ORDER BY CASE r.status WHEN 'open' THEN 0 ELSE 1 END, r.id DESC",
        )
        .fetch_all(c)
        .await
    })
}

/// Open rounds of any kind (few at a time: one per unit and period at most).
#[tracing::instrument(skip(conn))]
pub async fn open_rounds(conn: &mut Conn<'_>) -> Result<Vec<RoundRow>, sqlx::Error> {
    const SQL: &str = concat!("SELECT ", round_columns!(), " FROM evaluation_rounds WHERE status = 'open' ORDER BY id");
    on_conn!(conn, |c| sqlx::query_as(SQL).fetch_all(c).await)
}

/// Closed rounds whose results count for `period`: the unit's own round and every
/// two-way round.
#[tracing::instrument(skip(conn))]
pub async fn closed_rounds_for(conn: &mut Conn<'_>, unit_id: i64, period: &str) -> Result<Vec<RoundRow>, sqlx::Error> {
    const SQL: &str = concat!(
        "SELECT ",
        round_columns!(),
        " FROM evaluation_rounds
         WHERE status = 'closed' AND period = $2 AND (unit_id = $1 OR kind = 'two_way') ORDER BY id"
    );
    on_conn!(conn, |c| sqlx::query_as(SQL).bind(unit_id).bind(period).fetch_all(c).await)
}

/// Closed rounds, newest first (whose aggregates may be shown).
#[tracing::instrument(skip(conn))]
pub async fn closed_rounds(conn: &mut Conn<'_>) -> Result<Vec<RoundRow>, sqlx::Error> {
    const SQL: &str =
        concat!("SELECT ", round_columns!(), " FROM evaluation_rounds WHERE status = 'closed' ORDER BY id DESC");
    on_conn!(conn, |c| sqlx::query_as(SQL).fetch_all(c).await)
}

// ---- leader ratings ----

/// A leader's rating as stored: (person id, one level per dimension).
pub type GivenRating = (i64, Json<Vec<String>>);

/// What a leader gave in a round: (person id, levels).
#[tracing::instrument(skip(conn))]
pub async fn leader_ratings_by(
    conn: &mut Conn<'_>,
    round_id: i64,
    rater_user_id: i64,
) -> Result<Vec<GivenRating>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as("SELECT person_id, levels FROM leader_ratings WHERE round_id = $1 AND rater_user_id = $2")
            .bind(round_id)
            .bind(rater_user_id)
            .fetch_all(c)
            .await
    })
}

/// Records or replaces a leader's rating of one person.
#[tracing::instrument(skip(conn, levels))]
pub async fn upsert_leader_rating(
    conn: &mut Conn<'_>,
    round_id: i64,
    rater_user_id: i64,
    person_id: i64,
    levels: &[&str],
    score: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query(
            "INSERT INTO leader_ratings (round_id, rater_user_id, person_id, levels, score, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (round_id, rater_user_id, person_id)
             DO UPDATE SET levels = excluded.levels, score = excluded.score, updated_at = excluded.updated_at",
        )
        .bind(round_id)
        .bind(rater_user_id)
        .bind(person_id)
        .bind(Json(levels))
        .bind(score)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ())
    })
}

/// Which ratings a round's scores come from (see [`scores_of_round`]).
#[derive(Clone, Copy, Debug)]
pub enum Ratings {
    Leader,
    Peer,
    TwoWay,
}

/// Every score of one kind in a round, as (rated person or unit, score): a results page
/// reads a round once, not once per person.
#[tracing::instrument(skip(conn))]
pub async fn scores_of_round(
    conn: &mut Conn<'_>,
    ratings: Ratings,
    round_id: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let sql = match ratings {
        Ratings::Leader => "SELECT person_id, score FROM leader_ratings WHERE round_id = $1",
        Ratings::Peer => "SELECT person_id, score FROM peer_ratings WHERE round_id = $1",
        Ratings::TwoWay => "SELECT unit_id, score FROM two_way_ratings WHERE round_id = $1",
    };
    on_conn!(conn, |c| sqlx::query_as(sql).bind(round_id).fetch_all(c).await)
}

/// The scores leaders gave a person in a round.
#[tracing::instrument(skip(conn))]
pub async fn leader_scores(conn: &mut Conn<'_>, round_id: i64, person_id: i64) -> Result<Vec<String>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar("SELECT score FROM leader_ratings WHERE round_id = $1 AND person_id = $2")
            .bind(round_id)
            .bind(person_id)
            .fetch_all(c)
            .await
    })
}

// ---- anonymous ballots ----

/// Records that a person took part in a round's peer evaluation; a second ballot is a
/// unique violation.
#[tracing::instrument(skip(conn))]
pub async fn insert_peer_ballot(conn: &mut Conn<'_>, round_id: i64, rater_person_id: i64) -> Result<(), sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query("INSERT INTO peer_ballots (round_id, rater_person_id) VALUES ($1, $2)")
            .bind(round_id)
            .bind(rater_person_id)
            .execute(c)
            .await
            .map(|_| ())
    })
}

#[tracing::instrument(skip(conn))]
pub async fn has_peer_ballot(conn: &mut Conn<'_>, round_id: i64, rater_person_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = on_conn!(conn, |c| {
        sqlx::query_scalar("SELECT COUNT(*) FROM peer_ballots WHERE round_id = $1 AND rater_person_id = $2")
            .bind(round_id)
            .bind(rater_person_id)
            .fetch_one(c)
            .await
    })?;
    Ok(n > 0)
}

#[tracing::instrument(skip(conn))]
pub async fn insert_peer_rating(
    conn: &mut Conn<'_>,
    round_id: i64,
    person_id: i64,
    score: &str,
) -> Result<(), sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query("INSERT INTO peer_ratings (round_id, person_id, score) VALUES ($1, $2, $3)")
            .bind(round_id)
            .bind(person_id)
            .bind(score)
            .execute(c)
            .await
            .map(|_| ())
    })
}

/// The peer scores a person received in a round (never who gave them: the table has no
/// such column).
#[tracing::instrument(skip(conn))]
pub async fn peer_scores(conn: &mut Conn<'_>, round_id: i64, person_id: i64) -> Result<Vec<String>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar("SELECT score FROM peer_ratings WHERE round_id = $1 AND person_id = $2")
            .bind(round_id)
            .bind(person_id)
            .fetch_all(c)
            .await
    })
}

/// Records that a unit took part in a two-way round; a second ballot is a unique violation.
#[tracing::instrument(skip(conn))]
pub async fn insert_two_way_ballot(conn: &mut Conn<'_>, round_id: i64, rater_unit_id: i64) -> Result<(), sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query("INSERT INTO two_way_ballots (round_id, rater_unit_id) VALUES ($1, $2)")
            .bind(round_id)
            .bind(rater_unit_id)
            .execute(c)
            .await
            .map(|_| ())
    })
}

#[tracing::instrument(skip(conn))]
pub async fn has_two_way_ballot(conn: &mut Conn<'_>, round_id: i64, rater_unit_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = on_conn!(conn, |c| {
        sqlx::query_scalar("SELECT COUNT(*) FROM two_way_ballots WHERE round_id = $1 AND rater_unit_id = $2")
            .bind(round_id)
            .bind(rater_unit_id)
            .fetch_one(c)
            .await
    })?;
    Ok(n > 0)
}

#[tracing::instrument(skip(conn))]
pub async fn insert_two_way_rating(
    conn: &mut Conn<'_>,
    round_id: i64,
    unit_id: i64,
    score: &str,
) -> Result<(), sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query("INSERT INTO two_way_ratings (round_id, unit_id, score) VALUES ($1, $2, $3)")
            .bind(round_id)
            .bind(unit_id)
            .bind(score)
            .execute(c)
            .await
            .map(|_| ())
    })
}

/// The two-way scores a unit received in a round.
#[tracing::instrument(skip(conn))]
pub async fn two_way_scores(conn: &mut Conn<'_>, round_id: i64, unit_id: i64) -> Result<Vec<String>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar("SELECT score FROM two_way_ratings WHERE round_id = $1 AND unit_id = $2")
            .bind(round_id)
            .bind(unit_id)
            .fetch_all(c)
            .await
    })
}
