//! `spawn_app`: a fresh database (a temporary SQLite file, or a new PostgreSQL database
//! created for the test and dropped afterwards) and the server on a free port.

use std::sync::OnceLock;

use leptos::config::LeptosOptions;
use reqwest::header::{HeaderMap, HeaderValue, COOKIE, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};
use serde_json::Value;
use server::config::Settings;
use server::startup::Application;
use server::storage::{Db, Flavor};

/// Where PostgreSQL tests create their databases.
pub fn postgres_admin_url() -> String {
    std::env::var("KAOHE_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

/// Whether a missing PostgreSQL must fail the run (the README test command sets it, so on
/// this machine and in CI the PostgreSQL half never silently skips).
fn postgres_required() -> bool {
    std::env::var("KAOHE_REQUIRE_POSTGRES").is_ok_and(|v| v == "1")
}

pub struct TestApp {
    pub url: String,
    pub db: Db,
    pub settings: Settings,
    pub client: Client,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    pg_database: Option<String>,
    sqlite_file: Option<std::path::PathBuf>,
}

/// Which database a scenario runs on.
#[derive(Clone, Copy, Debug)]
pub enum Backend {
    Sqlite,
    Postgres,
}

fn leptos_options() -> LeptosOptions {
    LeptosOptions::builder().output_name("kaohe").site_root("target/site").build()
}

/// A fresh database URL, or `None` when PostgreSQL is unreachable and not required.
async fn fresh_database(backend: Backend) -> Option<(String, Option<String>)> {
    let id = uuid::Uuid::new_v4().simple().to_string();
    match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("kaohe-test-{id}.db"));
            Some((format!("sqlite://{}", path.display()), None))
        }
        Backend::Postgres => {
            let admin_url = postgres_admin_url();
            let admin = match Db::connect(&admin_url, 1).await {
                Ok(db) => db,
                Err(e) if !postgres_required() => {
                    eprintln!("PostgreSQL unreachable ({e}); skipping. Set KAOHE_REQUIRE_POSTGRES=1 to fail instead.");
                    return None;
                }
                Err(e) => panic!("PostgreSQL is required but unreachable: {e}"),
            };
            let name = format!("kaohe_test_{id}");
            exec(&admin, &format!("CREATE DATABASE {name}")).await;
            admin.close().await;
            let base = admin_url.rsplit_once('/').map(|(b, _)| b.to_string()).unwrap_or(admin_url);
            Some((format!("{base}/{name}"), Some(name)))
        }
    }
}

/// Runs one statement of test-only SQL (built with `format!`, hence `AssertSqlSafe`).
pub async fn exec(db: &Db, sql: &str) {
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    match db {
        Db::Sqlite(p, _) => sqlx::query(sql).execute(p).await.map(|_| ()),
        Db::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
    }
    .unwrap_or_else(|e| panic!("test SQL failed: {e}"));
}

/// Like [`exec`], returning the database's error instead of panicking.
pub async fn try_exec(db: &Db, sql: &str) -> Result<(), sqlx::Error> {
    let sql = sqlx::AssertSqlSafe(sql.to_string());
    match db {
        Db::Sqlite(p, _) => sqlx::query(sql).execute(p).await.map(|_| ()),
        Db::Postgres(p) => sqlx::query(sql).execute(p).await.map(|_| ()),
    }
}

/// Starts the server on a fresh database of `backend`; `None` only when PostgreSQL is
/// unreachable and not required.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    init_tracing();
    let (database_url, pg_database) = fresh_database(backend).await?;
    let settings =
        Settings { database_url, addr: "127.0.0.1:0".parse().unwrap(), db_max_connections: 8, ..Settings::default() };
    Some(start(settings, pg_database).await)
}

/// A second server on the same database (as behind a load balancer).
pub async fn spawn_peer(app: &TestApp) -> TestApp {
    let settings = Settings { addr: "127.0.0.1:0".parse().unwrap(), ..app.settings.clone() };
    let mut peer = start(settings, None).await;
    peer.sqlite_file = None; // the first server's TestApp removes the file
    peer
}

async fn start(settings: Settings, pg_database: Option<String>) -> TestApp {
    let application = Application::build(&settings, leptos_options()).await.expect("server builds");
    let addr = application.local_addr();
    let db = application.db().clone();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(application.run_until(async move {
        let _ = rx.await;
    }));
    let client = Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let sqlite_file = settings.database_url.strip_prefix("sqlite://").map(std::path::PathBuf::from);
    TestApp { url: format!("http://{addr}"), db, settings, client, shutdown: Some(tx), pg_database, sqlite_file }
}

