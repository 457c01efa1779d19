//! Review in two levels, publicity, objections and reconsideration, the audit chain over
//! all of it, rights and optimistic concurrency.

use reqwest::StatusCode;
use serde_json::{json, Value};
use server::storage::audit;

use crate::filing::{report, submission, typical_month};
use crate::helpers::{exec, TestApp};
use crate::on_both_databases;

on_both_databases!(
    a_leader_sees_only_their_units_filings,
    nobody_approves_their_own_filing,
    an_unchanged_filing_is_approved_and_confirmed,
    an_adjustment_without_a_reason_is_refused,
    an_adjusted_item_is_recomputed_by_the_engine,
    two_reviewers_on_one_version_cannot_both_succeed,
    a_returned_filing_goes_back_to_the_cadre,
    level_two_sends_back_to_level_one,
    merged_levels_make_one_approval_final,
    batch_approval_is_all_or_nothing,
    the_whole_chain_from_filing_to_reconsideration,
    an_objection_outside_the_window_or_by_a_stranger_is_refused,
    reviewer_statistics_are_for_admins,
    the_review_pages_render_on_the_server,
    a_unit_heads_unfiled_period_tops_their_queue,
);

/// Signs `username` in and submits their period's typical month; returns (cookie, filing id).
async fn file(app: &TestApp, username: &str) -> (String, i64) {
    let cookie = app.sign_in_demo(username).await;
    let ctx = report(app, &cookie).await;
    let key = format!("{username}-key-0000000000000001");
    let (status, receipt) =
        app.call_json("submit_filing", &submission(&ctx, typical_month(), &key), Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    (cookie, receipt["filing_id"].as_i64().unwrap())
}

async fn queue(app: &TestApp, cookie: &str) -> Vec<Value> {
    let (status, q) = app.json("review_queue", &[], Some(cookie)).await;
    assert_eq!(status, StatusCode::OK, "{q}");
    q["items"].as_array().unwrap().clone()
}

async fn detail(app: &TestApp, cookie: &str, id: i64) -> (StatusCode, Value) {
    app.json("review_detail", &[("id", &id.to_string())], Some(cookie)).await
}

async fn decide(app: &TestApp, cookie: &str, id: i64, version: i64, decision: Value) -> (StatusCode, Value) {
    app.call_json("decide_filing", &json!({ "filing_id": id, "version": version, "decision": decision }), Some(cookie))
        .await
}

async fn version(app: &TestApp, cookie: &str, id: i64) -> i64 {
    let (status, d) = detail(app, cookie, id).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    d["version"].as_i64().unwrap()
}

async fn approve(app: &TestApp, cookie: &str, id: i64) -> Value {
    let v = version(app, cookie, id).await;
    let (status, out) = decide(app, cookie, id, v, json!({ "kind": "approve", "adjustments": [] })).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    out
}

async fn actions(app: &TestApp) -> Vec<String> {
    let mut pooled = app.db.acquire().await.unwrap();
    let mut conn = pooled.conn();
    server::on_conn!(&mut conn, |c| sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id").fetch_all(c).await)
        .unwrap()
}

async fn verify(app: &TestApp) -> audit::ChainReport {
    audit::seal_all(&app.db).await.unwrap();
    let mut pooled = app.db.acquire().await.unwrap();
    audit::verify(&mut pooled.conn()).await.unwrap()
}

async fn a_leader_sees_only_their_units_filings(app: TestApp) {
    app.load_demo().await;
    let (_, id) = file(&app, "wangfang").await;
    let leader = app.sign_in_demo("zhangwei").await;
    let items = queue(&app, &leader).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["person_name"], "王芳");
    assert_eq!(items[0]["level"], "first");
    assert!(items[0]["deadline"].as_str().unwrap().ends_with("-05"), "{}", items[0]);
    // The deadline is the binding's filing day, not a fixed one.
    exec(&app.db, "UPDATE scheme_bindings SET deadline_day = 12").await;
    let items = queue(&app, &leader).await;
    assert!(items[0]["deadline"].as_str().unwrap().ends_with("-12"), "{}", items[0]);

    let other = app.sign_in_demo("zhaogang").await;
    assert!(queue(&app, &other).await.is_empty());
    assert_eq!(detail(&app, &other, id).await.0, StatusCode::FORBIDDEN);
    let (status, _) = decide(&app, &other, id, 1, json!({ "kind": "approve", "adjustments": [] })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "another unit's leader cannot review");
    let cadre = app.sign_in_demo("liuyang").await;
    assert_eq!(app.json("review_queue", &[], Some(&cadre)).await.0, StatusCode::FORBIDDEN);
}

async fn nobody_approves_their_own_filing(app: TestApp) {
    app.load_demo().await;
    let (cookie, id) = file(&app, "wangfang").await;
    let (status, _) = decide(&app, &cookie, id, 1, json!({ "kind": "approve", "adjustments": [] })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "a cadre cannot approve their own filing");

    // The unit head files too; their own filing is not in their queue and they cannot approve it.
    let leader = app.sign_in_demo("zhangwei").await;
    let ctx = report(&app, &leader).await;
    let body = submission(&ctx, json!({ "filing": { "nothing_to_report": true } }), "zhangwei-own-key-0000001");
    let (status, receipt) = app.call_json("submit_filing", &body, Some(&leader)).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    let own = receipt["filing_id"].as_i64().unwrap();
    assert!(queue(&app, &leader).await.iter().all(|i| i["filing_id"] != own));
    let (status, _) = decide(&app, &leader, own, 1, json!({ "kind": "approve", "adjustments": [] })).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, d) = detail(&app, &leader, own).await;
    assert_eq!(d["level"], Value::Null, "read only for its owner");
}

