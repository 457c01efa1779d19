//! Server functions of review, publicity and objections: thin adapters over the
//! server's backend. Names avoid the PascalCase of imported types (Leptos generates a
//! struct per server function).

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{
    BatchItem, Decision, DecisionOutcome, ObjectionAnswer, ObjectionView, PublicationSummary, PublicityBoard,
    ReviewDetail, ReviewQueue, ReviewerStats, UnitReviewSettings,
};
use crate::error::AppError;

/// The filings waiting for the signed-in reviewer, oldest deadline first.
///
/// # Errors
/// [`AppError::Forbidden`] for anyone but a leader.
#[server(endpoint = "review_queue")]
pub async fn load_review_queue() -> Result<ReviewQueue, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.review_queue(&ssr::user().await?).await }.await;
    ssr::with_status(result)
}

/// One filing as its reviewers see it.
///
/// # Errors
/// [`AppError::Forbidden`] unless the caller reviews the filing's unit (or is an admin).
#[server(endpoint = "review_detail")]
pub async fn load_review_detail(id: i64) -> Result<ReviewDetail, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.review_detail(&ssr::user().await?, id).await }.await;
    ssr::with_status(result)
}

/// Approves, adjusts, returns, confirms or sends back one filing at `version`.
///
/// # Errors
/// [`AppError::Conflict`] (409) when the filing changed since `version`;
/// [`AppError::Forbidden`] for another unit's filing or one's own; [`AppError::Invalid`]
/// for an adjustment without a reason.
#[server(endpoint = "decide_filing", input = Json)]
pub async fn decide_filing(filing_id: i64, version: i64, decision: Decision) -> Result<DecisionOutcome, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.decide(&ssr::user().await?, filing_id, version, decision).await }.await;
    ssr::with_status(result)
}

/// Approves several unchanged filings at once (all or none).
///
/// # Errors
/// As [`decide_filing`]; nothing is approved if any one fails.
#[server(endpoint = "batch_approve", input = Json)]
pub async fn batch_approve(items: Vec<BatchItem>) -> Result<Vec<DecisionOutcome>, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.batch_approve(&ssr::user().await?, items).await }.await;
    ssr::with_status(result)
}

/// Publishes a unit's confirmed results of a period (公示) for the unit's window.
///
/// # Errors
/// [`AppError::Forbidden`] unless the caller confirms for the unit or is an admin;
/// [`AppError::Conflict`] when the period is already published or nothing is confirmed.
#[server(endpoint = "publish_results")]
pub async fn publish_results(unit_id: i64, period: String) -> Result<PublicationSummary, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.publish(&ssr::user().await?, unit_id, period).await }.await;
    ssr::with_status(result)
}

/// The publicity windows the caller may see, newest first.
///
/// # Errors
/// [`AppError::Unauthenticated`] without a session.
#[server(endpoint = "publications")]
pub async fn list_publications() -> Result<Vec<PublicationSummary>, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.publications(&ssr::user().await?).await }.await;
    ssr::with_status(result)
}

/// A unit's publicity board for a period.
///
/// # Errors
/// [`AppError::Forbidden`] outside the audience the unit chose.
#[server(endpoint = "publicity_board")]
pub async fn load_publicity_board(unit_id: i64, period: String) -> Result<PublicityBoard, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.publicity_board(&ssr::user().await?, unit_id, period).await }.await;
    ssr::with_status(result)
}

/// Lodges an objection to a published result.
///
/// # Errors
/// [`AppError::Forbidden`] for someone who may not object; [`AppError::Conflict`] outside
/// the window; [`AppError::Invalid`] without a reason.
#[server(endpoint = "lodge_objection")]
pub async fn lodge_objection(filing_id: i64, reason: String) -> Result<ObjectionView, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.lodge_objection(&ssr::user().await?, filing_id, reason).await }.await;
    ssr::with_status(result)
}

/// Records the reconsideration outcome of an objection.
///
/// # Errors
/// [`AppError::Forbidden`] unless the caller reviews the unit; [`AppError::Conflict`] when
/// already answered or the filing changed.
#[server(endpoint = "answer_objection", input = Json)]
pub async fn answer_objection(answer: ObjectionAnswer) -> Result<ObjectionView, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.answer_objection(&ssr::user().await?, answer).await }.await;
    ssr::with_status(result)
}

/// Objections the caller lodged, and those the caller must answer.
///
/// # Errors
/// [`AppError::Unauthenticated`] without a session.
#[server(endpoint = "objections")]
pub async fn list_objections() -> Result<Vec<ObjectionView>, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.objections(&ssr::user().await?).await }.await;
    ssr::with_status(result)
}

/// Every unit's review and publicity choices (organisation admins).
///
/// # Errors
/// [`AppError::Forbidden`] for anyone but an organisation admin.
#[server(endpoint = "unit_review_settings")]
pub async fn load_unit_settings() -> Result<Vec<UnitReviewSettings>, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.unit_settings(&ssr::user().await?).await }.await;
    ssr::with_status(result)
}

/// Changes one unit's choices (organisation admins).
///
/// # Errors
/// [`AppError::Forbidden`] for anyone but an organisation admin; [`AppError::Invalid`] for
/// out-of-range days.
#[server(endpoint = "save_unit_settings", input = Json)]
pub async fn save_unit_settings(settings: UnitReviewSettings) -> Result<UnitReviewSettings, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.save_unit_settings(&ssr::user().await?, settings).await }.await;
    ssr::with_status(result)
}

/// How each reviewer's adjustments compare with their peers' (organisation admins).
///
/// # Errors
/// [`AppError::Forbidden`] for anyone but an organisation admin.
#[server(endpoint = "reviewer_stats")]
pub async fn load_reviewer_stats() -> Result<Vec<ReviewerStats>, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.reviewer_stats(&ssr::user().await?).await }.await;
    ssr::with_status(result)
}
