//! Server functions of the 三亮 pages: thin adapters over the server's backend.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use super::{SanLiang, TaskAction};
use crate::error::AppError;

/// A person's 三亮 for this year: `None` for the caller's own.
///
/// # Errors
/// [`AppError::Forbidden`] unless the caller is the person, supervises their unit, or is
/// an organisation admin; [`AppError::NotFound`] for no such person.
#[server(endpoint = "load_sanliang")]
pub async fn load_sanliang(person_id: Option<i64>) -> Result<SanLiang, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.sanliang(&ssr::user().await?, person_id).await }.await;
    ssr::with_status(result)
}

/// Does one thing to a 三亮 page and returns the page as it now is.
///
/// # Errors
/// [`AppError::Forbidden`] when the step is not the caller's, [`AppError::Conflict`] when
/// the task has moved on meanwhile, [`AppError::Invalid`] for bad fields.
#[server(endpoint = "sanliang_act", input = Json)]
pub async fn sanliang_act(action: TaskAction) -> Result<SanLiang, AppError> {
    use crate::backend::ssr;
    let result = async { ssr::backend()?.sanliang_act(&ssr::user().await?, action).await }.await;
    ssr::with_status(result)
}
