//! The canonical JSON of a scheme, the text its content hash is computed over: exactly
//! what serde's derived `Serialize` writes for the parsed scheme (fields in declaration
//! order, absent optional fields left out, decimals as written), with `hash` left out.
//! Written by hand for the same reason as the reader (see [`super::read`]); the tests and
//! the fuzz target check it byte for byte against serde_json, because a changed canonical
//! form would change every stored scheme's hash.

use super::{
    Band, ChoiceOption, Coefficient, Group, Indicator, Method, Part, RollUp, Scheme, Source, Step, Veto, VetoEffect,
};
use crate::decimal::Decimal;
use crate::json::Writer;

/// The canonical JSON of `scheme` (its `hash` field, if any, is not part of it).
pub(crate) fn canonical_json(scheme: &Scheme) -> String {
    let mut out = Writer::with_capacity(4096);
    out.begin_object();
    text(&mut out, "id", &scheme.id);
    out.key("version");
    out.u64(u64::from(scheme.version));
    text(&mut out, "name", &scheme.name);
    optional_text(&mut out, "description", scheme.description.as_deref());
    text(&mut out, "effective_from", &scheme.effective_from);
    optional_text(&mut out, "effective_to", scheme.effective_to.as_deref());
    out.key("target");
    out.begin_object();
    text(&mut out, "category", &scheme.target.category);
    optional_text(&mut out, "peer_group", scheme.target.peer_group.as_deref());
    text(&mut out, "tier", &scheme.target.tier);
    out.end_object();
    text(&mut out, "period", scheme.period.as_str());
    out.key("rounding");
    out.begin_object();
    out.key("scale");
    out.u64(u64::from(scheme.rounding.scale));
    text(&mut out, "mode", scheme.rounding.mode.as_str());
    out.end_object();
    if !scheme.dimensions.is_empty() {
        list(&mut out, "dimensions", &scheme.dimensions, |out, dimension| {
            out.begin_object();
            text(out, "id", &dimension.id);
            text(out, "name", &dimension.name);
            out.end_object();
        });
    }
    list(&mut out, "groups", &scheme.groups, group);
    list(&mut out, "indicators", &scheme.indicators, indicator);
    if !scheme.vetoes.is_empty() {
        list(&mut out, "vetoes", &scheme.vetoes, veto);
    }
    if !scheme.coefficients.is_empty() {
        list(&mut out, "coefficients", &scheme.coefficients, coefficient);
    }
    let totals = &scheme.totals;
    out.key("totals");
    out.begin_object();
    optional_decimal(&mut out, "bonus_cap", totals.bonus_cap);
    optional_decimal(&mut out, "penalty_cap", totals.penalty_cap);
    optional_decimal(&mut out, "max_total", totals.max_total);
    decimal(&mut out, "floor", totals.floor);
    out.end_object();
    if let Some(max) = scheme.max_selected {
        out.key("max_selected");
        out.u64(u64::from(max));
    }
    if let Some(rule) = &scheme.empty_period {
        out.key("empty_period");
        out.begin_object();
        text(&mut out, "counts_as", rule.counts_as.as_str());
        optional_text(&mut out, "note", rule.note.as_deref());
        out.end_object();
    }
    list(&mut out, "grades", &scheme.grades, band);
    if !scheme.rollups.is_empty() {
        list(&mut out, "rollups", &scheme.rollups, rollup);
    }
    out.end_object();
    out.finish()
}

fn text(out: &mut Writer, key: &str, value: &str) {
    out.key(key);
    out.string(value);
}

fn optional_text(out: &mut Writer, key: &str, value: Option<&str>) {
    if let Some(value) = value {
        text(out, key, value);
    }
}

fn decimal(out: &mut Writer, key: &str, value: Decimal) {
    out.key(key);
    out.decimal(value);
}

fn optional_decimal(out: &mut Writer, key: &str, value: Option<Decimal>) {
    if let Some(value) = value {
        decimal(out, key, value);
    }
}

fn boolean(out: &mut Writer, key: &str, value: bool) {
    out.key(key);
    out.bool(value);
}

fn list<T>(out: &mut Writer, key: &str, items: &[T], write: impl Fn(&mut Writer, &T)) {
    out.key(key);
    out.begin_array();
    for item in items {
        write(out, item);
    }
    out.end_array();
}

fn group(out: &mut Writer, group: &Group) {
    out.begin_object();
    text(out, "id", &group.id);
    text(out, "name", &group.name);
    text(out, "category", group.category.as_str());
    text(out, "effect", group.effect.as_str());
    optional_text(out, "track", group.track.map(|track| track.as_str()));
    optional_decimal(out, "cap", group.cap);
    out.end_object();
}

fn indicator(out: &mut Writer, indicator: &Indicator) {
    out.begin_object();
    text(out, "id", &indicator.id);
    text(out, "name", &indicator.name);
    text(out, "group", &indicator.group);
    optional_text(out, "dimension", indicator.dimension.as_deref());
    text(out, "filled_by", indicator.filled_by.as_str());
    if indicator.required {
        boolean(out, "required", true);
    }
    if indicator.selectable {
        boolean(out, "selectable", true);
    }
    optional_text(out, "unit", indicator.unit.as_deref());
    optional_text(out, "description", indicator.description.as_deref());
    out.key("method");
    method(out, &indicator.method);
    out.end_object();
}

