//! The evaluation sources a scheme asks for (`method: sources`), filled from closed rounds
//! and ended social campaigns, for the engine to weigh.

use std::collections::BTreeMap;

use app::error::AppError;
use rules_wasm::scheme::{Method, SourceKind};
use rules_wasm::{CompiledScheme, SourceScore};

use super::{mean, shown};
use crate::error::OrInternal;
use crate::storage::evaluations;
use crate::storage::Conn;

/// The aggregated scores of `person_id` (of unit `unit_id`) for `period`, keyed by the
/// scheme's source ids. A source with nothing to report is left out; the engine then
/// applies the scheme's `below_min` rule. Anonymous sources below their round's minimum
/// are left out too, so the score never reveals a single rating.
///
/// # Errors
/// [`AppError::Internal`] when the database cannot be read.
pub async fn source_scores(
    conn: &mut Conn<'_>,
    scheme: &CompiledScheme,
    person_id: i64,
    unit_id: i64,
    period: &str,
) -> Result<BTreeMap<String, SourceScore>, AppError> {
    let wanted: Vec<(String, SourceKind)> = scheme
        .scheme()
        .indicators
        .iter()
        .filter_map(|i| match &i.method {
            Method::Sources { sources, .. } => Some(sources.iter().map(|s| (s.id.clone(), s.kind))),
            _ => None,
        })
        .flatten()
        .collect();
    let mut out = BTreeMap::new();
    if wanted.is_empty() {
        return Ok(out);
    }
    let rounds = evaluations::closed_rounds_for(conn, unit_id, period).await.or_internal("rounds")?;
    for (id, kind) in wanted {
        let mut scores = Vec::new();
        for round in &rounds {
            let (mut got, min) = match (kind, round.unit_id) {
                (SourceKind::Leader, Some(_)) => {
                    (evaluations::leader_scores(conn, round.id, person_id).await.or_internal("scores")?, 1)
                }
                (SourceKind::Peer, Some(_)) => {
                    (evaluations::peer_scores(conn, round.id, person_id).await.or_internal("scores")?, round.min_raters)
                }
                (SourceKind::TwoWay, None) => (
                    evaluations::two_way_scores(conn, round.id, unit_id).await.or_internal("scores")?,
                    round.min_raters,
                ),
                _ => continue,
            };
            if shown(got.len(), min) {
                scores.append(&mut got);
            }
        }
        let score = if kind == SourceKind::Social {
            crate::social::aggregate(conn, person_id, unit_id, period).await?
        } else {
            mean(&scores).map(|score| SourceScore { score, n: u32::try_from(scores.len()).unwrap_or(u32::MAX) })
        };
        if let Some(score) = score {
            out.insert(id, score);
        }
    }
    Ok(out)
}
