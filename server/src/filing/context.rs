//! What the report page needs for one period: the scheme to compile on the phone, the
//! period and its deadline, the task list to pick from, the server's draft and what was
//! already filed.

use app::error::AppError;
use app::filing::{DraftBody, FilingContext, FilingStatus, Receipt, SchemeInfo, ServerDraft, TaskItem};
use app::model::{Role, SessionUser};
use app::period::{self, Kind, Period};
use app::review::OwnReportDue;
use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDate, SecondsFormat, Utc};

use super::own_placement;
use crate::error::OrInternal;
use crate::schemes::{in_effect, newest_in_effect, SchemeCache};
use crate::storage::filings::{self, FilingHead};
use crate::storage::org::{self, PersonRow, UnitRow};
use crate::storage::schemes::{BindingRow, SchemeRow};
use crate::storage::{tasks, Conn, Db};

/// The scheme, period and binding a person files under.
pub struct Resolved {
    pub person: PersonRow,
    pub unit: UnitRow,
    pub binding: BindingRow,
    pub scheme: Arc<SchemeRow>,
    pub period: Period,
    pub late: bool,
}

/// Resolves which scheme version and period apply: the requested period, or the one to
/// file today. `Ok(None)` when no scheme is bound to the person's unit and tier.
///
/// # Errors
/// [`AppError::Invalid`] for a malformed, future or closed period.
pub async fn resolve(
    conn: &mut Conn<'_>,
    cache: &SchemeCache,
    user: &SessionUser,
    requested: Option<&str>,
    today: NaiveDate,
) -> Result<Option<Resolved>, AppError> {
    // Which versions exist comes with the placement; the rows themselves from the cache.
    let org::Placement { person, unit, binding, versions } = own_placement(conn, user).await?;
    let Some(binding) = binding else {
        return Ok(None);
    };
    let Some(today_version) = newest_in_effect(&versions, today) else {
        return Ok(None);
    };
    let Some(today_scheme) = cache.row(conn, &binding.scheme_id, today_version).await.or_internal("scheme")? else {
        return Ok(None);
    };
    let kind = Kind::parse(&today_scheme.period_kind).ok_or(AppError::Internal)?;
    let deadline_day = u32::try_from(binding.deadline_day).unwrap_or(5);

    let period = match requested {
        Some(text) => {
            let p = Period::parse(text).ok_or_else(|| AppError::invalid("period", "考核期格式不正确"))?;
            if p.kind != kind {
                return Err(AppError::invalid("period", "考核期与方案的周期不一致"));
            }
            p
        }
        None => {
            let previous = Period::containing(kind, today).previous();
            let state =
                match filings::for_person_period(conn, person.id, &previous.to_string()).await.or_internal("filing")? {
                    None => period::Previous::Open,
                    Some(f) if f.status == FilingStatus::Returned.as_str() => period::Previous::Returned,
                    Some(_) => period::Previous::Filed,
                };
            period::period_to_file(kind, today, deadline_day, state)
        }
    };
    let late = match period::may_file(period, today, deadline_day, binding.allow_late) {
        Ok(false) => false,
        // After the deadline, a filing its reviewer returned goes back on the terms of its
        // first filing (which was on time, or accepted late).
        outcome => {
            match filings::for_person_period(conn, person.id, &period.to_string()).await.or_internal("filing")? {
                Some(f) if f.status == FilingStatus::Returned.as_str() => f.late,
                _ => outcome.map_err(|message| AppError::invalid("period", message))?,
            }
        }
    };

    // The version in effect at the end of the period is the one to file under.
    let scheme = match newest_in_effect(&versions, period.last_day().min(today)) {
        Some(version) if version != today_version => {
            cache.row(conn, &binding.scheme_id, version).await.or_internal("scheme")?.unwrap_or(today_scheme)
        }
        _ => today_scheme,
    };
    Ok(Some(Resolved { person, unit, binding, scheme, period, late }))
}

