//! A filing borrowed for validation: from an owned [`Filing`] ([`View::of`]) or straight
//! from filing JSON ([`View::json`]), with the same contents either way, so
//! [`crate::validate_filing`] and [`crate::validate_filing_json`] give the same problems.
//!
//! Why not read JSON into a [`Filing`] and validate that: on the phone, the owned filing
//! (its maps, strings and their drop code) was about 5 KB of the engine's WebAssembly
//! module, and nothing else there needs it. The view keeps what validation looks at,
//! borrowing the text where it can, and sorts `values` and `sources` by key as the owned
//! filing's maps do.

use super::read::{read, Raw, Sink};
use super::{Filing, SourceScore, Value};
use crate::decimal::Decimal;
use crate::json::JsonError;
use crate::num::parse_decimal;
use std::borrow::Cow;

/// What [`super::read::Owned`] keeps of a number the engine cannot read exactly: text,
/// which no numeric slot accepts.
pub(crate) const UNREADABLE: &str = "unreadable number";

/// One value as validation sees it (a borrowed [`Value`]).
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val<'a> {
    Bool(bool),
    Number(Decimal),
    Text(Cow<'a, str>),
}

impl<'a> Val<'a> {
    fn of(value: &'a Value) -> Self {
        match value {
            Value::Bool(flag) => Self::Bool(*flag),
            Value::Number(number) => Self::Number(*number),
            Value::Text(text) => Self::Text(Cow::Borrowed(text)),
        }
    }

    /// The value an owned filing would hold for `raw` (`None` for `null`).
    fn raw(raw: Raw<'a>) -> Option<Self> {
        Some(match raw {
            Raw::Null => return None,
            Raw::Bool(flag) => Self::Bool(flag),
            Raw::Number(number) => Self::Number(number),
            Raw::Text(text) => parse_decimal(&text).map_or(Self::Text(text), Self::Number),
            Raw::Bad => Self::Text(Cow::Borrowed(UNREADABLE)),
        })
    }
}

/// A reviewer's adjustment, borrowed.
#[derive(Clone, Debug)]
pub(crate) struct AdjustmentView<'a> {
    pub indicator: Cow<'a, str>,
    pub points: Decimal,
    pub reason: Cow<'a, str>,
    pub by: Cow<'a, str>,
}

/// A filing as validation reads it (see the module comment).
#[derive(Debug, Default)]
pub(crate) struct View<'a> {
    pub scheme: Option<Cow<'a, str>>,
    pub version: Option<u32>,
    pub period: Option<Cow<'a, str>>,
    /// By key, one per key, as `Filing::values` iterates.
    pub values: Vec<(Cow<'a, str>, Val<'a>)>,
    /// By key, one per key, as `Filing::sources` iterates.
    pub sources: Vec<(Cow<'a, str>, SourceScore)>,
    pub selected: Option<Vec<Cow<'a, str>>>,
    pub nothing_to_report: bool,
    pub adjustments: Vec<AdjustmentView<'a>>,
    /// Work entries in order: the indicator and the quantity, if any.
    pub entries: Vec<(Cow<'a, str>, Option<Val<'a>>)>,
}

impl<'a> View<'a> {
    /// Borrows an owned filing.
    pub(crate) fn of(filing: &'a Filing) -> Self {
        let text = |text: &'a String| Cow::Borrowed(text.as_str());
        Self {
            scheme: filing.scheme.as_ref().map(text),
            version: filing.version,
            period: filing.period.as_ref().map(text),
            values: filing.values.iter().map(|(key, value)| (text(key), Val::of(value))).collect(),
            sources: filing.sources.iter().map(|(key, score)| (text(key), *score)).collect(),
            selected: filing.selected.as_ref().map(|keys| keys.iter().map(text).collect()),
            nothing_to_report: filing.nothing_to_report,
            adjustments: filing
                .adjustments
                .iter()
                .map(|adjustment| AdjustmentView {
                    indicator: text(&adjustment.indicator),
                    points: adjustment.points,
                    reason: text(&adjustment.reason),
                    by: text(&adjustment.by),
                })
                .collect(),
            entries: filing
                .entries
                .iter()
                .map(|entry| (text(&entry.indicator), entry.quantity.as_ref().map(Val::of)))
                .collect(),
        }
    }

