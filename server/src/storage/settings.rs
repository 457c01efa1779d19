//! The server's own key/value settings (the generated signing key, demo marker).

use super::Conn;
use crate::on_conn;

#[tracing::instrument(skip(conn))]
pub async fn get(conn: &mut Conn<'_>, key: &str) -> Result<Option<String>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_scalar("SELECT value FROM server_settings WHERE key = $1").bind(key).fetch_optional(c).await
    })
}

/// Stores `value` unless the key already has one, and returns the value that won.
/// Two servers starting at once therefore agree on one value.
#[tracing::instrument(skip(conn, value))]
pub async fn get_or_insert(conn: &mut Conn<'_>, key: &str, value: &str) -> Result<String, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query("INSERT INTO server_settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(value)
            .execute(&mut *c)
            .await?;
        sqlx::query_scalar("SELECT value FROM server_settings WHERE key = $1").bind(key).fetch_one(c).await
    })
}
