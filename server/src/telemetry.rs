//! Structured logs with `tracing`. Passwords, tokens and session ids are never logged:
//! functions that receive them skip them in their spans.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber (`RUST_LOG` filter, default `info`).
pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_target(false);
    let _ = if json { builder.json().try_init() } else { builder.try_init() };
}