async fn an_unchanged_filing_is_approved_and_confirmed(app: TestApp) {
    app.load_demo().await;
    let (cadre, id) = file(&app, "wangfang").await;
    let leader = app.sign_in_demo("zhangwei").await;
    let (_, d) = detail(&app, &leader, id).await;
    assert_eq!(d["level"], "first");
    assert_eq!(d["merged_levels"], false);
    assert!(d["scheme"]["json"].as_str().unwrap().contains("s1-hanbin-staff-monthly"));
    assert_eq!(d["tasks"].as_array().unwrap().len(), 3);
    assert!(d["duties"].as_str().unwrap().contains("综合办"));
    let self_total = d["filing"]["receipt"]["total"].clone();
    let out = approve(&app, &leader, id).await;
    assert_eq!(out["status"], "reviewed");
    assert_eq!(out["total"], self_total, "unchanged: the reviewed score is the self-score");
    assert!(queue(&app, &leader).await.is_empty());

    let office = app.sign_in_demo("kaoheban").await;
    let items = queue(&app, &office).await;
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["level"], "second");
    assert_eq!(items[0]["reviewed_total"], self_total);
    let v = items[0]["version"].as_i64().unwrap();
    let (status, out) = decide(&app, &office, id, v, json!({ "kind": "confirm" })).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["status"], "confirmed");
    let (_, mine) = app.json("my_filings", &[], Some(&cadre)).await;
    assert_eq!(mine[0]["status"], "confirmed");
    assert_eq!(verify(&app).await.first_broken, None);
}

async fn an_adjustment_without_a_reason_is_refused(app: TestApp) {
    app.load_demo().await;
    let (_, id) = file(&app, "wangfang").await;
    let leader = app.sign_in_demo("zhangwei").await;
    let v = version(&app, &leader, id).await;
    let no_reason =
        json!({ "kind": "approve", "adjustments": [{ "indicator": "tasks", "points": "30", "reason": "" }] });
    let (status, error) = decide(&app, &leader, id, v, no_reason).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(error["fields"]["adjustments[0].reason"].as_str().unwrap().contains("理由"));
    assert_eq!(version(&app, &leader, id).await, v, "nothing changed");
}