fn method(out: &mut Writer, method: &Method) {
    out.begin_object();
    match method {
        Method::Ratio { points, target, cap } => {
            text(out, "type", "ratio");
            decimal(out, "points", *points);
            decimal(out, "target", *target);
            optional_decimal(out, "cap", *cap);
        }
        Method::Steps { steps } => {
            text(out, "type", "steps");
            list(out, "steps", steps, step);
        }
        Method::PerUnit { points, cap } => {
            text(out, "type", "per_unit");
            decimal(out, "points", *points);
            optional_decimal(out, "cap", *cap);
        }
        Method::Done { points } => {
            text(out, "type", "done");
            decimal(out, "points", *points);
        }
        Method::Rating { weight } => {
            text(out, "type", "rating");
            decimal(out, "weight", *weight);
        }
        Method::Schedule { points, plan, yellow_within } => {
            text(out, "type", "schedule");
            decimal(out, "points", *points);
            list(out, "plan", plan, |out, share| out.decimal(*share));
            decimal(out, "yellow_within", *yellow_within);
        }
        Method::Choice { options } => {
            text(out, "type", "choice");
            list(out, "options", options, choice_option);
        }
        Method::Sources { points, below_min, sources } => {
            text(out, "type", "sources");
            decimal(out, "points", *points);
            text(out, "below_min", below_min.as_str());
            list(out, "sources", sources, source);
        }
    }
    out.end_object();
}

fn step(out: &mut Writer, step: &Step) {
    out.begin_object();
    decimal(out, "min", step.min);
    decimal(out, "points", step.points);
    out.end_object();
}

fn choice_option(out: &mut Writer, option: &ChoiceOption) {
    out.begin_object();
    text(out, "id", &option.id);
    text(out, "label", &option.label);
    decimal(out, "points", option.points);
    out.end_object();
}

fn source(out: &mut Writer, source: &Source) {
    out.begin_object();
    text(out, "id", &source.id);
    text(out, "name", &source.name);
    text(out, "kind", source.kind.as_str());
    decimal(out, "weight", source.weight);
    out.key("min_sample");
    out.u64(u64::from(source.min_sample));
    out.end_object();
}

fn veto(out: &mut Writer, veto: &Veto) {
    out.begin_object();
    text(out, "id", &veto.id);
    text(out, "name", &veto.name);
    text(out, "filled_by", veto.filled_by.as_str());
    optional_text(out, "description", veto.description.as_deref());
    out.key("effect");
    out.begin_object();
    match &veto.effect {
        VetoEffect::Zero => text(out, "type", "zero"),
        VetoEffect::TotalCap { points } => {
            text(out, "type", "total_cap");
            decimal(out, "points", *points);
        }
        VetoEffect::GradeCap { grade } => {
            text(out, "type", "grade_cap");
            text(out, "grade", grade);
        }
        VetoEffect::GradeSet { grade, outside_quota } => {
            text(out, "type", "grade_set");
            text(out, "grade", grade);
            boolean(out, "outside_quota", *outside_quota);
        }
    }
    out.end_object();
    out.end_object();
}

fn coefficient(out: &mut Writer, coefficient: &Coefficient) {
    out.begin_object();
    text(out, "id", &coefficient.id);
    text(out, "name", &coefficient.name);
    decimal(out, "min", coefficient.min);
    decimal(out, "max", coefficient.max);
    decimal(out, "default", coefficient.default);
    text(out, "filled_by", coefficient.filled_by.as_str());
    out.end_object();
}

fn band(out: &mut Writer, band: &Band) {
    out.begin_object();
    text(out, "grade", &band.grade);
    decimal(out, "min", band.min);
    optional_decimal(out, "quota", band.quota);
    optional_text(out, "note", band.note.as_deref());
    out.end_object();
}

fn rollup(out: &mut Writer, rollup: &RollUp) {
    out.begin_object();
    text(out, "id", &rollup.id);
    text(out, "name", &rollup.name);
    text(out, "period", rollup.period.as_str());
    list(out, "parts", &rollup.parts, part);
    list(out, "grades", &rollup.grades, band);
    if !rollup.awards.is_empty() {
        list(out, "awards", &rollup.awards, |out, award| {
            out.begin_object();
            text(out, "id", &award.id);
            text(out, "name", &award.name);
            text(out, "grade", &award.grade);
            boolean(out, "outside_quota", award.outside_quota);
            out.end_object();
        });
    }
    out.end_object();
}

fn part(out: &mut Writer, part: &Part) {
    out.begin_object();
    text(out, "id", &part.id);
    text(out, "name", &part.name);
    decimal(out, "weight", part.weight);
    out.key("expected");
    out.u64(u64::from(part.expected));
    text(out, "missing", part.missing.as_str());
    out.end_object();
}
