//! The cadre's period report: what to fill (context), drafts, and submission with
//! server-side recomputation by the same engine the phone runs.

pub mod context;
pub mod drafts;
pub mod history;
pub mod submit;

use app::error::AppError;
use app::model::{Role, SessionUser};
use chrono::{DateTime, NaiveDate, Utc};

use crate::error::OrInternal;
use crate::rights;
use crate::storage::org::{self, PersonRow, Placement, UnitRow};
use crate::storage::Conn;

/// Today in China (UTC+8, no daylight saving): deadlines are local days.
pub fn china_today(now: DateTime<Utc>) -> NaiveDate {
    app::period::china_time(now).date_naive()
}

/// The signed-in cadre's person id.
fn own_person_id(user: &SessionUser) -> Result<i64, AppError> {
    rights::require_role(user, Role::Cadre)?;
    user.person_id.ok_or(AppError::Forbidden)
}

/// The signed-in cadre's person and unit.
///
/// # Errors
/// [`AppError::Forbidden`] for users who are not assessed cadres.
pub async fn own_person(conn: &mut Conn<'_>, user: &SessionUser) -> Result<(PersonRow, UnitRow), AppError> {
    // A person's unit is a foreign key: a person without one is no person.
    org::person_and_unit(conn, own_person_id(user)?).await.or_internal("person")?.ok_or(AppError::Forbidden)
}

/// [`own_person`], the scheme binding the person files under and its versions, in one read.
///
/// # Errors
/// [`AppError::Forbidden`] for a user who is not a cadre with a person record.
pub async fn own_placement(conn: &mut Conn<'_>, user: &SessionUser) -> Result<Placement, AppError> {
    org::placement(conn, own_person_id(user)?).await.or_internal("person")?.ok_or(AppError::Forbidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_turns_at_midnight_beijing_time() {
        let late_evening_utc = DateTime::parse_from_rfc3339("2026-11-30T16:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(china_today(late_evening_utc).to_string(), "2026-12-01");
        let morning_utc = DateTime::parse_from_rfc3339("2026-11-30T15:59:59Z").unwrap().with_timezone(&Utc);
        assert_eq!(china_today(morning_utc).to_string(), "2026-11-30");
    }
}