async fn an_adjusted_item_is_recomputed_by_the_engine(app: TestApp) {
    app.load_demo().await;
    let (_, id) = file(&app, "wangfang").await;
    let leader = app.sign_in_demo("zhangwei").await;
    let (_, d) = detail(&app, &leader, id).await;
    let tasks = d["filing"]["result"]["items"].as_array().unwrap().iter().find(|i| i["id"] == "tasks").unwrap().clone();
    assert_eq!(tasks["points"], "38.00");
    let v = d["version"].as_i64().unwrap();
    let adjust = json!({ "kind": "approve", "adjustments": [
        { "indicator": "tasks", "points": "35", "reason": "两项任务未按期完成，核减" }
    ] });
    let (status, out) = decide(&app, &leader, id, v, adjust).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let self_total: f64 = d["filing"]["receipt"]["total"].as_str().unwrap().parse().unwrap();
    let reviewed: f64 = out["total"].as_str().unwrap().parse().unwrap();
    assert!((self_total - reviewed - 3.0).abs() < 1e-9, "{self_total} → {reviewed}");
    let (_, d) = detail(&app, &leader, id).await;
    assert_eq!(d["adjustments"][0]["reason"], "两项任务未按期完成，核减");
    let why: Vec<String> = d["reviewed"]["lines"].as_array().unwrap().iter().map(|l| l["text"].to_string()).collect();
    assert!(why.iter().any(|t| t.contains("两项任务未按期完成")), "the engine explains the adjustment: {why:?}");
    let acts = actions(&app).await;
    assert!(acts.contains(&"review.adjust".to_string()) && acts.contains(&"review.approve".to_string()), "{acts:?}");
}

async fn two_reviewers_on_one_version_cannot_both_succeed(app: TestApp) {
    app.load_demo().await;
    let (_, id) = file(&app, "wangfang").await;
    let leader = app.sign_in_demo("zhangwei").await;
    let v = version(&app, &leader, id).await;
    let app = std::sync::Arc::new(app);
    let mut handles = Vec::new();
    for decision in [
        json!({ "kind": "approve", "adjustments": [] }),
        json!({ "kind": "return", "comment": "请补充台账照片" }),
        json!({ "kind": "approve", "adjustments": [] }),
    ] {
        let (app, leader) = (app.clone(), leader.clone());
        handles.push(tokio::spawn(async move { decide(&app, &leader, id, v, decision).await.0 }));
    }
    let mut statuses = Vec::new();
    for h in handles {
        statuses.push(h.await.unwrap());
    }
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
    assert!(statuses.iter().filter(|s| **s != StatusCode::OK).all(|s| *s == StatusCode::CONFLICT), "{statuses:?}");
    let (status, _) = decide(&app, &leader, id, v, json!({ "kind": "approve", "adjustments": [] })).await;
    assert_eq!(status, StatusCode::CONFLICT, "a stale version is refused");
    let steps = actions(&app).await.into_iter().filter(|a| a.starts_with("review.")).count();
    assert_eq!(steps, 1, "only the winner is recorded");
}

async fn a_returned_filing_goes_back_to_the_cadre(app: TestApp) {
    app.load_demo().await;
    let (cadre, id) = file(&app, "wangfang").await;
    let leader = app.sign_in_demo("zhangwei").await;
    let v = version(&app, &leader, id).await;
    let (status, _) = decide(&app, &leader, id, v, json!({ "kind": "return", "comment": " " })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a return needs a comment");
    let (status, out) = decide(&app, &leader, id, v, json!({ "kind": "return", "comment": "请补充台账照片" })).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["status"], "returned");
    let (_, d) = detail(&app, &cadre, id).await;
    assert_eq!(d["comment"], "请补充台账照片", "the cadre sees why");
    // The cadre changes and resubmits; it is back in the queue.
    let ctx = report(&app, &cadre).await;
    let (status, receipt) = app
        .call_json("submit_filing", &submission(&ctx, typical_month(), "resubmit-key-00000000001"), Some(&cadre))
        .await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    assert_eq!(receipt["revision"], 2);
    assert_eq!(queue(&app, &leader).await.len(), 1);
}

