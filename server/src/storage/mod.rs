//! Storage: one pool per process, on SQLite (default) or PostgreSQL.
//!
//! Every query is written once. [`Conn`] holds a connection of either database and the
//! [`on_conn!`] macro expands a query body once per database, so each expansion is
//! type-checked against its own sqlx driver (dates, JSON and booleans keep their real
//! types; sqlx's `Any` driver would flatten them). Parameters are written `$1, $2 …`,
//! which both PostgreSQL and SQLite understand.
//!
//! Query functions are small, named, take a [`Conn`] (a pooled connection or an open
//! transaction) and are instrumented with `tracing`.

pub mod audit;
pub mod evaluations;
pub mod evidence;
pub mod filings;
pub mod org;
pub mod reviews;
pub mod schemes;
pub mod sessions;
pub mod settings;
pub mod social;
pub mod submission;
pub mod tasks;
pub mod users;

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgConnection, PgPool, Postgres, Sqlite, SqliteConnection, SqlitePool, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

/// A pooled PostgreSQL connection idle this long is pinged before it is handed out.
const PING_IF_IDLE_FOR: Duration = Duration::from_secs(30);

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Sqlite,
    Postgres,
}

impl Flavor {
    /// Picks the database from the URL scheme.
    ///
    /// # Errors
    /// [`StorageError::UnsupportedUrl`] for anything but `sqlite:` and `postgres(ql):`.
    pub fn of_url(url: &str) -> Result<Self, StorageError> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Ok(Self::Postgres)
        } else {
            Err(StorageError::UnsupportedUrl(redact_url(url)))
        }
    }
}

/// Errors of opening and migrating the database. Query errors stay `sqlx::Error`.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("不支持的数据库地址 {0}：请使用 sqlite:// 或 postgres://")]
    UnsupportedUrl(String),
    #[error("无法连接数据库 {url}：{source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("无法创建数据库目录 {path}：{source}")]
    Directory { path: String, source: std::io::Error },
    #[error("数据库迁移失败（{url}）：{source}")]
    Migrate { url: String, source: sqlx::migrate::MigrateError },
}

/// The process-wide pool. Cheap to clone.
#[derive(Clone, Debug)]
pub enum Db {
    /// The pool, and this process's turn to write (see [`WriteTurn`]).
    Sqlite(SqlitePool, WriteTurn),
    Postgres(PgPool),
}

/// SQLite has one writer at a time. Left to itself, a second writer waits in SQLite's
/// busy handler, which polls with sleeps of 1 to 100 ms: under load most of a request's
/// time went to those sleeps (p99 over a second). Writers of this process instead queue
/// on an async mutex, which hands the turn over the moment the previous transaction
/// ends. SQLite is one process by nature, so a process-local turn loses nothing; another
/// process (a CLI, a second test server on the same file) still meets `busy_timeout`.
///
/// Submissions also wait here, in [`submission::Waiting`]: whichever of their requests
/// gets the turn writes all that are waiting in one transaction (group commit).
#[derive(Clone, Debug, Default)]
pub struct WriteTurn {
    turn: Arc<Mutex<()>>,
    pub(crate) waiting: Arc<submission::Waiting>,
}

/// Holding this is holding the process's write turn.
pub struct Turn {
    _guard: OwnedMutexGuard<()>,
}

impl WriteTurn {
    pub(crate) async fn take(&self) -> Turn {
        Turn { _guard: self.turn.clone().lock_owned().await }
    }
}

/// An SQLite write transaction opened and ended by the caller's own statements, for a
/// write sent as one multi-statement query (`BEGIN IMMEDIATE; …; COMMIT`): one hand-over
/// to the connection's thread, where sqlx's transaction would add one for BEGIN and one
/// for COMMIT. It borrows the process's [`Turn`], so the turn outlives it.
///
/// sqlx does not know the transaction is open, so it must not go back to the pool open:
/// dropped before [`ScriptTx::ended`] or a successful [`ScriptTx::rollback`] (a request
/// cancelled half-way, a panic), the connection is closed instead, and SQLite rolls the
/// transaction back as it closes.
pub struct ScriptTx<'t> {
    conn: PoolConnection<Sqlite>,
    open: bool,
    _turn: &'t Turn,
}

impl<'t> ScriptTx<'t> {
    /// Takes a connection for a writer that holds the turn (no statement yet).
    pub(crate) async fn open(pool: &SqlitePool, turn: &'t Turn) -> Result<Self, sqlx::Error> {
        Ok(Self { conn: pool.acquire().await?, open: true, _turn: turn })
    }

    pub fn conn(&mut self) -> &mut SqliteConnection {
        &mut self.conn
    }

    /// The caller's last query ended the transaction (its COMMIT ran).
    pub fn ended(mut self) {
        self.open = false;
    }

