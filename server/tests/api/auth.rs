//! Sign-in, sessions, sign-out, throttling and CSRF over real HTTP.

use reqwest::StatusCode;
use serde_json::Value;
use server::storage::users;

use crate::helpers::{session_cookie, TestApp};
use crate::on_both_databases;

on_both_databases!(
    signing_in_sets_a_host_only_secure_httponly_strict_cookie,
    a_wrong_password_is_refused_with_a_machine_code_and_no_cookie,
    an_unknown_user_is_refused_exactly_like_a_wrong_password,
    whoami_names_the_signed_in_user_with_roles_and_units,
    signing_out_ends_the_session_on_the_server_at_once,
    disabling_a_user_ends_their_session_at_once,
    repeated_failures_are_throttled_per_user_name,
    a_forged_token_is_not_a_session,
    a_cross_site_post_is_refused_before_any_handler_runs,
    a_second_server_on_the_same_database_honours_the_session,
    empty_fields_are_rejected_with_chinese_field_messages,
);

async fn signing_in_sets_a_host_only_secure_httponly_strict_cookie(app: TestApp) {
    app.load_demo().await;
    let res = app.call("sign_in", &[("username", "wangfang"), ("password", "kaohe2026")], None).await;
    assert!(res.status().is_redirection() || res.status().is_success(), "{}", res.status());
    let set_cookie: Vec<_> =
        res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    let session = set_cookie.iter().find(|c| c.starts_with("__Host-kaohe=")).expect("session cookie");
    for attr in ["Path=/", "Secure", "HttpOnly", "SameSite=Strict"] {
        assert!(session.contains(attr), "{session} lacks {attr}");
    }
    assert!(!session.contains("Domain"));
    // The server tells the browser where the cadre's home is.
    let location = res.headers().get("location").map(|v| v.to_str().unwrap().to_string());
    assert_eq!(location.as_deref(), Some("/filing"));
}

async fn a_wrong_password_is_refused_with_a_machine_code_and_no_cookie(app: TestApp) {
    app.load_demo().await;
    let res = app.call("sign_in", &[("username", "wangfang"), ("password", "wrong")], None).await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert!(session_cookie(&res).is_none());
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "invalid_credentials");
}

async fn an_unknown_user_is_refused_exactly_like_a_wrong_password(app: TestApp) {
    app.load_demo().await;
    let (unknown_status, unknown) = app.json("sign_in", &[("username", "nobody"), ("password", "x")], None).await;
    let (wrong_status, wrong) = app.json("sign_in", &[("username", "wangfang"), ("password", "x")], None).await;
    assert_eq!(unknown_status, wrong_status);
    assert_eq!(unknown, wrong);
}

async fn whoami_names_the_signed_in_user_with_roles_and_units(app: TestApp) {
    app.load_demo().await;
    let (status, nobody) = app.json("whoami", &[], None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(nobody, Value::Null);

    let cookie = app.sign_in_demo("zhangwei").await;
    let (_, me) = app.json("whoami", &[], Some(&cookie)).await;
    assert_eq!(me["username"], "zhangwei");
    assert_eq!(me["display_name"], "张伟");
    assert_eq!(me["roles"], serde_json::json!(["cadre", "leader"]), "a unit head is assessed and leads");
    assert_eq!(me["supervised_units"].as_array().unwrap().len(), 1);
}

async fn signing_out_ends_the_session_on_the_server_at_once(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let res = app.call("sign_out", &[], Some(&cookie)).await;
    assert!(res.status().is_redirection() || res.status().is_success());
    let cleared = res.headers().get_all("set-cookie").iter().any(|v| {
        let v = v.to_str().unwrap();
        v.starts_with("__Host-kaohe=;") && v.contains("Max-Age=0")
    });
    assert!(cleared, "the cookie is cleared");
    // A copy of the old cookie (say, stolen) no longer works.
    let (_, me) = app.json("whoami", &[], Some(&cookie)).await;
    assert_eq!(me, Value::Null);
    let (status, _) = app.json("my_profile", &[], Some(&cookie)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn disabling_a_user_ends_their_session_at_once(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let mut pooled = app.db.acquire().await.unwrap();
    let user = users::by_username(&mut pooled.conn(), "wangfang").await.unwrap().unwrap();
    users::set_disabled(&mut pooled.conn(), user.id, true).await.unwrap();
    let (_, me) = app.json("whoami", &[], Some(&cookie)).await;
    assert_eq!(me, Value::Null);
    // Nor can they sign in again.
    let (status, body) = app.json("sign_in", &[("username", "wangfang"), ("password", "kaohe2026")], None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(body["code"], "invalid_credentials");
}

async fn repeated_failures_are_throttled_per_user_name(app: TestApp) {
    app.load_demo().await;
    for _ in 0..app.settings.login_max_failures {
        let (status, _) = app.json("sign_in", &[("username", "lina"), ("password", "guess")], None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Now even the right password waits: the guesser cannot tell.
    let (status, body) = app.json("sign_in", &[("username", "lina"), ("password", "kaohe2026")], None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(body["code"], "rate_limited");
    assert!(body["retry_after_secs"].as_u64().unwrap() > 0);
    // Other users are not affected.
    app.sign_in_demo("wangfang").await;
}

async fn a_forged_token_is_not_a_session(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    // Flip one character of the signature.
    let mut forged = cookie.clone().into_bytes();
    let last = forged.len() - 2;
    forged[last] = if forged[last] == b'A' { b'B' } else { b'A' };
    let forged = String::from_utf8(forged).unwrap();
    let (_, me) = app.json("whoami", &[], Some(&forged)).await;
    assert_eq!(me, Value::Null);
    let (_, me) = app.json("whoami", &[], Some("__Host-kaohe=not.a.jwt")).await;
    assert_eq!(me, Value::Null);
}

async fn a_cross_site_post_is_refused_before_any_handler_runs(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let res = app
        .client
        .post(format!("{}/api/sign_out", app.url))
        .header("sec-fetch-site", "cross-site")
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "cross_site");
    // The session survived the attempt.
    let (_, me) = app.json("whoami", &[], Some(&cookie)).await;
    assert_eq!(me["username"], "wangfang");
    // An Origin of another site is refused the same way.
    let res = app
        .client
        .post(format!("{}/api/sign_in", app.url))
        .header("origin", "https://evil.example")
        .form(&[("username", "wangfang"), ("password", "kaohe2026")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

async fn a_second_server_on_the_same_database_honours_the_session(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let peer = crate::helpers::spawn_peer(&app).await;
    let (_, me) = peer.json("whoami", &[], Some(&cookie)).await;
    assert_eq!(me["username"], "wangfang");
    // Signing out on one server ends the session on the other.
    peer.call("sign_out", &[], Some(&cookie)).await;
    let (_, me) = app.json("whoami", &[], Some(&cookie)).await;
    assert_eq!(me, Value::Null);
}

async fn empty_fields_are_rejected_with_chinese_field_messages(app: TestApp) {
    let (status, body) = app.json("sign_in", &[("username", " "), ("password", "x")], None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "invalid");
    assert_eq!(body["fields"]["username"], "请输入用户名");
}
