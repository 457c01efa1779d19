//! 社会评议: residents rate by QR code without an account — once per device, under a
//! limit per address, with a single-use proof of work, only through genuine tokens —
//! and the admin's campaigns, QR codes, flags and the engine's `aggregate`.

use base64::Engine;
use chrono::TimeDelta;
use reqwest::header::{ACCEPT, COOKIE, SET_COOKIE};
use reqwest::StatusCode;
use serde_json::{json, Value};
use server::social::token::{Claims, TokenKeys, SCOPE};

use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    a_resident_rates_once_per_device_however_often_the_link_is_replayed,
    a_replayed_proof_of_work_is_refused_even_from_a_new_device,
    forged_expired_and_wrong_scope_tokens_store_nothing,
    only_admins_open_campaigns_and_read_results,
    the_address_limit_stops_one_address_but_not_another,
    aggregate_counts_ended_campaigns_of_the_person_else_of_the_unit,
    bursts_and_one_address_majorities_are_flagged_for_the_admin,
);

const SECRET: &str = "social-test-secret-social-test-secret";

/// The server under test: a known key (to forge and expire tokens), cheap proof of work.
async fn server(app: &TestApp, change: impl FnOnce(&mut server::config::Settings)) -> TestApp {
    app.load_demo().await;
    app.peer_with(|s| {
        s.secret_key = Some(SECRET.as_bytes().to_vec());
        s.social_pow_max_number = 1_000;
        change(s);
    })
    .await
}

struct Place {
    unit_id: i64,
    people: Vec<i64>,
}

