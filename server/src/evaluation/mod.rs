//! The evaluations by people: rounds opened and closed by the organisation admin,
//! leaders' ratings (signed, changeable while open), peers' and two-way ballots
//! (anonymous, final), the aggregates people may read, and the scores they feed the engine
//! as evaluation sources.
//!
//! Rules kept here, in plain functions: a level is worth a fixed score, a leader's rating
//! is the exact mean of the five dimensions, an aggregate is the mean rounded half away
//! from zero to two places, and an anonymous aggregate is never shown (nor fed to the
//! engine) below the round's minimum number of raters — otherwise one rating could be read
//! back from the aggregate.

pub mod rate;
pub mod rounds;
pub mod sources;

use app::error::AppError;
use app::evaluation::{Level, Rating, RatingKind};
use rules_wasm::Decimal;

/// The exact score of one rating: the mean of its levels' scores, two places.
pub fn rating_score(levels: &[Level]) -> Decimal {
    let sum: u32 = levels.iter().map(|l| l.score()).sum();
    let n = u32::try_from(levels.len()).unwrap_or(1).max(1);
    divide(Decimal::new(i64::from(sum), 0), n)
}

/// The mean of stored scores, two places; `None` when there are none. A stored score
/// that does not parse is a bug and is logged, not counted.
pub fn mean(scores: &[String]) -> Option<Decimal> {
    let parsed: Vec<Decimal> = scores
        .iter()
        .filter_map(|s| {
            let d = s.parse::<Decimal>().ok();
            if d.is_none() {
                tracing::error!(score = %s, "stored rating score does not parse");
            }
            d
        })
        .collect();
    if parsed.is_empty() {
        return None;
    }
    let sum = parsed.iter().fold(Decimal::ZERO, |acc, d| acc.saturating_add(*d));
    Some(divide(sum, u32::try_from(parsed.len()).unwrap_or(u32::MAX)))
}

fn divide(sum: Decimal, n: u32) -> Decimal {
    sum.checked_div(Decimal::new(i64::from(n), 0)).unwrap_or(Decimal::ZERO).round_to(2)
}

/// Whether an anonymous aggregate of `raters` ratings may be shown or used.
pub fn shown(raters: usize, min_raters: i64) -> bool {
    i64::try_from(raters).unwrap_or(i64::MAX) >= min_raters.max(1)
}

/// Checks a submission's shape against what the caller may rate: every target allowed,
/// none twice, none the caller, each with the kind's number of levels, at least one.
///
/// # Errors
/// [`AppError::Invalid`] naming `ratings` with a Chinese message.
pub fn check_ratings(kind: RatingKind, ratings: &[Rating], allowed: &[i64], own: Option<i64>) -> Result<(), AppError> {
    if ratings.is_empty() {
        return Err(AppError::invalid("ratings", "请至少评价一人"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for r in ratings {
        if Some(r.target) == own {
            return Err(AppError::invalid("ratings", "不能评价自己"));
        }
        if !allowed.contains(&r.target) {
            return Err(AppError::invalid("ratings", "评价对象不在本轮测评范围内"));
        }
        if !seen.insert(r.target) {
            return Err(AppError::invalid("ratings", "同一对象只能评价一次"));
        }
        if r.levels.len() != kind.levels_per_rating() {
            return Err(AppError::invalid("ratings", format!("每个对象需评 {} 项", kind.levels_per_rating())));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use Level::*;

    fn rating(target: i64, levels: Vec<Level>) -> Rating {
        Rating { target, levels }
    }

    #[test]
    fn a_leaders_rating_is_the_exact_mean_of_five_dimensions() {
        assert_eq!(rating_score(&[Excellent, Good, Good, Fair, Poor]).to_string(), "78.00");
        assert_eq!(rating_score(&[Excellent; 5]).to_string(), "100.00");
        assert_eq!(rating_score(&[Good]).to_string(), "85.00");
    }

    #[test]
    fn aggregates_round_half_away_from_zero_to_two_places() {
        let scores: Vec<String> = ["100", "85", "85"].iter().map(|s| (*s).to_string()).collect();
        assert_eq!(mean(&scores).unwrap().to_string(), "90.00");
        let thirds: Vec<String> = ["100", "100", "85"].iter().map(|s| (*s).to_string()).collect();
        assert_eq!(mean(&thirds).unwrap().to_string(), "95.00");
        let odd: Vec<String> = ["100", "70", "70"].iter().map(|s| (*s).to_string()).collect();
        assert_eq!(mean(&odd).unwrap().to_string(), "80.00");
        let repeating: Vec<String> = ["100", "85", "50"].iter().map(|s| (*s).to_string()).collect();
        assert_eq!(mean(&repeating).unwrap().to_string(), "78.33");
        assert_eq!(mean(&[]), None);
    }

    #[test]
    fn anonymous_aggregates_need_the_minimum_of_raters() {
        assert!(!shown(4, 5));
        assert!(shown(5, 5));
        assert!(!shown(0, 0), "no ratings are never an aggregate");
    }

    #[test]
    fn nobody_rates_themselves_or_outsiders_or_twice() {
        let allowed = [1, 2, 3];
        let err = |r: Result<(), AppError>| match r {
            Err(AppError::Invalid { fields }) => fields["ratings"].clone(),
            other => panic!("expected invalid, got {other:?}"),
        };
        assert_eq!(err(check_ratings(RatingKind::Peer, &[rating(2, vec![Good])], &allowed, Some(2))), "不能评价自己");
        assert!(err(check_ratings(RatingKind::Peer, &[rating(9, vec![Good])], &allowed, Some(1))).contains("范围"));
        let twice = [rating(2, vec![Good]), rating(2, vec![Poor])];
        assert!(err(check_ratings(RatingKind::Peer, &twice, &allowed, Some(1))).contains("一次"));
        assert!(err(check_ratings(RatingKind::Leader, &[rating(2, vec![Good])], &allowed, None)).contains("5"));
        assert!(err(check_ratings(RatingKind::Peer, &[], &allowed, None)).contains("至少"));
        assert!(
            check_ratings(RatingKind::Peer, &[rating(2, vec![Good]), rating(3, vec![Fair])], &allowed, Some(1)).is_ok()
        );
    }
}