    /// Rolls back; if even that fails, the connection is closed on drop.
    pub async fn rollback(mut self) {
        match sqlx::query("ROLLBACK").execute(&mut *self.conn).await {
            Ok(_) => self.open = false,
            Err(e) => tracing::warn!(error = %e, "rollback failed; the connection is closed"),
        }
    }
}

impl Drop for ScriptTx<'_> {
    fn drop(&mut self) {
        if self.open {
            self.conn.close_on_drop();
        }
    }
}

/// A connection of either database: from the pool or inside a transaction.
pub enum Conn<'a> {
    Sqlite(&'a mut SqliteConnection),
    Postgres(&'a mut PgConnection),
}

/// A pooled connection, held for a few reads.
pub enum Pooled {
    Sqlite(PoolConnection<Sqlite>),
    Postgres(PoolConnection<Postgres>),
}

/// A write transaction; dropped without [`Tx::commit`] it rolls back.
///
/// On SQLite it holds the process's write [`Turn`] until it ends (fields drop in order:
/// the transaction first, then the turn).
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>, Turn),
    Postgres(Transaction<'static, Postgres>),
}

/// Runs `$body` with `$c` bound to the concrete connection of either database.
///
/// The body is expanded twice, once per driver, so it must only use what both
/// drivers offer (which is everything this crate's queries use).
#[macro_export]
macro_rules! on_conn {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::storage::Conn::Sqlite(inner) => {
                let $c: &mut ::sqlx::SqliteConnection = &mut **inner;
                $body
            }
            $crate::storage::Conn::Postgres(inner) => {
                let $c: &mut ::sqlx::PgConnection = &mut **inner;
                $body
            }
        }
    };
}

impl Pooled {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Pooled::Sqlite(c) => Conn::Sqlite(c),
            Pooled::Postgres(c) => Conn::Postgres(c),
        }
    }
}

impl Tx {
    pub fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t, _) => Conn::Sqlite(t),
            Tx::Postgres(t) => Conn::Postgres(t),
        }
    }

    /// Commits the transaction.
    ///
    /// # Errors
    /// The database's error, e.g. a serialization failure.
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Tx::Sqlite(t, _turn) => t.commit().await,
            Tx::Postgres(t) => t.commit().await,
        }
    }
}

impl Db {
    /// Connects, creating the SQLite file (and its directory) if needed, then runs the
    /// migrations of that database. A failure here must stop start-up.
    ///
    /// # Errors
    /// [`StorageError`] naming the URL (password redacted) and the cause.
    pub async fn connect_and_migrate(url: &str, max_connections: u32) -> Result<Self, StorageError> {
        let db = Self::connect(url, max_connections).await?;
        db.migrate(url).await?;
        Ok(db)
    }

    /// Connects without migrating (tools and tests that manage the schema themselves).
    ///
    /// # Errors
    /// [`StorageError`] naming the URL (password redacted) and the cause.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StorageError> {
        let connect_err = |source| StorageError::Connect { url: redact_url(url), source };
        match Flavor::of_url(url)? {
            Flavor::Sqlite => {
                let options = SqliteConnectOptions::from_str(url)
                    .map_err(connect_err)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    // WAL + NORMAL is durable across application crashes (what kill -9
                    // tests); only an OS crash can lose the last commits.
                    .synchronous(SqliteSynchronous::Normal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10));
                if let Some(dir) = options.get_filename().parent() {
                    if !dir.as_os_str().is_empty() {
                        std::fs::create_dir_all(dir)
                            .map_err(|source| StorageError::Directory { path: dir.display().to_string(), source })?;
                    }
                }
                let pool = SqlitePoolOptions::new()
                    .max_connections(max_connections)
                    // sqlx pings a connection each time it is handed out; an SQLite
                    // connection is a thread of this process with no far end to lose,
                    // and the ping cost a hand-over to that thread and back.
                    .test_before_acquire(false)
                    .connect_with(options)
                    .await
                    .map_err(connect_err)?;
                Ok(Db::Sqlite(pool, WriteTurn::default()))
            }
            Flavor::Postgres => {
                let options = PgConnectOptions::from_str(url).map_err(connect_err)?;
                let pool = PgPoolOptions::new()
                    .max_connections(max_connections)
                    .acquire_timeout(Duration::from_secs(10))
                    // A connection that answered a moment ago is taken as alive; one idle
                    // for a while (where servers, proxies and failovers drop them) is
                    // pinged before use. sqlx's default pings on every hand-out: a round
                    // trip to the database for every pooled read and transaction.
                    .test_before_acquire(false)
                    .before_acquire(|conn, meta| {
                        Box::pin(async move {
                            if meta.idle_for >= PING_IF_IDLE_FOR {
                                sqlx::Connection::ping(conn).await?;
                            }
                            Ok(true)
                        })
                    })
                    .connect_with(options)
                    .await
                    .map_err(connect_err)?;
                Ok(Db::Postgres(pool))
            }
        }
    }

    async fn migrate(&self, url: &str) -> Result<(), StorageError> {
        let migrate_err = |source| StorageError::Migrate { url: redact_url(url), source };
        match self {
            Db::Sqlite(pool, _) => sqlx::migrate!("./migrations/sqlite").run(pool).await.map_err(migrate_err),
            Db::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await.map_err(migrate_err),
        }
    }

    pub fn flavor(&self) -> Flavor {
        match self {
            Db::Sqlite(..) => Flavor::Sqlite,
            Db::Postgres(_) => Flavor::Postgres,
        }
    }

    /// A pooled connection for reads.
    ///
    /// # Errors
    /// Pool timeout or connection failure.
    pub async fn acquire(&self) -> Result<Pooled, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(p, _) => Pooled::Sqlite(p.acquire().await?),
            Db::Postgres(p) => Pooled::Postgres(p.acquire().await?),
        })
    }

    /// Opens a write transaction.
    ///
    /// On SQLite it first waits for the process's [`WriteTurn`] (before taking a pooled
    /// connection, so queued writers leave the connections to readers), then starts with
    /// `BEGIN IMMEDIATE`: taking the write lock up front means a transaction that reads
    /// then writes cannot fail with `SQLITE_BUSY` when another process's writer races it
    /// to upgrade a read lock; it waits on `busy_timeout` instead. Never call it while
    /// holding another [`Tx`] of the same database: the second would wait for the first.
    ///
    /// # Errors
    /// Pool timeout or connection failure.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        Ok(match self {
            Db::Sqlite(p, turn) => {
                let turn = turn.take().await;
                Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?, turn)
            }
            Db::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    /// Checks the database answers (for `/healthz`).
    ///
    /// # Errors
    /// Whatever the database says.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        let mut pooled = self.acquire().await?;
        let mut conn = pooled.conn();
        on_conn!(&mut conn, |c| sqlx::query("SELECT 1").execute(c).await.map(|_| ()))
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(p, _) => p.close().await,
            Db::Postgres(p) => p.close().await,
        }
    }
}

