//! Sign-in, sessions and sign-out.
//!
//! A session is a database row; the browser holds a JWT naming it in a `__Host-` cookie.
//! Every request re-reads the row (joined to the user), so sign-out and disabling a user
//! take effect at once on every app server. Failed sign-ins are throttled per user name
//! and per client address, counted in the database for the same reason.

pub mod cookie;
pub mod password;
pub mod token;

use std::net::SocketAddr;

use app::error::AppError;
use app::model::{Role, SessionUser};
use argon2::password_hash::rand_core::{OsRng, RngCore};
use axum::extract::ConnectInfo;
use chrono::{DateTime, TimeDelta, Utc};
use http::request::Parts;
use http::HeaderMap;
use serde_json::json;

use crate::error::OrInternal;
use crate::storage::{self, audit, sessions, users, Conn, Db};
use token::{Claims, Keys};

/// Limits on failed sign-ins.
#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    pub max_per_username: i64,
    pub max_per_ip: i64,
    pub window: TimeDelta,
}

impl Throttle {
    /// Seconds to wait, if `failures` within the window already reached `max`.
    pub fn retry_after(
        failures: sessions::FailureCount,
        max: i64,
        window: TimeDelta,
        now: DateTime<Utc>,
    ) -> Option<u64> {
        if failures.failures < max {
            return None;
        }
        let frees_at = failures.oldest.unwrap_or(now) + window;
        let secs = (frees_at - now).num_seconds().max(1);
        Some(u64::try_from(secs).unwrap_or(1))
    }
}

/// Who may sign in, and how sessions are kept.
#[derive(Debug, Clone)]
pub struct Auth {
    db: Db,
    keys: Keys,
    session_ttl: TimeDelta,
    throttle: Throttle,
    trust_proxy: bool,
}

/// The `Set-Cookie` value of a new session and the user it belongs to.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub user: SessionUser,
    pub set_cookie: String,
}

impl Auth {
    pub fn new(db: Db, keys: Keys, session_ttl: TimeDelta, throttle: Throttle, trust_proxy: bool) -> Self {
        Self { db, keys, session_ttl, throttle, trust_proxy }
    }

    /// Checks user name and password and opens a session.
    ///
    /// # Errors
    /// [`AppError::Invalid`] for empty fields, [`AppError::RateLimited`] after too many
    /// failures, [`AppError::InvalidCredentials`] for a wrong password, an unknown or a
    /// disabled user (deliberately indistinguishable), [`AppError::Internal`] otherwise.
    pub async fn sign_in(&self, req: &Parts, username: &str, password: String) -> Result<NewSession, AppError> {
        let username = username.trim();
        if username.is_empty() {
            return Err(AppError::invalid("username", "请输入用户名"));
        }
        if password.is_empty() {
            return Err(AppError::invalid("password", "请输入密码"));
        }
        if username.chars().count() > 64 || password.len() > 1024 {
            return Err(AppError::InvalidCredentials);
        }
        let ip = client_ip(req, self.trust_proxy);
        let now = storage::now();
        let since = now - self.throttle.window;

        let mut pooled = self.db.acquire().await.or_internal("acquire")?;
        let mut conn = pooled.conn();
        let by_name =
            sessions::login_failures_for_username(&mut conn, username, since).await.or_internal("throttle")?;
        let by_ip = sessions::login_failures_for_ip(&mut conn, &ip, since).await.or_internal("throttle")?;
        let limited = Throttle::retry_after(by_name, self.throttle.max_per_username, self.throttle.window, now)
            .or_else(|| Throttle::retry_after(by_ip, self.throttle.max_per_ip, self.throttle.window, now));
        if let Some(retry_after_secs) = limited {
            tracing::warn!(%ip, "sign-in throttled");
            return Err(AppError::RateLimited { retry_after_secs });
        }
        let user = users::by_username(&mut conn, username).await.or_internal("user lookup")?;
        drop(pooled);

        let stored = user.as_ref().map(|u| u.password_hash.clone());
        let matches = password::verify(stored, password).await.or_internal("verify")?;
        let user = match user {
            Some(user) if matches && !user.disabled => user,
            _ => {
                let mut tx = self.db.begin().await.or_internal("begin")?;
                sessions::record_login_failure(&mut tx.conn(), username, &ip, now).await.or_internal("failure")?;
                tx.commit().await.or_internal("commit")?;
                tracing::info!(%ip, "sign-in refused");
                return Err(AppError::InvalidCredentials);
            }
        };

        let session_id = new_session_id();
        let expires_at = now + self.session_ttl;
        let user_agent = header(&req.headers, http::header::USER_AGENT);
        let mut tx = self.db.begin().await.or_internal("begin")?;
        let new = sessions::NewSession {
            id: &session_id,
            user_id: user.id,
            expires_at,
            user_agent: &truncate(&user_agent, 256),
            ip: &ip,
        };
        sessions::insert(&mut tx.conn(), &new, now).await.or_internal("session insert")?;
        audit::append(
            &mut tx.conn(),
            &audit::NewEntry {
                actor_user_id: Some(user.id),
                action: "sign_in".into(),
                subject_type: "user".into(),
                subject_id: user.id.to_string(),
                before: None,
                after: Some(json!({ "ip": ip })),
            },
            now,
        )
        .await
        .or_internal("audit")?;
        let session_user = load_session_user(&mut tx.conn(), user.id).await?.ok_or(AppError::Internal)?;
        tx.commit().await.or_internal("commit")?;

        let claims =
            Claims { sub: user.id.to_string(), sid: session_id, iat: now.timestamp(), exp: expires_at.timestamp() };
        let token = self.keys.sign(&claims).or_internal("sign token")?;
        tracing::info!(user_id = user.id, "signed in");
        Ok(NewSession { user: session_user, set_cookie: cookie::set(&token, self.session_ttl.num_seconds()) })
    }

