//! `evaluate`: a compiled scheme and a filing in, an explained [`Evaluation`] out.
//!
//! Order of computation (each step explained by lines in this order):
//! 0. (while reading) work entries give their indicator a value when it has none;
//! 1. which selectable indicators count (`max_selected`), and the empty-period rule;
//! 2. each item by its method (after a line saying so when work entries gave its value),
//!    item cap, **rounded** to the scheme's scale, then a reviewer's adjustment if any
//!    (clamped into `0..=max`, rounded);
//! 3. group sums and group caps; base, bonus (capped) and penalty (capped);
//! 4. subtotal = base + bonus − penalty, raised to the floor (default 0);
//! 5. × the product of coefficients (each clamped into its bounds), capped at `max_total`,
//!    **rounded** — the total;
//! 6. veto gates: zero, total cap; then the grade band (`total ≥ min`), grade caps, and a
//!    grade set by a gate when no other gate fired.

pub(crate) mod inputs;
mod method;

use crate::compile::{CIndicator, CompiledScheme, EntryRule};
use crate::decimal::Decimal;
use crate::error::Error;
use crate::evaluation::{CapKind, Evaluation};
use crate::explain::{Args, Code, WarningCode};
use crate::filing::Filing;
use crate::num::{add, mul, round, sub};
use crate::outcome::{
    CapRecord, CoefficientValue, GroupPoints, ItemPoints, Note, Notice, Outcome, Record, Scratch, Subject, Totals,
};
use crate::scheme::{Effect, EmptyCounts, VetoEffect};
use inputs::{Inputs, Reading, Slot, Tally};
use std::cell::RefCell;

/// Evaluates a filing. A half-filled draft evaluates: missing values count as 0 / not done
/// and are listed as warnings where the indicator is required.
///
/// # Errors
/// [`Error::SchemeMismatch`] when the filing names another scheme id or version.
pub fn evaluate(scheme: &CompiledScheme, filing: &Filing) -> Result<Evaluation, Error> {
    with_scratch(|scratch| scheme.evaluate_into(filing, scratch).map(|outcome| outcome.to_evaluation()))
}

thread_local! {
    /// The scratch behind [`evaluate`] and [`CompiledScheme::evaluate_json`]: growing a
    /// fresh one on every call cost about 2,900 instructions on the bench scheme. A few
    /// KB per thread, kept for the thread's life.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::new());
}

/// Runs `f` with this thread's scratch, taken out for the call and put back after (so a
/// nested call, or one during the thread's teardown, simply starts from an empty one).
fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    let mut scratch = SCRATCH.try_with(|cell| cell.take()).unwrap_or_default();
    let result = f(&mut scratch);
    // Fails only while the thread is being torn down; the buffers are then just dropped.
    let _ = SCRATCH.try_with(|cell| cell.replace(scratch));
    result
}

impl CompiledScheme {
    /// Evaluates filing JSON (see [`crate::filing`] for its shape) without building an
    /// intermediate [`Filing`].
    ///
    /// # Errors
    /// [`Error::Json`] when the text is not a filing; [`Error::SchemeMismatch`] as for
    /// [`evaluate`].
    pub fn evaluate_json(&self, filing_json: &str) -> Result<Evaluation, Error> {
        with_scratch(|scratch| self.evaluate_json_into(filing_json, scratch).map(|outcome| outcome.to_evaluation()))
    }

    /// The fast path for every keystroke: evaluates filing JSON into `scratch` (reused
    /// from call to call: once its buffers have grown, a usual filing allocates nothing;
    /// a `selected` list, a string with escapes or an error still do) and returns the
    /// compact [`Outcome`]; `outcome.to_evaluation()` is what
    /// [`CompiledScheme::evaluate_json`] returns.
    ///
    /// # Errors
    /// As [`CompiledScheme::evaluate_json`].
    pub fn evaluate_json_into<'s>(&'s self, filing_json: &str, scratch: &'s mut Scratch) -> Result<Outcome<'s>, Error> {
        scratch.reset(self);
        Reading { scheme: self, inputs: &mut scratch.inputs }.json(filing_json)?;
        run(self, scratch)
    }

    /// [`CompiledScheme::evaluate_json_into`] for an owned [`Filing`].
    ///
    /// # Errors
    /// As [`evaluate`].
    pub fn evaluate_into<'s>(&'s self, filing: &Filing, scratch: &'s mut Scratch) -> Result<Outcome<'s>, Error> {
        scratch.reset(self);
        Reading { scheme: self, inputs: &mut scratch.inputs }.filing(filing);
        run(self, scratch)
    }
}

