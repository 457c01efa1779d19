//! The resident's side: `GET /r/{token}` (the rating page), `POST /r/{token}` (the
//! rating), `GET /r/{token}/challenge` (a fresh proof-of-work challenge as JSON, as
//! ALTCHA's `challengeurl`). Public: no account, no session.
//!
//! Answers are HTML for browsers and JSON (`{"code": …, "message": …}`) for clients that
//! send `Accept: application/json`, with the same status either way.
//!
//! The device cookie is set when the page is opened and required when it is submitted:
//! a client that keeps no cookies cannot rate, rather than rating as a new device each
//! time.

use app::period::Period;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use axum::{Form, Json};
use cookie::{Cookie, SameSite};
use http::request::Parts;
use http::{header, HeaderMap, HeaderValue, StatusCode};
use serde::Deserialize;
use serde_json::json;

use super::page::{self, CampaignHeading};
use super::pow::PowError;
use super::token::{Claims, TokenError};
use super::{flags, is_device_id, new_device_id, Level, Social, MAX_COMMENT_CHARS};
use crate::backend::ServerBackend;
use crate::error::OrInternal;
use crate::storage::social::{self as store, CampaignRow, NewRating};
use crate::storage::{self, Db};

/// The device cookie: a random id, only sent to `/r/…`.
pub const DEVICE_COOKIE: &str = "kaohe_device";

/// Two years: a resident who rates every month keeps one device id.
const DEVICE_COOKIE_SECONDS: i64 = 2 * 365 * 24 * 3600;

/// Why a resident's request was not served, each with its status, a stable code and the
/// Chinese text the page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// 403 `invalid_token` — malformed or forged.
    InvalidToken,
    /// 403 `wrong_scope` — a genuine token of another kind.
    WrongScope,
    /// 410 `token_expired` — past the campaign's end.
    Expired,
    /// 410 `campaign_closed` — closed early by the admin.
    Closed,
    /// 404 `not_found` — the campaign is gone.
    NotFound,
    /// 409 `already_rated` — this device already rated this campaign.
    AlreadyRated,
    /// 409 `challenge_used` — this proof of work was already spent.
    ChallengeUsed,
    /// 422 `pow_failed` — the proof of work is missing, wrong or for another campaign.
    PowFailed,
    /// 422 `pow_expired` — the page was open too long.
    PowExpired,
    /// 400 `no_device` — the browser keeps no cookies.
    NoDevice,
    /// 422 `invalid` — no answer chosen, or the comment is too long.
    Invalid(&'static str),
    /// 429 `rate_limited` — too many ratings from this address just now.
    RateLimited { retry_after_secs: u64 },
    /// 500 `internal` — details in the server log.
    Internal,
}

impl Refusal {
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::InvalidToken | Refusal::WrongScope => StatusCode::FORBIDDEN,
            Refusal::Expired | Refusal::Closed => StatusCode::GONE,
            Refusal::NotFound => StatusCode::NOT_FOUND,
            Refusal::AlreadyRated | Refusal::ChallengeUsed => StatusCode::CONFLICT,
            Refusal::PowFailed | Refusal::PowExpired | Refusal::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::NoDevice => StatusCode::BAD_REQUEST,
            Refusal::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Refusal::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Refusal::InvalidToken => "invalid_token",
            Refusal::WrongScope => "wrong_scope",
            Refusal::Expired => "token_expired",
            Refusal::Closed => "campaign_closed",
            Refusal::NotFound => "not_found",
            Refusal::AlreadyRated => "already_rated",
            Refusal::ChallengeUsed => "challenge_used",
            Refusal::PowFailed => "pow_failed",
            Refusal::PowExpired => "pow_expired",
            Refusal::NoDevice => "no_device",
            Refusal::Invalid(_) => "invalid",
            Refusal::RateLimited { .. } => "rate_limited",
            Refusal::Internal => "internal",
        }
    }

    /// Heading and explanation, in Chinese.
    pub fn text(&self) -> (&'static str, String) {
        match self {
            Refusal::InvalidToken | Refusal::WrongScope => {
                ("二维码无效", "请扫描评议海报上的二维码，或向发布单位核实。".into())
            }
            Refusal::Expired | Refusal::Closed => ("本次评议已结束", "感谢关注，请留意下一次评议。".into()),
            Refusal::NotFound => ("评议不存在", "请向发布单位核实二维码。".into()),
            Refusal::AlreadyRated => ("您已评价过，感谢参与", "每部手机对同一次评议只能评价一次。".into()),
            Refusal::ChallengeUsed | Refusal::PowFailed | Refusal::PowExpired => {
                ("安全验证未通过", "页面可能已打开太久，请刷新页面后重新提交。".into())
            }
            Refusal::NoDevice => ("无法提交", "请允许浏览器保存 Cookie，然后重新扫码评价。".into()),
            Refusal::Invalid(why) => ("请检查后重新提交", (*why).into()),
            Refusal::RateLimited { retry_after_secs } => {
                ("提交过于频繁", format!("同一网络的评价较多，请约 {} 分钟后再试。", retry_after_secs.div_ceil(60)))
            }
            Refusal::Internal => ("服务器繁忙", "请稍后再试。".into()),
        }
    }

    fn respond(&self, heading: Option<&CampaignHeading>, json: bool) -> Response {
        let (title, text) = self.text();
        let mut res = if json {
            Json(json!({ "code": self.code(), "message": format!("{title}：{text}") })).into_response()
        } else {
            Html(page::message(heading, false, self.code(), title, &text)).into_response()
        };
        *res.status_mut() = self.status();
        if let Refusal::RateLimited { retry_after_secs } = self {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
        }
        no_store(res)
    }
}

