//! 社会评议 as the organisation admin runs it: campaigns (a unit, or one person of it,
//! for a period) with a QR code and a printable poster, and what residents answered.
//!
//! The residents' side is not in this app: it is a few-KB page of plain HTML the server
//! renders (`server::social::page`), so it loads on any phone over a weak network.

mod api;
mod page;

use serde::{Deserialize, Serialize};

pub use api::*;
pub use page::CampaignsPage;

use crate::error::AppError;
use crate::period::Period;

/// The longest a campaign may stay open, in days.
pub const MAX_DAYS: i64 = 90;

/// One campaign as the admin sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    pub id: i64,
    /// The unit, or "person（unit）".
    pub title: String,
    pub period: String,
    /// 2026年11月 …
    pub period_label: String,
    /// The end, in China time (`2026-12-06 18:00`).
    pub ends_at: String,
    /// Still taking ratings.
    pub open: bool,
    pub satisfied: i64,
    pub basic: i64,
    pub dissatisfied: i64,
    pub total: i64,
    /// Anomalies worth a look (none: nothing unusual).
    pub flags: Vec<Flag>,
    /// The link the QR code carries.
    pub link: String,
}

/// Something unusual about a campaign's ratings, for the admin to judge.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Flag {
    /// More than the usual number of ratings within `minutes` minutes from `at` (China
    /// time, `11-22 10:05`).
    Burst { at: String, minutes: i64, count: i64 },
    /// One client address (by its hash) gave `count` of the `total` ratings.
    OneSource { count: i64, total: i64, percent: i64 },
}

/// A person a campaign may rate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonChoice {
    pub id: i64,
    pub name: String,
    pub post: String,
}

/// A unit a campaign may rate, with its people.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitChoice {
    pub id: i64,
    pub name: String,
    pub people: Vec<PersonChoice>,
}

/// The admin's page: the campaigns and what a new one may rate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampaignBoard {
    pub campaigns: Vec<Campaign>,
    pub units: Vec<UnitChoice>,
    /// The period a new campaign starts with (this month).
    pub default_period: String,
}

/// A campaign to open.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewCampaign {
    pub unit_id: i64,
    /// Rate this person of the unit rather than the unit.
    pub person_id: Option<i64>,
    pub period: String,
    /// Days it stays open from now.
    pub days: i64,
}

impl NewCampaign {
    /// Checks period and duration; messages in Chinese, by field.
    ///
    /// # Errors
    /// [`AppError::Invalid`] naming each bad field.
    pub fn validate(&self) -> Result<(), AppError> {
        let mut fields = std::collections::BTreeMap::new();
        if Period::parse(self.period.trim()).is_none() {
            fields.insert("period".to_string(), "考核周期应如 2026-11、2026-Q4、2026-H2 或 2026".to_string());
        }
        if !(1..=MAX_DAYS).contains(&self.days) {
            fields.insert("days".to_string(), format!("评议天数应为 1 到 {MAX_DAYS} 天"));
        }
        if fields.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid { fields })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(period: &str, days: i64) -> NewCampaign {
        NewCampaign { unit_id: 1, person_id: None, period: period.into(), days }
    }

    #[test]
    fn a_campaign_needs_a_real_period_and_a_sensible_duration() {
        for ok in ["2026-11", "2026-Q4", "2026-H2", "2026"] {
            assert!(new(ok, 14).validate().is_ok(), "{ok}");
        }
        let Err(AppError::Invalid { fields }) = new("2026-13", 0).validate() else { panic!("must be invalid") };
        assert!(fields.contains_key("period") && fields.contains_key("days"));
        assert!(new("2026-11", MAX_DAYS + 1).validate().is_err());
    }
}
