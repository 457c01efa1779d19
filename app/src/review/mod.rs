//! 审核, 公示, 复议: the two-level review of filings, the publicity board, objections and
//! their reconsideration, and the organisation admin's view of reviewers.

mod admin;
mod api;
mod decide;
mod model;
mod publicity;
mod queue;

pub use admin::ReviewAdminPage;
pub use api::*;
pub use decide::ReviewFilingPage;
pub use model::*;
pub use publicity::{PublicityBoardPage, PublicityPage};
pub use queue::{review_count, QueueVersion, ReviewCountBadge, ReviewPage};
