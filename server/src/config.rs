//! Configuration from the environment (`KAOHE_…`), with documented defaults.
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `DATABASE_URL` / `KAOHE_DATABASE_URL` | `sqlite://data/kaohe.db` | `sqlite://…` or `postgres://…` (`KAOHE_` wins) |
//! | `KAOHE_ADDR` | `LEPTOS_SITE_ADDR` or `127.0.0.1:3000` | address to listen on |
//! | `KAOHE_DB_MAX_CONNECTIONS` | `4` on SQLite, `16` on PostgreSQL | pool size |
//! | `KAOHE_SECRET_KEY` | generated on first start, kept in the database | JWT signing key (≥ 32 bytes); set the same value on every server behind a load balancer, or let them share the stored one |
//! | `KAOHE_SESSION_HOURS` | `24` | session lifetime |
//! | `KAOHE_LOGIN_MAX_FAILURES` | `5` | failed sign-ins per user name per window before throttling |
//! | `KAOHE_LOGIN_MAX_FAILURES_PER_IP` | `50` | failed sign-ins per client address per window (a whole office behind one NAT) |
//! | `KAOHE_LOGIN_WINDOW_MINUTES` | `15` | throttling window |
//! | `KAOHE_TRUST_PROXY` | `false` | take the client address from `X-Forwarded-For` (only behind a proxy you run) |
//! | `KAOHE_PUBLIC_URL` | the admin's request's scheme and host | where residents reach the server, for 社会评议 QR codes (e.g. `https://kaohe.example.gov.cn`) |
//! | `KAOHE_SOCIAL_POW_MAX_NUMBER` | `50000` | 社会评议 proof of work: the phone tries half of this many hashes on average |
//! | `KAOHE_SOCIAL_MAX_PER_IP` | `30` | 社会评议 ratings of one campaign per client address per window |
//! | `KAOHE_SOCIAL_IP_WINDOW_MINUTES` | `10` | that window |
//! | `KAOHE_LOG_FORMAT` | `pretty` | `pretty` or `json` |
//! | `RUST_LOG` | `info` | log filter |

use std::fmt;
use std::net::SocketAddr;

/// The default pool size on SQLite. One writer at a time whatever the size, and every
/// connection is a thread of this process whose page cache each commit of another
/// connection empties: under load, 3–4 connections served 1,300–1,460 submissions/s on
/// 2 cores where 16 served 1,150 (bench/results/submissions.md, 2026-12-04, fourth session).
pub const SQLITE_POOL: u32 = 4;

/// The default pool size on PostgreSQL (a managed server with its own cores).
pub const POSTGRES_POOL: u32 = 16;

/// Every setting of the server. `Debug` redacts secrets.
#[derive(Clone)]
pub struct Settings {
    pub database_url: String,
    pub addr: SocketAddr,
    pub db_max_connections: u32,
    pub secret_key: Option<Vec<u8>>,
    pub session_hours: i64,
    pub login_max_failures: i64,
    pub login_max_failures_per_ip: i64,
    pub login_window_minutes: i64,
    pub trust_proxy: bool,
    pub log_json: bool,
    pub public_url: Option<String>,
    pub social_pow_max_number: u64,
    pub social_max_per_ip: i64,
    pub social_ip_window_minutes: i64,
}

/// A setting that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("配置项 {name} 无效（{value}）：{reason}")]
pub struct ConfigError {
    pub name: &'static str,
    pub value: String,
    pub reason: &'static str,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            database_url: "sqlite://data/kaohe.db".into(),
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            db_max_connections: SQLITE_POOL,
            secret_key: None,
            session_hours: 24,
            login_max_failures: 5,
            login_max_failures_per_ip: 50,
            login_window_minutes: 15,
            trust_proxy: false,
            log_json: false,
            public_url: None,
            social_pow_max_number: 50_000,
            social_max_per_ip: 30,
            social_ip_window_minutes: 10,
        }
    }
}

impl Settings {
    /// Reads the process environment.
    ///
    /// # Errors
    /// [`ConfigError`] naming the variable that cannot be parsed.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` (the environment, or a map in tests).
    ///
    /// # Errors
    /// [`ConfigError`] naming the variable that cannot be parsed.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let d = Settings::default();
        let parsed = |name: &'static str, reason: &'static str| {
            let lookup = &lookup;
            move |default| -> Result<i64, ConfigError> {
                match lookup(name) {
                    None => Ok(default),
                    Some(v) => match v.trim().parse::<i64>() {
                        Ok(n) if n > 0 => Ok(n),
                        _ => Err(ConfigError { name, value: v, reason }),
                    },
                }
            }
        };

        let database_url = lookup("KAOHE_DATABASE_URL")
            .or_else(|| lookup("DATABASE_URL"))
            .filter(|s| !s.trim().is_empty())
            .unwrap_or(d.database_url);
        let addr = match lookup("KAOHE_ADDR").or_else(|| lookup("LEPTOS_SITE_ADDR")) {
            None => d.addr,
            Some(v) => v.parse().map_err(|_| ConfigError {
                name: "KAOHE_ADDR",
                value: v,
                reason: "应为 地址:端口，例如 127.0.0.1:3000",
            })?,
        };
        let secret_key = match lookup("KAOHE_SECRET_KEY") {
            None => None,
            Some(v) if v.len() >= 32 => Some(v.into_bytes()),
            Some(_) => {
                return Err(ConfigError {
                    name: "KAOHE_SECRET_KEY", value: "***".into(), reason: "密钥至少 32 个字符"
                })
            }
        };
        let flag = |name: &str| {
            lookup(name).is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
        };
        let default_pool = if database_url.starts_with("sqlite:") { SQLITE_POOL } else { POSTGRES_POOL };
        let max_conn = parsed("KAOHE_DB_MAX_CONNECTIONS", "应为正整数")(i64::from(default_pool))?;

