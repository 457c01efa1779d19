//! The server's side of the port the Leptos server functions call
//! ([`app::backend::Backend`]): each method delegates to a plain, tested function.

use app::backend::{Backend, SignedIn};
use app::error::AppError;
use app::evaluation::{EvaluationHome, RatingSubmission, RoundAction, RoundsPage};
use app::filing::{DraftSave, FilingContext, FilingView, Receipt, Submission};
use app::model::{PeerGroup, Profile, SessionUser, UnitRoster};
use app::review::{
    BatchItem, Decision, DecisionOutcome, ObjectionAnswer, ObjectionView, PublicationSummary, PublicityBoard,
    ReviewDetail, ReviewQueue, ReviewerStats, UnitReviewSettings,
};
use app::sanliang::{SanLiang, TaskAction};
use app::social::{Campaign, CampaignBoard, NewCampaign};
use chrono::Utc;
use http::request::Parts;

use crate::auth::Auth;
use crate::review::{decide, publicity, stats};
use crate::schemes::SchemeCache;
use crate::storage::{self, Db};
use crate::{evaluation, filing, org, sanliang, social};

/// Everything a request needs: the pool and the sign-in service. Cheap to clone and
/// stateless (sessions live in the database), so any number of servers can share a
/// database behind a load balancer.
#[derive(Clone, Debug)]
pub struct ServerBackend {
    pub db: Db,
    pub auth: Auth,
    pub schemes: SchemeCache,
    /// 社会评议: keys and limits of the residents' QR ratings.
    pub social: social::Social,
}

#[async_trait::async_trait]
impl Backend for ServerBackend {
    async fn session_user(&self, req: &Parts) -> Result<Option<SessionUser>, AppError> {
        self.auth.session_user(&req.headers).await
    }

    async fn sign_in(&self, req: &Parts, username: String, password: String) -> Result<SignedIn, AppError> {
        let session = self.auth.sign_in(req, &username, password).await?;
        Ok(SignedIn { user: session.user, set_cookie: session.set_cookie })
    }

    async fn sign_out(&self, req: &Parts) -> Result<String, AppError> {
        self.auth.sign_out(&req.headers).await
    }

    async fn profile(&self, user: &SessionUser) -> Result<Profile, AppError> {
        org::profile(&self.db, user).await
    }

    async fn supervised_units(&self, user: &SessionUser) -> Result<Vec<UnitRoster>, AppError> {
        org::supervised_units(&self.db, user).await
    }

    async fn peer_groups(&self, user: &SessionUser) -> Result<Vec<PeerGroup>, AppError> {
        org::peer_groups(&self.db, user).await
    }

    async fn filing_context(
        &self,
        user: &SessionUser,
        period: Option<String>,
    ) -> Result<Option<FilingContext>, AppError> {
        filing::context::context(&self.db, &self.schemes, user, period.as_deref(), storage::now()).await
    }

    async fn save_draft(&self, user: &SessionUser, draft: DraftSave) -> Result<i64, AppError> {
        filing::drafts::save(&self.db, user, &draft, storage::now()).await
    }

    async fn submit_filing(&self, user: &SessionUser, submission: Submission) -> Result<Receipt, AppError> {
        filing::submit::submit(&self.db, &self.schemes, user, submission, storage::now()).await
    }

    async fn my_filings(&self, user: &SessionUser) -> Result<Vec<Receipt>, AppError> {
        filing::history::my_filings(&self.db, user).await
    }

    async fn filing_view(&self, user: &SessionUser, id: i64) -> Result<FilingView, AppError> {
        filing::history::filing_view(&self.db, user, id).await
    }

    async fn review_queue(&self, user: &SessionUser) -> Result<ReviewQueue, AppError> {
        decide::queue(&self.db, &self.schemes, user, storage::now()).await
    }

    async fn review_detail(&self, user: &SessionUser, id: i64) -> Result<ReviewDetail, AppError> {
        decide::detail(&self.db, &self.schemes, user, id).await
    }

    async fn decide(
        &self,
        user: &SessionUser,
        filing_id: i64,
        version: i64,
        decision: Decision,
    ) -> Result<DecisionOutcome, AppError> {
        decide::decide(&self.db, &self.schemes, user, filing_id, version, &decision, storage::now()).await
    }