/// The current time truncated to milliseconds, so that SQLite's text timestamps sort
/// and compare the same way PostgreSQL's do.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::{DurationRound, TimeDelta};
    let now = chrono::Utc::now();
    now.duration_trunc(TimeDelta::milliseconds(1)).unwrap_or(now)
}

/// Hides the password of a database URL for logs and error messages.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!("{}{}:***{}", &url[..scheme_end + 3], &userinfo[..colon], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

/// Whether an error is a unique-constraint violation (maps to a 409/422, not a 500).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_scheme_picks_the_database() {
        assert_eq!(Flavor::of_url("sqlite://data/kaohe.db").unwrap(), Flavor::Sqlite);
        assert_eq!(Flavor::of_url("postgres://u@h/db").unwrap(), Flavor::Postgres);
        assert_eq!(Flavor::of_url("postgresql://u@h/db").unwrap(), Flavor::Postgres);
        assert!(Flavor::of_url("mysql://u@h/db").is_err());
    }

    /// A request cancelled while its write runs leaves the transaction open on the
    /// connection: it must not reach the next writer through the pool.
    #[tokio::test]
    async fn a_script_transaction_dropped_open_rolls_back_and_frees_the_writer() {
        let path = std::env::temp_dir().join(format!("kaohe-script-tx-{}.db", uuid::Uuid::new_v4().simple()));
        let db = Db::connect(&format!("sqlite://{}", path.display()), 2).await.unwrap();
        let Db::Sqlite(pool, turn) = &db else { unreachable!() };
        sqlx::query("CREATE TABLE t (x INTEGER)").execute(pool).await.unwrap();

        let held = turn.take().await;
        let mut abandoned = ScriptTx::open(pool, &held).await.unwrap();
        sqlx::query("BEGIN IMMEDIATE; INSERT INTO t VALUES (1)").execute(abandoned.conn()).await.unwrap();
        drop(abandoned);
        drop(held);

        let next = async {
            let held = turn.take().await;
            let mut tx = ScriptTx::open(pool, &held).await?;
            sqlx::query("BEGIN IMMEDIATE; INSERT INTO t VALUES (2); COMMIT").execute(tx.conn()).await?;
            tx.ended();
            Ok::<_, sqlx::Error>(())
        };
        tokio::time::timeout(Duration::from_secs(5), next).await.expect("the next writer is not held up").unwrap();
        let kept: Vec<i64> = sqlx::query_scalar("SELECT x FROM t").fetch_all(pool).await.unwrap();
        assert_eq!(kept, vec![2]);
        db.close().await;
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn redacted_url_hides_only_the_password() {
        assert_eq!(redact_url("postgres://kaohe:s3cret@db:5432/k"), "postgres://kaohe:***@db:5432/k");
        assert_eq!(redact_url("postgres://postgres@127.0.0.1/test"), "postgres://postgres@127.0.0.1/test");
        assert_eq!(redact_url("sqlite://data/kaohe.db"), "sqlite://data/kaohe.db");
    }
}
