//! The cadre's report: context, drafts, submission with server recomputation,
//! idempotency, history, rights.

use reqwest::StatusCode;
use rules_wasm::CompiledScheme;
use serde_json::{json, Value};
use server::storage::audit;

use crate::helpers::{exec, TestApp};
use crate::on_both_databases;

on_both_databases!(
    a_cadre_gets_the_report_of_the_period_to_file,
    a_typical_month_is_recomputed_stored_and_audited,
    resending_the_same_key_returns_the_stored_receipt,
    concurrent_resends_of_one_key_store_one_filing,
    resubmitting_before_review_replaces_and_keeps_history,
    a_tampered_score_is_refused_and_nothing_is_stored,
    nothing_this_month_counts_as_the_scheme_says,
    an_incomplete_report_is_refused_with_field_messages,
    only_the_owner_their_leader_and_admins_read_a_filing,
    a_draft_is_kept_and_an_older_copy_never_overwrites_it,
    a_cadre_without_a_bound_scheme_has_nothing_to_file,
    a_future_period_is_refused,
    photos_are_kept_for_the_owner_and_their_reviewers,
    a_filing_under_review_cannot_be_replaced,
    submissions_queued_together_each_get_their_own_answer,
    first_submissions_of_one_period_sent_at_once_all_go_through_in_turn,
);

/// The report page of `cookie`'s period to file now.
pub(crate) async fn report(app: &TestApp, cookie: &str) -> Value {
    let (status, ctx) = app.json("period_report", &[], Some(cookie)).await;
    assert_eq!(status, StatusCode::OK, "{ctx}");
    ctx
}

/// A submission of `draft` for the report `ctx`, with the score the engine computes
/// (exactly what the phone does).
pub(crate) fn submission(ctx: &Value, draft: Value, key: &str) -> Value {
    let scheme = CompiledScheme::from_json(ctx["scheme"]["json"].as_str().unwrap()).unwrap();
    let mut filing = draft["filing"].clone();
    filing["scheme"] = ctx["scheme"]["id"].clone();
    filing["version"] = ctx["scheme"]["version"].clone();
    filing["period"] = ctx["period"].clone();
    let claimed = scheme.evaluate_json(&filing.to_string()).unwrap();
    json!({ "submission": {
        "period": ctx["period"],
        "scheme_id": ctx["scheme"]["id"],
        "scheme_version": ctx["scheme"]["version"],
        "idempotency_key": key,
        "draft": draft,
        "claimed": claimed,
    }})
}

pub(crate) fn typical_month() -> Value {
    json!({
        "filing": { "values": { "tasks": "95", "study": "6", "households": "2" } },
        "entries": [
            { "id": "e1", "title": "兴安小区商户分流安置", "quantity": "2", "note": "一户一策" },
            { "id": "e2", "title": "矛盾纠纷排查台账更新" }
        ]
    })
}

async fn filings_count(app: &TestApp) -> i64 {
    let mut pooled = app.db.acquire().await.unwrap();
    let mut conn = pooled.conn();
    server::on_conn!(&mut conn, |c| sqlx::query_scalar("SELECT COUNT(*) FROM filings").fetch_one(c).await).unwrap()
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    let mut pooled = app.db.acquire().await.unwrap();
    let mut conn = pooled.conn();
    server::on_conn!(&mut conn, |c| sqlx::query_scalar(sql).fetch_one(c).await).unwrap()
}

