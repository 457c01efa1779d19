//! The server's copy of a cadre's draft, so a draft survives a lost phone or a new one.

use app::error::AppError;
use app::filing::DraftSave;
use app::model::SessionUser;
use app::period::Period;
use chrono::{DateTime, Utc};

use super::own_person;
use crate::error::OrInternal;
use crate::storage::filings::{self, DraftRow};
use crate::storage::Db;

/// The largest draft the server keeps (entries are short texts and photo ids).
pub const MAX_DRAFT_BYTES: usize = 64 * 1024;

/// Stores the draft unless the server has a newer one; returns the counter now stored.
///
/// # Errors
/// [`AppError::Forbidden`] for non-cadres, [`AppError::Invalid`] for a bad period or an
/// oversized draft.
pub async fn save(db: &Db, user: &SessionUser, draft: &DraftSave, now: DateTime<Utc>) -> Result<i64, AppError> {
    let DraftSave { period, scheme_id, scheme_version, body, client_rev } = draft;
    let (scheme_version, client_rev) = (*scheme_version, *client_rev);
    let period = Period::parse(period).ok_or_else(|| AppError::invalid("period", "考核期格式不正确"))?.to_string();
    let value = serde_json::to_value(body).or_internal("draft json")?;
    if value.to_string().len() > MAX_DRAFT_BYTES {
        return Err(AppError::invalid("draft", "草稿过大"));
    }
    let mut tx = db.begin().await.or_internal("begin")?;
    let (person, _) = own_person(&mut tx.conn(), user).await?;
    let row = DraftRow {
        period: period.clone(),
        scheme_id: scheme_id.clone(),
        scheme_version: i64::from(scheme_version),
        body: sqlx::types::Json(serde_json::Value::Null),
        client_rev,
        updated_at: now,
    };
    filings::save_draft(&mut tx.conn(), person.id, &row, &value).await.or_internal("save draft")?;
    let stored = filings::draft(&mut tx.conn(), person.id, &period).await.or_internal("draft")?;
    tx.commit().await.or_internal("commit")?;
    Ok(stored.map_or(client_rev, |d| d.client_rev))
}
