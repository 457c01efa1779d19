//! The evaluations by people: rounds opened and closed by the admin, leaders' ratings,
//! anonymous peer and two-way ballots (once, never of oneself), aggregates hidden below
//! the minimum, and the leaders' rating reaching the reviewed score through the engine.

use reqwest::StatusCode;
use serde_json::{json, Value};

use crate::filing::{report, submission, typical_month};
use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    only_admins_open_and_close_rounds,
    peers_rate_each_other_once_and_never_themselves,
    anonymous_aggregates_stay_hidden_below_the_minimum,
    towns_rate_the_departments_that_serve_them,
    a_leaders_rating_reaches_the_reviewed_score,
    individual_ratings_cannot_be_traced_to_raters,
);

async fn act(app: &TestApp, cookie: &str, action: Value) -> (StatusCode, Value) {
    app.call_json("round_act", &json!({ "action": action }), Some(cookie)).await
}

async fn unit_id(app: &TestApp, admin: &str, name: &str) -> i64 {
    let (status, page) = app.json("load_rounds", &[], Some(admin)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let unit = page["units"].as_array().unwrap().iter().find(|u| u[1] == name).expect("unit listed");
    unit[0].as_i64().unwrap()
}

/// Opens a unit round and returns its id.
async fn open_unit_round(app: &TestApp, admin: &str, unit: &str, period: &str, min: u32) -> i64 {
    let unit_id = unit_id(app, admin, unit).await;
    let (status, page) = act(
        app,
        admin,
        json!({ "action": "open", "kind": "unit", "unit_id": unit_id, "period": period, "min_raters": min,
                "rater_categories": "", "ratee_categories": "" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["rounds"].as_array().unwrap().iter().find(|r| r["period"] == period && r["open"] == true).unwrap()["id"]
        .as_i64()
        .unwrap()
}

async fn close(app: &TestApp, admin: &str, round: i64) {
    let (status, page) = act(app, admin, json!({ "action": "close", "round_id": round })).await;
    assert_eq!(status, StatusCode::OK, "{page}");
}

async fn home(app: &TestApp, cookie: &str) -> Value {
    let (status, home) = app.json("load_evaluations", &[], Some(cookie)).await;
    assert_eq!(status, StatusCode::OK, "{home}");
    home
}

fn task<'a>(home: &'a Value, round: i64, kind: &str) -> Option<&'a Value> {
    home["tasks"].as_array().unwrap().iter().find(|t| t["round_id"] == round && t["kind"] == kind)
}

fn target_id(task: &Value, name: &str) -> i64 {
    task["targets"].as_array().unwrap().iter().find(|t| t["name"] == name).expect("target listed")["id"]
        .as_i64()
        .unwrap()
}

async fn submit(app: &TestApp, cookie: &str, round: i64, kind: &str, ratings: Value) -> (StatusCode, Value) {
    app.call_json(
        "submit_ratings",
        &json!({ "submission": { "round_id": round, "kind": kind, "ratings": ratings } }),
        Some(cookie),
    )
    .await
}

/// A complete peer ballot giving everyone in `task` the same level.
fn ballot(task: &Value, level: &str) -> Value {
    Value::Array(
        task["targets"].as_array().unwrap().iter().map(|t| json!({ "target": t["id"], "levels": [level] })).collect(),
    )
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let mut pooled = app.db.acquire().await.unwrap();
    let mut conn = pooled.conn();
    // Test-only SQL written in this file.
    server::on_conn!(&mut conn, |c| sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned())).fetch_one(c).await).unwrap()
}