    /// Reads filing JSON (the same documents [`Filing::from_json`] accepts).
    pub(crate) fn json(json: &'a str) -> Result<Self, JsonError> {
        let mut view = Self::default();
        read(json, &mut view)?;
        Ok(view)
    }

    /// The value given for `key`, if any.
    pub(crate) fn value(&self, key: &str) -> Option<&Val<'a>> {
        let found = self.values.binary_search_by(|(given, _)| (**given).cmp(key));
        found.ok().map(|at| &self.values[at].1)
    }
}

/// Sets `key` in a list kept sorted by key, as a map's insert does; `None` removes it.
/// (A sorted `Vec`, not a `BTreeMap`: the tree's code was the bulk of what this replaces.
/// A filing has tens of keys.)
fn put<'a, T>(list: &mut Vec<(Cow<'a, str>, T)>, key: Cow<'a, str>, value: Option<T>) {
    match (list.binary_search_by(|(given, _)| (**given).cmp(&*key)), value) {
        (Ok(at), Some(value)) => list[at].1 = value,
        (Ok(at), None) => {
            list.remove(at);
        }
        (Err(at), Some(value)) => list.insert(at, (key, value)),
        (Err(_), None) => {}
    }
}

impl<'a> Sink<'a> for View<'a> {
    fn scheme(&mut self, id: Option<Cow<'a, str>>) {
        self.scheme = id;
    }

    fn version(&mut self, version: Option<u32>) {
        self.version = version;
    }

    fn period(&mut self, period: Option<Cow<'a, str>>) {
        self.period = period;
    }

    /// The last value of a key counts, `null` removes it (as the owned filing's reader).
    fn value(&mut self, key: Cow<'a, str>, value: Raw<'a>) {
        put(&mut self.values, key, Val::raw(value));
    }

    fn source(&mut self, key: Cow<'a, str>, score: SourceScore) {
        put(&mut self.sources, key, Some(score));
    }

    fn selected(&mut self, keys: Vec<Cow<'a, str>>) {
        self.selected = Some(keys);
    }

    fn nothing_to_report(&mut self, flag: bool) {
        self.nothing_to_report = flag;
    }

    fn adjustment(&mut self, indicator: Cow<'a, str>, points: Decimal, reason: Cow<'a, str>, by: Cow<'a, str>) {
        self.adjustments.push(AdjustmentView { indicator, points, reason, by });
    }

    fn entry(&mut self, indicator: Cow<'a, str>, quantity: Option<Raw<'a>>) {
        self.entries.push((indicator, quantity.and_then(Val::raw)));
    }
}

#[cfg(test)]
mod tests {
    use super::{View, UNREADABLE};
    use crate::filing::Filing;

    /// The view of JSON equals the view of the filing read from the same JSON.
    #[test]
    fn json_and_owned_filing_give_the_same_view() {
        let json = r#"{"values":{"b":"2","a":1,"c":null,"b":"3","d":"x","e":1.2345678901234567,"a":null,"f":true},
            "sources":{"peer":{"score":"90","n":3},"leader":{"score":80,"n":1},"peer":{"score":"70","n":4}},
            "selected":["x"],"selected":["y","z"],"period":"2024-01","nothing_to_report":true,
            "adjustments":[{"indicator":"q","points":"1","reason":"r","by":"b"}],
            "entries":[{"indicator":"h","quantity":"2"},{"indicator":"h","quantity":null},{"indicator":"h","quantity":true}]}"#;
        let filing = Filing::from_json(json).expect("reads");
        let (owned, direct) = (View::of(&filing), View::json(json).expect("reads"));
        assert_eq!(format!("{owned:?}"), format!("{direct:?}"));
        let keys: Vec<&str> = direct.values.iter().map(|(key, _)| &**key).collect();
        assert_eq!(keys, ["b", "d", "e", "f"]);
        assert_eq!(direct.value("e"), Some(&super::Val::Text(UNREADABLE.into())));
        assert_eq!(direct.value("a"), None);
        assert_eq!(direct.sources.len(), 2);
    }
}
