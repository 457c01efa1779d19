//! Start-up, health, pages behind the sign-in gate, demo data.

use reqwest::StatusCode;
use serde_json::Value;
use server::config::Settings;
use server::demo;
use server::startup::Application;

use crate::helpers::TestApp;
use crate::on_both_databases;

on_both_databases!(
    health_reports_the_database_it_uses,
    pages_send_strangers_to_sign_in,
    the_root_sends_each_role_to_its_home,
    signed_in_pages_render_in_chinese_on_the_server,
    the_demo_district_loads_only_into_an_empty_database,
    unreadable_arguments_are_the_clients_mistake,
    an_unknown_api_path_is_a_json_404,
);

/// A function name the server does not know is a 404 with the error JSON, not a page.
async fn an_unknown_api_path_is_a_json_404(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let (status, body) = app.json("no_such_function", &[], Some(&cookie)).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(body["code"], "not_found", "{body}");
    let res = app.get("/api/no_such_function", Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.headers()["content-type"].to_str().unwrap().contains("json"));
}

/// Arguments Leptos cannot read (JSON posted to a form-encoded function, a missing or
/// mistyped field) are answered 422 `invalid`, not 500.
async fn unreadable_arguments_are_the_clients_mistake(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("wangfang").await;
    let (status, body) = app.call_json("get_filing", &serde_json::json!({ "id": 1 }), Some(&cookie)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "invalid");
    let (status, body) = app.json("get_filing", &[("id", "eins")], Some(&cookie)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let (status, body) = app.json("get_filing", &[], Some(&cookie)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

async fn health_reports_the_database_it_uses(app: TestApp) {
    let res = app.get("/healthz", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    let expected = match app.flavor() {
        server::storage::Flavor::Sqlite => "sqlite",
        server::storage::Flavor::Postgres => "postgres",
    };
    assert_eq!(body["database"], expected);
}

async fn pages_send_strangers_to_sign_in(app: TestApp) {
    for path in ["/", "/filing", "/me", "/review", "/unit", "/schemes", "/ranking"] {
        let res = app.get(path, None).await;
        assert!(res.status().is_redirection(), "{path}: {}", res.status());
        assert_eq!(res.headers()["location"], "/login", "{path}");
    }
    let res = app.get("/login", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    assert!(html.contains("登录"), "the sign-in page speaks Chinese");
    assert!(html.contains("/manifest.webmanifest"));
}

async fn the_root_sends_each_role_to_its_home(app: TestApp) {
    app.load_demo().await;
    for (user, home) in [("wangfang", "/filing"), ("zhangwei", "/review"), ("admin", "/schemes")] {
        let cookie = app.sign_in_demo(user).await;
        let res = app.get("/", Some(&cookie)).await;
        assert_eq!(res.headers()["location"], home, "{user}");
        let res = app.get("/login", Some(&cookie)).await;
        assert_eq!(res.headers()["location"], home, "{user} is already signed in");
    }
}

async fn signed_in_pages_render_in_chinese_on_the_server(app: TestApp) {
    app.load_demo().await;
    let cookie = app.sign_in_demo("zhangwei").await;
    let res = app.get("/unit", Some(&cookie)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    for text in ["本单位", "老城街道", "李娜", "待审核", "退出登录"] {
        assert!(html.contains(text), "page lacks {text}");
    }
}

async fn the_demo_district_loads_only_into_an_empty_database(app: TestApp) {
    let loaded = demo::load(&app.db).await.unwrap();
    assert_eq!((loaded.units, loaded.people, loaded.accounts), (8, 40, 42));
    assert!(matches!(demo::load(&app.db).await, Err(demo::DemoError::NotEmpty)));
}

#[tokio::test]
async fn start_up_stops_with_a_clear_message_when_the_database_cannot_be_opened() {
    let settings = Settings {
        database_url: "postgres://nobody@127.0.0.1:1/none".into(),
        addr: "127.0.0.1:0".parse().unwrap(),
        ..Settings::default()
    };
    let options = leptos::config::LeptosOptions::builder().output_name("kaohe").build();
    let err = Application::build(&settings, options).await.err().expect("start-up fails");
    let message = err.to_string();
    assert!(message.contains("无法连接数据库"), "{message}");
    assert!(message.contains("127.0.0.1:1"), "{message}");
}

#[tokio::test]
async fn an_unsupported_database_url_is_named() {
    let settings = Settings { database_url: "mysql://x@y/z".into(), ..Settings::default() };
    let options = leptos::config::LeptosOptions::builder().output_name("kaohe").build();
    let err = Application::build(&settings, options).await.err().expect("start-up fails");
    assert!(err.to_string().contains("不支持的数据库地址"), "{err}");
}

/// Tests run many servers in one process, and starting a server must not stall a page
/// another one is rendering. Leptos renders the app once to list its routes, with
/// resource loading suppressed by a process-wide flag (leptos_server's
/// `SuppressResourceLoad`, leptos issue 4773); a resource first polled inside that window
/// waited forever, and CI once hung on `signed_in_pages_render_in_chinese_on_the_server`
/// until its time ran out. The route list is now generated once per process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_other_servers_start() {
    use std::time::Duration;

    use crate::helpers::{spawn_app, Backend};

    let app = spawn_app(Backend::Sqlite).await.unwrap();
    app.load_demo().await;
    let cookie = app.sign_in_demo("zhangwei").await;
    let starting = async {
        for _ in 0..12 {
            drop(spawn_app(Backend::Sqlite).await.unwrap());
        }
    };
    let render = || async {
        for _ in 0..40 {
            let page = async {
                let res = app.get("/unit", Some(&cookie)).await;
                assert_eq!(res.status(), StatusCode::OK);
                res.text().await.unwrap()
            };
            let html = tokio::time::timeout(Duration::from_secs(10), page)
                .await
                .expect("the page finished rendering while other servers started");
            assert!(html.contains("李娜"), "the page shows the unit's people");
        }
    };
    tokio::join!(starting, render(), render(), render());
}

/// The guard every two-database scenario runs under fails a scenario that never ends.
#[tokio::test]
#[should_panic(expected = "waits_forever did not finish within 0.05 s")]
async fn a_scenario_that_never_ends_fails_naming_itself() {
    crate::helpers::within(std::time::Duration::from_millis(50), "waits_forever", std::future::pending()).await;
}
