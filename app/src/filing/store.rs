//! What the phone keeps for itself: the draft of each period and the outbox of
//! submissions not yet acknowledged. Both live in local storage, keyed by user, so they
//! survive reloads, closing the app, losing the network and signing in again, and one
//! person's queue is never sent under another person's session.

use serde::{Deserialize, Serialize};

use super::{DraftBody, Submission};

/// Key/value storage: the browser's local storage, or a map in tests.
pub trait Kv {
    fn get(&self, key: &str) -> Option<String>;
    fn set(&mut self, key: &str, value: &str) -> bool;
    fn remove(&mut self, key: &str);
}

/// The browser's local storage (inert during server rendering).
pub struct LocalStorage;

impl Kv for LocalStorage {
    fn get(&self, key: &str) -> Option<String> {
        crate::browser::local_get(key)
    }
    fn set(&mut self, key: &str, value: &str) -> bool {
        crate::browser::local_set(key, value)
    }
    fn remove(&mut self, key: &str) {
        crate::browser::local_remove(key);
    }
}

/// A draft as the phone keeps it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocalDraft {
    pub period: String,
    pub scheme_id: String,
    pub scheme_version: u32,
    /// Grows with every change; the larger of the phone's and the server's copy wins.
    pub client_rev: i64,
    pub body: DraftBody,
}

/// A submission waiting for the network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    pub user_id: i64,
    pub submission: Submission,
}

fn draft_key(user_id: i64, period: &str) -> String {
    format!("kaohe:draft:{user_id}:{period}")
}

fn outbox_key(user_id: i64) -> String {
    format!("kaohe:outbox:{user_id}")
}

pub fn load_draft(kv: &impl Kv, user_id: i64, period: &str) -> Option<LocalDraft> {
    kv.get(&draft_key(user_id, period)).and_then(|s| serde_json::from_str(&s).ok())
}

pub fn save_draft(kv: &mut impl Kv, user_id: i64, draft: &LocalDraft) -> bool {
    serde_json::to_string(draft).is_ok_and(|json| kv.set(&draft_key(user_id, &draft.period), &json))
}

pub fn clear_draft(kv: &mut impl Kv, user_id: i64, period: &str) {
    kv.remove(&draft_key(user_id, period));
}

/// The user's queued submissions, oldest first.
pub fn outbox(kv: &impl Kv, user_id: i64) -> Vec<Pending> {
    kv.get(&outbox_key(user_id)).and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default()
}

fn write_outbox(kv: &mut impl Kv, user_id: i64, queue: &[Pending]) -> bool {
    if queue.is_empty() {
        kv.remove(&outbox_key(user_id));
        return true;
    }
    serde_json::to_string(queue).is_ok_and(|json| kv.set(&outbox_key(user_id), &json))
}

/// Queues a submission before its first attempt. A newer submission for the same period
/// replaces a queued older one: the older one was never acknowledged, and if the server did
/// store it, the newer one replaces it there too.
pub fn enqueue(kv: &mut impl Kv, user_id: i64, submission: &Submission) -> bool {
    let mut queue = outbox(kv, user_id);
    queue.retain(|p| p.submission.period != submission.period);
    queue.push(Pending { user_id, submission: submission.clone() });
    write_outbox(kv, user_id, &queue)
}

/// Removes an acknowledged (or definitively refused) submission.
pub fn dequeue(kv: &mut impl Kv, user_id: i64, idempotency_key: &str) {
    let mut queue = outbox(kv, user_id);
    let before = queue.len();
    queue.retain(|p| p.submission.idempotency_key != idempotency_key);
    if queue.len() != before {
        write_outbox(kv, user_id, &queue);
    }
}