    /// The user of the request's session, or `None` when there is no valid session.
    ///
    /// # Errors
    /// [`AppError::Internal`] when the database cannot be read.
    pub async fn session_user(&self, headers: &HeaderMap) -> Result<Option<SessionUser>, AppError> {
        let Some((user_id, session_id)) = self.claims(headers) else {
            return Ok(None);
        };
        let mut pooled = self.db.acquire().await.or_internal("acquire")?;
        let mut conn = pooled.conn();
        let rows =
            sessions::find_active(&mut conn, &session_id, user_id, storage::now()).await.or_internal("session")?;
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let roles: Vec<&str> = rows.iter().filter_map(|r| r.role.as_deref()).collect();
        Ok(Some(complete_user(&mut conn, first.identity(), &roles).await?))
    }

    /// Revokes the request's session (if any) and returns the `Set-Cookie` that clears it.
    ///
    /// # Errors
    /// [`AppError::Internal`] when the database cannot be written.
    pub async fn sign_out(&self, headers: &HeaderMap) -> Result<String, AppError> {
        if let Some((user_id, session_id)) = self.claims(headers) {
            let now = storage::now();
            let mut tx = self.db.begin().await.or_internal("begin")?;
            let revoked = sessions::revoke(&mut tx.conn(), &session_id, now).await.or_internal("revoke")?;
            if revoked > 0 {
                audit::append(
                    &mut tx.conn(),
                    &audit::NewEntry {
                        actor_user_id: Some(user_id),
                        action: "sign_out".into(),
                        subject_type: "user".into(),
                        subject_id: user_id.to_string(),
                        before: None,
                        after: None,
                    },
                    now,
                )
                .await
                .or_internal("audit")?;
            }
            tx.commit().await.or_internal("commit")?;
            tracing::info!(user_id, "signed out");
        }
        Ok(cookie::clear())
    }

    fn claims(&self, headers: &HeaderMap) -> Option<(i64, String)> {
        let token = cookie::token(headers)?;
        let claims = self.keys.verify(&token)?;
        Some((claims.sub.parse().ok()?, claims.sid))
    }
}

/// Roles and supervised units of a user, as one [`SessionUser`].
///
/// # Errors
/// [`AppError::Internal`] when the database cannot be read.
pub async fn load_session_user(conn: &mut Conn<'_>, user_id: i64) -> Result<Option<SessionUser>, AppError> {
    match users::identity(conn, user_id).await.or_internal("identity")? {
        None => Ok(None),
        Some(identity) => {
            let roles = users::roles(conn, identity.id).await.or_internal("roles")?;
            let roles: Vec<&str> = roles.iter().map(String::as_str).collect();
            Ok(Some(complete_user(conn, identity, &roles).await?))
        }
    }
}

/// A [`SessionUser`] from its identity and role names; only leaders cost another query
/// (the units they supervise).
async fn complete_user(
    conn: &mut Conn<'_>,
    identity: users::IdentityRow,
    role_names: &[&str],
) -> Result<SessionUser, AppError> {
    let mut roles: Vec<Role> = role_names.iter().filter_map(|r| Role::parse(r)).collect();
    roles.sort();
    let supervised_units = if roles.contains(&Role::Leader) {
        users::supervised_unit_ids(conn, identity.id).await.or_internal("units")?
    } else {
        Vec::new()
    };
    Ok(SessionUser {
        id: identity.id,
        username: identity.username,
        display_name: identity.display_name,
        roles,
        person_id: identity.person_id,
        unit_id: identity.unit_id,
        supervised_units,
    })
}

/// 256 random bits, hex: unguessable, and never logged.
fn new_session_id() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The client's address: the socket peer, or the first `X-Forwarded-For` hop when the
/// server runs behind a trusted proxy.
pub fn client_ip(req: &Parts, trust_proxy: bool) -> String {
    if trust_proxy {
        if let Some(first) = header(&req.headers, "x-forwarded-for").split(',').next() {
            let first = first.trim();
            if !first.is_empty() {
                return truncate(first, 64);
            }
        }
    }
    req.extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

fn header(headers: &HeaderMap, name: impl http::header::AsHeaderName) -> String {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
}

fn truncate(s: &str, max_chars: usize) -> String {
    s.chars().take(max_chars).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    #[test]
    fn under_the_limit_nobody_waits() {
        let f = sessions::FailureCount { failures: 4, oldest: Some(at(0)) };
        assert_eq!(Throttle::retry_after(f, 5, TimeDelta::minutes(15), at(10)), None);
    }

    #[test]
    fn at_the_limit_the_wait_ends_when_the_oldest_failure_leaves_the_window() {
        let f = sessions::FailureCount { failures: 5, oldest: Some(at(0)) };
        assert_eq!(Throttle::retry_after(f, 5, TimeDelta::minutes(15), at(60)), Some(840));
        assert_eq!(Throttle::retry_after(f, 5, TimeDelta::minutes(15), at(899)), Some(1));
    }

    #[test]
    fn session_ids_are_long_and_distinct() {
        let a = new_session_id();
        assert_eq!(a.len(), 64);
        assert_ne!(a, new_session_id());
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let req = http::Request::builder()
            .header("x-forwarded-for", "203.0.113.9, 10.0.0.1")
            .extension(ConnectInfo(SocketAddr::from(([10, 0, 0, 2], 5555))))
            .body(())
            .unwrap();
        let (parts, ()) = req.into_parts();
        assert_eq!(client_ip(&parts, true), "203.0.113.9");
        assert_eq!(client_ip(&parts, false), "10.0.0.2");
    }
}