/// Compiles `scheme_json` and evaluates `filing_json` with it. For one-off use; cache a
/// [`CompiledScheme`] when evaluating repeatedly.
///
/// # Errors
/// Any error of [`CompiledScheme::from_json`] or [`CompiledScheme::evaluate_json`].
pub fn evaluate_json(scheme_json: &str, filing_json: &str) -> Result<Evaluation, Error> {
    CompiledScheme::from_json(scheme_json)?.evaluate_json(filing_json)
}

// Lines and warnings are added through these few out-of-line functions rather than built
// where they arise: writing every field at each of the evaluator's forty-odd places was
// about 5 KB of the WebAssembly module. Natively the two line writers are inlined: as
// calls (about 50 instructions each, 17 per evaluation of the bench scheme) they were
// mostly the moving of their arguments through memory.

/// Adds an explanation line without a note.
#[cfg_attr(target_arch = "wasm32", inline(never))]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
pub(crate) fn line(lines: &mut Vec<Record>, code: Code, subject: Subject, points: Option<Decimal>, args: Args) {
    lines.push(Record { code, subject, note: Note::None, points, args });
}

/// Adds an explanation line with a note (a label, unit, grade or adjustment).
#[cfg_attr(target_arch = "wasm32", inline(never))]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn noted(lines: &mut Vec<Record>, code: Code, subject: Subject, note: Note, points: Option<Decimal>, args: Args) {
    lines.push(Record { code, subject, note, points, args });
}

/// Adds a warning.
#[inline(never)]
pub(crate) fn warn(warnings: &mut Vec<Notice>, code: WarningCode, subject: Subject, args: Args) {
    warnings.push(Notice { code, subject, args });
}

/// A cap that changed a number: recorded, and explained by a line.
#[inline(never)]
fn cap(
    scratch_caps: &mut Vec<CapRecord>,
    lines: &mut Vec<Record>,
    code: Code,
    kind: CapKind,
    subject: Subject,
    before: Decimal,
    after: Decimal,
) {
    scratch_caps.push(CapRecord { kind, subject, before, after });
    line(lines, code, subject, None, Args::two(before, after));
}

/// Where an indicator's value came from when work entries gave it.
fn entries_line(lines: &mut Vec<Record>, index: usize, indicator: &CIndicator, tally: &Tally) {
    let count = Decimal::from(tally.count);
    let subject = Subject::Indicator(index as u16);
    match indicator.entries {
        EntryRule::Any => line(lines, Code::ItemEntriesDone, subject, None, Args::one(count)),
        _ => {
            let note = if indicator.unit.is_some() { Note::Unit(index as u16) } else { Note::None };
            noted(lines, Code::ItemEntries, subject, note, None, Args::two(tally.sum, count));
        }
    }
}

