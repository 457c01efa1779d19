//! A filing resolved against one compiled scheme: values in slots by index, ready for the
//! evaluator. Two ways in: from a [`Filing`] (the app and server hold one), and straight
//! from filing JSON ([`crate::filing::read`], into the slots without building maps or
//! owned strings). Work entries are tallied per indicator while reading and, once
//! everything is read, turned into the values of indicators that have none (see
//! [`crate::filing`]).

use super::small::Small;
use crate::compile::{CompiledScheme, EntryRule, SlotKind};
use crate::decimal::Decimal;
use crate::error::Error;
use crate::explain::{Warning, WarningCode};
use crate::filing::read::{Raw, Sink};
use crate::filing::{Filing, SourceScore, Value};
use crate::name::Name;
use crate::num::{add, parse_decimal, LIMIT};
use std::borrow::Cow;

/// One value slot.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub(crate) enum Slot {
    #[default]
    Missing,
    Number(Decimal),
    Bool(bool),
    Choice(usize),
    Invalid,
}

pub(crate) struct Adjust {
    pub indicator: usize,
    pub points: Decimal,
    pub reason: Name,
    pub by: Name,
}

/// The usable work entries linked to one indicator.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Tally {
    pub count: u32,
    pub sum: Decimal,
}

pub(crate) struct Inputs<'a> {
    scheme: &'a CompiledScheme,
    pub scheme_id: Option<Cow<'a, str>>,
    pub version: Option<u32>,
    pub period: Option<Cow<'a, str>>,
    /// By slot: indicators, then vetoes, then coefficients.
    pub values: Small<Slot, 16>,
    pub sources: Small<Option<SourceScore>, 8>,
    /// Indicator indices picked, in the order given; `None` when the filing did not say.
    pub selected: Option<Vec<usize>>,
    pub nothing_to_report: bool,
    pub adjustments: Vec<Adjust>,
    /// Per indicator, the entries its value came from; empty when the filing has no entries
    /// (the common case costs nothing). After reading, only indicators fed by entries keep a
    /// non-zero tally.
    pub entries: Vec<Tally>,
    pub warnings: Vec<Warning>,
}

impl<'a> Inputs<'a> {
    pub(crate) fn empty(scheme: &'a CompiledScheme) -> Self {
        Self {
            scheme,
            scheme_id: None,
            version: None,
            period: None,
            values: Small::new(scheme.keys.len()),
            sources: Small::new(scheme.sources.len()),
            selected: None,
            nothing_to_report: false,
            adjustments: Vec::new(),
            entries: Vec::new(),
            warnings: Vec::new(),
        }
    }