/// The context of the report page.
///
/// # Errors
/// [`AppError::Forbidden`] for non-cadres; [`AppError::Invalid`] for a bad period.
pub async fn context(
    db: &Db,
    cache: &SchemeCache,
    user: &SessionUser,
    requested: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<FilingContext>, AppError> {
    let today = super::china_today(now);
    let mut pooled = db.acquire().await.or_internal("acquire")?;
    let mut conn = pooled.conn();
    let Some(r) = resolve(&mut conn, cache, user, requested, today).await? else {
        return Ok(None);
    };
    let compiled = cache.compiled(&r.scheme)?;
    let deadline_day = u32::try_from(r.binding.deadline_day).unwrap_or(5);
    let period_text = r.period.to_string();

    let tasks = tasks::of_person(&mut conn, r.person.id, i64::from(r.period.year))
        .await
        .or_internal("tasks")?
        .into_iter()
        .filter(|t| matches!(t.status.as_str(), "approved" | "committed" | "dispatched" | "done"))
        .map(|t| TaskItem {
            id: t.id,
            title: t.title,
            target: t.target,
            deadline: t.deadline.map(|d| d.to_string()),
            indicator: t.indicator,
            status: t.status,
        })
        .collect();

    let draft = filings::draft(&mut conn, r.person.id, &period_text).await.or_internal("draft")?.and_then(|d| {
        let body: Option<DraftBody> = serde_json::from_value(d.body.0).ok();
        body.map(|body| ServerDraft { body, client_rev: d.client_rev })
    });
    let filed = filings::for_person_period(&mut conn, r.person.id, &period_text)
        .await
        .or_internal("filing")?
        .map(|f| receipt_of(&FilingHead::from(&f), false));

    Ok(Some(FilingContext {
        user_id: user.id,
        period: period_text,
        period_label: r.period.label_zh(),
        deadline: r.period.deadline(deadline_day).to_string(),
        overdue: r.late,
        allow_late: r.binding.allow_late,
        scheme: SchemeInfo {
            id: r.scheme.id.clone(),
            version: u32::try_from(r.scheme.version).unwrap_or_default(),
            hash: r.scheme.hash.clone(),
            name: r.scheme.name.clone(),
            json: r.scheme.body.clone(),
            allows_nothing_to_report: compiled.scheme().empty_period.is_some(),
        },
        tasks,
        draft,
        filed,
    }))
}

/// The caller's own report of the previous period (the one that just ended), when they
/// are assessed and have not filed it and it may still be filed: on time, or late where
/// the scheme accepts that. `None` otherwise, and when no scheme applies.
///
/// # Errors
/// Database failures only.
pub async fn own_report_due(
    db: &Db,
    cache: &SchemeCache,
    user: &SessionUser,
    now: DateTime<Utc>,
) -> Result<Option<OwnReportDue>, AppError> {
    if !user.has_role(Role::Cadre) || user.person_id.is_none() {
        return Ok(None);
    }
    let today = super::china_today(now);
    let mut pooled = db.acquire().await.or_internal("acquire")?;
    let mut conn = pooled.conn();
    let Some(kind) = resolve(&mut conn, cache, user, None, today).await?.map(|r| r.period.kind) else {
        return Ok(None);
    };
    let previous = Period::containing(kind, today).previous().to_string();
    let r = match resolve(&mut conn, cache, user, Some(&previous), today).await {
        Ok(Some(r)) => r,
        // Closed: past its deadline where the scheme takes no late filings.
        Ok(None) | Err(AppError::Invalid { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    if filings::for_person_period(&mut conn, r.person.id, &previous).await.or_internal("filing")?.is_some() {
        return Ok(None);
    }
    let deadline_day = u32::try_from(r.binding.deadline_day).unwrap_or(5);
    Ok(Some(OwnReportDue {
        period: previous,
        period_label: r.period.label_zh(),
        deadline: r.period.deadline(deadline_day).to_string(),
        late: r.late,
        allows_nothing_to_report: cache.compiled(&r.scheme)?.scheme().empty_period.is_some(),
    }))
}

/// The owner's view of a stored filing.
pub fn receipt_of(f: &FilingHead, replayed: bool) -> Receipt {
    Receipt {
        filing_id: f.id,
        period: f.period.clone(),
        revision: f.revision,
        status: FilingStatus::parse(&f.status).unwrap_or(FilingStatus::Submitted),
        total: f.total.clone(),
        grade: f.grade.clone(),
        late: f.late,
        nothing_to_report: f.nothing_to_report,
        submitted_at: f.submitted_at.to_rfc3339_opts(SecondsFormat::Millis, true),
        replayed,
    }
}

/// Whether the stored scheme row is usable for a period (in effect at its end).
pub fn scheme_fits_period(row: &SchemeRow, period: Period) -> bool {
    in_effect(row, period.last_day()) || in_effect(row, period.first_day())
}

/// The current year in China, for task lists.
pub fn current_year(now: DateTime<Utc>) -> i64 {
    i64::from(super::china_today(now).year())
}
