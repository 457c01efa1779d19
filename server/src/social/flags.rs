//! Anomalies in a campaign's ratings, computed when the admin reads the list (nothing is
//! stored, so a changed threshold applies to old campaigns too).
//!
//! - **Burst**: more than [`Thresholds::burst_max`] ratings within any
//!   [`Thresholds::burst_window`] (sliding, not clock-aligned buckets, so a burst
//!   straddling 10:05 is not split in two). A village meeting where everyone scans the
//!   poster at once looks like this too; that is why it is a flag for a person to judge
//!   and not a refusal.
//! - **One source**: once a campaign has [`Thresholds::source_min_total`] ratings, one
//!   address hash giving more than [`Thresholds::source_max_percent`] of them. A village
//!   behind one NAT looks like this too; again, for a person to judge.

use app::social::Flag;
use chrono::{DateTime, TimeDelta, Utc};

/// When a campaign is flagged.
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    pub burst_window: TimeDelta,
    pub burst_max: usize,
    pub source_min_total: i64,
    pub source_max_percent: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self { burst_window: TimeDelta::minutes(5), burst_max: 30, source_min_total: 20, source_max_percent: 50 }
    }
}

/// The busiest window of `times` (sorted ascending): its start and how many ratings it
/// holds, if that is more than the threshold.
pub fn burst(times: &[DateTime<Utc>], t: &Thresholds) -> Option<(DateTime<Utc>, usize)> {
    let mut best: Option<(DateTime<Utc>, usize)> = None;
    let mut end = 0;
    for (start, at) in times.iter().enumerate() {
        while end < times.len() && times[end] < *at + t.burst_window {
            end += 1;
        }
        let count = end - start;
        if count > t.burst_max && best.is_none_or(|(_, n)| count > n) {
            best = Some((*at, count));
        }
    }
    best
}

/// The percentage one address gave, if it is over the threshold on enough ratings.
pub fn one_source(busiest: i64, total: i64, t: &Thresholds) -> Option<i64> {
    if total < t.source_min_total || total <= 0 {
        return None;
    }
    let percent = busiest * 100 / total;
    (busiest * 100 > t.source_max_percent * total).then_some(percent)
}

/// Both flags, ready for the admin's page.
pub fn flags(times: &[DateTime<Utc>], busiest: i64, total: i64, t: &Thresholds) -> Vec<Flag> {
    let mut out = Vec::new();
    if let Some((at, count)) = burst(times, t) {
        out.push(Flag::Burst {
            at: china_time(at).format("%m-%d %H:%M").to_string(),
            minutes: t.burst_window.num_minutes(),
            count: i64::try_from(count).unwrap_or(i64::MAX),
        });
    }
    if let Some(percent) = one_source(busiest, total, t) {
        out.push(Flag::OneSource { count: busiest, total, percent });
    }
    out
}

pub use app::period::china_time;

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    fn t() -> Thresholds {
        Thresholds { burst_max: 3, ..Thresholds::default() }
    }

    #[test]
    fn a_steady_trickle_is_no_burst() {
        // One rating every two minutes: at most three in any five minutes.
        let times: Vec<_> = (0..20).map(|i| at(i * 120)).collect();
        assert_eq!(burst(&times, &t()), None);
    }

    #[test]
    fn four_ratings_within_five_minutes_are_a_burst_even_across_a_clock_boundary() {
        // 10:03, 10:04, 10:06, 10:07 — split by 10:05, inside one sliding window.
        let times = vec![at(0), at(180), at(240), at(360), at(420), at(2000)];
        assert_eq!(burst(&times, &t()), Some((at(180), 4)));
        // Exactly five minutes apart is outside the window.
        let edge = vec![at(0), at(100), at(200), at(300)];
        assert_eq!(burst(&edge, &t()), None);
    }

    #[test]
    fn the_busiest_window_is_reported() {
        let mut times: Vec<_> = (0..5).map(at).collect();
        times.extend((0..8).map(|i| at(10_000 + i)));
        assert_eq!(burst(&times, &t()), Some((at(10_000), 8)));
    }

    #[test]
    fn one_address_over_half_is_flagged_only_once_there_are_enough_ratings() {
        let t = Thresholds::default();
        assert_eq!(one_source(11, 20, &t), Some(55));
        assert_eq!(one_source(10, 20, &t), None);
        assert_eq!(one_source(19, 19, &t), None);
        assert_eq!(one_source(0, 0, &t), None);
    }

    #[test]
    fn flags_are_shown_in_china_time() {
        let times: Vec<_> = (0..31).map(|i| DateTime::from_timestamp(1_795_000_000 + i, 0).unwrap()).collect();
        let f = flags(&times, 31, 31, &Thresholds::default());
        assert_eq!(f.len(), 2);
        let Flag::Burst { at, minutes, count } = &f[0] else { panic!("burst first") };
        assert_eq!((at.as_str(), *minutes, *count), ("11-18 19:06", 5, 31));
        assert_eq!(f[1], Flag::OneSource { count: 31, total: 31, percent: 100 });
    }
}
