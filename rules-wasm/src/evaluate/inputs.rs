//! A filing resolved against one compiled scheme: values in slots by index, ready for the
//! evaluator. Two ways in: from a [`Filing`] (the app and server hold one), and straight
//! from filing JSON ([`crate::filing::read`], into the slots without building maps or
//! owned strings). Work entries are tallied per indicator while reading and, once
//! everything is read, turned into the values of indicators that have none (see
//! [`crate::filing`]).
//!
//! The inputs live in a [`crate::Scratch`] and keep their buffers from one evaluation to
//! the next; what they keep of the filing's own text (the period, unknown keys, an
//! adjustment's reason) is copied into one reused `String`.

use crate::compile::{CompiledScheme, EntryRule, SlotKind};
use crate::decimal::Decimal;
use crate::error::Error;
use crate::explain::{Args, WarningCode};
use crate::filing::read::{raw, Raw, Sink};
use crate::filing::{Filing, SourceScore, Value};
use crate::json::read::{Plain, Read, Reader};
use crate::num::{add, parse_decimal, LIMIT};
use crate::outcome::{Notice, Span, Subject};
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

/// What a slot holds, its number kept apart ([`Inputs::value`]). Why apart: natively a
/// [`Slot`] built field by field and then stored whole was copied with a 16-byte move that
/// stalled on the narrower writes still in flight (a third of reading the values); a
/// number read from the filing is stored straight from registers instead.
#[derive(Clone, Copy, Debug, Default)]
enum Held {
    #[default]
    Missing,
    Number,
    Bool(bool),
    Choice(usize),
    Invalid,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Adjust {
    pub indicator: usize,
    pub points: Decimal,
    pub reason: Span,
    pub by: Span,
}

/// The usable work entries linked to one indicator.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Tally {
    pub count: u32,
    pub sum: Decimal,
}

#[derive(Debug, Default)]
pub(crate) struct Inputs {
    /// The filing's text that a result may quote (see the module comment).
    pub text: String,
    pub scheme_id: Option<Span>,
    pub version: Option<u32>,
    pub period: Option<Span>,
    /// What each slot holds (indicators, then vetoes, then coefficients), a number kept
    /// apart in `numbers`: see [`Held`] and [`Inputs::value`].
    held: Vec<Held>,
    /// By slot, the number of a slot that holds one.
    numbers: Vec<Decimal>,
    pub sources: Vec<Option<SourceScore>>,
    /// Indicator indices picked, in the order given; meaningful when `has_selected`.
    pub selected: Vec<usize>,
    pub has_selected: bool,
    pub nothing_to_report: bool,
    pub adjustments: Vec<Adjust>,
    /// Per indicator, the entries its value came from; empty when the filing has no entries
    /// (the common case costs nothing). After reading, only indicators fed by entries keep a
    /// non-zero tally.
    pub entries: Vec<Tally>,
    /// Warnings found while reading (a result lists them after the evaluation's own).
    pub warnings: Vec<Notice>,
}

/// A warning about `subject`.
#[inline(never)]
fn notice(warnings: &mut Vec<Notice>, code: WarningCode, subject: Subject, args: Args) {
    warnings.push(Notice { code, subject, args });
}

impl Inputs {
    /// Empties the inputs for a filing of `scheme`, keeping the buffers.
    pub(crate) fn reset(&mut self, scheme: &CompiledScheme) {
        self.text.clear();
        self.scheme_id = None;
        self.version = None;
        self.period = None;
        self.held.clear();
        self.held.resize(scheme.keys.len(), Held::Missing);
        self.numbers.resize(scheme.keys.len(), Decimal::ZERO);
        self.sources.clear();
        self.sources.resize(scheme.sources.len(), None);
        self.selected.clear();
        self.has_selected = false;
        self.nothing_to_report = false;
        self.adjustments.clear();
        self.entries.clear();
        self.warnings.clear();
    }

    /// The value of a slot.
    #[inline(always)]
    pub(crate) fn value(&self, slot: usize) -> Slot {
        match self.held[slot] {
            Held::Missing => Slot::Missing,
            Held::Number => Slot::Number(self.numbers[slot]),
            Held::Bool(flag) => Slot::Bool(flag),
            Held::Choice(option) => Slot::Choice(option),
            Held::Invalid => Slot::Invalid,
        }
    }

