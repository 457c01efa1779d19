//! Kaohe's server: configuration, start-up, storage (SQLite or PostgreSQL), sign-in,
//! rights and HTTP around the Leptos app.
//!
//! `main.rs` reads as: logs, settings, build, run. Tests build the same
//! [`startup::Application`] on port 0 with a fresh database.

pub mod auth;
pub mod backend;
pub mod config;
pub mod demo;
pub mod error;
pub mod evaluation;
pub mod filing;
pub mod http;
pub mod org;
pub mod review;
pub mod rights;
pub mod sanliang;
pub mod schemes;
pub mod sealer;
pub mod social;
pub mod startup;
pub mod storage;
pub mod telemetry;
