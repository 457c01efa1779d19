//! The organisation as each role may see it: one's own record, a leader's units,
//! the admin's peer groups. Rights are checked by the server's backend.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{PeerGroup, Profile, UnitRoster};

/// The signed-in user's own record.
///
/// # Errors
/// [`AppError::Unauthenticated`] without a session.
#[server(endpoint = "my_profile")]
pub async fn my_profile() -> Result<Profile, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.profile(&ssr::user().await?).await }.await;
    ssr::with_status(result)
}

/// The units the signed-in leader supervises, with their members.
///
/// # Errors
/// [`AppError::Forbidden`] for anyone but a leader.
#[server(endpoint = "my_units")]
pub async fn my_units() -> Result<Vec<UnitRoster>, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.supervised_units(&ssr::user().await?).await }.await;
    ssr::with_status(result)
}

/// Every unit, grouped by the peer group it is ranked in.
///
/// # Errors
/// [`AppError::Forbidden`] for anyone but an organisation admin.
#[server(endpoint = "peer_groups")]
pub async fn peer_groups() -> Result<Vec<PeerGroup>, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.peer_groups(&ssr::user().await?).await }.await;
    ssr::with_status(result)
}