fn init_tracing() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| {
        if std::env::var("TEST_LOG").is_ok() {
            server::telemetry::init(false);
        }
    });
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(path) = self.sqlite_file.take() {
            // Peers share the file; whoever drops last removes it (errors are harmless).
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
        if let Some(name) = self.pg_database.take() {
            // Drop the per-test database from a separate thread: Drop cannot await.
            let admin_url = postgres_admin_url();
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    if let Ok(admin) = Db::connect(&admin_url, 1).await {
                        let _ = try_exec(&admin, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await;
                        admin.close().await;
                    }
                });
            })
            .join();
        }
    }
}

/// The `Cookie` header value that carries a session.
pub fn session_cookie(res: &Response) -> Option<String> {
    res.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-kaohe=") && !v.starts_with("__Host-kaohe=;"))
        .map(|v| v.split(';').next().unwrap_or_default().to_string())
}

impl TestApp {
    /// A second server on this database with some settings changed (a known secret key, a
    /// trusted proxy, smaller limits …); this one keeps owning the database.
    pub async fn peer_with(&self, change: impl FnOnce(&mut Settings)) -> TestApp {
        let mut settings = Settings { addr: "127.0.0.1:0".parse().unwrap(), ..self.settings.clone() };
        change(&mut settings);
        let mut peer = start(settings, None).await;
        peer.sqlite_file = None;
        peer
    }

    pub fn flavor(&self) -> Flavor {
        self.db.flavor()
    }

    pub async fn load_demo(&self) {
        server::demo::load(&self.db).await.expect("demo loads");
    }

    /// Calls a server function the way the browser's WebAssembly does (form-encoded POST
    /// from the same origin).
    pub async fn call(&self, endpoint: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        headers.insert("accept", HeaderValue::from_static("application/json"));
        if let Some(c) = cookie {
            headers.insert(COOKIE, HeaderValue::from_str(c).unwrap());
        }
        self.client
            .post(format!("{}/api/{endpoint}", self.url))
            .headers(headers)
            .form(form)
            .send()
            .await
            .expect("request sent")
    }

    /// Signs in and returns the session cookie.
    pub async fn sign_in(&self, username: &str, password: &str) -> String {
        let res = self.call("sign_in", &[("username", username), ("password", password)], None).await;
        assert!(res.status().is_success() || res.status().is_redirection(), "sign-in failed: {}", res.status());
        session_cookie(&res).expect("a session cookie")
    }

    pub async fn sign_in_demo(&self, username: &str) -> String {
        self.sign_in(username, server::demo::PASSWORD).await
    }

    /// Calls an endpoint and returns status and JSON body.
    pub async fn json(&self, endpoint: &str, form: &[(&str, &str)], cookie: Option<&str>) -> (StatusCode, Value) {
        let res = self.call(endpoint, form, cookie).await;
        let status = res.status();
        let body = res.text().await.unwrap_or_default();
        (status, serde_json::from_str(&body).unwrap_or(Value::String(body)))
    }

    /// Calls a JSON-encoded server function (`input = Json`) with `body`.
    pub async fn call_json(&self, endpoint: &str, body: &Value, cookie: Option<&str>) -> (StatusCode, Value) {
        let mut req =
            self.client.post(format!("{}/api/{endpoint}", self.url)).header("sec-fetch-site", "same-origin").json(body);
        if let Some(c) = cookie {
            req = req.header(COOKIE, c);
        }
        let res = req.send().await.expect("request sent");
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Response {
        let mut req = self.client.get(format!("{}{path}", self.url));
        if let Some(c) = cookie {
            req = req.header(COOKIE, c);
        }
        req.send().await.expect("request sent")
    }
}

/// How long one scenario may take. The slowest take a few seconds; a scenario that waits
/// forever (a lost wake-up, a lock never released) fails here naming itself, instead of
/// holding the whole run until CI's time runs out.
pub const SCENARIO_LIMIT: std::time::Duration = std::time::Duration::from_secs(120);

/// Runs `scenario` under [`SCENARIO_LIMIT`].
pub async fn within_limit(name: &str, scenario: impl std::future::Future<Output = ()>) {
    within(SCENARIO_LIMIT, name, scenario).await;
}

/// Runs `scenario`, panicking with its name when it takes longer than `limit`.
pub async fn within(limit: std::time::Duration, name: &str, scenario: impl std::future::Future<Output = ()>) {
    if tokio::time::timeout(limit, scenario).await.is_err() {
        panic!("{name} did not finish within {} s: something waits forever", limit.as_secs_f32());
    }
}

/// Runs each named scenario `async fn name(app: TestApp)` once on SQLite and once on
/// PostgreSQL, as `<module>::sqlite::name` and `<module>::postgres::name`, each under
/// [`SCENARIO_LIMIT`].
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::helpers::within_limit(stringify!($name), async {
                        let app = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await.unwrap();
                        super::$name(app).await;
                    })
                    .await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    $crate::helpers::within_limit(stringify!($name), async {
                        if let Some(app) = $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await {
                            super::$name(app).await;
                        }
                    })
                    .await;
                }
            )+
        }
    };
}