        Ok(Self {
            database_url,
            addr,
            db_max_connections: u32::try_from(max_conn).unwrap_or(default_pool),
            secret_key,
            session_hours: parsed("KAOHE_SESSION_HOURS", "应为正整数（小时）")(d.session_hours)?,
            login_max_failures: parsed("KAOHE_LOGIN_MAX_FAILURES", "应为正整数")(d.login_max_failures)?,
            login_max_failures_per_ip: parsed("KAOHE_LOGIN_MAX_FAILURES_PER_IP", "应为正整数")(
                d.login_max_failures_per_ip,
            )?,
            login_window_minutes: parsed("KAOHE_LOGIN_WINDOW_MINUTES", "应为正整数（分钟）")(
                d.login_window_minutes,
            )?,
            trust_proxy: flag("KAOHE_TRUST_PROXY"),
            log_json: lookup("KAOHE_LOG_FORMAT").is_some_and(|v| v.eq_ignore_ascii_case("json")),
            public_url: match lookup("KAOHE_PUBLIC_URL").map(|v| v.trim().to_string()).filter(|v| !v.is_empty()) {
                None => None,
                Some(v) if v.starts_with("https://") || v.starts_with("http://") => Some(v),
                Some(v) => {
                    return Err(ConfigError {
                        name: "KAOHE_PUBLIC_URL",
                        value: v,
                        reason: "应以 https:// 或 http:// 开头",
                    })
                }
            },
            social_pow_max_number: u64::try_from(parsed("KAOHE_SOCIAL_POW_MAX_NUMBER", "应为正整数")(
                i64::try_from(d.social_pow_max_number).unwrap_or(50_000),
            )?)
            .unwrap_or(d.social_pow_max_number),
            social_max_per_ip: parsed("KAOHE_SOCIAL_MAX_PER_IP", "应为正整数")(d.social_max_per_ip)?,
            social_ip_window_minutes: parsed("KAOHE_SOCIAL_IP_WINDOW_MINUTES", "应为正整数（分钟）")(
                d.social_ip_window_minutes,
            )?,
        })
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("database_url", &crate::storage::redact_url(&self.database_url))
            .field("addr", &self.addr)
            .field("db_max_connections", &self.db_max_connections)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "***"))
            .field("session_hours", &self.session_hours)
            .field("login_max_failures", &self.login_max_failures)
            .field("login_max_failures_per_ip", &self.login_max_failures_per_ip)
            .field("login_window_minutes", &self.login_window_minutes)
            .field("trust_proxy", &self.trust_proxy)
            .field("log_json", &self.log_json)
            .field("public_url", &self.public_url)
            .field("social_pow_max_number", &self.social_pow_max_number)
            .field("social_max_per_ip", &self.social_max_per_ip)
            .field("social_ip_window_minutes", &self.social_ip_window_minutes)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn settings(pairs: &[(&str, &str)]) -> Result<Settings, ConfigError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Settings::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_use_embedded_sqlite_on_loopback() {
        let s = settings(&[]).unwrap();
        assert_eq!(s.database_url, "sqlite://data/kaohe.db");
        assert_eq!(s.addr.to_string(), "127.0.0.1:3000");
        assert!(s.secret_key.is_none());
    }

    #[test]
    fn kaohe_database_url_wins_over_database_url() {
        let s = settings(&[("DATABASE_URL", "postgres://a@b/c"), ("KAOHE_DATABASE_URL", "sqlite://x.db")]).unwrap();
        assert_eq!(s.database_url, "sqlite://x.db");
        let s = settings(&[("DATABASE_URL", "postgres://a@b/c")]).unwrap();
        assert_eq!(s.database_url, "postgres://a@b/c");
    }

    #[test]
    fn the_pool_size_follows_the_database_unless_set() {
        assert_eq!(settings(&[]).unwrap().db_max_connections, SQLITE_POOL);
        assert_eq!(settings(&[("DATABASE_URL", "postgres://a@b/c")]).unwrap().db_max_connections, POSTGRES_POOL);
        let set = settings(&[("DATABASE_URL", "postgres://a@b/c"), ("KAOHE_DB_MAX_CONNECTIONS", "7")]).unwrap();
        assert_eq!(set.db_max_connections, 7);
    }

    #[test]
    fn bad_values_name_their_variable() {
        assert_eq!(settings(&[("KAOHE_ADDR", "nowhere")]).unwrap_err().name, "KAOHE_ADDR");
        assert_eq!(settings(&[("KAOHE_SESSION_HOURS", "-1")]).unwrap_err().name, "KAOHE_SESSION_HOURS");
        assert_eq!(settings(&[("KAOHE_SECRET_KEY", "short")]).unwrap_err().name, "KAOHE_SECRET_KEY");
    }

    #[test]
    fn debug_output_redacts_secrets() {
        let s = settings(&[
            ("KAOHE_SECRET_KEY", "0123456789abcdef0123456789abcdef"),
            ("DATABASE_URL", "postgres://kaohe:pw@db/k"),
        ])
        .unwrap();
        let shown = format!("{s:?}");
        assert!(!shown.contains("0123456789abcdef"));
        assert!(!shown.contains(":pw@"));
    }
}