    /// Resolves an owned filing.
    pub(crate) fn from_filing(scheme: &'a CompiledScheme, filing: &'a Filing) -> Self {
        fn raw(value: &Value) -> Raw<'_> {
            match value {
                Value::Bool(flag) => Raw::Bool(*flag),
                Value::Number(number) => Raw::Number(*number),
                Value::Text(text) => Raw::Text(Cow::Borrowed(text)),
            }
        }
        let mut inputs = Self::empty(scheme);
        inputs.scheme(filing.scheme.as_deref().map(Cow::Borrowed));
        inputs.version(filing.version);
        inputs.period(filing.period.as_deref().map(Cow::Borrowed));
        inputs.nothing_to_report(filing.nothing_to_report);
        for (key, value) in &filing.values {
            inputs.value(Cow::Borrowed(key), raw(value));
        }
        for (key, score) in &filing.sources {
            inputs.source(Cow::Borrowed(key), *score);
        }
        if let Some(selected) = &filing.selected {
            inputs.selected(selected.iter().map(|key| Cow::Borrowed(key.as_str())).collect());
        }
        for adjustment in &filing.adjustments {
            inputs.adjustment(
                Cow::Borrowed(&adjustment.indicator),
                adjustment.points,
                Cow::Borrowed(&adjustment.reason),
                Cow::Borrowed(&adjustment.by),
            );
        }
        for entry in &filing.entries {
            inputs.entry(Cow::Borrowed(&entry.indicator), entry.quantity.as_ref().map(raw));
        }
        inputs.apply_entries();
        inputs
    }

    /// Reads filing JSON straight into the slots of these (empty) inputs. In place rather
    /// than returned: the inputs are several hundred bytes, and moving them cost a copy.
    pub(crate) fn read_json(&mut self, json: &'a str) -> Result<(), Error> {
        crate::filing::read::read(json, self).map_err(|error| Error::json("filing", &error))?;
        self.apply_entries();
        Ok(())
    }

    /// Gives indicators without a value the value of their entries; warns about entries that
    /// cannot count (a value was given, or the method ignores entries) and forgets them.
    fn apply_entries(&mut self) {
        let scheme = self.scheme;
        for (index, indicator) in scheme.indicators.iter().enumerate() {
            let Some(tally) = self.entries.get_mut(index).filter(|tally| tally.count > 0) else {
                continue;
            };
            let unused = match indicator.entries {
                EntryRule::Ignored => Some(WarningCode::EntriesUnused),
                _ if self.values[index] != Slot::Missing => Some(WarningCode::EntriesOverridden),
                _ => None,
            };
            if let Some(code) = unused {
                self.warnings
                    .push(Warning::about(code, indicator.id, indicator.name).args(&[Decimal::from(tally.count)]));
                *tally = Tally::default();
                continue;
            }
            let value = match indicator.entries {
                EntryRule::Any => Slot::Bool(true),
                _ => read_slot(scheme, index, indicator.kind, &Raw::Number(tally.sum)),
            };
            if value == Slot::Invalid {
                // The sum went beyond the input limit.
                self.warnings.push(Warning::new(WarningCode::ValueInvalid, Some(&Name::Borrowed(indicator.id)), None));
            }
            self.values[index] = value;
        }
    }
}

impl<'a> Sink<'a> for Inputs<'a> {
    fn scheme(&mut self, id: Option<Cow<'a, str>>) {
        self.scheme_id = id;
    }

    fn version(&mut self, version: Option<u32>) {
        self.version = version;
    }

    fn period(&mut self, period: Option<Cow<'a, str>>) {
        self.period = period;
    }

    fn value(&mut self, key: Cow<'a, str>, raw: Raw<'a>) {
        let scheme = self.scheme;
        let Some(slot) = scheme.slot(&key) else {
            self.warnings.push(Warning::new(WarningCode::ValueUnknown, Some(&Name::Owned(key.into_owned())), None));
            return;
        };
        let value = read_slot(scheme, slot, scheme.kinds[slot], &raw);
        if value == Slot::Invalid {
            self.warnings.push(Warning::new(
                WarningCode::ValueInvalid,
                Some(&Name::Borrowed(scheme.keys.key(slot))),
                None,
            ));
        }
        self.values[slot] = value;
    }

    fn source(&mut self, key: Cow<'a, str>, score: SourceScore) {
        match self.scheme.source(&key) {
            Some(index) => self.sources[index] = Some(score),
            None => {
                self.warnings.push(Warning::new(WarningCode::SourceUnknown, Some(&Name::Owned(key.into_owned())), None))
            }
        }
    }

    fn selected(&mut self, keys: Vec<Cow<'a, str>>) {
        let scheme = self.scheme;
        let mut selected = Vec::new();
        for key in keys {
            match scheme.slot(&key) {
                Some(index)
                    if index < scheme.indicators.len()
                        && scheme.indicators[index].selectable
                        && !selected.contains(&index) =>
                {
                    selected.push(index);
                }
                _ => self.warnings.push(Warning::new(
                    WarningCode::SelectedUnknown,
                    Some(&Name::Owned(key.into_owned())),
                    None,
                )),
            }
        }
        self.selected = Some(selected);
    }

    fn nothing_to_report(&mut self, flag: bool) {
        self.nothing_to_report = flag;
    }

    fn adjustment(&mut self, key: Cow<'a, str>, points: Decimal, reason: Cow<'a, str>, by: Cow<'a, str>) {
        let scheme = self.scheme;
        match scheme.slot(&key) {
            Some(indicator) if indicator < scheme.indicators.len() => self.adjustments.push(Adjust {
                indicator,
                points,
                reason: Name::Owned(reason.into_owned()),
                by: Name::Owned(by.into_owned()),
            }),
            _ => self.warnings.push(Warning::new(
                WarningCode::AdjustmentUnknown,
                Some(&Name::Owned(key.into_owned())),
                None,
            )),
        }
    }

    /// Tallies one work entry; `quantity` `None` (absent or null) counts 1.
    fn entry(&mut self, key: Cow<'a, str>, quantity: Option<Raw<'a>>) {
        let scheme = self.scheme;
        let Some(index) = scheme.slot(&key).filter(|slot| *slot < scheme.indicators.len()) else {
            self.warnings.push(Warning::new(WarningCode::EntryUnknown, Some(&Name::Owned(key.into_owned())), None));
            return;
        };
        let indicator = &scheme.indicators[index];
        let Some(quantity) = quantity.map_or(Some(Decimal::ONE), |raw| entry_quantity(&raw, indicator.kind)) else {
            self.warnings.push(Warning::about(WarningCode::EntryInvalid, indicator.id, indicator.name));
            return;
        };
        if self.entries.is_empty() {
            self.entries = vec![Tally::default(); scheme.indicators.len()];
        }
        let tally = &mut self.entries[index];
        tally.count = tally.count.saturating_add(1);
        tally.sum = add(tally.sum, quantity);
    }
}

