//! Scoring one indicator by its method: the points before rounding, what its explanation
//! line says (code, numbers, label), and the item cap if it bit. The evaluator writes the
//! line itself, once the points are rounded.

use super::inputs::{Inputs, Slot};
use super::{line, warn};
use crate::compile::{period_end_month, CIndicator, CompiledScheme};
use crate::decimal::Decimal;
use crate::explain::{Args, Code, WarningCode};
use crate::num::{add, div, mul, round, sub};
use crate::outcome::{Note, Notice, Record, Subject};
use crate::scheme::{BelowMin, Method};

pub(super) struct Scored {
    pub points: Decimal,
    pub code: Code,
    pub args: Args,
    /// A choice's label.
    pub note: Note,
    /// `(before, cap)` when the item cap bit.
    pub cap: Option<(Decimal, Decimal)>,
}

impl Scored {
    const fn new(points: Decimal, code: Code, args: Args) -> Self {
        Self { points, code, args, note: Note::None, cap: None }
    }

    #[cfg_attr(not(target_arch = "wasm32"), inline(always))] // natively a call of about 27 instructions
    fn capped(points: Decimal, cap: Decimal, code: Code, args: Args) -> Self {
        let mut scored = Self::new(points, code, args);
        if points > cap {
            scored.points = cap;
            scored.cap = Some((points, cap));
        }
        scored
    }
}

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// Clamps a value into `[0, high]`, warning when it had to. Natively the test for a value
/// in range, the usual case, is inlined at each method (a sign test, and a comparison for
/// a rating): the whole function stayed a call of about 40 instructions. The phone's
/// module keeps it as it was (size first).
#[cfg_attr(target_arch = "wasm32", inline)]
#[cfg_attr(not(target_arch = "wasm32"), inline(always))]
fn clamp(value: Decimal, high: Option<Decimal>, index: usize, warnings: &mut Vec<Notice>) -> Decimal {
    #[cfg(not(target_arch = "wasm32"))]
    if !value.is_sign_negative() && high.is_none_or(|high| value <= high) {
        return value;
    }
    clamp_any(value, high, index, warnings)
}

/// [`clamp`] in general.
#[cfg_attr(target_arch = "wasm32", inline(always))]
#[cfg_attr(not(target_arch = "wasm32"), cold, inline(never))]
fn clamp_any(value: Decimal, high: Option<Decimal>, index: usize, warnings: &mut Vec<Notice>) -> Decimal {
    let clamped = match high {
        _ if value.is_sign_negative() => Decimal::ZERO,
        Some(high) if value > high => high,
        _ => return value,
    };
    warn(warnings, WarningCode::ValueRange, Subject::Indicator(index as u16), Args::two(value, clamped));
    clamped
}

