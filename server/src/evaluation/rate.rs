//! Rating: what a signed-in user may rate now, storing their ratings, and the aggregates
//! they may read.
//!
//! Who rates whom, decided per round from the organisation tree:
//! - a unit round: every level-one leader of the unit rates its people (not themselves) on
//!   the five dimensions; every active member rates each colleague once, anonymously;
//! - a two-way round: a level-one leader of a unit of the rating categories rates, once for
//!   the unit, each unit of the rated categories.

use app::error::AppError;
use app::evaluation::{AggregateView, EvaluationHome, Level, RatingKind, RatingSubmission, RatingTask, Target};
use app::model::SessionUser;
use app::period::Period;
use chrono::{DateTime, Utc};

use super::{check_ratings, mean, rating_score, shown};
use crate::error::{internal, OrInternal};
use crate::storage::evaluations::{self, Ratings, RoundRow};
use crate::storage::org::{self, PersonRow, UnitCountRow};
use crate::storage::{is_unique_violation, reviews, Conn, Db};

/// How many closed rounds' results the page lists.
const RESULT_ROUNDS: usize = 12;

/// The units `user` leads at level one (the leaders responsible for their people).
async fn led_units(conn: &mut Conn<'_>, user: &SessionUser) -> Result<Vec<i64>, AppError> {
    if !user.has_role(app::model::Role::Leader) {
        return Ok(vec![]);
    }
    let levels = reviews::levels_of(conn, user.id).await.or_internal("levels")?;
    Ok(levels.into_iter().filter(|(_, level)| *level == 1).map(|(unit, _)| unit).collect())
}

/// The caller's own unit (as a member), if they are an active person.
async fn own_person(conn: &mut Conn<'_>, user: &SessionUser) -> Result<Option<PersonRow>, AppError> {
    match user.person_id {
        Some(id) => org::person(conn, id).await.or_internal("person"),
        None => Ok(None),
    }
}

fn period_label(period: &str) -> String {
    Period::parse(period).map_or_else(|| period.to_string(), Period::label_zh)
}

fn in_categories(list: &str, category: &str) -> bool {
    RoundRow::categories(list).any(|c| c == category)
}

fn levels_of(stored: &[String]) -> Vec<Level> {
    stored.iter().filter_map(|s| serde_json::from_value(serde_json::Value::String(s.clone())).ok()).collect()
}