/// Which copy of a draft to continue from: the phone's when it is at least as new as the
/// server's (the phone saves first, the server a moment later).
pub fn newest(local: Option<LocalDraft>, server: Option<(DraftBody, i64)>) -> Option<(DraftBody, i64)> {
    match (local, server) {
        (Some(l), Some((_, server_rev))) if l.client_rev >= server_rev => Some((l.body, l.client_rev)),
        (Some(_), Some(s)) => Some(s),
        (Some(l), None) => Some((l.body, l.client_rev)),
        (None, s) => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[derive(Default)]
    struct Map(HashMap<String, String>);

    impl Kv for Map {
        fn get(&self, key: &str) -> Option<String> {
            self.0.get(key).cloned()
        }
        fn set(&mut self, key: &str, value: &str) -> bool {
            self.0.insert(key.to_string(), value.to_string());
            true
        }
        fn remove(&mut self, key: &str) {
            self.0.remove(key);
        }
    }

    fn submission(period: &str, key: &str) -> Submission {
        let scheme = rules_wasm::CompiledScheme::from_json(include_str!(
            "../../../rules-wasm/schemes/s1-hanbin-staff-monthly.json"
        ))
        .unwrap();
        let draft = DraftBody::default();
        let claimed =
            rules_wasm::evaluate(&scheme, &draft.engine_filing("s1-hanbin-staff-monthly", 1, period)).unwrap();
        Submission {
            period: period.into(),
            scheme_id: "s1-hanbin-staff-monthly".into(),
            scheme_version: 1,
            idempotency_key: key.into(),
            draft,
            claimed,
        }
    }

    #[test]
    fn the_outbox_keeps_one_submission_per_period_in_order() {
        let mut kv = Map::default();
        assert!(enqueue(&mut kv, 7, &submission("2026-10", "key-october-0000001")));
        assert!(enqueue(&mut kv, 7, &submission("2026-11", "key-november-000001")));
        assert!(enqueue(&mut kv, 7, &submission("2026-11", "key-november-000002")));
        let keys: Vec<_> = outbox(&kv, 7).into_iter().map(|p| p.submission.idempotency_key).collect();
        assert_eq!(keys, ["key-october-0000001", "key-november-000002"]);
    }

    #[test]
    fn one_users_queue_is_not_anothers() {
        let mut kv = Map::default();
        enqueue(&mut kv, 7, &submission("2026-11", "key-of-user-seven-1"));
        assert!(outbox(&kv, 8).is_empty());
        dequeue(&mut kv, 8, "key-of-user-seven-1");
        assert_eq!(outbox(&kv, 7).len(), 1);
        dequeue(&mut kv, 7, "key-of-user-seven-1");
        assert!(outbox(&kv, 7).is_empty());
        assert!(kv.0.is_empty(), "an empty queue leaves nothing behind");
    }

    #[test]
    fn drafts_round_trip_per_user_and_period() {
        let mut kv = Map::default();
        let d = LocalDraft {
            period: "2026-11".into(),
            scheme_id: "s".into(),
            scheme_version: 1,
            client_rev: 3,
            body: DraftBody::default(),
        };
        assert!(save_draft(&mut kv, 7, &d));
        assert_eq!(load_draft(&kv, 7, "2026-11"), Some(d));
        assert_eq!(load_draft(&kv, 8, "2026-11"), None);
        clear_draft(&mut kv, 7, "2026-11");
        assert_eq!(load_draft(&kv, 7, "2026-11"), None);
    }

    #[test]
    fn the_newer_copy_of_a_draft_wins() {
        let local = |rev| LocalDraft {
            period: "p".into(),
            scheme_id: "s".into(),
            scheme_version: 1,
            client_rev: rev,
            body: DraftBody { entries: vec![Default::default()], ..Default::default() },
        };
        let server = |rev| Some((DraftBody::default(), rev));
        assert_eq!(newest(Some(local(5)), server(4)).unwrap().1, 5);
        assert_eq!(newest(Some(local(5)), server(5)).unwrap().0.entries.len(), 1);
        assert_eq!(newest(Some(local(3)), server(4)).unwrap().1, 4);
        assert_eq!(newest(None, server(2)).unwrap().1, 2);
        assert_eq!(newest(None, None), None);
    }
}
