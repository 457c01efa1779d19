//! 随意打分: how each reviewer's level-one results compare with their peers'. Plain
//! statistics with a sentence each, a flag to look into and never a verdict.

use std::collections::BTreeMap;

use app::error::AppError;
use app::model::{Role, SessionUser};
use app::review::ReviewerStats;
use rules_wasm::{Adjustment, Evaluation};

use crate::error::OrInternal;
use crate::rights;
use crate::storage::reviews::{self, StatsRow};
use crate::storage::Db;

/// Reasons shorter than this count as thin when the change is large.
const THIN_REASON_CHARS: usize = 10;
/// A change of at least this share of the item's range counts as large.
const LARGE_CHANGE_SHARE: f64 = 0.2;
/// Fewer reviewed filings than this say nothing about a reviewer.
const MIN_SAMPLE: usize = 3;

fn number(text: &str) -> f64 {
    text.trim().parse().unwrap_or(0.0)
}

/// Everyone's statistics (organisation admins).
///
/// # Errors
/// [`AppError::Forbidden`] for anyone but an admin.
pub async fn reviewer_stats(db: &Db, user: &SessionUser) -> Result<Vec<ReviewerStats>, AppError> {
    rights::require_role(user, Role::Admin)?;
    let mut pooled = db.acquire().await.or_internal("acquire")?;
    let rows = reviews::stats_rows(&mut pooled.conn()).await.or_internal("stats")?;
    Ok(compute(&rows))
}

struct Tally {
    name: String,
    reviewed: usize,
    adjusted_items: usize,
    change_sum: f64,
    bounded_items: usize,
    items_at_max: usize,
    totals: Vec<String>,
    thin: usize,
}

/// The pure part: tallies per reviewer, then flags against the peers' figures.
pub fn compute(rows: &[StatsRow]) -> Vec<ReviewerStats> {
    let mut by: BTreeMap<i64, Tally> = BTreeMap::new();
    for r in rows {
        let t = by.entry(r.level1_by).or_insert_with(|| Tally {
            name: r.reviewer_name.clone(),
            reviewed: 0,
            adjusted_items: 0,
            change_sum: 0.0,
            bounded_items: 0,
            items_at_max: 0,
            totals: vec![],
            thin: 0,
        });
        t.reviewed += 1;
        t.change_sum += number(&r.total) - number(&r.self_total);
        t.totals.push(r.total.clone());
        let adjustments: Vec<Adjustment> = serde_json::from_value(r.adjustments.0.clone()).unwrap_or_default();
        t.adjusted_items += adjustments.len();
        let Ok(result) = serde_json::from_value::<Evaluation>(r.result.0.clone()) else { continue };
        for item in result.items.iter().filter(|i| i.counted) {
            if let Some(max) = item.max.filter(|m| *m > rules_wasm::Decimal::ZERO) {
                t.bounded_items += 1;
                if item.points >= max {
                    t.items_at_max += 1;
                }
                if item.adjusted {
                    let change = (number(&item.points.to_string()) - number(&item.computed.to_string())).abs();
                    let thin = adjustments
                        .iter()
                        .rev()
                        .find(|a| a.indicator == *item.id)
                        .is_some_and(|a| a.reason.trim().chars().count() < THIN_REASON_CHARS);
                    if thin && change >= LARGE_CHANGE_SHARE * number(&max.to_string()) {
                        t.thin += 1;
                    }
                }
            }
        }
    }
    let pct =
        |t: &Tally| u32::try_from((100 * t.items_at_max).checked_div(t.bounded_items).unwrap_or(0)).unwrap_or(100);
    let mean = |t: &Tally| if t.reviewed == 0 { 0.0 } else { t.change_sum / t.reviewed as f64 };
    let ids: Vec<i64> = by.keys().copied().collect();
    ids.iter()
        .map(|id| {
            let t = &by[id];
            let peers: Vec<&Tally> =
                by.iter().filter(|(k, p)| *k != id && p.reviewed >= MIN_SAMPLE).map(|(_, p)| p).collect();
            let mut distinct = t.totals.clone();
            distinct.sort();
            distinct.dedup();
            let mut flags = Vec::new();
            if t.reviewed >= MIN_SAMPLE {
                let mine = pct(t);
                let peer_pct = if peers.is_empty() {
                    None
                } else {
                    Some(peers.iter().map(|p| pct(p)).sum::<u32>() / peers.len() as u32)
                };
                if mine >= 90 && peer_pct.is_none_or(|p| mine >= p + 20) {
                    flags.push(match peer_pct {
                        Some(p) => format!("评分项 {mine}% 给满分，同行平均 {p}%"),
                        None => format!("评分项 {mine}% 给满分"),
                    });
                }
                if distinct.len() == 1 {
                    flags.push(format!("所审 {} 份结果得分完全相同（{}）", t.reviewed, distinct[0]));
                }
                if !peers.is_empty() {
                    let peer_mean = peers.iter().map(|p| mean(p)).sum::<f64>() / peers.len() as f64;
                    if (mean(t) - peer_mean).abs() >= 5.0 {
                        flags.push(format!("平均调整 {:+.2} 分，同行平均 {:+.2} 分", mean(t), peer_mean));
                    }
                }
            }
            if t.thin > 0 {
                flags.push(format!("{} 次大幅调分的理由不足 {THIN_REASON_CHARS} 字", t.thin));
            }
            ReviewerStats {
                user_id: *id,
                name: t.name.clone(),
                reviewed: t.reviewed,
                adjusted_items: t.adjusted_items,
                mean_change: format!("{:+.2}", mean(t)),
                at_max_percent: pct(t),
                distinct_totals: distinct.len(),
                thin_reason_changes: t.thin,
                flags,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use sqlx::types::Json;

    fn row(by: i64, self_total: &str, total: &str, adjustments: serde_json::Value) -> StatsRow {
        StatsRow {
            level1_by: by,
            reviewer_name: format!("R{by}"),
            unit_id: 1,
            self_total: self_total.into(),
            total: total.into(),
            adjustments: Json(adjustments),
            result: Json(json!(null)),
        }
    }

    #[test]
    fn identical_scores_for_everyone_are_flagged() {
        let rows: Vec<StatsRow> = (0..3).map(|_| row(1, "80", "95.00", json!([]))).collect();
        let stats = compute(&rows);
        assert_eq!(stats[0].distinct_totals, 1);
        assert!(stats[0].flags.iter().any(|f| f.contains("完全相同")), "{:?}", stats[0].flags);
    }

    #[test]
    fn a_reviewer_far_from_peers_mean_change_is_flagged() {
        let mut rows: Vec<StatsRow> = (0..3).map(|i| row(1, "90", &format!("{}", 70 + i), json!([]))).collect();
        rows.extend((0..3).map(|i| row(2, "90", &format!("{}", 89 + i), json!([]))));
        let stats = compute(&rows);
        assert!(stats[0].flags.iter().any(|f| f.contains("平均调整")), "{:?}", stats[0].flags);
        assert_eq!(stats[0].mean_change, "-19.00");
    }

    #[test]
    fn small_samples_are_not_flagged() {
        let stats = compute(&[row(1, "80", "95.00", json!([]))]);
        assert!(stats[0].flags.is_empty());
    }
}