async fn a_cadre_gets_the_report_of_the_period_to_file(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let ctx = report(&app, &cookie).await;
    assert_eq!(ctx["scheme"]["id"], "s1-hanbin-staff-monthly");
    assert!(ctx["scheme"]["hash"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(ctx["scheme"]["allows_nothing_to_report"], false);
    assert!(app::period::Period::parse(ctx["period"].as_str().unwrap()).is_some());
    assert!(ctx["period_label"].as_str().unwrap().contains('月'));
    let titles: Vec<_> = ctx["tasks"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap()).collect();
    assert_eq!(titles.len(), 3, "approved and committed tasks are offered: {titles:?}");
    assert_eq!(ctx["draft"], Value::Null);
    assert_eq!(ctx["filed"], Value::Null);
}

async fn a_typical_month_is_recomputed_stored_and_audited(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let ctx = report(&app, &cookie).await;
    let body = submission(&ctx, typical_month(), "0f8fad5b-d9cb-469f-a165-70867728950e");
    let claimed_total = body["submission"]["claimed"]["total"].clone();
    let (status, receipt) = app.call_json("submit_filing", &body, Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert_eq!(receipt["total"], claimed_total);
    assert_eq!(receipt["revision"], 1);
    assert_eq!(receipt["status"], "submitted");
    assert_eq!(receipt["replayed"], false);

    let (_, mine) = app.json("my_filings", &[], Some(&cookie)).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let id = receipt["filing_id"].as_i64().unwrap().to_string();
    let (status, view) = app.json("get_filing", &[("id", &id)], Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["result"]["total"], claimed_total);
    assert_eq!(view["draft"]["entries"].as_array().unwrap().len(), 2);
    assert!(view["result"]["lines"].as_array().unwrap().iter().all(|l| l["text"].is_string()));

    audit::seal_all(&app.db).await.unwrap();
    let mut pooled = app.db.acquire().await.unwrap();
    let chain = audit::verify(&mut pooled.conn()).await.unwrap();
    assert_eq!(chain.first_broken, None);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'filing.submit'").await, 1);
}

async fn resending_the_same_key_returns_the_stored_receipt(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let ctx = report(&app, &cookie).await;
    let body = submission(&ctx, typical_month(), "resend-key-000000000001");
    let (_, first) = app.call_json("submit_filing", &body, Some(&cookie)).await;
    let (status, again) = app.call_json("submit_filing", &body, Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    // The stored answer is the first one, field for field.
    let mut expected = first.clone();
    expected["replayed"] = json!(true);
    assert_eq!(again, expected);
    assert_eq!(filings_count(&app).await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM filing_revisions").await, 0);
}

async fn concurrent_resends_of_one_key_store_one_filing(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let ctx = report(&app, &cookie).await;
    let body = submission(&ctx, typical_month(), "concurrent-key-00000001");
    let app = std::sync::Arc::new(app);
    let mut handles = Vec::new();
    for _ in 0..8 {
        let (app, body, cookie) = (app.clone(), body.clone(), cookie.clone());
        handles.push(tokio::spawn(async move { app.call_json("submit_filing", &body, Some(&cookie)).await }));
    }
    let mut ids = Vec::new();
    for h in handles {
        let (status, receipt) = h.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{receipt}");
        ids.push(receipt["filing_id"].as_i64().unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "every answer names the same filing");
    assert_eq!(filings_count(&app).await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM submissions").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM filing_revisions").await, 0);
}

async fn resubmitting_before_review_replaces_and_keeps_history(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let ctx = report(&app, &cookie).await;
    let (_, first) = app
        .call_json("submit_filing", &submission(&ctx, typical_month(), "first-key-000000000001"), Some(&cookie))
        .await;
    let mut changed = typical_month();
    changed["filing"]["values"]["tasks"] = json!("100");
    let body = submission(&ctx, changed, "second-key-00000000001");
    let (status, second) = app.call_json("submit_filing", &body, Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK, "{second}");
    assert_eq!(second["filing_id"], first["filing_id"]);
    assert_eq!(second["revision"], 2);
    assert_ne!(second["total"], first["total"]);
    assert_eq!(filings_count(&app).await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM filing_revisions").await, 1);

    // Each submission is audited with what it replaced and what it stored.
    /// Actor, subject, before, after.
    type Entry = (Option<i64>, String, Option<sqlx::types::Json<Value>>, Option<sqlx::types::Json<Value>>);
    let entries: Vec<Entry> = {
        let mut pooled = app.db.acquire().await.unwrap();
        let mut conn = pooled.conn();
        server::on_conn!(&mut conn, |c| sqlx::query_as(
            "SELECT actor_user_id, subject_id, before_state, after_state FROM audit_log
             WHERE action = 'filing.submit' ORDER BY id"
        )
        .fetch_all(c)
        .await)
        .unwrap()
    };
    assert_eq!(entries.len(), 2);
    let filing_id = first["filing_id"].to_string();
    for (actor, subject, _, _) in &entries {
        assert!(actor.is_some());
        assert_eq!(subject, &filing_id);
    }
    assert!(entries[0].2.is_none());
    assert_eq!(entries[0].3.as_ref().unwrap().0["revision"], 1);
    assert_eq!(entries[0].3.as_ref().unwrap().0["total"], first["total"]);
    let before = &entries[1].2.as_ref().expect("a replacement records what it replaced").0;
    assert_eq!(before, &json!({ "revision": 1, "total": first["total"], "status": "submitted" }));
    let after = &entries[1].3.as_ref().unwrap().0;
    assert_eq!(after["revision"], 2);
    assert_eq!(after["total"], second["total"]);
    assert_eq!(after["period"], ctx["period"]);
}

async fn a_tampered_score_is_refused_and_nothing_is_stored(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let ctx = report(&app, &cookie).await;
    let mut body = submission(&ctx, typical_month(), "tampered-key-000000001");
    body["submission"]["claimed"]["total"] = json!("100.00");
    let (status, error) = app.call_json("submit_filing", &body, Some(&cookie)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["code"], "score_mismatch");
    let diff = &error["differences"][0];
    assert_eq!(diff["path"], "total");
    assert_eq!(diff["client"], "100.00");
    assert_eq!(filings_count(&app).await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM submissions").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'filing.rejected'").await, 1);

    // A tampered item is refused the same way, even with a matching total.
    let mut body = submission(&ctx, typical_month(), "tampered-key-000000002");
    body["submission"]["claimed"]["items"][0]["points"] = json!("40.00");
    let (status, error) = app.call_json("submit_filing", &body, Some(&cookie)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{error}");
    assert_eq!(filings_count(&app).await, 0);
}

async fn nothing_this_month_counts_as_the_scheme_says(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("zhaogang").await;
    let ctx = report(&app, &cookie).await;
    assert_eq!(ctx["scheme"]["id"], "s4-wanzhou-head-monthly-street");
    assert_eq!(ctx["scheme"]["allows_nothing_to_report"], true);
    let draft = json!({ "filing": { "nothing_to_report": true } });
    let body = submission(&ctx, draft, "nothing-key-0000000001");
    let (status, receipt) = app.call_json("submit_filing", &body, Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert_eq!(receipt["nothing_to_report"], true);
    assert_eq!(receipt["total"], body["submission"]["claimed"]["total"]);
}

async fn an_incomplete_report_is_refused_with_field_messages(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let ctx = report(&app, &cookie).await;
    let draft = json!({ "filing": { "values": { "study": "6" } }, "entries": [{ "id": "e", "title": "" }] });
    let (status, error) =
        app.call_json("submit_filing", &submission(&ctx, draft, "incomplete-key-0000001"), Some(&cookie)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error["code"], "invalid");
    let fields = error["fields"].as_object().unwrap();
    assert!(fields.contains_key("values.tasks"), "{fields:?}");
    assert!(fields.contains_key("entries[0].title"), "{fields:?}");
    assert!(!fields.contains_key("values.quality"), "a leader's rating is not the cadre's to fill");
    assert!(fields["values.tasks"].as_str().unwrap().contains("必填"));
    assert_eq!(filings_count(&app).await, 0);
}

async fn only_the_owner_their_leader_and_admins_read_a_filing(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let ctx = report(&app, &cookie).await;
    let (_, receipt) = app
        .call_json("submit_filing", &submission(&ctx, typical_month(), "rights-key-00000000001"), Some(&cookie))
        .await;
    let id = receipt["filing_id"].as_i64().unwrap().to_string();
    for (user, expected) in [
        ("wangfang", StatusCode::OK),
        ("zhangwei", StatusCode::OK),
        ("admin", StatusCode::OK),
        ("lina", StatusCode::FORBIDDEN),
        ("zhaogang", StatusCode::FORBIDDEN),
    ] {
        let other = app.sign_in_demo(user).await;
        let (status, _) = app.json("get_filing", &[("id", &id)], Some(&other)).await;
        assert_eq!(status, expected, "{user}");
    }
    let (status, _) = app.json("get_filing", &[("id", "999999")], Some(&cookie)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn a_draft_is_kept_and_an_older_copy_never_overwrites_it(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let ctx = report(&app, &cookie).await;
    let save = |rev: i64, tasks: &str| {
        json!({ "draft": {
            "period": ctx["period"], "scheme_id": ctx["scheme"]["id"], "scheme_version": ctx["scheme"]["version"],
            "client_rev": rev, "body": { "filing": { "values": { "tasks": tasks } } }
        }})
    };
    let (status, stored) = app.call_json("save_draft", &save(5, "80"), Some(&cookie)).await;
    assert_eq!((status, stored), (StatusCode::OK, json!(5)));
    let (_, stored) = app.call_json("save_draft", &save(3, "10"), Some(&cookie)).await;
    assert_eq!(stored, json!(5), "the older copy lost");
    let ctx = report(&app, &cookie).await;
    assert_eq!(ctx["draft"]["client_rev"], 5);
    assert_eq!(ctx["draft"]["body"]["filing"]["values"]["tasks"], "80");
    // Submitting clears the server's draft.
    app.call_json("submit_filing", &submission(&ctx, typical_month(), "after-draft-key-000001"), Some(&cookie)).await;
    assert_eq!(report(&app, &cookie).await["draft"], Value::Null);
}

async fn a_cadre_without_a_bound_scheme_has_nothing_to_file(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("xiedong").await;
    let (status, ctx) = app.json("period_report", &[], Some(&cookie)).await;
    assert_eq!((status, ctx), (StatusCode::OK, Value::Null));
    let admin = app.sign_in_demo("admin").await;
    let (status, _) = app.json("period_report", &[], Some(&admin)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "an admin without a person files nothing");
}

async fn a_future_period_is_refused(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let (status, error) = app.json("period_report", &[("period", "2099-01")], Some(&cookie)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error["fields"]["period"].as_str().unwrap().contains("尚未开始"));
}

async fn photos_are_kept_for_the_owner_and_their_reviewers(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let jpeg = [&[0xFF_u8, 0xD8, 0xFF, 0xE0][..], &[7u8; 64]].concat();
    let upload = |bytes: Vec<u8>, cookie: String| {
        let client = app.client.clone();
        let url = format!("{}/evidence", app.url);
        async move {
            client
                .post(url)
                .header("cookie", cookie)
                .header("sec-fetch-site", "same-origin")
                .header("content-type", "image/jpeg")
                .body(bytes)
                .send()
                .await
                .unwrap()
        }
    };
    let res = upload(jpeg.clone(), cookie.clone()).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let id = res.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_string();
    let res = app.get(&format!("/evidence/{id}"), Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/jpeg");
    assert_eq!(res.bytes().await.unwrap().to_vec(), jpeg);
    let leader = app.sign_in_demo("zhangwei").await;
    assert_eq!(app.get(&format!("/evidence/{id}"), Some(&leader)).await.status(), StatusCode::OK);
    let other = app.sign_in_demo("zhaogang").await;
    assert_eq!(app.get(&format!("/evidence/{id}"), Some(&other)).await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/evidence/{id}"), None).await.status(), StatusCode::UNAUTHORIZED);
    // Not an image: refused.
    let res = upload(b"<svg onload=alert(1)>".to_vec(), cookie.clone()).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A photo may be referenced by its owner only.
    let ctx = report(&app, &cookie).await;
    let mut draft = typical_month();
    draft["entries"][0]["evidence"] = json!([id]);
    let (status, receipt) =
        app.call_json("submit_filing", &submission(&ctx, draft, "photo-key-000000000001"), Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
}

async fn a_filing_under_review_cannot_be_replaced(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let ctx = report(&app, &cookie).await;
    let (_, receipt) = app
        .call_json("submit_filing", &submission(&ctx, typical_month(), "review-key-00000000001"), Some(&cookie))
        .await;
    let id = receipt["filing_id"].as_i64().unwrap();
    exec(&app.db, &format!("UPDATE filings SET status = 'reviewed' WHERE id = {id}")).await;
    let (status, error) = app
        .call_json("submit_filing", &submission(&ctx, typical_month(), "review-key-00000000002"), Some(&cookie))
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(error["message"].as_str().unwrap().contains("退回"));
    // Nothing of the refused submission was written.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM filing_revisions").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM submissions").await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'filing.submit'").await, 1);

    // The phone resending the submission that went through (its answer was lost) gets
    // that answer, though a new submission would now be refused.
    let (status, again) = app
        .call_json("submit_filing", &submission(&ctx, typical_month(), "review-key-00000000001"), Some(&cookie))
        .await;
    assert_eq!(status, StatusCode::OK, "{again}");
    assert_eq!(again["replayed"], true);
    assert_eq!(again["filing_id"], id);
    // Someone else's key is not theirs to replay.
    let other = app.sign_in_demo("liuyang").await;
    let theirs = report(&app, &other).await;
    let (status, _) = app
        .call_json("submit_filing", &submission(&theirs, typical_month(), "review-key-00000000001"), Some(&other))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

/// Submissions that wait for SQLite's write turn together are written together, in one
/// transaction (group commit). Each still gets its own answer; a key sent twice in one
/// group is stored once and answered as a replay, without failing the others; a group
/// of replacements archives each one's previous revision. (PostgreSQL writes them side
/// by side: the same answers.)
async fn submissions_queued_together_each_get_their_own_answer(app: TestApp) {
    app.load_demo().await;
    let staff = ["wangfang", "liuyang", "chenjing", "zhoujie", "wumin", "zhenghao"];
    let mut cadres = Vec::new();
    for username in staff {
        let cookie = app.sign_in_demo(username).await;
        let ctx = report(&app, &cookie).await;
        cadres.push((cookie, ctx));
    }
    let app = std::sync::Arc::new(app);
    for round in 1..=2_i64 {
        // Everyone's submission (and the first cadre's twice, same key) queues behind a
        // write transaction held open, then all meet the turn at once.
        let held = app.db.begin().await.unwrap();
        let mut handles = Vec::new();
        for (i, (cookie, ctx)) in cadres.iter().enumerate() {
            let body = submission(ctx, typical_month(), &format!("group-key-{round}-{i:012}"));
            let copies = if i == 0 { 2 } else { 1 };
            for _ in 0..copies {
                let (app, body, cookie) = (app.clone(), body.clone(), cookie.clone());
                handles
                    .push((i, tokio::spawn(async move { app.call_json("submit_filing", &body, Some(&cookie)).await })));
            }
        }
        tokio::time::sleep(std::time::Duration::from_millis(700)).await;
        held.commit().await.unwrap();

        let mut filing_of = std::collections::HashMap::new();
        let mut replayed = 0;
        for (i, handle) in handles {
            let (status, receipt) = handle.await.unwrap();
            assert_eq!(status, StatusCode::OK, "{receipt}");
            assert_eq!(receipt["revision"], round, "{receipt}");
            replayed += i64::from(receipt["replayed"] == true);
            let id = receipt["filing_id"].as_i64().unwrap();
            assert_eq!(*filing_of.entry(i).or_insert(id), id, "both answers of one key name one filing");
        }
        assert_eq!(replayed, 1, "the key sent twice is answered once as a replay");
        let mut ids: Vec<i64> = filing_of.into_values().collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), staff.len(), "each cadre their own filing");
        assert_eq!(filings_count(&app).await, staff.len() as i64);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM submissions").await, round * staff.len() as i64);
        assert_eq!(
            count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'filing.submit'").await,
            round * staff.len() as i64
        );
        assert_eq!(count(&app, "SELECT COUNT(*) FROM filing_revisions").await, (round - 1) * staff.len() as i64);
    }
    // Every replacement's audit entry names the revision it replaced.
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'filing.submit' AND before_state IS NOT NULL").await,
        staff.len() as i64
    );
}

/// One cadre's phone and browser both send a first submission of the month, with
/// different keys, at once: none is lost or refused. One inserts the filing, each other
/// replaces it in turn (on PostgreSQL the losers of the insert race try again as
/// replacements), each replaced revision archived and audited.
async fn first_submissions_of_one_period_sent_at_once_all_go_through_in_turn(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let ctx = report(&app, &cookie).await;
    let app = std::sync::Arc::new(app);
    let sent = 6;
    let mut handles = Vec::new();
    for i in 0..sent {
        let body = submission(&ctx, typical_month(), &format!("first-race-key-{i:010}"));
        let (app, cookie) = (app.clone(), cookie.clone());
        handles.push(tokio::spawn(async move { app.call_json("submit_filing", &body, Some(&cookie)).await }));
    }
    let mut revisions = Vec::new();
    for handle in handles {
        let (status, receipt) = handle.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{receipt}");
        assert_eq!(receipt["replayed"], false, "{receipt}");
        revisions.push(receipt["revision"].as_i64().unwrap());
    }
    revisions.sort_unstable();
    assert_eq!(revisions, (1..=sent).collect::<Vec<_>>(), "each submission its own revision");
    assert_eq!(filings_count(&app).await, 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM filing_revisions").await, sent - 1);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM submissions").await, sent);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'filing.submit' AND before_state IS NOT NULL").await,
        sent - 1
    );
}