async fn place(app: &TestApp, admin: &str) -> Place {
    let (status, board) = app.json("load_campaigns", &[], Some(admin)).await;
    assert_eq!(status, StatusCode::OK, "{board}");
    let unit = board["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["people"].as_array().is_some_and(|p| p.len() >= 2))
        .expect("a unit with people");
    Place {
        unit_id: unit["id"].as_i64().unwrap(),
        people: unit["people"].as_array().unwrap().iter().map(|p| p["id"].as_i64().unwrap()).collect(),
    }
}

async fn open_campaign(app: &TestApp, admin: &str, unit_id: i64, person_id: Option<i64>, period: &str) -> Value {
    let (status, c) = app
        .call_json(
            "create_campaign",
            &json!({ "campaign": { "unit_id": unit_id, "person_id": person_id, "period": period, "days": 14 } }),
            Some(admin),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    c
}

/// The `/r/{token}` path of a campaign's link.
fn path_of(campaign: &Value) -> String {
    let link = campaign["link"].as_str().unwrap();
    format!("/r/{}", link.split_once("/r/").expect("a resident link").1)
}

fn device() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// Solves a fresh challenge of the campaign, as the page's script does.
async fn solution(app: &TestApp, path: &str) -> String {
    let res = app.get(&format!("{path}/challenge"), None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let challenge: altcha_lib_rs::Challenge = res.json().await.unwrap();
    server::social::pow::solve(&challenge).unwrap()
}

struct Rating<'a> {
    device: &'a str,
    level: &'a str,
    comment: &'a str,
    solution: String,
    ip: Option<&'a str>,
    json: bool,
}

async fn post(app: &TestApp, path: &str, r: Rating<'_>) -> (StatusCode, String) {
    let mut req = app
        .client
        .post(format!("{}{path}", app.url))
        .header("sec-fetch-site", "same-origin")
        .header(COOKIE, format!("kaohe_device={}", r.device))
        .form(&[("level", r.level), ("comment", r.comment), ("altcha", r.solution.as_str())]);
    if let Some(ip) = r.ip {
        req = req.header("x-forwarded-for", ip);
    }
    if r.json {
        req = req.header(ACCEPT, "application/json");
    }
    let res = req.send().await.unwrap();
    (res.status(), res.text().await.unwrap())
}

async fn rate(app: &TestApp, path: &str, device: &str, level: &str) -> (StatusCode, String) {
    let solution = solution(app, path).await;
    post(app, path, Rating { device, level, comment: "", solution, ip: None, json: false }).await
}

async fn stored(app: &TestApp) -> i64 {
    let mut pooled = app.db.acquire().await.unwrap();
    let mut conn = pooled.conn();
    server::on_conn!(&mut conn, |c| sqlx::query_scalar("SELECT COUNT(*) FROM social_ratings").fetch_one(c).await)
        .unwrap()
}

fn code(body: &str) -> String {
    serde_json::from_str::<Value>(body).map(|v| v["code"].as_str().unwrap_or_default().to_string()).unwrap_or_default()
}

async fn a_resident_rates_once_per_device_however_often_the_link_is_replayed(app: TestApp) {
    let srv = server(&app, |_| {}).await;
    let admin = srv.sign_in_demo("admin").await;
    let at = place(&srv, &admin).await;
    let campaign = open_campaign(&srv, &admin, at.unit_id, None, "2026-11").await;
    let path = path_of(&campaign);

    // Opening the link: a small Chinese page, no account, and a device cookie.
    let res = srv.get(&path, None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let cookie = res.headers().get(SET_COOKIE).expect("a device cookie").to_str().unwrap().to_string();
    for part in ["kaohe_device=", "Path=/r", "HttpOnly", "SameSite=Lax"] {
        assert!(cookie.contains(part), "{cookie} lacks {part}");
    }
    assert_eq!(res.headers()["cache-control"], "no-store");
    let html = res.text().await.unwrap();
    assert!(html.len() < 8 * 1024, "the page is {} bytes", html.len());
    for text in ["满意", "基本满意", "不满意", "提交评价", campaign["title"].as_str().unwrap()] {
        assert!(html.contains(text), "page lacks {text}");
    }
    let phone = cookie.split(';').next().unwrap().trim_start_matches("kaohe_device=").to_string();

    // A cross-site post is refused before any handler runs.
    let res = srv
        .client
        .post(format!("{}{path}", srv.url))
        .header("sec-fetch-site", "cross-site")
        .header(COOKIE, format!("kaohe_device={phone}"))
        .form(&[("level", "satisfied")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let comment = "<script>alert(1)</script> 路灯修好了";
    let first = post(
        &srv,
        &path,
        Rating {
            device: &phone,
            level: "satisfied",
            comment,
            solution: solution(&srv, &path).await,
            ip: None,
            json: false,
        },
    )
    .await;
    assert_eq!(first.0, StatusCode::OK, "{}", first.1);
    assert!(first.1.contains("感谢您的评价"));

    // The same device, K more times, each with a fresh and valid proof of work.
    for _ in 0..4 {
        let (status, body) = rate(&srv, &path, &phone, "dissatisfied").await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert!(body.contains("您已评价过，感谢参与"), "{body}");
    }
    let again = post(
        &srv,
        &path,
        Rating {
            device: &phone,
            level: "basic",
            comment: "",
            solution: solution(&srv, &path).await,
            ip: None,
            json: true,
        },
    )
    .await;
    assert_eq!((again.0, code(&again.1).as_str()), (StatusCode::CONFLICT, "already_rated"), "{}", again.1);
    assert_eq!(stored(&srv).await, 1);

    // Reopening the link on that phone says so at once.
    let html = srv.get(&path, Some(&format!("kaohe_device={phone}"))).await.text().await.unwrap();
    assert!(html.contains("您已评价过"));

    // The comment is kept as typed (text), never as markup.
    let mut pooled = srv.db.acquire().await.unwrap();
    let mut conn = pooled.conn();
    let kept: String =
        server::on_conn!(&mut conn, |c| sqlx::query_scalar("SELECT comment FROM social_ratings").fetch_one(c).await)
            .unwrap();
    assert_eq!(kept, comment);

    // A post without the device cookie, without an answer, or with too long a comment
    // stores nothing.
    let res = srv
        .client
        .post(format!("{}{path}", srv.url))
        .header("sec-fetch-site", "same-origin")
        .form(&[("level", "satisfied"), ("altcha", solution(&srv, &path).await.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let fresh = device();
    let (status, _) = rate(&srv, &path, &fresh, "").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let long = "长".repeat(201);
    let (status, _) = post(
        &srv,
        &path,
        Rating {
            device: &fresh,
            level: "basic",
            comment: &long,
            solution: solution(&srv, &path).await,
            ip: None,
            json: false,
        },
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(stored(&srv).await, 1);
}

async fn a_replayed_proof_of_work_is_refused_even_from_a_new_device(app: TestApp) {
    let srv = server(&app, |_| {}).await;
    let admin = srv.sign_in_demo("admin").await;
    let at = place(&srv, &admin).await;
    let one = path_of(&open_campaign(&srv, &admin, at.unit_id, None, "2026-11").await);
    let other = path_of(&open_campaign(&srv, &admin, at.unit_id, Some(at.people[0]), "2026-11").await);

    let solved = solution(&srv, &one).await;
    let rating = |device: &'static str| Rating {
        device,
        level: "satisfied",
        comment: "",
        solution: solved.clone(),
        ip: None,
        json: true,
    };
    let (status, body) = post(&srv, &one, rating("0123456789abcdef0123456789abcdef")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = post(&srv, &one, rating("fedcba9876543210fedcba9876543210")).await;
    assert_eq!((status, code(&body).as_str()), (StatusCode::CONFLICT, "challenge_used"), "{body}");
    // Nor does it count for another campaign.
    let (status, body) = post(&srv, &other, rating("00000000000000000000000000000001")).await;
    assert_eq!((status, code(&body).as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "pow_failed"), "{body}");
    // A wrong number, or none at all, is refused too.
    let json = base64::engine::general_purpose::STANDARD.decode(solution(&srv, &one).await).unwrap();
    let mut payload: Value = serde_json::from_slice(&json).unwrap();
    payload["number"] = json!(payload["number"].as_u64().unwrap() + 1);
    let wrong = base64::engine::general_purpose::STANDARD.encode(payload.to_string());
    let (status, _) =
        post(&srv, &one, Rating { device: "00000000000000000000000000000002", solution: wrong, ..rating("") }).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) =
        post(&srv, &one, Rating { device: "00000000000000000000000000000003", solution: String::new(), ..rating("") })
            .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(stored(&srv).await, 1);
}

async fn forged_expired_and_wrong_scope_tokens_store_nothing(app: TestApp) {
    let srv = server(&app, |_| {}).await;
    let admin = srv.sign_in_demo("admin").await;
    let at = place(&srv, &admin).await;
    let campaign = open_campaign(&srv, &admin, at.unit_id, None, "2026-11").await;
    let genuine = path_of(&campaign);
    let cid = campaign["id"].as_i64().unwrap();
    let keys = TokenKeys::derive(SECRET.as_bytes());
    let claims = |scope: &str, period: &str, exp: i64| Claims { scope: scope.into(), cid, period: period.into(), exp };
    let later = chrono::Utc::now().timestamp() + 3600;

    let forged =
        TokenKeys::derive(b"not-the-server-key-not-the-server-key").sign(&claims(SCOPE, "2026-11", later)).unwrap();
    let expired = keys.sign(&claims(SCOPE, "2026-11", chrono::Utc::now().timestamp() - 60)).unwrap();
    let other_scope = keys.sign(&claims("session", "2026-11", later)).unwrap();
    let other_period = keys.sign(&claims(SCOPE, "2026-12", later)).unwrap();
    let mut tampered = genuine.trim_start_matches("/r/").to_string();
    let last = tampered.pop().unwrap();
    // Valid encodings end in a character whose padding bits are zero; A ↔ Q flips data bits.
    tampered.push(if last == 'A' { 'Q' } else { 'A' });
    let session_jwt = admin.trim_start_matches("__Host-kaohe=").to_string();

    let cases = [
        (forged, StatusCode::FORBIDDEN, "invalid_token"),
        (tampered, StatusCode::FORBIDDEN, "invalid_token"),
        (session_jwt, StatusCode::FORBIDDEN, "invalid_token"),
        (expired, StatusCode::GONE, "token_expired"),
        (other_scope, StatusCode::FORBIDDEN, "wrong_scope"),
        (other_period, StatusCode::FORBIDDEN, "wrong_scope"),
    ];
    // A genuine solution, so that only the token is wrong.
    for (i, (token, status, expected)) in cases.into_iter().enumerate() {
        let path = format!("/r/{token}");
        let res = srv.get(&path, None).await;
        assert_eq!(res.status(), status, "{expected}");
        let html = res.text().await.unwrap();
        assert!(html.contains(&format!("data-code=\"{expected}\"")), "{html}");
        assert!(html.contains(if status == StatusCode::GONE { "评议已结束" } else { "二维码无效" }), "{html}");
        let device = format!("{i:032x}");
        let solved = solution(&srv, &genuine).await;
        let (got, body) = post(
            &srv,
            &path,
            Rating { device: &device, level: "satisfied", comment: "", solution: solved, ip: None, json: true },
        )
        .await;
        assert_eq!((got, code(&body).as_str()), (status, expected), "{body}");
        assert!(serde_json::from_str::<Value>(&body).unwrap()["message"].as_str().is_some_and(|m| !m.is_ascii()));
    }
    assert_eq!(stored(&srv).await, 0);

    // Closing the campaign refuses its genuine link too.
    let (status, _) = srv.json("close_campaign", &[("id", &cid.to_string())], Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = rate(&srv, &genuine, &device(), "satisfied").await;
    assert_eq!(status, StatusCode::GONE);
    assert!(body.contains("本次评议已结束"));
    assert_eq!(stored(&srv).await, 0);
}

async fn only_admins_open_campaigns_and_read_results(app: TestApp) {
    let srv = server(&app, |_| {}).await;
    let admin = srv.sign_in_demo("admin").await;
    let at = place(&srv, &admin).await;
    let campaign = open_campaign(&srv, &admin, at.unit_id, None, "2026-Q4").await;
    let id = campaign["id"].as_i64().unwrap().to_string();

    for username in ["wangfang", "zhangwei", "kaoheban"] {
        let user = srv.sign_in_demo(username).await;
        assert_eq!(srv.json("load_campaigns", &[], Some(&user)).await.0, StatusCode::FORBIDDEN, "{username}");
        let new = json!({ "campaign": { "unit_id": at.unit_id, "person_id": null, "period": "2026-11", "days": 7 } });
        assert_eq!(srv.call_json("create_campaign", &new, Some(&user)).await.0, StatusCode::FORBIDDEN);
        assert_eq!(srv.json("close_campaign", &[("id", &id)], Some(&user)).await.0, StatusCode::FORBIDDEN);
        for what in ["qr.svg", "qr.png", "poster"] {
            let res = srv.get(&format!("/admin/campaigns/{id}/{what}"), Some(&user)).await;
            assert_eq!(res.status(), StatusCode::FORBIDDEN, "{username} {what}");
        }
    }
    assert_eq!(srv.get(&format!("/admin/campaigns/{id}/qr.svg"), None).await.status(), StatusCode::UNAUTHORIZED);
    let res = srv.get(&format!("/admin/campaigns/{id}/poster"), None).await;
    assert!(res.status().is_redirection());
    assert_eq!(res.headers()["location"], "/login");
    assert_eq!(
        srv.call_json(
            "create_campaign",
            &json!({ "campaign": {
        "unit_id": at.unit_id, "person_id": null, "period": "2026-11", "days": 7 } }),
            None
        )
        .await
        .0,
        StatusCode::UNAUTHORIZED
    );

    // The admin gets the QR code as SVG and PNG, and the poster.
    let res = srv.get(&format!("/admin/campaigns/{id}/qr.svg"), Some(&admin)).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/svg+xml");
    assert!(res.text().await.unwrap().contains("<svg"));
    let res = srv.get(&format!("/admin/campaigns/{id}/qr.png"), Some(&admin)).await;
    assert_eq!(res.headers()["content-type"], "image/png");
    assert!(res.bytes().await.unwrap().starts_with(b"\x89PNG"));
    let poster = srv.get(&format!("/admin/campaigns/{id}/poster"), Some(&admin)).await.text().await.unwrap();
    for text in [campaign["title"].as_str().unwrap(), "2026年第四季度", "扫描", "<svg", "每部手机限评一次"]
    {
        assert!(poster.contains(text), "poster lacks {text}");
    }

    // Bad input is refused with field messages; a person of another unit too.
    let (status, body) = srv
        .call_json(
            "create_campaign",
            &json!({ "campaign": { "unit_id": at.unit_id, "person_id": null, "period": "2026-13", "days": 0 } }),
            Some(&admin),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["fields"]["period"].is_string() && body["fields"]["days"].is_string(), "{body}");
    let (_, board) = srv.json("load_campaigns", &[], Some(&admin)).await;
    let stranger = board["units"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["id"].as_i64() != Some(at.unit_id))
        .find_map(|u| u["people"][0]["id"].as_i64())
        .expect("someone of another unit");
    let (status, body) = srv
        .call_json(
            "create_campaign",
            &json!({ "campaign": { "unit_id": at.unit_id, "person_id": stranger, "period": "2026-11", "days": 7 } }),
            Some(&admin),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    // Opening and closing are audited.
    let mut pooled = srv.db.acquire().await.unwrap();
    let mut conn = pooled.conn();
    let audited: i64 = server::on_conn!(&mut conn, |c| sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'social.campaign.%'"
    )
    .fetch_one(c)
    .await)
    .unwrap();
    assert_eq!(audited, 1);
}

async fn the_address_limit_stops_one_address_but_not_another(app: TestApp) {
    let srv = server(&app, |s| {
        s.trust_proxy = true;
        s.social_max_per_ip = 3;
    })
    .await;
    let admin = srv.sign_in_demo("admin").await;
    let at = place(&srv, &admin).await;
    let path = path_of(&open_campaign(&srv, &admin, at.unit_id, None, "2026-11").await);
    let from = |ip: &'static str, device: &'static str, solution: String| Rating {
        device,
        level: "basic",
        comment: "",
        solution,
        ip: Some(ip),
        json: true,
    };
    let devices =
        ["10000000000000000000000000000001", "10000000000000000000000000000002", "10000000000000000000000000000003"];
    for d in devices {
        let (status, body) = post(&srv, &path, from("203.0.113.7", d, solution(&srv, &path).await)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let mut req = srv
        .client
        .post(format!("{}{path}", srv.url))
        .header("sec-fetch-site", "same-origin")
        .header("x-forwarded-for", "203.0.113.7, 10.0.0.1")
        .header(COOKIE, format!("kaohe_device={}", device()));
    req = req.form(&[("level", "basic"), ("altcha", solution(&srv, &path).await.as_str())]);
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry), "{retry}");
    assert!(res.text().await.unwrap().contains("提交过于频繁"));

    // Another address still gets through.
    let (status, body) =
        post(&srv, &path, from("198.51.100.4", "10000000000000000000000000000004", solution(&srv, &path).await)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(stored(&srv).await, 4);

    // Only keyed hashes of the addresses are kept.
    let mut pooled = srv.db.acquire().await.unwrap();
    let mut conn = pooled.conn();
    let hashes: Vec<String> =
        server::on_conn!(&mut conn, |c| sqlx::query_scalar("SELECT DISTINCT ip_hash FROM social_ratings")
            .fetch_all(c)
            .await)
        .unwrap();
    assert_eq!(hashes.len(), 2);
    assert!(hashes.iter().all(|h| h.len() == 32 && !h.contains("203.0") && !h.contains("198.51")));
}

async fn set_ends_at(app: &TestApp, id: i64, ends_at: chrono::DateTime<chrono::Utc>) {
    let mut pooled = app.db.acquire().await.unwrap();
    let mut conn = pooled.conn();
    server::on_conn!(&mut conn, |c| sqlx::query("UPDATE social_campaigns SET ends_at = $1 WHERE id = $2")
        .bind(ends_at)
        .bind(id)
        .execute(c)
        .await
        .map(|_| ()))
    .unwrap();
}

async fn aggregate(app: &TestApp, person: i64, unit: i64, period: &str) -> Option<(String, u32)> {
    let mut pooled = app.db.acquire().await.unwrap();
    server::social::aggregate(&mut pooled.conn(), person, unit, period)
        .await
        .unwrap()
        .map(|s| (s.score.round_to(2).to_string(), s.n))
}

async fn aggregate_counts_ended_campaigns_of_the_person_else_of_the_unit(app: TestApp) {
    let srv = server(&app, |_| {}).await;
    let admin = srv.sign_in_demo("admin").await;
    let at = place(&srv, &admin).await;
    let (secretary, colleague) = (at.people[0], at.people[1]);
    let unit_campaign = open_campaign(&srv, &admin, at.unit_id, None, "2026-11").await;
    let person_campaign = open_campaign(&srv, &admin, at.unit_id, Some(secretary), "2026-11").await;
    assert_eq!(aggregate(&srv, secretary, at.unit_id, "2026-11").await, None);

    let unit_path = path_of(&unit_campaign);
    for level in ["satisfied", "satisfied", "basic", "dissatisfied"] {
        assert_eq!(rate(&srv, &unit_path, &device(), level).await.0, StatusCode::OK);
    }
    let person_path = path_of(&person_campaign);
    for level in ["satisfied", "basic", "basic"] {
        assert_eq!(rate(&srv, &person_path, &device(), level).await.0, StatusCode::OK);
    }
    // Open campaigns do not count yet.
    assert_eq!(aggregate(&srv, secretary, at.unit_id, "2026-11").await, None);
    assert_eq!(aggregate(&srv, colleague, at.unit_id, "2026-11").await, None);

    // The unit's campaign ends by its date; the person's is closed by the admin.
    set_ends_at(&srv, unit_campaign["id"].as_i64().unwrap(), chrono::Utc::now() - TimeDelta::minutes(1)).await;
    assert_eq!(aggregate(&srv, colleague, at.unit_id, "2026-11").await, Some(("65.00".into(), 4)));
    assert_eq!(aggregate(&srv, secretary, at.unit_id, "2026-11").await, Some(("65.00".into(), 4)));
    let (status, closed) =
        srv.json("close_campaign", &[("id", &person_campaign["id"].to_string())], Some(&admin)).await;
    assert_eq!(status, StatusCode::OK, "{closed}");
    assert_eq!(closed["open"], false);
    assert_eq!(
        (closed["satisfied"].as_i64(), closed["basic"].as_i64(), closed["total"].as_i64()),
        (Some(1), Some(2), Some(3))
    );
    // (100 + 60 + 60) / 3 = 73.33…: the person's own campaign wins over the unit's.
    assert_eq!(aggregate(&srv, secretary, at.unit_id, "2026-11").await, Some(("73.33".into(), 3)));
    assert_eq!(aggregate(&srv, colleague, at.unit_id, "2026-11").await, Some(("65.00".into(), 4)));
    assert_eq!(aggregate(&srv, secretary, at.unit_id, "2026-12").await, None);
}

async fn bursts_and_one_address_majorities_are_flagged_for_the_admin(app: TestApp) {
    let srv = server(&app, |s| s.social_max_per_ip = 100).await;
    let admin = srv.sign_in_demo("admin").await;
    let at = place(&srv, &admin).await;
    let campaign = open_campaign(&srv, &admin, at.unit_id, None, "2026-11").await;
    let quiet = open_campaign(&srv, &admin, at.unit_id, Some(at.people[0]), "2026-11").await;
    let path = path_of(&campaign);
    for _ in 0..31 {
        assert_eq!(rate(&srv, &path, &device(), "satisfied").await.0, StatusCode::OK);
    }
    assert_eq!(rate(&srv, &path_of(&quiet), &device(), "basic").await.0, StatusCode::OK);

    let (status, board) = srv.json("load_campaigns", &[], Some(&admin)).await;
    assert_eq!(status, StatusCode::OK);
    let find = |id: &Value| board["campaigns"].as_array().unwrap().iter().find(|c| c["id"] == *id).unwrap().clone();
    let flagged = find(&campaign["id"]);
    assert_eq!(flagged["total"], 31);
    let kinds: Vec<&str> = flagged["flags"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["burst", "one_source"], "{flagged}");
    assert_eq!(flagged["flags"][0]["count"], 31);
    assert_eq!(flagged["flags"][1]["percent"], 100);
    assert_eq!(find(&quiet["id"])["flags"], json!([]));
}
