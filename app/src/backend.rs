//! The port between server functions and the server (compiled with `ssr` only).
//!
//! Server functions live in this crate so the phone can call them, but storage, sign-in
//! and rights checks live in the `server` crate (which depends on this one). The server
//! implements [`Backend`] and provides it as context; each server function is then a thin
//! adapter: take the request, call one `Backend` method, set the HTTP status of an error.

use std::sync::Arc;

use http::request::Parts;
use leptos::prelude::*;

use crate::error::AppError;
use crate::evaluation::{EvaluationHome, RatingSubmission, RoundAction, RoundsPage};
use crate::filing::{DraftSave, FilingContext, FilingView, Receipt, Submission};
use crate::model::{PeerGroup, Profile, SessionUser, UnitRoster};
use crate::review::{
    BatchItem, Decision, DecisionOutcome, ObjectionAnswer, ObjectionView, PublicationSummary, PublicityBoard,
    ReviewDetail, ReviewQueue, ReviewerStats, UnitReviewSettings,
};
use crate::sanliang::{SanLiang, TaskAction};
use crate::social::{Campaign, CampaignBoard, NewCampaign};

/// A successful sign-in: who, and the `Set-Cookie` value carrying the session.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub user: SessionUser,
    pub set_cookie: String,
}

/// Everything the server functions need from the server. Every method that returns
/// records checks the caller's role *and* the record itself.
#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    /// The user of the request's session cookie, if the session is valid.
    async fn session_user(&self, req: &Parts) -> Result<Option<SessionUser>, AppError>;
    /// Checks the password (throttled per user name and address), opens a session.
    async fn sign_in(&self, req: &Parts, username: String, password: String) -> Result<SignedIn, AppError>;
    /// Revokes the request's session; returns the `Set-Cookie` value that clears it.
    async fn sign_out(&self, req: &Parts) -> Result<String, AppError>;
    /// The caller's own record.
    async fn profile(&self, user: &SessionUser) -> Result<Profile, AppError>;
    /// The units a leader supervises, with their members.
    async fn supervised_units(&self, user: &SessionUser) -> Result<Vec<UnitRoster>, AppError>;
    /// All units by peer group (organisation admins).
    async fn peer_groups(&self, user: &SessionUser) -> Result<Vec<PeerGroup>, AppError>;

    /// The cadre's report page for a period (`None`: the period to file today);
    /// `Ok(None)` when no scheme is bound to the cadre's unit and tier.
    async fn filing_context(
        &self,
        user: &SessionUser,
        period: Option<String>,
    ) -> Result<Option<FilingContext>, AppError>;
    /// Keeps the phone's draft; returns the draft counter the server now holds.
    async fn save_draft(&self, user: &SessionUser, draft: DraftSave) -> Result<i64, AppError>;
    /// Recomputes, checks and stores a submission (idempotent by its key).
    async fn submit_filing(&self, user: &SessionUser, submission: Submission) -> Result<Receipt, AppError>;
    /// The cadre's own filings, newest first.
    async fn my_filings(&self, user: &SessionUser) -> Result<Vec<Receipt>, AppError>;
    /// One filing in full, if the caller may read it (owner, supervising leader, admin).
    async fn filing_view(&self, user: &SessionUser, id: i64) -> Result<FilingView, AppError>;

    /// The filings waiting for the reviewer, oldest deadline first.
    async fn review_queue(&self, user: &SessionUser) -> Result<ReviewQueue, AppError>;
    /// One filing as its reviewers see it.
    async fn review_detail(&self, user: &SessionUser, id: i64) -> Result<ReviewDetail, AppError>;
    /// One review step on a filing at the version the reviewer saw.
    async fn decide(
        &self,
        user: &SessionUser,
        filing_id: i64,
        version: i64,
        decision: Decision,
    ) -> Result<DecisionOutcome, AppError>;
    /// Approves unchanged filings, all or none.
    async fn batch_approve(&self, user: &SessionUser, items: Vec<BatchItem>) -> Result<Vec<DecisionOutcome>, AppError>;
    /// Publishes a unit's confirmed results of a period.
    async fn publish(&self, user: &SessionUser, unit_id: i64, period: String) -> Result<PublicationSummary, AppError>;
    /// The publicity windows the caller may see.
    async fn publications(&self, user: &SessionUser) -> Result<Vec<PublicationSummary>, AppError>;
    /// A unit's publicity board.
    async fn publicity_board(
        &self,
        user: &SessionUser,
        unit_id: i64,
        period: String,
    ) -> Result<PublicityBoard, AppError>;
    /// Lodges an objection to a published result.
    async fn lodge_objection(
        &self,
        user: &SessionUser,
        filing_id: i64,
        reason: String,
    ) -> Result<ObjectionView, AppError>;
    /// Records a reconsideration outcome.
    async fn answer_objection(&self, user: &SessionUser, answer: ObjectionAnswer) -> Result<ObjectionView, AppError>;
    /// The caller's objections and those they must answer.
    async fn objections(&self, user: &SessionUser) -> Result<Vec<ObjectionView>, AppError>;
    /// Every unit's review settings (admins).
    async fn unit_settings(&self, user: &SessionUser) -> Result<Vec<UnitReviewSettings>, AppError>;
    /// Changes a unit's review settings (admins).
    async fn save_unit_settings(
        &self,
        user: &SessionUser,
        settings: UnitReviewSettings,
    ) -> Result<UnitReviewSettings, AppError>;
    /// Reviewer statistics (admins).
    async fn reviewer_stats(&self, user: &SessionUser) -> Result<Vec<ReviewerStats>, AppError>;
    /// A person's 三亮 (`None`: the caller's own), with what the caller may do there.
    async fn sanliang(&self, user: &SessionUser, person_id: Option<i64>) -> Result<SanLiang, AppError>;
    /// One step on a 三亮 page (propose, approve, commit, dispatch, accept, set duties).
    async fn sanliang_act(&self, user: &SessionUser, action: TaskAction) -> Result<SanLiang, AppError>;

    /// 社会评议 campaigns with counts and flags (admins); `req` gives the public address
    /// for the QR links.
    async fn social_campaigns(&self, user: &SessionUser, req: &Parts) -> Result<CampaignBoard, AppError>;
    /// Opens a 社会评议 campaign (admins).
    async fn create_campaign(
        &self,
        user: &SessionUser,
        req: &Parts,
        campaign: NewCampaign,
    ) -> Result<Campaign, AppError>;
    /// Closes a 社会评议 campaign early (admins).
    async fn close_campaign(&self, user: &SessionUser, req: &Parts, id: i64) -> Result<Campaign, AppError>;

    /// What the caller may rate now (leader, peer, two-way) and the aggregates they may read.
    async fn evaluation_home(&self, user: &SessionUser) -> Result<EvaluationHome, AppError>;
    /// Stores a ballot or a leader's ratings.
    async fn submit_ratings(
        &self,
        user: &SessionUser,
        submission: RatingSubmission,
    ) -> Result<EvaluationHome, AppError>;
    /// Evaluation rounds (admins).
    async fn evaluation_rounds(&self, user: &SessionUser) -> Result<RoundsPage, AppError>;
    /// Opens or closes a round (admins).
    async fn round_act(&self, user: &SessionUser, action: RoundAction) -> Result<RoundsPage, AppError>;
}

/// The backend as it sits in Leptos context.
#[derive(Clone)]
pub struct BackendHandle(pub Arc<dyn Backend>);

/// Helpers for server function bodies.
pub mod ssr {
    use super::*;
    use leptos_axum::ResponseOptions;

    /// The backend the server provided.
    pub fn backend() -> Result<Arc<dyn Backend>, AppError> {
        use_context::<BackendHandle>().map(|h| h.0).ok_or(AppError::Internal)
    }

    /// The parts of the current HTTP request.
    pub fn request() -> Result<Parts, AppError> {
        use_context::<Parts>().ok_or(AppError::Internal)
    }

    /// The signed-in user, or `Unauthenticated`.
    pub async fn user() -> Result<SessionUser, AppError> {
        let req = request()?;
        backend()?.session_user(&req).await?.ok_or(AppError::Unauthenticated)
    }

    /// Sends the error with its own HTTP status (server functions default to 500).
    pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
        if let Err(e) = &result {
            if let (Some(options), Ok(status)) =
                (use_context::<ResponseOptions>(), http::StatusCode::from_u16(e.status()))
            {
                options.set_status(status);
            }
        }
        result
    }
}
