//! The organisation admin's side: open and close campaigns, read counts and flags, and
//! fetch a campaign's QR code (`/admin/campaigns/{id}/qr.svg`, `qr.png`) and printable
//! poster (`/admin/campaigns/{id}/poster`). Opening and closing are audited; residents'
//! ratings are not (they are anonymous, and the hash chain would serialise them).

use std::collections::BTreeMap;

use app::error::AppError;
use app::model::{Role, SessionUser};
use app::period::{Kind, Period};
use app::social::{Campaign, CampaignBoard, NewCampaign, PersonChoice, UnitChoice};
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{DateTime, TimeDelta, Utc};
use http::request::Parts;
use http::{header, HeaderValue};
use serde_json::json;

use super::flags::{self, Thresholds};
use super::{page, qr, resident, Level, Social};
use crate::backend::ServerBackend;
use crate::error::OrInternal;
use crate::http::error_response;
use crate::rights;
use crate::storage::audit::{self, NewEntry};
use crate::storage::social::{self as store, CampaignRow};
use crate::storage::{org, Conn, Db};

/// The campaigns with counts and flags, and what a new campaign may rate.
///
/// # Errors
/// [`AppError::Forbidden`] unless the caller is an organisation admin.
pub async fn board(
    db: &Db,
    social: &Social,
    user: &SessionUser,
    req: &Parts,
    now: DateTime<Utc>,
) -> Result<CampaignBoard, AppError> {
    rights::require_role(user, Role::Admin)?;
    let mut pooled = db.acquire().await.or_internal("acquire")?;
    let mut conn = pooled.conn();
    let rows = store::campaigns(&mut conn).await.or_internal("campaigns")?;
    let campaigns = views(&mut conn, social, &social.public_base(req), rows, None, now).await?;
    let units = org::units_with_counts(&mut conn).await.or_internal("units")?;
    let mut people: BTreeMap<i64, Vec<PersonChoice>> = BTreeMap::new();
    for p in store::people(&mut conn).await.or_internal("people")? {
        people.entry(p.unit_id).or_default().push(PersonChoice { id: p.id, name: p.name, post: p.post });
    }
    Ok(CampaignBoard {
        campaigns,
        units: units
            .into_iter()
            .map(|u| UnitChoice { id: u.id, name: u.name, people: people.remove(&u.id).unwrap_or_default() })
            .collect(),
        default_period: Period::containing(Kind::Month, flags::china_time(now).date_naive()).to_string(),
    })
}

/// Opens a campaign for `days` from `now`.
///
/// # Errors
/// [`AppError::Forbidden`] unless an admin; [`AppError::Invalid`] for a bad period or
/// duration or a person not of the unit; [`AppError::NotFound`] for no such unit.
pub async fn create(
    db: &Db,
    social: &Social,
    user: &SessionUser,
    req: &Parts,
    new: &NewCampaign,
    now: DateTime<Utc>,
) -> Result<Campaign, AppError> {
    rights::require_role(user, Role::Admin)?;
    new.validate()?;
    let period = new.period.trim();
    let mut tx = db.begin().await.or_internal("begin")?;
    let unit = org::unit(&mut tx.conn(), new.unit_id).await.or_internal("unit")?.ok_or(AppError::NotFound)?;
    let title = match new.person_id {
        None => unit.name.clone(),
        Some(person_id) => {
            let person = org::person(&mut tx.conn(), person_id)
                .await
                .or_internal("person")?
                .filter(|p| p.unit_id == unit.id)
                .ok_or_else(|| AppError::invalid("person_id", "所选人员不属于该单位"))?;
            format!("{}（{}）", person.name, unit.name)
        }
    };
    let ends_at = now + TimeDelta::days(new.days);
    let row = store::NewCampaign {
        unit_id: unit.id,
        person_id: new.person_id,
        period,
        title: &title,
        created_by: user.id,
        ends_at,
    };
    let id = store::insert_campaign(&mut tx.conn(), &row, now).await.or_internal("insert campaign")?;
    audit::append(
        &mut tx.conn(),
        &NewEntry {
            actor_user_id: Some(user.id),
            action: "social.campaign.open".into(),
            subject_type: "social_campaign".into(),
            subject_id: id.to_string(),
            before: None,
            after: Some(json!({ "unit_id": unit.id, "person_id": new.person_id, "period": period,
                                "title": title, "ends_at": ends_at })),
        },
        now,
    )
    .await
    .or_internal("audit")?;
    let view = one(&mut tx.conn(), social, req, id, now).await?;
    tx.commit().await.or_internal("commit")?;
    tracing::info!(campaign_id = id, "social campaign opened");
    Ok(view)
}

