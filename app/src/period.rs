//! Assessment periods (月 / 季 / 半年 / 年), their Chinese labels and filing deadlines.
//!
//! A period is written the way the engine reads it: `2026-11`, `2026-Q4`, `2026-H2`,
//! `2026`. A filing is due at the end of day `deadline_day` of the month after the
//! period's last month (China has one time zone, UTC+8, and no daylight saving).

use std::fmt;

use chrono::{Datelike, NaiveDate};
use rules_wasm::scheme::PeriodKind;
use serde::{Deserialize, Serialize};

/// One assessment period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Period {
    pub year: i32,
    /// 1–12 for months, 1–4 for quarters, 1–2 for halves, 1 for a year.
    pub index: u32,
    pub kind: Kind,
}

/// [`PeriodKind`] with an order and serde of its own (the engine's type stays lean).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Month,
    Quarter,
    HalfYear,
    Year,
}

impl From<PeriodKind> for Kind {
    fn from(k: PeriodKind) -> Self {
        match k {
            PeriodKind::Month => Kind::Month,
            PeriodKind::Quarter => Kind::Quarter,
            PeriodKind::HalfYear => Kind::HalfYear,
            PeriodKind::Year => Kind::Year,
        }
    }
}

impl Kind {
    fn months(self) -> u32 {
        match self {
            Kind::Month => 1,
            Kind::Quarter => 3,
            Kind::HalfYear => 6,
            Kind::Year => 12,
        }
    }

    fn count(self) -> u32 {
        12 / self.months()
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Kind::Month, Kind::Quarter, Kind::HalfYear, Kind::Year].into_iter().find(|k| k.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Month => "month",
            Kind::Quarter => "quarter",
            Kind::HalfYear => "half_year",
            Kind::Year => "year",
        }
    }
}

impl Period {
    /// Reads `2026-11`, `2026-Q4`, `2026-H2` or `2026`.
    pub fn parse(s: &str) -> Option<Self> {
        let kind: Kind = rules_wasm::period_kind(s)?.into();
        let year: i32 = s.get(..4)?.parse().ok()?;
        let index = match kind {
            Kind::Month => s.get(5..7)?.parse().ok()?,
            Kind::Quarter | Kind::HalfYear => s.get(6..7)?.parse().ok()?,
            Kind::Year => 1,
        };
        Some(Self { year, index, kind })
    }

    /// The period of `kind` that contains `day`.
    pub fn containing(kind: Kind, day: NaiveDate) -> Self {
        Self { year: day.year(), index: (day.month() - 1) / kind.months() + 1, kind }
    }

    pub fn previous(self) -> Self {
        if self.index > 1 {
            Self { index: self.index - 1, ..self }
        } else {
            Self { year: self.year - 1, index: self.kind.count(), ..self }
        }
    }

    pub fn first_day(self) -> NaiveDate {
        let month = (self.index - 1) * self.kind.months() + 1;
        NaiveDate::from_ymd_opt(self.year, month, 1).unwrap_or_default()
    }

    /// The last month (1–12) of the period.
    pub fn last_month(self) -> u32 {
        self.index * self.kind.months()
    }

    pub fn last_day(self) -> NaiveDate {
        let (y, m) = next_month(self.year, self.last_month());
        NaiveDate::from_ymd_opt(y, m, 1).and_then(|d| d.pred_opt()).unwrap_or_default()
    }

    /// The last day on which a filing is on time.
    pub fn deadline(self, deadline_day: u32) -> NaiveDate {
        let (y, m) = next_month(self.year, self.last_month());
        NaiveDate::from_ymd_opt(y, m, deadline_day.clamp(1, 28)).unwrap_or_default()
    }

    /// 2026年11月 · 2026年第四季度 · 2026年下半年 · 2026年度
    pub fn label_zh(self) -> String {
        const QUARTERS: [&str; 4] = ["一", "二", "三", "四"];
        match self.kind {
            Kind::Month => format!("{}年{}月", self.year, self.index),
            Kind::Quarter => format!("{}年第{}季度", self.year, QUARTERS[(self.index as usize - 1).min(3)]),
            Kind::HalfYear => format!("{}年{}半年", self.year, if self.index == 1 { "上" } else { "下" }),
            Kind::Year => format!("{}年度", self.year),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            Kind::Month => write!(f, "{}-{:02}", self.year, self.index),
            Kind::Quarter => write!(f, "{}-Q{}", self.year, self.index),
            Kind::HalfYear => write!(f, "{}-H{}", self.year, self.index),
            Kind::Year => write!(f, "{}", self.year),
        }
    }
}

fn next_month(year: i32, month: u32) -> (i32, u32) {
    if month >= 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    }
}

/// Where the cadre's previous period stands, for choosing the period to file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Previous {
    /// Not filed yet.
    Open,
    /// Filed, under review or done.
    Filed,
    /// Filed, and returned by the reviewer for changes.
    Returned,
}