/// An entry's quantity, if usable: a decimal in `0..=LIMIT`, whole for a per-unit count.
fn entry_quantity(raw: &Raw<'_>, kind: SlotKind) -> Option<Decimal> {
    let number = match raw {
        Raw::Null => Some(Decimal::ONE),
        Raw::Number(number) => Some(*number),
        Raw::Text(text) => parse_decimal(text),
        Raw::Bool(_) | Raw::Bad => None,
    }?;
    let whole = kind != SlotKind::Count || number.is_integer();
    (number >= Decimal::ZERO && number <= LIMIT && whole).then_some(number)
}

/// Reads a raw value for a slot of the given kind. Wrong types are `Invalid` (counted as
/// missing, with a warning); `null` is `Missing`.
fn read_slot(scheme: &CompiledScheme, slot: usize, kind: SlotKind, raw: &Raw<'_>) -> Slot {
    let number = match raw {
        Raw::Null => return Slot::Missing,
        Raw::Bad => return Slot::Invalid,
        Raw::Number(number) => Some(*number),
        Raw::Text(text) => parse_decimal(text),
        Raw::Bool(_) => None,
    };
    // |number| ≤ 10¹², decided from the mantissa alone in the usual case.
    let in_range = |number: Decimal| match number.small() {
        Some(mantissa) if mantissa.unsigned_abs() <= 1_000_000_000_000 => true,
        _ => number.abs() <= LIMIT,
    };
    match kind {
        SlotKind::Number => match number {
            Some(number) if in_range(number) => Slot::Number(number),
            _ => Slot::Invalid,
        },
        SlotKind::Count => match number {
            Some(number) if in_range(number) && number.is_integer() => Slot::Number(number),
            _ => Slot::Invalid,
        },
        SlotKind::Bool => match (raw, number) {
            (Raw::Bool(flag), _) => Slot::Bool(*flag),
            (_, Some(number)) if number.is_zero() => Slot::Bool(false),
            (_, Some(number)) if number == Decimal::ONE => Slot::Bool(true),
            _ => Slot::Invalid,
        },
        SlotKind::Choice => match raw {
            Raw::Text(text) => match &scheme.indicators[slot].method {
                crate::scheme::Method::Choice { options } => {
                    options.iter().position(|option| option.id == **text).map_or(Slot::Invalid, Slot::Choice)
                }
                _ => Slot::Invalid,
            },
            _ => Slot::Invalid,
        },
        SlotKind::None => Slot::Invalid,
    }
}
