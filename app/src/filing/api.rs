//! Server functions of the report page: thin adapters over the server's backend.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{DraftSave, FilingContext, FilingView, Receipt, Submission};
use crate::error::AppError;

/// The report page of a period (`None`: the period to file today). `Ok(None)`: no scheme
/// is bound to the cadre's unit and tier yet.
///
/// # Errors
/// [`AppError::Forbidden`] for non-cadres; [`AppError::Invalid`] for a bad period.
#[server(endpoint = "period_report")]
pub async fn period_report(period: Option<String>) -> Result<Option<FilingContext>, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.filing_context(&ssr::user().await?, period).await }.await;
    ssr::with_status(result)
}

/// Keeps a draft on the server; returns the counter the server holds.
///
/// # Errors
/// [`AppError::Forbidden`] for non-cadres; [`AppError::Invalid`] for an oversized draft.
#[server(endpoint = "save_draft", input = Json)]
pub async fn save_draft(draft: DraftSave) -> Result<i64, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.save_draft(&ssr::user().await?, draft).await }.await;
    ssr::with_status(result)
}

/// Submits a period's report (idempotent by its key).
///
/// # Errors
/// [`AppError::ScoreMismatch`], [`AppError::Invalid`], [`AppError::Conflict`],
/// [`AppError::Forbidden`].
#[server(endpoint = "submit_filing", input = Json)]
pub async fn submit_filing(submission: Submission) -> Result<Receipt, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.submit_filing(&ssr::user().await?, submission).await }.await;
    ssr::with_status(result)
}

/// The signed-in cadre's filings, newest first.
///
/// # Errors
/// [`AppError::Forbidden`] for non-cadres.
#[server(endpoint = "my_filings")]
pub async fn my_filings() -> Result<Vec<Receipt>, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.my_filings(&ssr::user().await?).await }.await;
    ssr::with_status(result)
}

/// One filing in full: for its owner, the leaders supervising the owner's unit, and
/// organisation admins.
///
/// # Errors
/// [`AppError::Forbidden`] for anyone else, [`AppError::NotFound`] for no such filing.
#[server(endpoint = "get_filing")]
pub async fn get_filing(id: i64) -> Result<FilingView, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.filing_view(&ssr::user().await?, id).await }.await;
    ssr::with_status(result)
}
