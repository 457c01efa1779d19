//! One module per page. Each page loads its data through a server function and renders
//! loading, error and empty states.

mod mine;
mod not_found;
mod ranking;
mod schemes;
mod unit;

pub use crate::filing::FilingPage;
pub use crate::review::{PublicityBoardPage, PublicityPage, ReviewAdminPage, ReviewFilingPage, ReviewPage};
pub use mine::MinePage;
pub use not_found::NotFound;
pub use ranking::RankingPage;
pub use schemes::SchemesPage;
pub use unit::UnitPage;
