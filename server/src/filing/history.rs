//! A cadre's own filings (我的考核).

use app::error::AppError;
use app::filing::{FilingView, Receipt};
use app::model::SessionUser;
use app::period::Period;

use super::context::receipt_of;
use super::own_person;
use crate::error::OrInternal;
use crate::rights;
use crate::storage::filings::{self, FilingHead};
use crate::storage::{org, Db};

/// The caller's filings, newest period first.
///
/// # Errors
/// [`AppError::Forbidden`] for non-cadres.
pub async fn my_filings(db: &Db, user: &SessionUser) -> Result<Vec<Receipt>, AppError> {
    let mut pooled = db.acquire().await.or_internal("acquire")?;
    let mut conn = pooled.conn();
    let (person, _) = own_person(&mut conn, user).await?;
    let rows = filings::of_person(&mut conn, person.id).await.or_internal("filings")?;
    Ok(rows.iter().map(|f| receipt_of(&FilingHead::from(f), false)).collect())
}

/// One filing in full. The record decides: its owner, a leader supervising the unit it was
/// filed in, or an organisation admin.
///
/// # Errors
/// [`AppError::NotFound`] for no such filing, [`AppError::Forbidden`] for anyone else.
pub async fn filing_view(db: &Db, user: &SessionUser, id: i64) -> Result<FilingView, AppError> {
    let mut pooled = db.acquire().await.or_internal("acquire")?;
    let mut conn = pooled.conn();
    let f = filings::by_id(&mut conn, id).await.or_internal("filing")?.ok_or(AppError::NotFound)?;
    rights::require_person_access(user, f.person_id, f.unit_id)?;
    let person = org::person(&mut conn, f.person_id).await.or_internal("person")?.ok_or(AppError::Internal)?;
    let unit = org::unit(&mut conn, f.unit_id).await.or_internal("unit")?.ok_or(AppError::Internal)?;
    Ok(FilingView {
        receipt: receipt_of(&FilingHead::from(&f), false),
        person_name: person.name,
        unit_name: unit.name,
        period_label: Period::parse(&f.period).map(Period::label_zh).unwrap_or_else(|| f.period.clone()),
        scheme_id: f.scheme_id.clone(),
        scheme_version: u32::try_from(f.scheme_version).unwrap_or_default(),
        draft: serde_json::from_value(f.inputs.0.clone()).or_internal("stored inputs")?,
        result: serde_json::from_value(f.result.0.clone()).or_internal("stored result")?,
    })
}
