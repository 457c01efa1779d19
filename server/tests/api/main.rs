//! Integration tests: the real server on port 0 with a fresh database, driven over HTTP.
//! Every scenario runs on SQLite and on PostgreSQL (see `on_both_databases!`).

mod helpers;

mod audit;
mod auth;
mod evaluation;
mod filing;
mod org;
mod platform;
mod review;
mod sanliang;
mod social;