    /// Sets the value of a slot.
    #[inline(always)]
    fn put(&mut self, slot: usize, value: Slot) {
        self.held[slot] = match value {
            Slot::Missing => Held::Missing,
            Slot::Number(number) => {
                self.numbers[slot] = number;
                Held::Number
            }
            Slot::Bool(flag) => Held::Bool(flag),
            Slot::Choice(option) => Held::Choice(option),
            Slot::Invalid => Held::Invalid,
        };
    }

    /// The text of a span.
    pub(crate) fn text(&self, span: Span) -> &str {
        self.text.get(span.start as usize..(span.start + span.len) as usize).unwrap_or_default()
    }

    /// Copies `text` into the text buffer.
    fn keep(&mut self, text: &str) -> Span {
        // Filings are far below 4 GB (the phone sends one person's month).
        let start = u32::try_from(self.text.len()).unwrap_or(u32::MAX);
        self.text.push_str(text);
        Span { start, len: u32::try_from(text.len()).unwrap_or(0) }
    }

    /// A warning about a key of the filing (kept as text).
    fn unknown(&mut self, code: WarningCode, key: &str) {
        let subject = Subject::Text(self.keep(key));
        notice(&mut self.warnings, code, subject, Args::NONE);
    }
}

/// Reads a filing into the inputs of a scratch.
pub(crate) struct Reading<'s> {
    pub scheme: &'s CompiledScheme,
    pub inputs: &'s mut Inputs,
}

impl Reading<'_> {
    /// Resolves an owned filing.
    pub(crate) fn filing(&mut self, filing: &Filing) {
        fn raw(value: &Value) -> Raw<'_> {
            match value {
                Value::Bool(flag) => Raw::Bool(*flag),
                Value::Number(number) => Raw::Number(*number),
                Value::Text(text) => Raw::Text(Cow::Borrowed(text)),
            }
        }
        self.scheme(filing.scheme.as_deref().map(Cow::Borrowed));
        self.version(filing.version);
        self.period(filing.period.as_deref().map(Cow::Borrowed));
        self.nothing_to_report(filing.nothing_to_report);
        for (key, value) in &filing.values {
            self.value(Cow::Borrowed(key), raw(value));
        }
        for (key, score) in &filing.sources {
            self.source(Cow::Borrowed(key), *score);
        }
        if let Some(selected) = &filing.selected {
            self.selected(selected.iter().map(|key| Cow::Borrowed(key.as_str())).collect());
        }
        for adjustment in &filing.adjustments {
            self.adjustment(
                Cow::Borrowed(&adjustment.indicator),
                adjustment.points,
                Cow::Borrowed(&adjustment.reason),
                Cow::Borrowed(&adjustment.by),
            );
        }
        for entry in &filing.entries {
            self.entry(Cow::Borrowed(&entry.indicator), entry.quantity.as_ref().map(raw));
        }
        self.apply_entries();
    }

    /// Reads filing JSON straight into the slots.
    pub(crate) fn json(&mut self, json: &str) -> Result<(), Error> {
        crate::filing::read::read(json, self).map_err(|error| Error::json("filing", &error))?;
        self.apply_entries();
        Ok(())
    }

    /// Gives indicators without a value the value of their entries; warns about entries that
    /// cannot count (a value was given, or the method ignores entries) and forgets them.
    fn apply_entries(&mut self) {
        let scheme = self.scheme;
        let inputs = &mut *self.inputs;
        if inputs.entries.is_empty() {
            return;
        }
        for (index, indicator) in scheme.indicators.iter().enumerate() {
            let given = !matches!(inputs.value(index), Slot::Missing);
            let Some(tally) = inputs.entries.get_mut(index).filter(|tally| tally.count > 0) else {
                continue;
            };
            let unused = match indicator.entries {
                EntryRule::Ignored => Some(WarningCode::EntriesUnused),
                _ if given => Some(WarningCode::EntriesOverridden),
                _ => None,
            };
            let subject = Subject::Indicator(index as u16);
            if let Some(code) = unused {
                let args = Args::one(Decimal::from(tally.count));
                *tally = Tally::default();
                notice(&mut inputs.warnings, code, subject, args);
                continue;
            }
            let value = match indicator.entries {
                EntryRule::Any => Slot::Bool(true),
                _ => read_slot(scheme, index, indicator.kind, &Raw::Number(tally.sum)),
            };
            if matches!(value, Slot::Invalid) {
                // The sum went beyond the input limit.
                notice(&mut inputs.warnings, WarningCode::ValueInvalid, Subject::Key(index as u16), Args::NONE);
            }
            inputs.put(index, value);
        }
    }
}

