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

mod inputs;
mod method;
mod small;

use crate::compile::{period_end_month, CIndicator, CompiledScheme, EntryRule};
use crate::decimal::Decimal;
use crate::error::Error;
use crate::evaluation::{CapHit, CapKind, CoefficientApplied, Evaluation, GroupResult, ItemResult};
use crate::explain::{warn, Args, Code, Line, Lines, Warning, WarningCode};
use crate::filing::Filing;
use crate::name::Name;
use crate::num::{add, mul, round, sub};
use crate::scheme::{Effect, EmptyCounts, VetoEffect};
use inputs::{Inputs, Slot, Tally};
use small::Small;

/// Evaluates a filing. A half-filled draft evaluates: missing values count as 0 / not done
/// and are listed as warnings where the indicator is required.
///
/// # Errors
/// [`Error::SchemeMismatch`] when the filing names another scheme id or version.
pub fn evaluate(scheme: &CompiledScheme, filing: &Filing) -> Result<Evaluation, Error> {
    run(scheme, &Inputs::from_filing(scheme, filing))
}

impl CompiledScheme {
    /// Evaluates filing JSON (see [`crate::filing`] for its shape) without building an
    /// intermediate [`Filing`]: the fast path the phone calls on every keystroke.
    ///
    /// # Errors
    /// [`Error::Json`] when the text is not a filing; [`Error::SchemeMismatch`] as for
    /// [`evaluate`].
    pub fn evaluate_json(&self, filing_json: &str) -> Result<Evaluation, Error> {
        let mut inputs = Inputs::empty(self);
        inputs.read_json(filing_json)?;
        run(self, &inputs)
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

/// A cap that changed a number, as a line.
fn cap_line(code: Code, named: Option<(&'static str, &'static str)>, before: Decimal, after: Decimal) -> Line {
    match named {
        Some((id, name)) => Line::named(code, id, name, None, Args::two(before, after)),
        None => Line::overall(code, None, Args::two(before, after)),
    }
}

/// Where an indicator's value came from when work entries gave it.
fn entries_line(indicator: &CIndicator, tally: &Tally) -> Line {
    let count = Decimal::from(tally.count);
    match indicator.entries {
        EntryRule::Any => Line::named(Code::ItemEntriesDone, indicator.id, indicator.name, None, Args::one(count)),
        _ => Line {
            note: indicator.unit.map(Name::Borrowed),
            ..Line::named(Code::ItemEntries, indicator.id, indicator.name, None, Args::two(tally.sum, count))
        },
    }
}

/// `Some(points)` rounded to the scheme's scale.
fn rounded(points: Decimal, scale: u32) -> Option<Decimal> {
    Some(round(points, scale))
}

#[allow(clippy::too_many_lines)] // the steps above, in order, read best in one place
fn run(scheme: &CompiledScheme, inputs: &Inputs<'_>) -> Result<Evaluation, Error> {
    let reference = &scheme.reference;
    if let Some(found) = inputs.scheme_id.as_deref() {
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
    let mut warnings = Vec::new();
    // The usual number of lines, and room for a few caps or adjustments without regrowing.
    let mut lines = Lines::with_capacity(scheme.usual_lines + 4);
    let mut caps = Vec::new();
    let month = inputs.period.as_deref().and_then(period_end_month);

    // 1. Empty period and selection.
    let empty_rule = settings.empty_period.as_ref().map(|rule| rule.counts_as);
    let empty = inputs.nothing_to_report && empty_rule.is_some();
    if inputs.nothing_to_report && empty_rule.is_none() {
        warnings.push(Warning::new(WarningCode::EmptyNotAllowed, None, None));
    }
    let counted = selection(scheme, inputs, &mut warnings);

    // 2. Items.
    let mut group_raw: Small<Decimal, 16> = Small::new(scheme.groups.len());
    let mut items = Vec::with_capacity(scheme.indicators.len());
    for (index, indicator) in scheme.indicators.iter().enumerate() {
        let slot = inputs.values[index];
        let is_counted = counted.as_ref().is_none_or(|counted| counted[index]);
        let zero = rounded(Decimal::ZERO, scale);
        let computed = if !is_counted {
            lines.named(Code::ItemNotSelected, indicator.id, indicator.name, zero, Args::NONE);
            Decimal::ZERO
        } else if empty && indicator.own {
            if slot != Slot::Missing {
                warn(&mut warnings, WarningCode::EmptyWithValues, indicator.id, indicator.name, &[]);
            }
            lines.named(Code::ItemEmptyPeriod, indicator.id, indicator.name, zero, Args::NONE);
            Decimal::ZERO
        } else {
            if indicator.required && slot == Slot::Missing && indicator.sources.is_empty() {
                warn(&mut warnings, WarningCode::ValueMissing, indicator.id, indicator.name, &[]);
            }
            if let Some(tally) = inputs.entries.get(index).filter(|tally| tally.count > 0) {
                lines.push(entries_line(indicator, tally));
            }
            let scored = method::score(scheme, indicator, slot, inputs, month, &mut warnings, &mut lines);
            let points = round(scored.points, scale);
            let named = Some((indicator.id, indicator.name));
            lines.noted(scored.code, named, Some(points), scored.args, scored.note.map(Name::Borrowed));
            if let Some((before, cap)) = scored.cap {
                caps.push(CapHit { kind: CapKind::Item, id: Some(Name::Borrowed(indicator.id)), before, after: cap });
                lines.push(cap_line(Code::CapItem, Some((indicator.id, indicator.name)), before, cap));
            }
            points
        };
        let mut points = computed;
        let mut adjusted = false;
        if let Some(adjustment) = inputs.adjustments.iter().rev().find(|a| a.indicator == index) {
            let wanted = round(adjustment.points, scale);
            let mut allowed = wanted.max(Decimal::ZERO);
            if let Some(max) = indicator.max {
                allowed = allowed.min(max);
            }
            let allowed = round(allowed, scale);
            if allowed != wanted {
                warn(&mut warnings, WarningCode::AdjustmentRange, indicator.id, indicator.name, &[wanted, allowed]);
            }
            lines.push(Line {
                note: Some(adjustment.reason.clone()),
                by: Some(adjustment.by.clone()),
                ..Line::named(
                    Code::ItemAdjusted,
                    indicator.id,
                    indicator.name,
                    Some(allowed),
                    Args::two(computed, allowed),
                )
            });
            points = allowed;
            adjusted = true;
        }
        group_raw[indicator.group] = add(group_raw[indicator.group], points);
        items.push(ItemResult {
            id: Name::Borrowed(indicator.id),
            group: Name::Borrowed(scheme.groups[indicator.group].id),
            counted: is_counted,
            computed,
            points,
            adjusted,
            max: indicator.max,
        });
    }

    // 3. Groups, bonus and penalty.
    let (mut base, mut bonus, mut penalty) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    let mut groups = Vec::with_capacity(scheme.groups.len());
    for (group, &raw) in scheme.groups.iter().zip(group_raw.iter()) {
        let points = match group.cap {
            Some(cap) if raw > cap => {
                caps.push(CapHit { kind: CapKind::Group, id: Some(Name::Borrowed(group.id)), before: raw, after: cap });
                lines.push(cap_line(Code::CapGroup, Some((group.id, group.name)), raw, cap));
                cap
            }
            _ => raw,
        };
        lines.named(Code::GroupTotal, group.id, group.name, Some(points), Args::one(raw));
        match group.effect {
            Effect::Add => base = add(base, points),
            Effect::Bonus => bonus = add(bonus, points),
            Effect::Penalty => penalty = add(penalty, points),
        }
        groups.push(GroupResult { id: Name::Borrowed(group.id), effect: group.effect, raw, points });
    }
    let totals = &settings.totals;
    for (amount, cap, kind, code) in [
        (&mut bonus, totals.bonus_cap, CapKind::Bonus, Code::CapBonus),
        (&mut penalty, totals.penalty_cap, CapKind::Penalty, Code::CapPenalty),
    ] {
        if let Some(cap) = cap.filter(|cap| *amount > *cap) {
            caps.push(CapHit { kind, id: None, before: *amount, after: cap });
            lines.push(cap_line(code, None, *amount, cap));
            *amount = cap;
        }
    }

    // 4. Subtotal and floor.
    let mut subtotal = sub(add(base, bonus), penalty);
    lines.overall(Code::Subtotal, Some(subtotal), Args::three(base, bonus, penalty));
    if subtotal < totals.floor {
        caps.push(CapHit { kind: CapKind::Floor, id: None, before: subtotal, after: totals.floor });
        lines.push(cap_line(Code::CapFloor, None, subtotal, totals.floor));
        subtotal = totals.floor;
    }

    // 5. Coefficients, total cap, rounding.
    let mut product = Decimal::ONE;
    let mut coefficients = Vec::with_capacity(scheme.coefficients.len());
    for (offset, coefficient) in scheme.coefficients.iter().enumerate() {
        let slot = inputs.values[scheme.indicators.len() + scheme.vetoes.len() + offset];
        let given = match slot {
            Slot::Number(value) => value,
            _ => coefficient.default,
        };
        let value = given.clamp(coefficient.min, coefficient.max);
        if value == given {
            lines.named(Code::Coefficient, coefficient.id, coefficient.name, None, Args::one(value));
        } else {
            caps.push(CapHit {
                kind: CapKind::Coefficient,
                id: Some(Name::Borrowed(coefficient.id)),
                before: given,
                after: value,
            });
            let args = Args::two(given, value);
            lines.named(Code::CapCoefficient, coefficient.id, coefficient.name, None, args);
        }
        product = mul(product, value);
        coefficients.push(CoefficientApplied { id: Name::Borrowed(coefficient.id), value, clamped: value != given });
    }
    let mut total = subtotal;
    if !coefficients.is_empty() {
        total = mul(subtotal, product);
        lines.overall(Code::Coefficients, Some(total), Args::two(product, subtotal));
    }
    if let Some(cap) = totals.max_total.filter(|cap| total > *cap) {
        caps.push(CapHit { kind: CapKind::Total, id: None, before: total, after: cap });
        lines.push(cap_line(Code::CapTotal, None, total, cap));
        total = cap;
    }
    let unrounded = total;
    let mut total = round(total, scale);
    lines.overall(Code::Total, Some(total), Args::two(unrounded, Decimal::from(scale)));

    // 6. Vetoes and grade.
    let vetoes_at = scheme.indicators.len();
    let mut fired = Vec::new();
    let mut grade_cap: Option<usize> = None;
    let mut grade_set: Option<(usize, bool)> = None;
    let mut restrictive = false;
    for (offset, veto) in scheme.vetoes.iter().enumerate() {
        if inputs.values[vetoes_at + offset] != Slot::Bool(true) {
            continue;
        }
        fired.push(Name::Borrowed(veto.id));
        match &veto.effect {
            VetoEffect::Zero => {
                restrictive = true;
                let zero = round(Decimal::ZERO, scale);
                lines.named(Code::VetoZero, veto.id, veto.name, Some(zero), Args::NONE);
                if !total.is_zero() {
                    caps.push(CapHit {
                        kind: CapKind::Veto,
                        id: Some(Name::Borrowed(veto.id)),
                        before: total,
                        after: Decimal::ZERO,
                    });
                }
                total = zero;
            }
            VetoEffect::TotalCap { points } => {
                restrictive = true;
                lines.named(Code::VetoTotalCap, veto.id, veto.name, None, Args::one(*points));
                if total > *points {
                    caps.push(CapHit {
                        kind: CapKind::Veto,
                        id: Some(Name::Borrowed(veto.id)),
                        before: total,
                        after: *points,
                    });
                    total = round(*points, scale);
                }
            }
            VetoEffect::GradeCap { .. } => {
                restrictive = true;
                let grade = Some(Name::Borrowed(scheme.bands[veto.band].grade));
                lines.noted(Code::VetoGradeCap, Some((veto.id, veto.name)), None, Args::NONE, grade);
                grade_cap = Some(grade_cap.map_or(veto.band, |band| band.max(veto.band)));
            }
            VetoEffect::GradeSet { outside_quota, .. } => {
                let args = Args::one(Decimal::from(u8::from(*outside_quota)));
                let grade = Some(Name::Borrowed(scheme.bands[veto.band].grade));
                lines.noted(Code::VetoGradeSet, Some((veto.id, veto.name)), None, args, grade);
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
            let found = &scheme.bands[band];
            lines.noted(Code::Grade, None, Some(total), Args::one(found.min), Some(Name::Borrowed(found.grade)));
        }
        None => lines.overall(Code::GradeNone, Some(total), Args::NONE),
    }
    let excluded = empty && empty_rule == Some(EmptyCounts::Excluded);
    if excluded {
        lines.overall(Code::PeriodExcluded, None, Args::NONE);
    }
    warnings.extend(inputs.warnings.iter().cloned());

    Ok(Evaluation {
        scheme: reference.clone(),
        engine: scheme.engine.clone(),
        period: inputs.period.as_deref().map(str::to_owned),
        rounding: settings.rounding,
        total,
        grade: band.map(|band| Name::Borrowed(scheme.bands[band].grade)),
        outside_quota,
        nothing_to_report: empty,
        excluded_from_rollup: excluded,
        base,
        bonus,
        penalty,
        coefficient: product,
        items,
        groups,
        caps,
        vetoes: fired,
        coefficients,
        warnings,
        lines: lines.0,
    })
}

/// Which indicators count. `None`: all of them (the scheme has no `max_selected`).
fn selection(scheme: &CompiledScheme, inputs: &Inputs<'_>, warnings: &mut Vec<Warning>) -> Option<Vec<bool>> {
    let max = scheme.scheme().max_selected? as usize;
    let mut counted: Vec<bool> = scheme.indicators.iter().map(|indicator| !indicator.selectable).collect();
    let picked: Vec<usize> = match &inputs.selected {
        Some(selected) => selected.clone(),
        // Not stated: the selectable indicators that carry a value, in scheme order.
        None => scheme
            .indicators
            .iter()
            .enumerate()
            .filter(|(index, indicator)| indicator.selectable && !matches!(inputs.values[*index], Slot::Missing))
            .map(|(index, _)| index)
            .collect(),
    };
    let given = picked.len();
    if given > max {
        warnings.push(
            Warning::new(WarningCode::SelectedTooMany, None, None).args(&[Decimal::from(given), Decimal::from(max)]),
        );
    }
    for index in picked.into_iter().take(max) {
        counted[index] = true;
    }
    Some(counted)
}
