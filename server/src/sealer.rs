//! The audit log's sealer: every [`audit::SEAL_EVERY`] it chains the entries writers
//! appended since (see [`crate::storage::audit`] for why writing and sealing are apart).
//! Every server runs one; on one database they take turns, and a pass that finds another
//! at work leaves the entries to it.

use tokio::sync::watch;
use tokio::time::MissedTickBehavior;

use crate::storage::{audit, Db};

/// Seals until `stop` says so, then once more, so that a clean shutdown leaves nothing
/// unsealed. A failed pass is logged and the next one tries again.
pub async fn run(db: Db, mut stop: watch::Receiver<bool>) {
    let mut tick = tokio::time::interval(audit::SEAL_EVERY);
    tick.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => pass(&db).await,
            _ = stop.changed() => break,
        }
    }
    pass(&db).await;
}

async fn pass(db: &Db) {
    if let Err(e) = audit::seal(db).await {
        tracing::warn!(error = %e, "sealing the audit log failed; the next pass tries again");
    }
}
