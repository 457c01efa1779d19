//! 本月填报: the cadre's one-page report for a period, scored live on the phone by the
//! engine, kept as a draft through anything, and submitted through an outbox.

mod api;
mod entries;
mod fields;
mod form;
mod model;
pub mod outbox;
mod page;
mod photos;
mod score;
pub mod store;

pub use api::*;
pub use model::*;
pub use page::FilingPage;