/// What the caller may rate now and the aggregates they may read.
///
/// # Errors
/// [`AppError::Internal`] when the database cannot be read.
pub async fn home(db: &Db, user: &SessionUser) -> Result<EvaluationHome, AppError> {
    let mut pooled = db.acquire().await.or_internal("acquire")?;
    let mut conn = pooled.conn();
    let led = led_units(&mut conn, user).await?;
    let me = own_person(&mut conn, user).await?;
    let units = org::units_with_counts(&mut conn).await.or_internal("units")?;
    let unit_name = |id: i64| units.iter().find(|u| u.id == id).map(|u| u.name.clone()).unwrap_or_default();

    let mut tasks = Vec::new();
    for round in evaluations::open_rounds(&mut conn).await.or_internal("open rounds")? {
        if let Some(unit_id) = round.unit_id {
            let people = org::people_of_unit(&mut conn, unit_id).await.or_internal("people")?;
            let others = |me: Option<i64>| -> Vec<Target> {
                people.iter().filter(|p| Some(p.id) != me).map(|p| target(p.id, &p.name, &p.post)).collect()
            };
            if led.contains(&unit_id) {
                let mut targets = others(user.person_id);
                let given = evaluations::leader_ratings_by(&mut conn, round.id, user.id).await.or_internal("given")?;
                for t in &mut targets {
                    if let Some((_, levels)) = given.iter().find(|(p, _)| *p == t.id) {
                        t.given = levels_of(&levels.0);
                    }
                }
                tasks.push(task(&round, RatingKind::Leader, unit_name(unit_id), false, targets));
            }
            if let Some(me) = me.as_ref().filter(|p| p.unit_id == unit_id) {
                let done = evaluations::has_peer_ballot(&mut conn, round.id, me.id).await.or_internal("ballot")?;
                tasks.push(task(&round, RatingKind::Peer, unit_name(unit_id), done, others(Some(me.id))));
            }
        } else {
            for rater in
                units.iter().filter(|u| led.contains(&u.id) && in_categories(&round.rater_categories, &u.category))
            {
                let done =
                    evaluations::has_two_way_ballot(&mut conn, round.id, rater.id).await.or_internal("ballot")?;
                let targets = two_way_targets(&units, &round, rater.id);
                tasks.push(task(&round, RatingKind::TwoWay, rater.name.clone(), done, targets));
            }
        }
    }

    let mut results = Vec::new();
    for round in
        evaluations::closed_rounds(&mut conn).await.or_internal("closed rounds")?.into_iter().take(RESULT_ROUNDS)
    {
        // Each round's scores in one query per kind (they were one query per person).
        if let Some(unit_id) = round.unit_id {
            let people = org::people_of_unit(&mut conn, unit_id).await.or_internal("people")?;
            let leads = led.contains(&unit_id);
            let shown: Vec<_> = people.iter().filter(|p| leads || Some(p.id) == user.person_id).collect();
            if shown.is_empty() {
                continue;
            }
            let leader =
                evaluations::scores_of_round(&mut conn, Ratings::Leader, round.id).await.or_internal("scores")?;
            let peer = evaluations::scores_of_round(&mut conn, Ratings::Peer, round.id).await.or_internal("scores")?;
            for p in shown {
                results.push(aggregate(&round, RatingKind::Leader, &p.name, &scores_of(&leader, p.id), 1));
                results.push(aggregate(&round, RatingKind::Peer, &p.name, &scores_of(&peer, p.id), round.min_raters));
            }
        } else {
            let rated: Vec<_> = units
                .iter()
                .filter(|u| led.contains(&u.id) && in_categories(&round.ratee_categories, &u.category))
                .collect();
            if rated.is_empty() {
                continue;
            }
            let scores =
                evaluations::scores_of_round(&mut conn, Ratings::TwoWay, round.id).await.or_internal("scores")?;
            for unit in rated {
                let mine = scores_of(&scores, unit.id);
                results.push(aggregate(&round, RatingKind::TwoWay, &unit.name, &mine, round.min_raters));
            }
        }
    }
    Ok(EvaluationHome { tasks, results })
}

/// The scores of one person (or unit) among a round's `(subject, score)` rows.
fn scores_of(rows: &[(i64, String)], subject: i64) -> Vec<String> {
    rows.iter().filter(|(id, _)| *id == subject).map(|(_, score)| score.clone()).collect()
}

fn target(id: i64, name: &str, detail: &str) -> Target {
    Target { id, name: name.to_string(), detail: detail.to_string(), given: vec![] }
}

fn two_way_targets(units: &[UnitCountRow], round: &RoundRow, rater_unit: i64) -> Vec<Target> {
    units
        .iter()
        .filter(|u| u.id != rater_unit && in_categories(&round.ratee_categories, &u.category))
        .map(|u| target(u.id, &u.name, &u.category))
        .collect()
}

fn task(round: &RoundRow, kind: RatingKind, unit_name: String, done: bool, targets: Vec<Target>) -> RatingTask {
    RatingTask {
        round_id: round.id,
        kind,
        period: round.period.clone(),
        period_label: period_label(&round.period),
        unit_name,
        done,
        targets,
    }
}

fn aggregate(round: &RoundRow, kind: RatingKind, subject: &str, scores: &[String], min: i64) -> AggregateView {
    let visible = shown(scores.len(), min);
    AggregateView {
        round_id: round.id,
        kind,
        period_label: period_label(&round.period),
        subject: subject.to_string(),
        raters: u32::try_from(scores.len()).unwrap_or(u32::MAX),
        min_raters: u32::try_from(min).unwrap_or_default(),
        score: visible.then(|| mean(scores).map(|m| m.to_string())).flatten(),
    }
}

