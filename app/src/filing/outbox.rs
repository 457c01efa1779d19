//! Sending submissions: now, or later from the outbox (on app start and whenever the
//! network comes back). Every submission carries a key made before its first attempt, so
//! sending it twice stores it once.

use leptos::prelude::*;

use super::store::{self, LocalStorage};
use super::{submit_filing, Receipt, Submission};
use crate::error::AppError;

/// The outbox as the UI sees it.
#[derive(Clone, Copy)]
pub struct Outbox {
    /// The latest receipt for a submission delivered from the queue.
    pub delivered: RwSignal<Option<Receipt>>,
    flushing: RwSignal<bool>,
}

/// What happened to one attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum SendOutcome {
    Delivered(Receipt),
    /// Not delivered for now (offline, server unreachable or busy, session expired);
    /// it stays queued and goes out on the next flush.
    Offline,
    /// The server refused it for good (e.g. incomplete, under review, score mismatch);
    /// it leaves the queue and the draft stays for the cadre to fix.
    Refused(AppError),
}

/// Whether an error means "try again later" rather than "this submission is wrong".
pub fn retry_later(e: &AppError) -> bool {
    matches!(
        e,
        AppError::Transport { .. } | AppError::Internal | AppError::Unauthenticated | AppError::RateLimited { .. }
    )
}

pub fn provide_outbox() -> Outbox {
    let outbox = Outbox { delivered: RwSignal::new(None), flushing: RwSignal::new(false) };
    provide_context(outbox);
    outbox
}

pub fn use_outbox() -> Outbox {
    use_context::<Outbox>().unwrap_or_else(provide_outbox)
}

/// Sends one queued submission and settles the queue by the answer.
pub async fn send_now(user_id: i64, submission: Submission) -> SendOutcome {
    let key = submission.idempotency_key.clone();
    match submit_filing(submission).await {
        Ok(receipt) => {
            store::dequeue(&mut LocalStorage, user_id, &key);
            SendOutcome::Delivered(receipt)
        }
        Err(e) if retry_later(&e) => SendOutcome::Offline,
        Err(e) => {
            store::dequeue(&mut LocalStorage, user_id, &key);
            SendOutcome::Refused(e)
        }
    }
}

/// Sends everything the user has queued, oldest first; stops at the first "later".
pub fn flush(user_id: i64, outbox: Outbox) {
    if outbox.flushing.get_untracked() || !crate::browser::online() {
        return;
    }
    let queue = store::outbox(&LocalStorage, user_id);
    if queue.is_empty() {
        return;
    }
    outbox.flushing.set(true);
    leptos::task::spawn_local(async move {
        for pending in queue {
            let period = pending.submission.period.clone();
            match send_now(user_id, pending.submission).await {
                SendOutcome::Delivered(receipt) => {
                    store::clear_draft(&mut LocalStorage, user_id, &period);
                    outbox.delivered.set(Some(receipt));
                }
                SendOutcome::Offline => break,
                SendOutcome::Refused(e) => leptos::logging::warn!("queued submission for {period} refused: {e}"),
            }
        }
        outbox.flushing.set(false);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_transient_failures_stay_queued() {
        assert!(retry_later(&AppError::Transport { message: "offline".into() }));
        assert!(retry_later(&AppError::Internal));
        assert!(retry_later(&AppError::Unauthenticated));
        assert!(!retry_later(&AppError::ScoreMismatch { differences: vec![] }));
        assert!(!retry_later(&AppError::invalid("values.tasks", "请填写")));
        assert!(!retry_later(&AppError::Conflict { message: String::new() }));
    }
}