async fn only_admins_open_and_close_rounds(app: TestApp) {
    app.load_demo().await;
    let admin = app.sign_in_demo("admin").await;
    let cadre = app.sign_in_demo("wangfang").await;
    let leader = app.sign_in_demo("zhangwei").await;

    for cookie in [&cadre, &leader] {
        let (status, _) = app.json("load_rounds", &[], Some(cookie)).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        let (status, _) = act(&app, cookie, json!({ "action": "close", "round_id": 1 })).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
    }
    let round = open_unit_round(&app, &admin, "老城街道", "2026-11", 3).await;

    // The same unit and period twice is a conflict; a bad period or minimum is refused.
    let laocheng = unit_id(&app, &admin, "老城街道").await;
    let again = json!({ "action": "open", "kind": "unit", "unit_id": laocheng, "period": "2026-11", "min_raters": 3,
                        "rater_categories": "", "ratee_categories": "" });
    let (status, body) = act(&app, &admin, again).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let bad = json!({ "action": "open", "kind": "unit", "unit_id": laocheng, "period": "11月", "min_raters": 0,
                      "rater_categories": "", "ratee_categories": "" });
    let (status, body) = act(&app, &admin, bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("考核期"), "{body}");

    close(&app, &admin, round).await;
    let (status, body) = act(&app, &admin, json!({ "action": "close", "round_id": round })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    // Ratings after closing are refused, and both steps are in the audit log.
    let (status, _) = submit(&app, &cadre, round, "peer", json!([{ "target": 1, "levels": ["good"] }])).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'evaluation.round_%'").await, 2);
}

async fn peers_rate_each_other_once_and_never_themselves(app: TestApp) {
    app.load_demo().await;
    let admin = app.sign_in_demo("admin").await;
    let round = open_unit_round(&app, &admin, "老城街道", "2026-11", 3).await;
    let wangfang = app.sign_in_demo("wangfang").await;
    let h = home(&app, &wangfang).await;
    let t = task(&h, round, "peer").expect("a member has a peer task");
    let names: Vec<&str> = t["targets"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 4, "everyone but herself: {names:?}");
    assert!(!names.contains(&"王芳"));
    assert!(task(&h, round, "leader").is_none(), "a cadre is no leader");

    // Rating herself is refused (her person id comes from her own profile).
    let (_, profile) = app.json("my_profile", &[], Some(&wangfang)).await;
    let me = profile["person"]["person_id"].as_i64().expect("person id in profile");
    let (status, body) =
        submit(&app, &wangfang, round, "peer", json!([{ "target": me, "levels": ["excellent"] }])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body.to_string().contains("不能评价自己"), "{body}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM peer_ratings").await, 0);

    let (status, after) = submit(&app, &wangfang, round, "peer", ballot(t, "good")).await;
    assert_eq!(status, StatusCode::OK, "{after}");
    assert_eq!(task(&after, round, "peer").unwrap()["done"], true);
    let (status, body) = submit(&app, &wangfang, round, "peer", ballot(t, "poor")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM peer_ratings").await, 4, "the second ballot stored nothing");

    // Someone of another unit has no part in this round.
    let outsider = app.sign_in_demo("zhoujie").await;
    assert!(task(&home(&app, &outsider).await, round, "peer").is_none());
    let (status, _) = submit(&app, &outsider, round, "peer", ballot(t, "good")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

async fn anonymous_aggregates_stay_hidden_below_the_minimum(app: TestApp) {
    app.load_demo().await;
    let admin = app.sign_in_demo("admin").await;
    let round = open_unit_round(&app, &admin, "老城街道", "2026-10", 3).await;
    for (user, level) in [("wangfang", "excellent"), ("liuyang", "good")] {
        let cookie = app.sign_in_demo(user).await;
        let t = task(&home(&app, &cookie).await, round, "peer").unwrap().clone();
        let (status, body) = submit(&app, &cookie, round, "peer", ballot(&t, level)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    close(&app, &admin, round).await;
    let chenjing = app.sign_in_demo("chenjing").await;
    let results = home(&app, &chenjing).await["results"].clone();
    let peer = results.as_array().unwrap().iter().find(|r| r["kind"] == "peer" && r["subject"] == "陈静").unwrap();
    assert_eq!(peer["raters"], 2);
    assert_eq!(peer["score"], Value::Null, "two raters under a minimum of three: hidden");

    // A third rater in another round: the aggregate shows, the exact mean of 100, 85, 70.
    let round = open_unit_round(&app, &admin, "老城街道", "2026-09", 3).await;
    for (user, level) in [("wangfang", "excellent"), ("liuyang", "good"), ("lina", "fair")] {
        let cookie = app.sign_in_demo(user).await;
        let t = task(&home(&app, &cookie).await, round, "peer").unwrap().clone();
        let (status, body) = submit(&app, &cookie, round, "peer", ballot(&t, level)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    close(&app, &admin, round).await;
    let results = home(&app, &chenjing).await["results"].clone();
    let shown = results
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "peer" && r["subject"] == "陈静" && r["round_id"] == round)
        .unwrap();
    assert_eq!(shown["score"], "85.00");
    assert_eq!(shown["raters"], 3);
    // A colleague does not see 陈静's results; her leader does.
    let wangfang = app.sign_in_demo("wangfang").await;
    let theirs = home(&app, &wangfang).await["results"].clone();
    assert!(theirs.as_array().unwrap().iter().all(|r| r["subject"] != "陈静"), "{theirs}");
    let leader = app.sign_in_demo("zhangwei").await;
    let led = home(&app, &leader).await["results"].clone();
    assert!(led.as_array().unwrap().iter().any(|r| r["subject"] == "陈静" && r["score"] == "85.00"), "{led}");
}

async fn towns_rate_the_departments_that_serve_them(app: TestApp) {
    app.load_demo().await;
    let admin = app.sign_in_demo("admin").await;
    let (status, page) = act(
        &app,
        &admin,
        json!({ "action": "open", "kind": "two_way", "unit_id": null, "period": "2026-H2", "min_raters": 2,
                "rater_categories": "街道、镇", "ratee_categories": "经济部门" }),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let round = page["rounds"][0]["id"].as_i64().unwrap();

    // The head of a street rates the economic departments for the street, once.
    let zhangwei = app.sign_in_demo("zhangwei").await;
    let t = task(&home(&app, &zhangwei).await, round, "two_way").expect("a street's leader rates").clone();
    let names: Vec<&str> = t["targets"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["区发展和改革局", "区商务局"]);
    let (status, body) = submit(&app, &zhangwei, round, "two_way", ballot(&t, "excellent")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = submit(&app, &zhangwei, round, "two_way", ballot(&t, "poor")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    // A department's head does not rate in it; a cadre neither.
    let xiedong = app.sign_in_demo("xiedong").await;
    assert!(task(&home(&app, &xiedong).await, round, "two_way").is_none());
    let (status, _) = submit(&app, &xiedong, round, "two_way", ballot(&t, "poor")).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let zhaogang = app.sign_in_demo("zhaogang").await;
    let (status, body) = submit(&app, &zhaogang, round, "two_way", ballot(&t, "fair")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    close(&app, &admin, round).await;

    // The department sees its aggregate: (100 + 70) / 2.
    let results = home(&app, &xiedong).await["results"].clone();
    let mine = results.as_array().unwrap().iter().find(|r| r["kind"] == "two_way").expect("own department's result");
    assert_eq!(mine["subject"], "区发展和改革局");
    assert_eq!(mine["score"], "85.00");
    assert_eq!(mine["raters"], 2);
}

async fn a_leaders_rating_reaches_the_reviewed_score(app: TestApp) {
    app.load_demo().await;
    let cadre = app.sign_in_demo("wangfang").await;
    let ctx = report(&app, &cadre).await;
    let period = ctx["period"].as_str().unwrap().to_string();
    let (status, receipt) = app
        .call_json("submit_filing", &submission(&ctx, typical_month(), "wangfang-eval-000000000001"), Some(&cadre))
        .await;
    assert_eq!(status, StatusCode::OK, "{receipt}");
    let filing = receipt["filing_id"].as_i64().unwrap();
    let self_total: f64 = receipt["total"].as_str().unwrap().parse().unwrap();

    let admin = app.sign_in_demo("admin").await;
    let round = open_unit_round(&app, &admin, "老城街道", &period, 3).await;
    let leader = app.sign_in_demo("zhangwei").await;
    let t = task(&home(&app, &leader).await, round, "leader").expect("the unit's leader rates").clone();
    let wangfang = target_id(&t, "王芳");
    // A rating must hold all five dimensions.
    let (status, _) = submit(&app, &leader, round, "leader", json!([{ "target": wangfang, "levels": ["good"] }])).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let five = json!([{ "target": wangfang, "levels": ["excellent", "excellent", "good", "good", "fair"] }]);
    let (status, after) = submit(&app, &leader, round, "leader", five).await;
    assert_eq!(status, StatusCode::OK, "{after}");
    // A leader may change their rating while the round is open: the last one counts.
    let five =
        json!([{ "target": wangfang, "levels": ["excellent", "excellent", "excellent", "excellent", "excellent"] }]);
    let (status, after) = submit(&app, &leader, round, "leader", five).await;
    assert_eq!(status, StatusCode::OK, "{after}");
    let given = &task(&after, round, "leader").unwrap()["targets"];
    let given = given.as_array().unwrap().iter().find(|t| t["id"] == wangfang).unwrap();
    assert_eq!(given["given"].as_array().unwrap().len(), 5);

    // Open rounds do not count yet; once closed, the leader source reaches the engine.
    let (_, open_detail) = app.json("review_detail", &[("id", &filing.to_string())], Some(&leader)).await;
    assert_eq!(open_detail["sources"], json!({}), "{open_detail}");
    close(&app, &admin, round).await;
    let (status, d) = app.json("review_detail", &[("id", &filing.to_string())], Some(&leader)).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["sources"]["leader"]["score"], "100.00", "{d}");
    assert_eq!(d["sources"]["leader"]["n"], 1);
    let version = d["version"].as_i64().unwrap();
    let (status, out) = app
        .call_json(
            "decide_filing",
            &json!({ "filing_id": filing, "version": version, "decision": { "kind": "approve", "adjustments": [] } }),
            Some(&leader),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{out}");
    let reviewed: f64 = out["total"].as_str().unwrap().parse().unwrap();
    assert!(reviewed > self_total, "the leader's 100 adds the evaluation item: {self_total} → {reviewed}");
}

async fn individual_ratings_cannot_be_traced_to_raters(app: TestApp) {
    app.load_demo().await;
    // The tables that hold anonymous ratings have no column naming a rater or a time.
    let columns = match app.flavor() {
        server::storage::Flavor::Sqlite => {
            "SELECT COUNT(*) FROM pragma_table_info('peer_ratings') WHERE name NOT IN ('id', 'round_id', 'person_id', 'score')"
        }
        server::storage::Flavor::Postgres => {
            "SELECT COUNT(*) FROM information_schema.columns WHERE table_name = 'peer_ratings'
             AND column_name NOT IN ('id', 'round_id', 'person_id', 'score')"
        }
    };
    assert_eq!(count(&app, columns).await, 0);
    let two_way = columns.replace("peer_ratings", "two_way_ratings").replace("'person_id'", "'unit_id'");
    assert_eq!(count(&app, &two_way).await, 0);
}