impl From<TokenError> for Refusal {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::Invalid => Refusal::InvalidToken,
            TokenError::Expired => Refusal::Expired,
            TokenError::WrongScope => Refusal::WrongScope,
        }
    }
}

impl From<PowError> for Refusal {
    fn from(e: PowError) -> Self {
        match e {
            PowError::Invalid => Refusal::PowFailed,
            PowError::Expired => Refusal::PowExpired,
        }
    }
}

/// Unexpected failures are logged with context and leave as an opaque 500.
fn internal(context: &'static str, e: impl std::fmt::Display) -> Refusal {
    let _ = crate::error::internal(context, e);
    Refusal::Internal
}

/// Every answer here is personal (a form with a one-time challenge, or the outcome of a
/// rating): no cache may keep it, and no back-forward cache may replay the form.
fn no_store(mut res: Response) -> Response {
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

fn wants_json(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("application/json"))
}

fn device_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == DEVICE_COOKIE && is_device_id(c.value()))
        .map(|c| c.value().to_string())
}

/// `Set-Cookie` for a device id: `HttpOnly` (no script reads it), `SameSite=Lax` (sent
/// when the QR link is opened from a chat app), `Path=/r` (never sent to the app),
/// `Secure` (production is served over TLS; browsers accept it from `localhost`).
pub fn set_device_cookie(id: &str) -> String {
    Cookie::build((DEVICE_COOKIE, id))
        .path("/r")
        .secure(true)
        .http_only(true)
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(DEVICE_COOKIE_SECONDS))
        .build()
        .to_string()
}

