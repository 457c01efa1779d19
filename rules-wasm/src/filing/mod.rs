//! A filing (填报): one person's inputs for one period, keyed by indicator id.
//!
//! ```json
//! {
//!   "scheme": "s1-hanbin-staff-monthly", "version": 1, "period": "2024-03",
//!   "values": { "tasks": "95", "attendance": true, "quality": 88, "households": 2 },
//!   "sources": { "leader": { "score": "92", "n": 3 } },
//!   "selected": ["petitions", "safety"],
//!   "nothing_to_report": false,
//!   "adjustments": [{ "indicator": "quality", "points": "15", "reason": "…", "by": "王科长" }],
//!   "entries": [{ "indicator": "households", "quantity": "2" }, { "indicator": "households" }]
//! }
//! ```
//!
//! Every field is optional, so a half-filled draft is still a filing: a missing number counts
//! as 0, a missing checkbox as not done. [`crate::validate_filing`] says what a submission
//! still lacks. Values, veto gates and coefficients share one key space (`values`).
//!
//! **Work entries** (实绩, [`Entry`]) are the key or hard work a cadre lists for the period.
//! An entry linked to an indicator feeds it when `values` has no value for that indicator:
//! a `per_unit`, `steps` or `ratio` indicator takes the sum of its entries' quantities (an
//! entry without a quantity counts 1), a `done` indicator is done when it has at least one
//! entry. A value in `values` wins over entries (warning `entries.overridden`); entries of
//! any other method are ignored (warning `entries.unused`). An entry whose quantity is not a
//! non-negative decimal (a whole number for `per_unit`) is left out (warning
//! `entry.invalid`), as is one naming an unknown indicator (warning `entry.unknown`). The
//! item's explanation then starts with a line saying how many entries the value came from.

use crate::decimal::Decimal;
pub(crate) mod read;
pub(crate) mod view;

use crate::num::lenient;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// One person's inputs for one period.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Filing {
    /// The scheme id the filing was made for; checked when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// The scheme version the filing was made for; checked when present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    /// `YYYY-MM`, `YYYY-Qn`, `YYYY-Hn` or `YYYY`; needed by schedule indicators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// Values of indicators, veto gates (`true` = the gate failed) and coefficients.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, Value>,
    /// Aggregated evaluation scores, keyed by source id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sources: BTreeMap<String, SourceScore>,
    /// The `selectable` indicators the person picked (at most `max_selected` count).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected: Option<Vec<String>>,
    /// Nothing to report this period (Wanzhou: "当月没有重难点工作，就不用填写").
    #[serde(default, skip_serializing_if = "is_false")]
    pub nothing_to_report: bool,
    /// Reviewer adjustments (分管领导审核); each replaces an item's points.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<Adjustment>,
    /// Work entries (实绩); those linked to an indicator without a value feed it (see the
    /// module documentation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entries: Vec<Entry>,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_false(value: &bool) -> bool {
    !*value
}

/// One input value. JSON `true`/`false` is a [`Value::Bool`]; a JSON number, or a string
/// holding a plain decimal (`"92.5"`, preferred because it is exact), is a
/// [`Value::Number`]; any other string is a [`Value::Text`] (a choice option id). Numbers
/// serialize as strings.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Bool(bool),
    Number(Decimal),
    Text(String),
}

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Bool(flag) => serializer.serialize_bool(*flag),
            Self::Number(number) => serializer.collect_str(number),
            Self::Text(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl Visitor<'_> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("true, false, a number or a string")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(Decimal::from(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(Decimal::from(v)))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        lenient::from_f64(v).map(Value::Number).ok_or_else(|| E::custom("number out of range"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(crate::num::parse_decimal(v).map_or_else(|| Value::Text(v.to_owned()), Value::Number))
    }
}

impl From<bool> for Value {
    fn from(flag: bool) -> Self {
        Self::Bool(flag)
    }
}

impl From<Decimal> for Value {
    fn from(number: Decimal) -> Self {
        Self::Number(number)
    }
}

impl From<&str> for Value {
    fn from(text: &str) -> Self {
        crate::num::parse_decimal(text).map_or_else(|| Self::Text(text.to_owned()), Self::Number)
    }
}

/// An aggregated evaluation: the mean score 0–100 and how many ratings it is the mean of.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq)]
pub struct SourceScore {
    #[serde(deserialize_with = "lenient::deserialize")]
    pub score: Decimal,
    pub n: u32,
}

/// A reviewer's adjustment of one item: its points become `points` (clamped into the item's
/// range; caps, vetoes and coefficients still apply to the total).
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Adjustment {
    pub indicator: String,
    #[serde(deserialize_with = "lenient::deserialize")]
    pub points: Decimal,
    /// Mandatory: why the points were changed.
    pub reason: String,
    /// Who changed them.
    pub by: String,
}

/// One piece of key or hard work done this period (实绩), linked to the indicator it counts
/// toward. The phone keeps the title, notes and photos; the engine needs only these two.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Entry {
    /// The indicator id the work counts toward.
    pub indicator: String,
    /// How much work the entry stands for (a decimal ≥ 0, like other values); absent: 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Value>,
}

impl Entry {
    /// An entry for `indicator`; `quantity` as typed (a plain decimal), `None` for one.
    #[must_use]
    pub fn new(indicator: &str, quantity: Option<&str>) -> Self {
        Self { indicator: indicator.to_owned(), quantity: quantity.map(Value::from) }
    }
}

impl Filing {
    /// Reads a filing from JSON.
    ///
    /// # Errors
    /// [`crate::Error::Json`] when the text is not a filing.
    pub fn from_json(json: &str) -> Result<Self, crate::Error> {
        let mut owned = read::Owned::default();
        read::read(json, &mut owned).map_err(|error| crate::Error::json("filing", &error))?;
        Ok(owned.finish())
    }
}