#[allow(clippy::too_many_arguments)] // the evaluator's state, passed apart to borrow it apart
#[inline(always)] // one caller: no call, and the `Scored` is built in place
pub(super) fn score(
    scheme: &CompiledScheme,
    index: usize,
    indicator: &CIndicator,
    slot: Slot,
    inputs: &Inputs,
    warnings: &mut Vec<Notice>,
    lines: &mut Vec<Record>,
) -> Scored {
    let number = match slot {
        Slot::Number(number) => Some(number),
        _ => None,
    };
    let missing = || Scored::new(Decimal::ZERO, Code::ItemMissing, Args::NONE);
    match &indicator.method {
        Method::Done { points } => {
            if matches!(slot, Slot::Bool(true)) {
                Scored::new(*points, Code::ItemDone, Args::NONE)
            } else {
                Scored::new(Decimal::ZERO, Code::ItemNotDone, Args::NONE)
            }
        }
        Method::Choice { options } => match slot {
            Slot::Choice(option) => Scored {
                note: Note::Label(index as u16, option as u16),
                ..Scored::new(options[option].points, Code::ItemChoice, Args::NONE)
            },
            _ => missing(),
        },
        Method::Sources { points, below_min, .. } => {
            sources(scheme, index, indicator, *points, *below_min, inputs, warnings, lines)
        }
        _ if number.is_none() => missing(),
        Method::Ratio { points, target, cap } => {
            let value = clamp(number.unwrap_or_default(), None, index, warnings);
            let raw = div(mul(value, *points), *target);
            Scored::capped(raw, cap.unwrap_or(*points), Code::ItemRatio, Args::three(value, *target, *points))
        }
        Method::Steps { steps } => {
            let value = number.unwrap_or_default();
            match steps.iter().rev().find(|step| value >= step.min) {
                Some(step) => Scored::new(step.points, Code::ItemSteps, Args::two(value, step.min)),
                None => Scored::new(
                    Decimal::ZERO,
                    Code::ItemStepsBelow,
                    Args::two(value, steps.first().map_or(Decimal::ZERO, |s| s.min)),
                ),
            }
        }
        Method::PerUnit { points, cap } => {
            let count = clamp(number.unwrap_or_default(), None, index, warnings);
            let raw = mul(count, *points);
            let args = Args::two(count, *points);
            match cap {
                Some(cap) => Scored::capped(raw, *cap, Code::ItemPerUnit, args),
                None => Scored::new(raw, Code::ItemPerUnit, args),
            }
        }
        Method::Rating { weight } => {
            let rating = clamp(number.unwrap_or_default(), Some(HUNDRED), index, warnings);
            Scored::new(mul(rating, *weight), Code::ItemRating, Args::two(rating, *weight))
        }
        Method::Schedule { points, plan, yellow_within } => {
            let value = clamp(number.unwrap_or_default(), None, index, warnings);
            // Read here, not per evaluation: only a schedule needs the period's month.
            let month = inputs.period.and_then(|span| period_end_month(inputs.text(span)));
            let Some(expected) = month.and_then(|month| plan.get(month as usize - 1)).copied() else {
                if !warnings.iter().any(|w| w.code == WarningCode::PeriodMissing) {
                    warn(warnings, WarningCode::PeriodMissing, Subject::None, Args::NONE);
                }
                return Scored::new(Decimal::ZERO, Code::ItemNoPeriod, Args::one(value));
            };
            if value < expected {
                let code = if sub(expected, value) <= *yellow_within {
                    WarningCode::ScheduleYellow
                } else {
                    WarningCode::ScheduleRed
                };
                warn(warnings, code, Subject::Indicator(index as u16), Args::two(value, expected));
            }
            let raw =
                if expected.is_zero() || value >= expected { *points } else { div(mul(value, *points), expected) };
            Scored::new(raw, Code::ItemSchedule, Args::three(value, expected, *points))
        }
    }
}

#[allow(clippy::too_many_arguments)] // as `score`
fn sources(
    scheme: &CompiledScheme,
    item: usize,
    indicator: &CIndicator,
    points: Decimal,
    below_min: BelowMin,
    inputs: &Inputs,
    warnings: &mut Vec<Notice>,
    lines: &mut Vec<Record>,
) -> Scored {
    let mut weighted = Decimal::ZERO;
    let mut weights = Decimal::ZERO;
    for index in indicator.sources.clone() {
        let source = &scheme.sources[index];
        let given = inputs.sources[index];
        match given {
            Some(score) if score.n >= source.min_sample.max(1) => {
                let mean = clamp(score.score, Some(HUNDRED), item, warnings);
                weighted = add(weighted, mul(mean, source.weight));
                weights = add(weights, source.weight);
                let args = Args::three(mean, Decimal::from(score.n), source.weight);
                line(lines, Code::SourceIncluded, Subject::Source(index as u16), None, args);
            }
            _ => {
                let n = given.map_or(0, |score| score.n);
                if given.is_some() {
                    let args = Args::two(Decimal::from(n), Decimal::from(source.min_sample));
                    warn(warnings, WarningCode::SourceBelowMin, Subject::Source(index as u16), args);
                }
                let code = match below_min {
                    BelowMin::Exclude => Code::SourceExcluded,
                    BelowMin::Zero => {
                        weights = add(weights, source.weight);
                        Code::SourceZero
                    }
                };
                let args = Args::three(Decimal::from(n), Decimal::from(source.min_sample), source.weight);
                line(lines, code, Subject::Source(index as u16), None, args);
            }
        }
    }
    if weights.is_zero() {
        warn(warnings, WarningCode::SourcesNone, Subject::Indicator(item as u16), Args::NONE);
        return Scored::new(Decimal::ZERO, Code::ItemSources, Args::two(Decimal::ZERO, points));
    }
    let mean = div(weighted, weights);
    Scored::new(div(mul(mean, points), HUNDRED), Code::ItemSources, Args::two(round(mean, scheme.scale), points))
}
