//! The engine's own JSON layer: a strict pull reader and a compact writer.
//!
//! Every document the engine reads or writes goes through here, so the WebAssembly module
//! carries neither serde_json nor serde's generated code (serde's derives stay on the
//! public types for the app and the server, and cost the module nothing when unused).
//! Measured reasons in [`read`] and [`write`]; the readers built on it are differentially
//! tested and fuzzed against serde_json (README, "Golden cases" and "Commands").

pub mod read;
pub mod write;

pub use read::JsonError;
pub use write::Writer;
