//! Photo evidence attached to work entries.

use chrono::{DateTime, Utc};
use sqlx::FromRow;

use super::Conn;
use crate::on_conn;

#[derive(Debug, Clone, FromRow)]
pub struct EvidenceRow {
    pub id: String,
    pub person_id: i64,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Stores a photo under its content-derived id (storing the same photo twice is one row).
#[tracing::instrument(skip(conn, bytes))]
pub async fn insert(
    conn: &mut Conn<'_>,
    id: &str,
    person_id: i64,
    content_type: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    on_conn!(conn, |c| {
        sqlx::query(
            "INSERT INTO evidence (id, person_id, content_type, size, bytes, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(person_id)
        .bind(content_type)
        .bind(size)
        .bind(bytes)
        .bind(now)
        .execute(c)
        .await
        .map(|_| ())
    })
}

#[tracing::instrument(skip(conn))]
pub async fn get(conn: &mut Conn<'_>, id: &str) -> Result<Option<EvidenceRow>, sqlx::Error> {
    on_conn!(conn, |c| {
        sqlx::query_as("SELECT id, person_id, content_type, bytes FROM evidence WHERE id = $1")
            .bind(id)
            .fetch_optional(c)
            .await
    })
}