    async fn batch_approve(&self, user: &SessionUser, items: Vec<BatchItem>) -> Result<Vec<DecisionOutcome>, AppError> {
        decide::batch_approve(&self.db, &self.schemes, user, &items, storage::now()).await
    }

    async fn publish(&self, user: &SessionUser, unit_id: i64, period: String) -> Result<PublicationSummary, AppError> {
        publicity::publish(&self.db, user, unit_id, &period, storage::now()).await
    }

    async fn publications(&self, user: &SessionUser) -> Result<Vec<PublicationSummary>, AppError> {
        publicity::publications(&self.db, user, storage::now()).await
    }

    async fn publicity_board(
        &self,
        user: &SessionUser,
        unit_id: i64,
        period: String,
    ) -> Result<PublicityBoard, AppError> {
        publicity::board(&self.db, user, unit_id, &period, storage::now()).await
    }

    async fn lodge_objection(
        &self,
        user: &SessionUser,
        filing_id: i64,
        reason: String,
    ) -> Result<ObjectionView, AppError> {
        publicity::lodge(&self.db, user, filing_id, &reason, storage::now()).await
    }

    async fn answer_objection(&self, user: &SessionUser, answer: ObjectionAnswer) -> Result<ObjectionView, AppError> {
        publicity::answer(&self.db, &self.schemes, user, &answer, storage::now()).await
    }

    async fn objections(&self, user: &SessionUser) -> Result<Vec<ObjectionView>, AppError> {
        publicity::my_objections(&self.db, user).await
    }

    async fn unit_settings(&self, user: &SessionUser) -> Result<Vec<UnitReviewSettings>, AppError> {
        publicity::all_settings(&self.db, user).await
    }

    async fn save_unit_settings(
        &self,
        user: &SessionUser,
        settings: UnitReviewSettings,
    ) -> Result<UnitReviewSettings, AppError> {
        publicity::save_settings(&self.db, user, &settings, storage::now()).await
    }

    async fn reviewer_stats(&self, user: &SessionUser) -> Result<Vec<ReviewerStats>, AppError> {
        stats::reviewer_stats(&self.db, user).await
    }

    async fn sanliang(&self, user: &SessionUser, person_id: Option<i64>) -> Result<SanLiang, AppError> {
        sanliang::view(&self.db, user, person_id, Utc::now()).await
    }

    async fn sanliang_act(&self, user: &SessionUser, action: TaskAction) -> Result<SanLiang, AppError> {
        sanliang::act(&self.db, user, action, Utc::now()).await
    }

    async fn social_campaigns(&self, user: &SessionUser, req: &Parts) -> Result<CampaignBoard, AppError> {
        social::admin::board(&self.db, &self.social, user, req, storage::now()).await
    }

    async fn create_campaign(
        &self,
        user: &SessionUser,
        req: &Parts,
        campaign: NewCampaign,
    ) -> Result<Campaign, AppError> {
        social::admin::create(&self.db, &self.social, user, req, &campaign, storage::now()).await
    }

    async fn close_campaign(&self, user: &SessionUser, req: &Parts, id: i64) -> Result<Campaign, AppError> {
        social::admin::close(&self.db, &self.social, user, req, id, storage::now()).await
    }

    async fn evaluation_home(&self, user: &SessionUser) -> Result<EvaluationHome, AppError> {
        evaluation::rate::home(&self.db, user).await
    }

    async fn submit_ratings(
        &self,
        user: &SessionUser,
        submission: RatingSubmission,
    ) -> Result<EvaluationHome, AppError> {
        evaluation::rate::submit(&self.db, user, submission, storage::now()).await
    }

    async fn evaluation_rounds(&self, user: &SessionUser) -> Result<RoundsPage, AppError> {
        evaluation::rounds::page(&self.db, user, storage::now()).await
    }

    async fn round_act(&self, user: &SessionUser, action: RoundAction) -> Result<RoundsPage, AppError> {
        evaluation::rounds::act(&self.db, user, action, storage::now()).await
    }
}