impl Reading<'_> {
    /// Stores the value of a slot, warning when it is unusable.
    fn set(&mut self, slot: usize, raw: &Raw<'_>) {
        let scheme = self.scheme;
        self.store(slot, read_slot(scheme, slot, scheme.kinds[slot], raw));
    }

    /// Stores a value read for a slot, warning when it is unusable.
    #[inline(always)]
    fn store(&mut self, slot: usize, value: Slot) {
        if matches!(value, Slot::Invalid) {
            notice(&mut self.inputs.warnings, WarningCode::ValueInvalid, Subject::Key(slot as u16), Args::NONE);
        }
        self.inputs.put(slot, value);
    }

    /// Stores a number read for a slot: the usual value, stored straight from the reader
    /// (see [`Held`]).
    #[inline(always)]
    fn number(&mut self, slot: usize, kind: SlotKind, number: Decimal) {
        match number_slot(kind, number) {
            Slot::Number(_) => {
                self.inputs.held[slot] = Held::Number;
                self.inputs.numbers[slot] = number;
            }
            other => self.store(slot, other),
        }
    }
}

impl<'a> Sink<'a> for Reading<'_> {
    fn scheme(&mut self, id: Option<Cow<'a, str>>) {
        self.inputs.scheme_id = id.map(|id| self.inputs.keep(&id));
    }

    fn version(&mut self, version: Option<u32>) {
        self.inputs.version = version;
    }

    fn period(&mut self, period: Option<Cow<'a, str>>) {
        self.inputs.period = period.map(|period| self.inputs.keep(&period));
    }

    fn value(&mut self, key: Cow<'a, str>, raw: Raw<'a>) {
        match self.scheme.slot(&key) {
            Some(slot) => self.set(slot, &raw),
            None => self.inputs.unknown(WarningCode::ValueUnknown, &key),
        }
    }

    /// `values` the fast way (the phone sends it on every keystroke): a form writes its
    /// values in the scheme's order, so each member is first matched byte for byte
    /// against the key after the previous one ([`crate::json::read::Members::expected_key`]);
    /// else its key is read (in one pass when plain: [`crate::json::read::Members::next`])
    /// and looked up. The common scalars are read in one pass too ([`Reader::plain_scalar`]),
    /// and a number goes straight to its slot; anything else the general way, so the same
    /// text is accepted.
    fn values(&mut self, reader: &mut Reader<'a>) -> Read<()> {
        let scheme = self.scheme;
        let keys = &scheme.keys;
        let mut members = reader.object()?;
        let mut next = 0;
        loop {
            let slot = match keys.expected(next) {
                Some(key) if members.expected_key(reader, key) => next,
                _ => {
                    let Some(key) = members.next(reader)? else {
                        return Ok(());
                    };
                    let Some(slot) = keys.find(&key) else {
                        // The value is read (and checked) all the same.
                        if reader.plain_scalar().is_none() {
                            raw(reader)?;
                        }
                        self.inputs.unknown(WarningCode::ValueUnknown, &key);
                        continue;
                    };
                    slot
                }
            };
            next = slot + 1;
            let kind = scheme.kinds[slot];
            let value = match reader.plain_scalar() {
                Some(Plain::Integer(value)) => {
                    self.number(slot, kind, Decimal::from(value));
                    continue;
                }
                Some(Plain::Text(text)) if kind != SlotKind::Choice => match parse_decimal(text) {
                    Some(number) => {
                        self.number(slot, kind, number);
                        continue;
                    }
                    None => Slot::Invalid,
                },
                Some(Plain::Text(text)) => read_slot(scheme, slot, kind, &Raw::Text(Cow::Borrowed(text))),
                Some(Plain::Bool(flag)) if kind == SlotKind::Bool => Slot::Bool(flag),
                Some(Plain::Bool(flag)) => read_slot(scheme, slot, kind, &Raw::Bool(flag)),
                None => read_slot(scheme, slot, kind, &raw(reader)?),
            };
            self.store(slot, value);
        }
    }

    fn source(&mut self, key: Cow<'a, str>, score: SourceScore) {
        match self.scheme.source(&key) {
            Some(index) => self.inputs.sources[index] = Some(score),
            None => self.inputs.unknown(WarningCode::SourceUnknown, &key),
        }
    }

    fn selected(&mut self, keys: Vec<Cow<'a, str>>) {
        let scheme = self.scheme;
        let inputs = &mut *self.inputs;
        inputs.selected.clear();
        inputs.has_selected = true;
        for key in keys {
            match scheme.slot(&key) {
                Some(index)
                    if index < scheme.indicators.len()
                        && scheme.indicators[index].selectable
                        && !inputs.selected.contains(&index) =>
                {
                    inputs.selected.push(index);
                }
                _ => inputs.unknown(WarningCode::SelectedUnknown, &key),
            }
        }
    }

    fn nothing_to_report(&mut self, flag: bool) {
        self.inputs.nothing_to_report = flag;
    }

    fn adjustment(&mut self, key: Cow<'a, str>, points: Decimal, reason: Cow<'a, str>, by: Cow<'a, str>) {
        let scheme = self.scheme;
        let inputs = &mut *self.inputs;
        match scheme.slot(&key) {
            Some(indicator) if indicator < scheme.indicators.len() => {
                let (reason, by) = (inputs.keep(&reason), inputs.keep(&by));
                inputs.adjustments.push(Adjust { indicator, points, reason, by });
            }
            _ => inputs.unknown(WarningCode::AdjustmentUnknown, &key),
        }
    }

    /// Tallies one work entry; `quantity` `None` (absent or null) counts 1.
    fn entry(&mut self, key: Cow<'a, str>, quantity: Option<Raw<'a>>) {
        let scheme = self.scheme;
        let inputs = &mut *self.inputs;
        let Some(index) = scheme.slot(&key).filter(|slot| *slot < scheme.indicators.len()) else {
            return inputs.unknown(WarningCode::EntryUnknown, &key);
        };
        let indicator = &scheme.indicators[index];
        let Some(quantity) = quantity.map_or(Some(Decimal::ONE), |raw| entry_quantity(&raw, indicator.kind)) else {
            return notice(
                &mut inputs.warnings,
                WarningCode::EntryInvalid,
                Subject::Indicator(index as u16),
                Args::NONE,
            );
        };
        if inputs.entries.is_empty() {
            inputs.entries.resize(scheme.indicators.len(), Tally::default());
        }
        let tally = &mut inputs.entries[index];
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
    match raw {
        Raw::Null => Slot::Missing,
        Raw::Bad => Slot::Invalid,
        Raw::Bool(flag) if kind == SlotKind::Bool => Slot::Bool(*flag),
        Raw::Bool(_) => Slot::Invalid,
        Raw::Number(number) => number_slot(kind, *number),
        Raw::Text(text) if kind == SlotKind::Choice => match &scheme.indicators[slot].method {
            crate::scheme::Method::Choice { options } => {
                options.iter().position(|option| option.id == **text).map_or(Slot::Invalid, Slot::Choice)
            }
            _ => Slot::Invalid,
        },
        Raw::Text(text) => parse_decimal(text).map_or(Slot::Invalid, |number| number_slot(kind, number)),
    }
}

/// A number (given as a number or as text) for a slot of the given kind: in range (and
/// whole for a count), or 0 / 1 for a yes-or-no; otherwise `Invalid`.
#[cfg_attr(target_arch = "wasm32", inline)]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn number_slot(kind: SlotKind, number: Decimal) -> Slot {
    // |number| ≤ 10¹², decided from the mantissa alone in the usual case.
    let in_range = || match number.small() {
        Some(mantissa) if mantissa.unsigned_abs() <= 1_000_000_000_000 => true,
        _ => number.abs() <= LIMIT,
    };
    match kind {
        SlotKind::Number if in_range() => Slot::Number(number),
        SlotKind::Count if in_range() && number.is_integer() => Slot::Number(number),
        SlotKind::Bool if number.is_zero() => Slot::Bool(false),
        SlotKind::Bool if number == Decimal::ONE => Slot::Bool(true),
        _ => Slot::Invalid,
    }
}
