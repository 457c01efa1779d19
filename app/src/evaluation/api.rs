//! Server functions of the 评价 pages: thin adapters over the server's backend.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{EvaluationHome, RatingSubmission, RoundAction, RoundsPage};
use crate::error::AppError;

/// What the caller may rate now, and the aggregates they may read.
///
/// # Errors
/// [`AppError::Unauthenticated`] without a session.
#[server(endpoint = "load_evaluations")]
pub async fn load_evaluations() -> Result<EvaluationHome, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.evaluation_home(&ssr::user().await?).await }.await;
    ssr::with_status(result)
}

/// Stores a ballot or a leader's ratings and returns the page as it now is.
///
/// # Errors
/// [`AppError::Forbidden`] for a round the caller does not rate in or a target they may
/// not rate (themselves included); [`AppError::Conflict`] for a closed round or a ballot
/// already cast; [`AppError::Invalid`] for a malformed rating.
#[server(endpoint = "submit_ratings", input = Json)]
pub async fn submit_ratings(submission: RatingSubmission) -> Result<EvaluationHome, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.submit_ratings(&ssr::user().await?, submission).await }.await;
    ssr::with_status(result)
}

/// The organisation admin's rounds.
///
/// # Errors
/// [`AppError::Forbidden`] unless the caller is an organisation admin.
#[server(endpoint = "load_rounds")]
pub async fn load_rounds() -> Result<RoundsPage, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.evaluation_rounds(&ssr::user().await?).await }.await;
    ssr::with_status(result)
}

/// Opens or closes a round and returns the rounds as they now are.
///
/// # Errors
/// [`AppError::Forbidden`] unless the caller is an organisation admin;
/// [`AppError::Conflict`] for a round that exists already or is closed;
/// [`AppError::Invalid`] for a bad period, unit or minimum.
#[server(endpoint = "round_act", input = Json)]
pub async fn round_act(action: RoundAction) -> Result<RoundsPage, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.round_act(&ssr::user().await?, action).await }.await;
    ssr::with_status(result)
}