/// The period a cadre should file on `today`: the previous period while its deadline has
/// not passed and it is not filed yet, or whenever its reviewer returned it; otherwise
/// the current one.
pub fn period_to_file(kind: Kind, today: NaiveDate, deadline_day: u32, previous: Previous) -> Period {
    let current = Period::containing(kind, today);
    let previous_period = current.previous();
    match previous {
        Previous::Returned => previous_period,
        Previous::Open if today <= previous_period.deadline(deadline_day) => previous_period,
        Previous::Open | Previous::Filed => current,
    }
}

/// Whether `period` may be filed on `today`: not in the future, and on time unless
/// the scheme allows late filings.
pub fn may_file(period: Period, today: NaiveDate, deadline_day: u32, allow_late: bool) -> Result<bool, &'static str> {
    if period.first_day() > today {
        return Err("不能填报尚未开始的考核期");
    }
    let late = today > period.deadline(deadline_day);
    if late && !allow_late {
        return Err("已过填报截止日期，本方案不接受补报");
    }
    Ok(late)
}

/// An instant on China's wall clock. China has one time zone, UTC+8, and no daylight
/// saving; this is the one place that says so.
pub fn china_time(at: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::FixedOffset> {
    at.with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset"))
}

/// A UTC timestamp as the server sends it (RFC 3339) on China's wall clock, to the minute:
/// `2026-12-08T23:35:04Z` → `2026-12-09 07:35`. People read deadlines in their own time;
/// a string that is not a timestamp is shown as it came rather than hidden.
pub fn china_time_label(utc: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(utc)
        .map(|t| china_time(t.to_utc()).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| utc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_utc_deadline_reads_on_chinas_clock() {
        assert_eq!(china_time_label("2026-12-08T23:35:04Z"), "2026-12-09 07:35");
        assert_eq!(china_time_label("2026-12-08T01:00:00+00:00"), "2026-12-08 09:00");
        assert_eq!(china_time_label("不是时间"), "不是时间");
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn periods_read_and_write_as_the_engine_does() {
        for s in ["2026-11", "2026-01", "2026-Q4", "2026-H1", "2026"] {
            assert_eq!(Period::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(Period::parse("2026-13"), None);
        assert_eq!(Period::parse("nonsense"), None);
    }

    #[test]
    fn labels_are_chinese() {
        assert_eq!(Period::parse("2026-11").unwrap().label_zh(), "2026年11月");
        assert_eq!(Period::parse("2026-Q4").unwrap().label_zh(), "2026年第四季度");
        assert_eq!(Period::parse("2026-H1").unwrap().label_zh(), "2026年上半年");
        assert_eq!(Period::parse("2026").unwrap().label_zh(), "2026年度");
    }

    #[test]
    fn the_deadline_falls_in_the_month_after_the_period() {
        assert_eq!(Period::parse("2026-11").unwrap().deadline(5), d(2026, 12, 5));
        assert_eq!(Period::parse("2026-12").unwrap().deadline(5), d(2027, 1, 5));
        assert_eq!(Period::parse("2026-Q3").unwrap().deadline(10), d(2026, 10, 10));
        assert_eq!(Period::parse("2026-H2").unwrap().last_day(), d(2026, 12, 31));
        assert_eq!(Period::parse("2026-02").unwrap().last_day(), d(2026, 2, 28));
    }

    #[test]
    fn periods_contain_their_days_and_step_back_across_years() {
        assert_eq!(Period::containing(Kind::Quarter, d(2026, 11, 22)).to_string(), "2026-Q4");
        assert_eq!(Period::parse("2026-01").unwrap().previous().to_string(), "2025-12");
        assert_eq!(Period::parse("2026-Q1").unwrap().previous().to_string(), "2025-Q4");
    }

    #[test]
    fn the_previous_month_stays_open_until_its_deadline_unless_filed() {
        use Previous::*;
        assert_eq!(period_to_file(Kind::Month, d(2026, 12, 3), 5, Open).to_string(), "2026-11");
        assert_eq!(period_to_file(Kind::Month, d(2026, 12, 3), 5, Filed).to_string(), "2026-12");
        assert_eq!(period_to_file(Kind::Month, d(2026, 12, 6), 5, Open).to_string(), "2026-12");
        assert_eq!(period_to_file(Kind::Month, d(2026, 12, 5), 5, Open).to_string(), "2026-11");
        // Returned for changes: back to it, before or after its deadline.
        assert_eq!(period_to_file(Kind::Month, d(2026, 12, 3), 5, Returned).to_string(), "2026-11");
        assert_eq!(period_to_file(Kind::Month, d(2026, 12, 20), 5, Returned).to_string(), "2026-11");
    }

    #[test]
    fn late_filings_are_marked_or_refused_as_the_scheme_says() {
        let nov = Period::parse("2026-11").unwrap();
        assert_eq!(may_file(nov, d(2026, 11, 30), 5, true), Ok(false));
        assert_eq!(may_file(nov, d(2026, 12, 5), 5, true), Ok(false));
        assert_eq!(may_file(nov, d(2026, 12, 6), 5, true), Ok(true));
        assert!(may_file(nov, d(2026, 12, 6), 5, false).is_err());
        assert!(may_file(Period::parse("2027-01").unwrap(), d(2026, 12, 6), 5, true).is_err());
    }
}
