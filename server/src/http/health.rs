//! `/healthz`: the process is up and its database answers.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::storage::{Db, Flavor};

pub async fn healthz(State(db): State<Db>) -> Response {
    let database = match db.flavor() {
        Flavor::Sqlite => "sqlite",
        Flavor::Postgres => "postgres",
    };
    match db.ping().await {
        Ok(()) => Json(json!({ "status": "ok", "database": database })).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (http::StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "status": "unavailable", "database": database })))
                .into_response()
        }
    }
}