/// The heading of a campaign's pages.
pub fn heading(c: &CampaignRow) -> CampaignHeading {
    CampaignHeading {
        title: c.title.clone(),
        period_label: Period::parse(&c.period).map(Period::label_zh).unwrap_or_else(|| c.period.clone()),
        ends_label: flags::china_time(c.ends_at).format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// The token's campaign, if it is there, open, and of the token's period.
async fn open_campaign(db: &Db, claims: &Claims) -> Result<CampaignRow, Refusal> {
    let mut pooled = db.acquire().await.map_err(|e| internal("acquire", e))?;
    let campaign = store::campaign(&mut pooled.conn(), claims.cid)
        .await
        .map_err(|e| internal("campaign", e))?
        .ok_or(Refusal::NotFound)?;
    if campaign.period != claims.period {
        return Err(Refusal::WrongScope);
    }
    if !campaign.is_open(storage::now()) {
        return Err(Refusal::Closed);
    }
    Ok(campaign)
}

/// `GET /r/{token}`: the rating page (or "already rated" for a device that has).
pub async fn open(State(backend): State<ServerBackend>, Path(token): Path<String>, headers: HeaderMap) -> Response {
    let json = wants_json(&headers);
    let social = &backend.social;
    let claims = match social.tokens.verify(&token) {
        Ok(c) => c,
        Err(e) => return Refusal::from(e).respond(None, json),
    };
    let campaign = match open_campaign(&backend.db, &claims).await {
        Ok(c) => c,
        Err(r) => return r.respond(None, json),
    };
    let h = heading(&campaign);
    let device = device_cookie(&headers);
    if let Some(device) = &device {
        let rated = async {
            let mut pooled = backend.db.acquire().await.or_internal("acquire")?;
            store::device_rated(&mut pooled.conn(), campaign.id, device).await.or_internal("device")
        }
        .await;
        match rated {
            Ok(true) => {
                let (title, text) = Refusal::AlreadyRated.text();
                return no_store(Html(page::message(Some(&h), false, "already_rated", title, &text)).into_response());
            }
            Ok(false) => {}
            Err(_) => return Refusal::Internal.respond(Some(&h), json),
        }
    }
    let challenge = match social.pow.issue(campaign.id, storage::now()) {
        Ok(c) => c,
        Err(e) => return internal("challenge", e).respond(Some(&h), json),
    };
    let challenge_json = serde_json::to_string(&challenge).unwrap_or_default();
    let mut res = Html(page::rating_form(&h, &challenge_json, MAX_COMMENT_CHARS)).into_response();
    if device.is_none() {
        if let Ok(v) = HeaderValue::from_str(&set_device_cookie(&new_device_id())) {
            res.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    no_store(res)
}

/// `GET /r/{token}/challenge`: a fresh challenge as ALTCHA JSON.
pub async fn challenge(State(backend): State<ServerBackend>, Path(token): Path<String>) -> Response {
    let social = &backend.social;
    let claims = match social.tokens.verify(&token) {
        Ok(c) => c,
        Err(e) => return Refusal::from(e).respond(None, true),
    };
    match social.pow.issue(claims.cid, storage::now()) {
        Ok(c) => no_store(Json(c).into_response()),
        Err(e) => internal("challenge", e).respond(None, true),
    }
}

/// What the rating form sends.
#[derive(Debug, Default, Deserialize)]
pub struct RatingForm {
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub comment: String,
    #[serde(default)]
    pub altcha: String,
}

impl RatingForm {
    /// The answer and the comment (trimmed, line breaks normalised), or why not.
    ///
    /// # Errors
    /// [`Refusal::Invalid`] for no answer or a comment over [`MAX_COMMENT_CHARS`].
    pub fn parse(&self) -> Result<(Level, String), Refusal> {
        let level = Level::parse(self.level.trim()).ok_or(Refusal::Invalid("请选择“满意”“基本满意”或“不满意”。"))?;
        let comment = self.comment.replace("\r\n", "\n").trim().to_string();
        if comment.chars().count() > MAX_COMMENT_CHARS {
            return Err(Refusal::Invalid("意见建议不能超过 200 字。"));
        }
        Ok((level, comment))
    }
}

/// `POST /r/{token}`: one rating.
pub async fn submit(
    State(backend): State<ServerBackend>,
    Path(token): Path<String>,
    parts: Parts,
    form: Result<Form<RatingForm>, FormRejection>,
) -> Response {
    let json = wants_json(&parts.headers);
    match accept(&backend.db, &backend.social, &token, &parts, form).await {
        Ok(_) if json => no_store(Json(json!({ "code": "accepted" })).into_response()),
        Ok(campaign_id) => {
            let h = backend.social.heading(&backend.db, campaign_id).await;
            no_store(
                Html(page::message(h.as_ref(), true, "accepted", "感谢您的评价", "您的评价已提交。感谢参与！"))
                    .into_response(),
            )
        }
        Err((r, h)) => r.respond(h.as_ref(), json),
    }
}

type Refused = (Refusal, Option<CampaignHeading>);

/// Checks everything that needs no database, then stores the rating in one statement;
/// only a refused insert pays for the queries that say why. Returns the campaign id.
async fn accept(
    db: &Db,
    social: &Social,
    token: &str,
    parts: &Parts,
    form: Result<Form<RatingForm>, FormRejection>,
) -> Result<i64, Refused> {
    let claims = social.tokens.verify(token).map_err(|e| (Refusal::from(e), None))?;
    let Form(form) = form.map_err(|_| (Refusal::Invalid("提交的内容无法识别，请刷新页面后重试。"), None))?;
    let device = device_cookie(&parts.headers).ok_or((Refusal::NoDevice, None))?;
    let (level, comment) = form.parse().map_err(|r| (r, None))?;
    let now = storage::now();
    let challenge = social.pow.verify(&form.altcha, claims.cid, now).map_err(|e| (Refusal::from(e), None))?;
    let ip_hash = social.ip_hash(&social.client_ip(parts));
    let rating = NewRating {
        campaign_id: claims.cid,
        period: &claims.period,
        device_id: &device,
        ip_hash: &ip_hash,
        level: level.as_str(),
        comment: &comment,
        challenge: &challenge,
    };

    let (since, max) = (social.limit.since(now), social.limit.max_per_ip);
    let inserted = match db {
        // One statement is atomic on its own: no BEGIN and COMMIT round trips.
        Db::Postgres(_) => {
            let mut pooled = db.acquire().await.map_err(|e| (internal("acquire", e), None))?;
            store::rate(&mut pooled.conn(), &rating, now, since, max).await
        }
        // SQLite: `BEGIN IMMEDIATE` takes the write lock before the statement reads, so it
        // cannot fail on a stale snapshot; `Db::begin` waits for the process's write turn,
        // which keeps writers out of the busy handler's sleeps.
        Db::Sqlite(..) => {
            let mut tx = db.begin().await.map_err(|e| (internal("begin", e), None))?;
            let inserted = store::rate(&mut tx.conn(), &rating, now, since, max).await;
            if inserted.as_ref().is_ok_and(Option::is_some) {
                tx.commit().await.map_err(|e| (internal("commit", e), None))?;
            }
            inserted
        }
    }
    .map_err(|e| (internal("rate", e), None))?;
    if inserted.is_some() {
        return Ok(claims.cid);
    }
    let mut pooled = db.acquire().await.map_err(|e| (internal("acquire", e), None))?;
    let why = why_refused(&mut pooled.conn(), &rating, &claims, social, now).await;
    tracing::info!(campaign_id = claims.cid, code = why.0.code(), "rating refused");
    Err(why)
}

/// Why [`store::rate`] inserted nothing.
async fn why_refused(
    conn: &mut storage::Conn<'_>,
    r: &NewRating<'_>,
    claims: &Claims,
    social: &Social,
    now: chrono::DateTime<chrono::Utc>,
) -> Refused {
    let campaign = match store::campaign(conn, r.campaign_id).await {
        Ok(Some(c)) => c,
        Ok(None) => return (Refusal::NotFound, None),
        Err(e) => return (internal("campaign", e), None),
    };
    let h = Some(heading(&campaign));
    let refusal = async {
        if campaign.period != claims.period {
            return Ok(Refusal::WrongScope);
        }
        if !campaign.is_open(now) {
            return Ok(Refusal::Closed);
        }
        if store::device_rated(conn, r.campaign_id, r.device_id).await? {
            return Ok(Refusal::AlreadyRated);
        }
        if store::challenge_used(conn, r.challenge).await? {
            return Ok(Refusal::ChallengeUsed);
        }
        let (count, oldest) = store::ip_count(conn, r.campaign_id, r.ip_hash, social.limit.since(now)).await?;
        if count >= social.limit.max_per_ip {
            return Ok(Refusal::RateLimited { retry_after_secs: social.limit.retry_after(oldest, now) });
        }
        // Another request from this device or with this challenge got in meanwhile.
        Ok::<_, sqlx::Error>(Refusal::AlreadyRated)
    }
    .await
    .unwrap_or_else(|e| internal("why refused", e));
    (refusal, h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_device_cookie_is_long_lived_httponly_lax_and_only_for_r() {
        let v = set_device_cookie("0123456789abcdef0123456789abcdef");
        for part in ["kaohe_device=0123456789abcdef0123456789abcdef", "Path=/r", "HttpOnly", "SameSite=Lax", "Secure"] {
            assert!(v.contains(part), "{v} lacks {part}");
        }
        assert!(v.contains(&format!("Max-Age={DEVICE_COOKIE_SECONDS}")));
    }

    #[test]
    fn only_well_formed_device_ids_are_read() {
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, "a=1; kaohe_device=0123456789abcdef0123456789abcdef".parse().unwrap());
        assert_eq!(device_cookie(&h).as_deref(), Some("0123456789abcdef0123456789abcdef"));
        let mut h = HeaderMap::new();
        h.append(header::COOKIE, "kaohe_device=<script>".parse().unwrap());
        assert_eq!(device_cookie(&h), None);
    }

    #[test]
    fn a_rating_needs_an_answer_and_a_short_comment() {
        let form = |level: &str, comment: &str| RatingForm {
            level: level.into(),
            comment: comment.into(),
            altcha: String::new(),
        };
        assert_eq!(form("basic", "  路灯修好了\r\n谢谢 ").parse(), Ok((Level::Basic, "路灯修好了\n谢谢".into())));
        assert!(matches!(form("", "").parse(), Err(Refusal::Invalid(_))));
        assert!(matches!(form("great", "").parse(), Err(Refusal::Invalid(_))));
        assert!(form("satisfied", &"好".repeat(200)).parse().is_ok());
        assert!(matches!(form("satisfied", &"好".repeat(201)).parse(), Err(Refusal::Invalid(_))));
    }

    #[test]
    fn every_refusal_speaks_chinese_with_a_client_or_server_status() {
        let all = [
            Refusal::InvalidToken,
            Refusal::WrongScope,
            Refusal::Expired,
            Refusal::Closed,
            Refusal::NotFound,
            Refusal::AlreadyRated,
            Refusal::ChallengeUsed,
            Refusal::PowFailed,
            Refusal::PowExpired,
            Refusal::NoDevice,
            Refusal::Invalid("x"),
            Refusal::RateLimited { retry_after_secs: 61 },
            Refusal::Internal,
        ];
        for r in all {
            assert!(r.status().is_client_error() || r.status().is_server_error());
            assert!(!r.text().0.is_ascii(), "{r:?}");
        }
        assert!(Refusal::RateLimited { retry_after_secs: 61 }.text().1.contains("2 分钟"));
        assert_eq!(Refusal::AlreadyRated.text().0, "您已评价过，感谢参与");
    }
}
