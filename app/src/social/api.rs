//! Server functions of the 社会评议 admin page: thin adapters over the server's backend.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{Campaign, CampaignBoard, NewCampaign};
use crate::error::AppError;

/// Every campaign with its counts and flags, and what a new one may rate.
///
/// # Errors
/// [`AppError::Forbidden`] unless the caller is an organisation admin.
#[server(endpoint = "load_campaigns")]
pub async fn load_campaigns() -> Result<CampaignBoard, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.social_campaigns(&ssr::user().await?, &ssr::request()?).await }.await;
    ssr::with_status(result)
}

/// Opens a campaign and returns it (with the link its QR code carries).
///
/// # Errors
/// [`AppError::Forbidden`] unless an admin; [`AppError::Invalid`] for a bad period or
/// duration, or a person not of the unit; [`AppError::NotFound`] for no such unit.
#[server(endpoint = "create_campaign", input = Json)]
pub async fn create_campaign(campaign: NewCampaign) -> Result<Campaign, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.create_campaign(&ssr::user().await?, &ssr::request()?, campaign).await }.await;
    ssr::with_status(result)
}

/// Closes a campaign early; its ratings then count.
///
/// # Errors
/// [`AppError::Forbidden`] unless an admin; [`AppError::NotFound`] for no such campaign.
#[server(endpoint = "close_campaign")]
pub async fn close_campaign(id: i64) -> Result<Campaign, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.close_campaign(&ssr::user().await?, &ssr::request()?, id).await }.await;
    ssr::with_status(result)
}