#[allow(clippy::too_many_lines)] // the steps above, in order, read best in one place
fn run<'s>(scheme: &'s CompiledScheme, scratch: &'s mut Scratch) -> Result<Outcome<'s>, Error> {
    let reference = &scheme.reference;
    let Scratch { inputs, lines, warnings, items, groups, caps, vetoes, coefficients, counted } = &mut *scratch;
    let inputs: &Inputs = inputs;
    if let Some(found) = inputs.scheme_id.map(|span| inputs.text(span)) {
        if found != &*reference.id {
            return Err(Error::SchemeMismatch { expected: reference.id.to_string(), found: found.to_owned() });
        }
    }
    if let Some(found) = inputs.version {
        if found != reference.version {
            return Err(Error::SchemeMismatch {
                expected: format!("{} v{}", reference.id, reference.version),
                found: format!("{} v{found}", reference.id),
            });
        }
    }
    let scale = scheme.scale;
    let settings = scheme.scheme();

    // 1. Empty period and selection.
    let empty_rule = settings.empty_period.as_ref().map(|rule| rule.counts_as);
    let empty = inputs.nothing_to_report && empty_rule.is_some();
    if inputs.nothing_to_report && empty_rule.is_none() {
        warn(warnings, WarningCode::EmptyNotAllowed, Subject::None, Args::NONE);
    }
    selection(scheme, inputs, counted, warnings);

    // 2. Items.
    groups.resize(scheme.groups.len(), GroupPoints::default());
    let zero = round(Decimal::ZERO, scale);
    for (index, indicator) in scheme.indicators.iter().enumerate() {
        let slot = inputs.value(index);
        let is_counted = counted.get(index).is_none_or(|counted| *counted);
        let subject = Subject::Indicator(index as u16);
        let computed = if !is_counted {
            line(lines, Code::ItemNotSelected, subject, Some(zero), Args::NONE);
            Decimal::ZERO
        } else if empty && indicator.own {
            if !matches!(slot, Slot::Missing) {
                warn(warnings, WarningCode::EmptyWithValues, subject, Args::NONE);
            }
            line(lines, Code::ItemEmptyPeriod, subject, Some(zero), Args::NONE);
            Decimal::ZERO
        } else {
            if indicator.required && matches!(slot, Slot::Missing) && indicator.sources.is_empty() {
                warn(warnings, WarningCode::ValueMissing, subject, Args::NONE);
            }
            if let Some(tally) = inputs.entries.get(index).filter(|tally| tally.count > 0) {
                entries_line(lines, index, indicator, tally);
            }
            let scored = method::score(scheme, index, indicator, slot, inputs, warnings, lines);
            let points = round(scored.points, scale);
            noted(lines, scored.code, subject, scored.note, Some(points), scored.args);
            if let Some((before, after)) = scored.cap {
                cap(caps, lines, Code::CapItem, CapKind::Item, subject, before, after);
            }
            points
        };
        let mut points = computed;
        let mut adjusted = false;
        if let Some((which, adjustment)) =
            inputs.adjustments.iter().enumerate().rev().find(|(_, a)| a.indicator == index)
        {
            let wanted = round(adjustment.points, scale);
            let mut allowed = wanted.max(Decimal::ZERO);
            if let Some(max) = indicator.max {
                allowed = allowed.min(max);
            }
            let allowed = round(allowed, scale);
            if allowed != wanted {
                warn(warnings, WarningCode::AdjustmentRange, subject, Args::two(wanted, allowed));
            }
            let note = Note::Adjustment(which as u16);
            noted(lines, Code::ItemAdjusted, subject, note, Some(allowed), Args::two(computed, allowed));
            points = allowed;
            adjusted = true;
        }
        let group = &mut groups[indicator.group];
        group.raw = add(group.raw, points);
        items.push(ItemPoints { counted: is_counted, computed, points, adjusted });
    }

    // 3. Groups, bonus and penalty.
    let (mut base, mut bonus, mut penalty) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for (index, (group, sums)) in scheme.groups.iter().zip(groups.iter_mut()).enumerate() {
        let raw = sums.raw;
        let subject = Subject::Group(index as u16);
        let points = match group.cap {
            Some(after) if raw > after => {
                cap(caps, lines, Code::CapGroup, CapKind::Group, subject, raw, after);
                after
            }
            _ => raw,
        };
        line(lines, Code::GroupTotal, subject, Some(points), Args::one(raw));
        match group.effect {
            Effect::Add => base = add(base, points),
            Effect::Bonus => bonus = add(bonus, points),
            Effect::Penalty => penalty = add(penalty, points),
        }
        sums.points = points;
    }
    let totals = &settings.totals;
    for (amount, limit, kind, code) in [
        (&mut bonus, totals.bonus_cap, CapKind::Bonus, Code::CapBonus),
        (&mut penalty, totals.penalty_cap, CapKind::Penalty, Code::CapPenalty),
    ] {
        if let Some(limit) = limit.filter(|limit| *amount > *limit) {
            cap(caps, lines, code, kind, Subject::None, *amount, limit);
            *amount = limit;
        }
    }

    // 4. Subtotal and floor.
    let mut subtotal = sub(add(base, bonus), penalty);
    line(lines, Code::Subtotal, Subject::None, Some(subtotal), Args::three(base, bonus, penalty));
    if subtotal < totals.floor {
        cap(caps, lines, Code::CapFloor, CapKind::Floor, Subject::None, subtotal, totals.floor);
        subtotal = totals.floor;
    }

    // 5. Coefficients, total cap, rounding.
    let mut product = Decimal::ONE;
    for (offset, coefficient) in scheme.coefficients.iter().enumerate() {
        let slot = inputs.value(scheme.indicators.len() + scheme.vetoes.len() + offset);
        let given = match slot {
            Slot::Number(value) => value,
            _ => coefficient.default,
        };
        // Not `Ord::clamp`, which panics when min > max: a published scheme is not
        // validated on the phone (`CompiledScheme::published`) and must not panic there.
        let value = given.max(coefficient.min).min(coefficient.max);
        let subject = Subject::Coefficient(offset as u16);
        if value == given {
            line(lines, Code::Coefficient, subject, None, Args::one(value));
        } else {
            caps.push(CapRecord { kind: CapKind::Coefficient, subject, before: given, after: value });
            line(lines, Code::CapCoefficient, subject, None, Args::two(given, value));
        }
        product = mul(product, value);
        coefficients.push(CoefficientValue { value, clamped: value != given });
    }
    let mut total = subtotal;
    if !coefficients.is_empty() {
        total = mul(subtotal, product);
        line(lines, Code::Coefficients, Subject::None, Some(total), Args::two(product, subtotal));
    }
    if let Some(limit) = totals.max_total.filter(|limit| total > *limit) {
        cap(caps, lines, Code::CapTotal, CapKind::Total, Subject::None, total, limit);
        total = limit;
    }
    let unrounded = total;
    let mut total = round(total, scale);
    line(lines, Code::Total, Subject::None, Some(total), Args::two(unrounded, Decimal::from(scale)));

    // 6. Vetoes and grade.
    let vetoes_at = scheme.indicators.len();
    let mut grade_cap: Option<usize> = None;
    let mut grade_set: Option<(usize, bool)> = None;
    let mut restrictive = false;
    for (offset, veto) in scheme.vetoes.iter().enumerate() {
        if !matches!(inputs.value(vetoes_at + offset), Slot::Bool(true)) {
            continue;
        }
        vetoes.push(offset as u16);
        let subject = Subject::Veto(offset as u16);
        match &veto.effect {
            VetoEffect::Zero => {
                restrictive = true;
                line(lines, Code::VetoZero, subject, Some(zero), Args::NONE);
                if !total.is_zero() {
                    caps.push(CapRecord { kind: CapKind::Veto, subject, before: total, after: Decimal::ZERO });
                }
                total = zero;
            }
            VetoEffect::TotalCap { points } => {
                restrictive = true;
                line(lines, Code::VetoTotalCap, subject, None, Args::one(*points));
                if total > *points {
                    caps.push(CapRecord { kind: CapKind::Veto, subject, before: total, after: *points });
                    total = round(*points, scale);
                }
            }
            VetoEffect::GradeCap { .. } => {
                restrictive = true;
                noted(lines, Code::VetoGradeCap, subject, Note::Grade(veto.band as u16), None, Args::NONE);
                grade_cap = Some(grade_cap.map_or(veto.band, |band| band.max(veto.band)));
            }
            VetoEffect::GradeSet { outside_quota, .. } => {
                let args = Args::one(Decimal::from(u8::from(*outside_quota)));
                noted(lines, Code::VetoGradeSet, subject, Note::Grade(veto.band as u16), None, args);
                grade_set = grade_set.or(Some((veto.band, *outside_quota)));
            }
        }
    }
    let mut band = scheme.band_for(total);
    if let (Some(found), Some(cap)) = (band, grade_cap) {
        band = Some(found.max(cap));
    }
    let mut outside_quota = false;
    if let (false, Some((set, outside))) = (restrictive, grade_set) {
        band = Some(set);
        outside_quota = outside;
    }
    match band {
        Some(band) => {
            let args = Args::one(scheme.bands[band].min);
            noted(lines, Code::Grade, Subject::None, Note::Grade(band as u16), Some(total), args);
        }
        None => line(lines, Code::GradeNone, Subject::None, Some(total), Args::NONE),
    }
    let excluded = empty && empty_rule == Some(EmptyCounts::Excluded);
    if excluded {
        line(lines, Code::PeriodExcluded, Subject::None, None, Args::NONE);
    }

    let totals = Totals {
        total,
        band: band.map(|band| band as u16),
        outside_quota,
        nothing_to_report: empty,
        excluded_from_rollup: excluded,
        base,
        bonus,
        penalty,
        coefficient: product,
    };
    Ok(Outcome { scheme, scratch, totals })
}

/// Which indicators count, into `counted` (left empty when all of them do: the scheme has
/// no `max_selected`).
fn selection(scheme: &CompiledScheme, inputs: &Inputs, counted: &mut Vec<bool>, warnings: &mut Vec<Notice>) {
    let Some(max) = scheme.scheme().max_selected.map(|max| max as usize) else {
        return;
    };
    counted.extend(scheme.indicators.iter().map(|indicator| !indicator.selectable));
    let mut given = 0;
    let mut pick = |index: usize| {
        if given < max {
            counted[index] = true;
        }
        given += 1;
    };
    if inputs.has_selected {
        inputs.selected.iter().for_each(|index| pick(*index));
    } else {
        // Not stated: the selectable indicators that carry a value, in scheme order.
        for (index, indicator) in scheme.indicators.iter().enumerate() {
            if indicator.selectable && !matches!(inputs.value(index), Slot::Missing) {
                pick(index);
            }
        }
    }
    if given > max {
        let args = Args::two(Decimal::from(given), Decimal::from(max));
        warn(warnings, WarningCode::SelectedTooMany, Subject::None, args);
    }
}