async fn level_two_sends_back_to_level_one(app: TestApp) {
    app.load_demo().await;
    let (_, id) = file(&app, "wangfang").await;
    let leader = app.sign_in_demo("zhangwei").await;
    approve(&app, &leader, id).await;
    let office = app.sign_in_demo("kaoheban").await;
    let v = version(&app, &office, id).await;
    let (status, _) = decide(&app, &office, id, v, json!({ "kind": "approve", "adjustments": [] })).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "level two does not act at level one");
    let (status, out) = decide(&app, &office, id, v, json!({ "kind": "send_back", "comment": "加分依据不足" })).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert_eq!(out["status"], "submitted");
    let items = queue(&app, &leader).await;
    assert_eq!(items.len(), 1);
    let (_, d) = detail(&app, &leader, id).await;
    assert_eq!(d["comment"], "加分依据不足");
    assert!(actions(&app).await.contains(&"review.send_back".to_string()));
}

async fn merged_levels_make_one_approval_final(app: TestApp) {
    app.load_demo().await;
    let (_, id) = file(&app, "wangfang").await;
    let admin = app.sign_in_demo("admin").await;
    let (_, all) = app.json("unit_review_settings", &[], Some(&admin)).await;
    let mut laocheng = all.as_array().unwrap().iter().find(|u| u["unit_name"] == "老城街道").unwrap().clone();
    assert_eq!(laocheng["merged_levels"], false);
    laocheng["merged_levels"] = json!(true);
    let (status, saved) = app.call_json("save_unit_settings", &json!({ "settings": laocheng }), Some(&admin)).await;
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["merged_levels"], true);
    let leader = app.sign_in_demo("zhangwei").await;
    let (status, _) = app.call_json("save_unit_settings", &json!({ "settings": laocheng }), Some(&leader)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "only the organisation admin merges levels");

    let out = approve(&app, &leader, id).await;
    assert_eq!(out["status"], "confirmed", "one level: approval is final");
    let office = app.sign_in_demo("kaoheban").await;
    assert!(queue(&app, &office).await.is_empty());
}