/// Stores a leader's ratings (replacing earlier ones) or casts an anonymous ballot, in one
/// transaction, and returns the page as it now is.
///
/// # Errors
/// [`AppError::NotFound`] for an unknown round; [`AppError::Conflict`] for a closed round
/// or a ballot already cast; [`AppError::Forbidden`] when the caller has no part of that
/// kind in the round; [`AppError::Invalid`] for targets outside the round, the caller
/// themselves, duplicates or a wrong number of levels.
pub async fn submit(
    db: &Db,
    user: &SessionUser,
    s: RatingSubmission,
    now: DateTime<Utc>,
) -> Result<EvaluationHome, AppError> {
    let mut tx = db.begin().await.or_internal("begin")?;
    let mut conn = tx.conn();
    let round = evaluations::round(&mut conn, s.round_id).await.or_internal("round")?.ok_or(AppError::NotFound)?;
    if !round.is_open() {
        return Err(AppError::Conflict { message: "本轮测评已结束".into() });
    }
    match (s.kind, round.unit_id) {
        (RatingKind::Leader, Some(unit_id)) => {
            if !led_units(&mut conn, user).await?.contains(&unit_id) {
                return Err(AppError::Forbidden);
            }
            let people = org::people_of_unit(&mut conn, unit_id).await.or_internal("people")?;
            let allowed: Vec<i64> = people.iter().map(|p| p.id).collect();
            check_ratings(s.kind, &s.ratings, &allowed, user.person_id)?;
            for r in &s.ratings {
                let levels: Vec<&str> = r.levels.iter().map(|l| l.as_str()).collect();
                let score = rating_score(&r.levels).to_string();
                evaluations::upsert_leader_rating(&mut conn, round.id, user.id, r.target, &levels, &score, now)
                    .await
                    .or_internal("leader rating")?;
            }
        }
        (RatingKind::Peer, Some(unit_id)) => {
            let me = own_person(&mut conn, user).await?.filter(|p| p.unit_id == unit_id).ok_or(AppError::Forbidden)?;
            let people = org::people_of_unit(&mut conn, unit_id).await.or_internal("people")?;
            let allowed: Vec<i64> = people.iter().map(|p| p.id).collect();
            check_ratings(s.kind, &s.ratings, &allowed, Some(me.id))?;
            cast(evaluations::insert_peer_ballot(&mut conn, round.id, me.id).await)?;
            for r in &s.ratings {
                let score = rating_score(&r.levels).to_string();
                evaluations::insert_peer_rating(&mut conn, round.id, r.target, &score)
                    .await
                    .or_internal("peer rating")?;
            }
        }
        (RatingKind::TwoWay, None) => {
            let led = led_units(&mut conn, user).await?;
            let units = org::units_with_counts(&mut conn).await.or_internal("units")?;
            let rater = units
                .iter()
                .find(|u| led.contains(&u.id) && in_categories(&round.rater_categories, &u.category))
                .ok_or(AppError::Forbidden)?;
            let allowed: Vec<i64> = two_way_targets(&units, &round, rater.id).iter().map(|t| t.id).collect();
            check_ratings(s.kind, &s.ratings, &allowed, Some(rater.id))?;
            cast(evaluations::insert_two_way_ballot(&mut conn, round.id, rater.id).await)?;
            for r in &s.ratings {
                let score = rating_score(&r.levels).to_string();
                evaluations::insert_two_way_rating(&mut conn, round.id, r.target, &score)
                    .await
                    .or_internal("two-way rating")?;
            }
        }
        _ => return Err(AppError::invalid("kind", "评价类型与本轮测评不符")),
    }
    tx.commit().await.or_internal("commit")?;
    home(db, user).await
}

/// A ballot insert: a second one (unique violation) is a conflict the user can read.
fn cast(inserted: Result<(), sqlx::Error>) -> Result<(), AppError> {
    match inserted {
        Ok(()) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(AppError::Conflict { message: "您已提交过本轮评价".into() }),
        Err(e) => Err(internal("ballot", e)),
    }
}