/// Closes a campaign now (closing a closed one changes nothing).
///
/// # Errors
/// [`AppError::Forbidden`] unless an admin; [`AppError::NotFound`] for no such campaign.
pub async fn close(
    db: &Db,
    social: &Social,
    user: &SessionUser,
    req: &Parts,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Campaign, AppError> {
    rights::require_role(user, Role::Admin)?;
    let mut tx = db.begin().await.or_internal("begin")?;
    store::campaign(&mut tx.conn(), id).await.or_internal("campaign")?.ok_or(AppError::NotFound)?;
    if store::close(&mut tx.conn(), id, now).await.or_internal("close")? {
        audit::append(
            &mut tx.conn(),
            &NewEntry {
                actor_user_id: Some(user.id),
                action: "social.campaign.close".into(),
                subject_type: "social_campaign".into(),
                subject_id: id.to_string(),
                before: None,
                after: Some(json!({ "closed_at": now })),
            },
            now,
        )
        .await
        .or_internal("audit")?;
    }
    let view = one(&mut tx.conn(), social, req, id, now).await?;
    tx.commit().await.or_internal("commit")?;
    Ok(view)
}

async fn one(
    conn: &mut Conn<'_>,
    social: &Social,
    req: &Parts,
    id: i64,
    now: DateTime<Utc>,
) -> Result<Campaign, AppError> {
    let row = store::campaign(conn, id).await.or_internal("campaign")?.ok_or(AppError::NotFound)?;
    views(conn, social, &social.public_base(req), vec![row], Some(id), now).await?.pop().ok_or(AppError::Internal)
}

/// Campaign rows as the admin sees them: counts per answer, flags, the QR link.
async fn views(
    conn: &mut Conn<'_>,
    social: &Social,
    base: &str,
    rows: Vec<CampaignRow>,
    only: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Vec<Campaign>, AppError> {
    let mut counts: BTreeMap<(i64, &'static str), i64> = BTreeMap::new();
    for c in store::level_counts(conn, only).await.or_internal("counts")? {
        if let Some(level) = Level::parse(&c.level) {
            counts.insert((c.campaign_id, level.as_str()), c.count);
        }
    }
    let busiest: BTreeMap<i64, i64> =
        store::busiest_source(conn, only).await.or_internal("sources")?.into_iter().collect();
    let thresholds = Thresholds::default();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let n = |l: Level| counts.get(&(row.id, l.as_str())).copied().unwrap_or(0);
        let (satisfied, basic, dissatisfied) = (n(Level::Satisfied), n(Level::Basic), n(Level::Dissatisfied));
        let total = satisfied + basic + dissatisfied;
        // Only a campaign with more ratings than a burst holds can have had one.
        let times = if usize::try_from(total).unwrap_or(0) > thresholds.burst_max {
            store::times(conn, row.id).await.or_internal("times")?
        } else {
            Vec::new()
        };
        let h = resident::heading(&row);
        out.push(Campaign {
            id: row.id,
            link: format!("{base}/r/{}", social.token_for(&row)?),
            open: row.is_open(now),
            title: row.title,
            period: row.period,
            period_label: h.period_label,
            ends_at: h.ends_label,
            satisfied,
            basic,
            dissatisfied,
            total,
            flags: flags::flags(&times, busiest.get(&row.id).copied().unwrap_or(0), total, &thresholds),
        });
    }
    Ok(out)
}

/// What an admin-only download needs: an admin's session and the campaign.
async fn admin_campaign(backend: &ServerBackend, parts: &Parts, id: i64) -> Result<CampaignRow, AppError> {
    let user = backend.auth.session_user(&parts.headers).await?.ok_or(AppError::Unauthenticated)?;
    rights::require_role(&user, Role::Admin)?;
    let mut pooled = backend.db.acquire().await.or_internal("acquire")?;
    store::campaign(&mut pooled.conn(), id).await.or_internal("campaign")?.ok_or(AppError::NotFound)
}

fn link(backend: &ServerBackend, parts: &Parts, c: &CampaignRow) -> Result<String, AppError> {
    Ok(format!("{}/r/{}", backend.social.public_base(parts), backend.social.token_for(c)?))
}

fn download(content_type: &'static str, name: String, body: impl IntoResponse) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `GET /admin/campaigns/{id}/qr.svg`
pub async fn qr_svg(State(backend): State<ServerBackend>, Path(id): Path<i64>, parts: Parts) -> Response {
    let svg = async {
        let c = admin_campaign(&backend, &parts, id).await?;
        qr::svg(&link(&backend, &parts, &c)?, 400).or_internal("qr svg")
    };
    match svg.await {
        Ok(svg) => download("image/svg+xml", format!("campaign-{id}.svg"), svg),
        Err(e) => error_response(&e),
    }
}

/// `GET /admin/campaigns/{id}/qr.png`
pub async fn qr_png(State(backend): State<ServerBackend>, Path(id): Path<i64>, parts: Parts) -> Response {
    let png = async {
        let c = admin_campaign(&backend, &parts, id).await?;
        qr::png(&link(&backend, &parts, &c)?, 12).or_internal("qr png")
    };
    match png.await {
        Ok(png) => download("image/png", format!("campaign-{id}.png"), png),
        Err(e) => error_response(&e),
    }
}

/// `GET /admin/campaigns/{id}/poster`: the A4 poster to print (a browser without a
/// session goes to sign in first, as for pages).
pub async fn poster(State(backend): State<ServerBackend>, Path(id): Path<i64>, parts: Parts) -> Response {
    let html = async {
        let c = admin_campaign(&backend, &parts, id).await?;
        let link = link(&backend, &parts, &c)?;
        let svg = qr::svg_inline(&link, 400).or_internal("qr svg")?;
        Ok::<_, AppError>(page::poster(&resident::heading(&c), &svg, &link))
    };
    match html.await {
        Ok(html) => Html(html).into_response(),
        Err(AppError::Unauthenticated) => Redirect::to("/login").into_response(),
        Err(e) => error_response(&e),
    }
}