async fn batch_approval_is_all_or_nothing(app: TestApp) {
    app.load_demo().await;
    let mut ids = Vec::new();
    for who in ["wangfang", "liuyang", "chenjing"] {
        ids.push(file(&app, who).await.1);
    }
    let leader = app.sign_in_demo("zhangwei").await;
    let items = queue(&app, &leader).await;
    assert_eq!(items.len(), 3);
    let mut batch: Vec<Value> =
        items.iter().map(|i| json!({ "filing_id": i["filing_id"], "version": i["version"] })).collect();
    // One stale version spoils the batch: nothing is approved.
    batch[2]["version"] = json!(99);
    let (status, _) = app.call_json("batch_approve", &json!({ "items": batch }), Some(&leader)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(queue(&app, &leader).await.len(), 3);
    batch[2]["version"] = items[2]["version"].clone();
    let (status, out) = app.call_json("batch_approve", &json!({ "items": batch }), Some(&leader)).await;
    assert_eq!(status, StatusCode::OK, "{out}");
    assert!(out.as_array().unwrap().iter().all(|o| o["status"] == "reviewed"));
    assert!(queue(&app, &leader).await.is_empty());
    let office = app.sign_in_demo("kaoheban").await;
    assert_eq!(queue(&app, &office).await.len(), 3);
}

/// The "show it works" scenario, over HTTP.
async fn the_whole_chain_from_filing_to_reconsideration(app: TestApp) {
    app.load_demo().await;
    let (cadre, id) = file(&app, "wangfang").await;
    let (_, colleague_id) = file(&app, "liuyang").await;
    let leader = app.sign_in_demo("zhangwei").await;
    let v = version(&app, &leader, id).await;
    let adjust = json!({ "kind": "approve", "adjustments": [
        { "indicator": "tasks", "points": "30", "reason": "任务完成率与台账不符" }
    ] });
    let (status, reviewed) = decide(&app, &leader, id, v, adjust).await;
    assert_eq!(status, StatusCode::OK, "{reviewed}");
    approve(&app, &leader, colleague_id).await;
    let office = app.sign_in_demo("kaoheban").await;
    for item in queue(&app, &office).await {
        let (status, _) = decide(
            &app,
            &office,
            item["filing_id"].as_i64().unwrap(),
            item["version"].as_i64().unwrap(),
            json!({ "kind": "confirm" }),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
    }
    let (_, d) = detail(&app, &cadre, id).await;
    let period = d["filing"]["receipt"]["period"].as_str().unwrap().to_string();
    let (_, profile) = app.json("my_profile", &[], Some(&cadre)).await;
    let unit_id = profile["unit"]["id"].as_i64().unwrap().to_string();
    let (status, _) = app.json("publish_results", &[("unit_id", &unit_id), ("period", &period)], Some(&leader)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "level one does not publish when levels are two");
    let (status, published) =
        app.json("publish_results", &[("unit_id", &unit_id), ("period", &period)], Some(&office)).await;
    assert_eq!(status, StatusCode::OK, "{published}");
    assert_eq!(published["open"], true);
    let (status, _) = app.json("publish_results", &[("unit_id", &unit_id), ("period", &period)], Some(&office)).await;
    assert_eq!(status, StatusCode::CONFLICT, "published once");

    // The board: each person's lists, self-score, reviewed score and rank.
    let (status, board) =
        app.json("publicity_board", &[("unit_id", &unit_id), ("period", &period)], Some(&cadre)).await;
    assert_eq!(status, StatusCode::OK, "{board}");
    let rows = board["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    let mine = rows.iter().find(|r| r["own"] == true).unwrap();
    assert_eq!(mine["reviewed_total"], reviewed["total"]);
    assert_ne!(mine["self_total"], mine["reviewed_total"]);
    assert_eq!(mine["rank"], 2, "the cut puts her behind her colleague");
    assert_eq!(mine["tasks"].as_array().unwrap().len(), 3);
    assert_eq!(mine["achievements"][0], "兴安小区商户分流安置");
    assert_eq!(mine["may_object"], true);
    let theirs = rows.iter().find(|r| r["own"] == false).unwrap();
    assert_eq!(theirs["may_object"], false, "colleagues may not object unless the unit allows it");
    let stranger = app.sign_in_demo("zhaogang").await;
    let (status, _) = app.json("publicity_board", &[("unit_id", &unit_id), ("period", &period)], Some(&stranger)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "the unit's members see it, not other units");

    // The cadre objects; the reviewer changes the score; the cadre sees the outcome.
    let (status, objection) = app
        .json("lodge_objection", &[("filing_id", &id.to_string()), ("reason", "台账已按期更新，附照片")], Some(&cadre))
        .await;
    assert_eq!(status, StatusCode::OK, "{objection}");
    assert_eq!(objection["status"], "open");
    assert!(objection["answer_due"].as_str().unwrap() > objection["lodged_at"].as_str().unwrap());
    let (_, theirs) = app.json("objections", &[], Some(&leader)).await;
    let pending = theirs.as_array().unwrap().iter().find(|o| o["id"] == objection["id"]).unwrap();
    assert_eq!(pending["may_answer"], true);
    let v = version(&app, &leader, id).await;
    let answer = json!({ "answer": {
        "objection_id": objection["id"], "version": v, "answer": "经复核台账属实，恢复原分",
        "adjustments": [{ "indicator": "tasks", "points": "38", "reason": "复议：台账属实" }]
    }});
    let (status, outcome) = app.call_json("answer_objection", &answer, Some(&leader)).await;
    assert_eq!(status, StatusCode::OK, "{outcome}");
    assert_eq!(outcome["status"], "changed");
    assert_eq!(outcome["new_total"], mine["self_total"], "restored to the self-score");
    let (status, _) = app.call_json("answer_objection", &answer, Some(&leader)).await;
    assert_eq!(status, StatusCode::CONFLICT, "answered once");
    let (_, seen) = app.json("objections", &[], Some(&cadre)).await;
    assert_eq!(seen[0]["status"], "changed");
    assert_eq!(seen[0]["answer"], "经复核台账属实，恢复原分");
    let (_, board) = app.json("publicity_board", &[("unit_id", &unit_id), ("period", &period)], Some(&cadre)).await;
    let mine = board["rows"].as_array().unwrap().iter().find(|r| r["own"] == true).unwrap().clone();
    assert_eq!(mine["reviewed_total"], mine["self_total"]);

    // Every step is in the chain, and the chain verifies — until a row is altered.
    let acts = actions(&app).await;
    for a in [
        "filing.submit",
        "review.adjust",
        "review.approve",
        "review.confirm",
        "publicity.publish",
        "objection.lodge",
        "objection.outcome",
    ] {
        assert!(acts.contains(&a.to_string()), "{a} missing from {acts:?}");
    }
    assert_eq!(verify(&app).await.first_broken, None);
    for sql in audit::disable_guard_sql(app.flavor()) {
        exec(&app.db, sql).await;
    }
    let approve_row: i64 = {
        let mut pooled = app.db.acquire().await.unwrap();
        let mut conn = pooled.conn();
        server::on_conn!(&mut conn, |c| sqlx::query_scalar(
            "SELECT MIN(id) FROM audit_log WHERE action = 'review.approve'"
        )
        .fetch_one(c)
        .await)
        .unwrap()
    };
    exec(&app.db, &format!("UPDATE audit_log SET actor_user_id = NULL WHERE id = {approve_row}")).await;
    assert_eq!(verify(&app).await.first_broken, Some(approve_row));
}

async fn an_objection_outside_the_window_or_by_a_stranger_is_refused(app: TestApp) {
    app.load_demo().await;
    let (cadre, id) = file(&app, "wangfang").await;
    let (status, _) =
        app.json("lodge_objection", &[("filing_id", &id.to_string()), ("reason", "不服")], Some(&cadre)).await;
    assert_eq!(status, StatusCode::CONFLICT, "nothing is published yet");
    let leader = app.sign_in_demo("zhangwei").await;
    approve(&app, &leader, id).await;
    let office = app.sign_in_demo("kaoheban").await;
    let v = version(&app, &office, id).await;
    decide(&app, &office, id, v, json!({ "kind": "confirm" })).await;
    let (_, d) = detail(&app, &cadre, id).await;
    let period = d["filing"]["receipt"]["period"].as_str().unwrap().to_string();
    let (_, profile) = app.json("my_profile", &[], Some(&cadre)).await;
    let unit_id = profile["unit"]["id"].as_i64().unwrap().to_string();
    let (status, _) = app.json("publish_results", &[("unit_id", &unit_id), ("period", &period)], Some(&office)).await;
    assert_eq!(status, StatusCode::OK);
    let colleague = app.sign_in_demo("liuyang").await;
    let (status, _) =
        app.json("lodge_objection", &[("filing_id", &id.to_string()), ("reason", "评分偏高")], Some(&colleague)).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "colleagues object only where the unit allows it");
    let (status, _) =
        app.json("lodge_objection", &[("filing_id", &id.to_string()), ("reason", " ")], Some(&cadre)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "an objection needs a reason");
    // The window closes.
    exec(&app.db, "UPDATE publications SET window_ends_at = published_at").await;
    let (status, _) =
        app.json("lodge_objection", &[("filing_id", &id.to_string()), ("reason", "不服")], Some(&cadre)).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

async fn reviewer_statistics_are_for_admins(app: TestApp) {
    app.load_demo().await;
    for who in ["wangfang", "liuyang", "chenjing"] {
        file(&app, who).await;
    }
    let leader = app.sign_in_demo("zhangwei").await;
    for item in queue(&app, &leader).await {
        let adjust = json!({ "kind": "approve", "adjustments": [{ "indicator": "tasks", "points": "40", "reason": "全部完成" }] });
        let (status, _) =
            decide(&app, &leader, item["filing_id"].as_i64().unwrap(), item["version"].as_i64().unwrap(), adjust).await;
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(app.json("reviewer_stats", &[], Some(&leader)).await.0, StatusCode::FORBIDDEN);
    let admin = app.sign_in_demo("admin").await;
    let (status, stats) = app.json("reviewer_stats", &[], Some(&admin)).await;
    assert_eq!(status, StatusCode::OK, "{stats}");
    let zhang = &stats[0];
    assert_eq!(zhang["name"], "张伟");
    assert_eq!(zhang["reviewed"], 3);
    assert_eq!(zhang["adjusted_items"], 3);
    assert_eq!(zhang["distinct_totals"], 1);
    let flags: Vec<&str> = zhang["flags"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert!(flags.iter().any(|f| f.contains("完全相同")), "{flags:?}");
}

async fn page(app: &TestApp, path: &str, cookie: &str) -> String {
    let res = app.get(path, Some(cookie)).await;
    assert_eq!(res.status(), StatusCode::OK, "{path}");
    res.text().await.unwrap()
}

async fn the_review_pages_render_on_the_server(app: TestApp) {
    app.load_demo().await;
    let (cadre, id) = file(&app, "wangfang").await;
    let leader = app.sign_in_demo("zhangwei").await;
    let html = page(&app, "/review", &leader).await;
    for text in ["待审核", "王芳", "review-count", "queue-open"] {
        assert!(html.contains(text), "/review lacks {text}");
    }
    let html = page(&app, &format!("/review/{id}"), &leader).await;
    for text in ["逐项审核", "王芳", "工作任务完成率", "data-testid=\"approve\"", "review-total"] {
        assert!(html.contains(text), "/review/{id} lacks {text}");
    }
    let html = page(&app, "/publicity", &cadre).await;
    assert!(html.contains("暂无公示"), "/publicity");
    let admin = app.sign_in_demo("admin").await;
    let html = page(&app, "/review-admin", &admin).await;
    for text in ["审核管理", "老城街道", "合并为一级审核"] {
        assert!(html.contains(text), "/review-admin lacks {text}");
    }
}

/// A unit head who files too finds their own unfiled previous period on top of their queue
/// (with the empty-period shortcut where the scheme has one), until they file it.
async fn a_unit_heads_unfiled_period_tops_their_queue(app: TestApp) {
    app.load_demo().await;
    let head = app.sign_in_demo("zhaogang").await;
    let (status, q) = app.json("review_queue", &[], Some(&head)).await;
    assert_eq!(status, StatusCode::OK, "{q}");
    let due = &q["own_report"];
    assert_eq!(due["allows_nothing_to_report"], true, "{q}");
    assert_eq!(due["deadline"].as_str().unwrap().len(), 10, "{q}");
    let period = due["period"].as_str().unwrap().to_string();
    let (status, ctx) = app.json("period_report", &[("period", &period)], Some(&head)).await;
    assert_eq!(status, StatusCode::OK, "{ctx}");
    assert_eq!(ctx["period"], period.as_str());
    let body = submission(&ctx, json!({ "filing": { "nothing_to_report": true } }), "zhaogang-own-key-000000001");
    let (status, receipt) = app.call_json("submit_filing", &body, Some(&head)).await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    let (_, q) = app.json("review_queue", &[], Some(&head)).await;
    assert!(q["own_report"].is_null(), "{q}");
    // Only the assessed: the district office files nothing of its own.
    let office = app.sign_in_demo("kaoheban").await;
    let (_, q) = app.json("review_queue", &[], Some(&office)).await;
    assert!(q["own_report"].is_null(), "{q}");
}
