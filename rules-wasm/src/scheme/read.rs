//! Reading a scheme from JSON by hand, with serde's rules for these types: unknown fields
//! are errors, a field given twice is an error, absent fields take their defaults, `null`
//! is `None` for optional fields and an error elsewhere, decimals are strings, and the
//! two tagged enums (`method`, a veto's `effect`) may carry `type` anywhere among their
//! fields. (serde also reads a struct written as an array of its fields, and a unit enum
//! written as `{"name": null}`; no scheme is written that way, and this reader refuses
//! both — the property tests check that it reads serde's rewriting of any such scheme.)
//!
//! Why by hand: serde's derived readers for these types were about 110 KB of the 463 KB
//! WebAssembly module, more than the whole engine (README, "Figures"). The derives stay
//! on the types for the app and the server.
//!
//! How: the document is read into a small tree of [`Node`]s, and each type takes its
//! fields out of its object by name; whatever is left over is an unknown field. One
//! shared, non-generic function per kind of field keeps the code small (a first version
//! reading fields straight from the stream, with a closure per field, was 46 KB of the
//! module after `wasm-opt`).

use super::{
    Award, Band, BelowMin, Category, ChoiceOption, Coefficient, Dimension, Effect, EmptyCounts, EmptyPeriod, FilledBy,
    Group, Indicator, Method, Missing, Part, PeriodKind, RollUp, Rounding, RoundingMode, Scheme, Source, SourceKind,
    Step, Target, Totals, Track, Veto, VetoEffect,
};
use crate::decimal::Decimal;
use crate::json::read::{Read, Reader, Scalar};
use crate::json::JsonError;
use std::borrow::Cow;

/// A JSON value, with the byte it starts at for error messages.
struct Node<'a> {
    at: usize,
    value: Value<'a>,
}

enum Value<'a> {
    Scalar(Scalar<'a>),
    List(Vec<Node<'a>>),
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
}

/// Reads a whole scheme document.
pub(super) fn scheme(json: &str) -> Read<Scheme> {
    document::<true>(json)
}

/// Reads a scheme document leaving its roll-ups out (any JSON in their place is
/// accepted): what a phone needs (see [`Scheme::from_published_json`]).
pub(super) fn scheme_without_rollups(json: &str) -> Read<Scheme> {
    document::<false>(json)
}

fn document<const ROLLUPS: bool>(json: &str) -> Read<Scheme> {
    let mut reader = Reader::new(json);
    let root = node(&mut reader)?;
    reader.finish()?;
    scheme_object::<ROLLUPS>(root)
}

fn node<'a>(r: &mut Reader<'a>) -> Read<Node<'a>> {
    let at = r.position();
    let value = match r.peek() {
        Some(b'{') => {
            let mut fields = Vec::new();
            let mut members = r.object()?;
            while let Some(key) = members.next(r)? {
                fields.push((key, node(r)?));
            }
            Value::Object(fields)
        }
        Some(b'[') => {
            let mut items = Vec::new();
            let mut elements = r.array()?;
            while elements.next(r)? {
                items.push(node(r)?);
            }
            Value::List(items)
        }
        _ => Value::Scalar(r.scalar()?),
    };
    Ok(Node { at, value })
}

fn fail<T>(at: usize, message: String) -> Read<T> {
    Err(JsonError { message: message.into(), at })
}

/// The fields of an object not taken yet, and the first problem met while taking them.
///
/// Each field is taken by one call (not inlined: one copy of each reader for all fields) that returns a plain value (a default when the field
/// is missing or wrong) and remembers the first problem; [`Fields::finish`] reports it.
/// No early returns between fields: with `?` after each one, the compiler wrote drop code
/// for every field read so far at every field, which was most of this reader's size.
struct Fields<'a> {
    at: usize,
    fields: Vec<(Cow<'a, str>, Node<'a>)>,
    error: Option<JsonError>,
}

fn object(node: Node<'_>) -> Read<Fields<'_>> {
    match node.value {
        Value::Object(fields) => Ok(Fields { at: node.at, fields, error: None }),
        _ => fail(node.at, "expected an object".to_owned()),
    }
}

impl<'a> Fields<'a> {
    /// Keeps the first problem; gives back a default in its place.
    #[inline(never)]
    fn keep<T: Default>(&mut self, read: Read<T>) -> T {
        match read {
            Ok(value) => value,
            Err(error) => {
                self.error.get_or_insert(error);
                T::default()
            }
        }
    }

    /// The field's value if present (`null` included); a problem if given twice.
    #[inline(never)]
    fn take(&mut self, key: &str) -> Option<Node<'a>> {
        let index = self.fields.iter().position(|(name, _)| name == key)?;
        let (_, node) = self.fields.remove(index);
        if self.fields.iter().any(|(name, _)| name == key) {
            self.error.get_or_insert(JsonError { message: format!("duplicate field `{key}`").into(), at: node.at });
        }
        Some(node)
    }

    /// A field that must be present.
    #[inline(never)]
    fn need(&mut self, key: &str) -> Option<Node<'a>> {
        let node = self.take(key);
        if node.is_none() {
            self.error.get_or_insert(JsonError { message: format!("missing field `{key}`").into(), at: self.at });
        }
        node
    }

    /// A required field read by `read`.
    #[inline(never)]
    fn with<T: Default>(&mut self, key: &str, read: fn(Node<'a>) -> Read<T>) -> T {
        let read = self.need(key).map(read).transpose();
        self.keep(read).unwrap_or_default()
    }

    /// A field that may be absent or `null`, read by `read`.
    #[inline(never)]
    fn optional<T>(&mut self, key: &str, read: fn(Node<'a>) -> Read<T>) -> Option<T> {
        let node = self.take(key).filter(|node| !matches!(node.value, Value::Scalar(Scalar::Null)));
        let read = node.map(read).transpose();
        self.keep(read)
    }

    /// A field that may be absent (not `null`: serde's `default`), read by `read`.
    #[inline(never)]
    fn or_default<T: Default>(&mut self, key: &str, read: fn(Node<'a>) -> Read<T>) -> T {
        let read = self.take(key).map(read).transpose();
        self.keep(read).unwrap_or_default()
    }

    /// A unit enum by its JSON name, with a default when absent.
    #[inline(never)]
    fn named_or<T: Copy>(&mut self, key: &str, from_name: fn(&str) -> Option<T>, default: T) -> T {
        match self.take(key).map(|node| named(node, from_name)).transpose() {
            Ok(value) => value.unwrap_or(default),
            Err(error) => {
                self.error.get_or_insert(error);
                default
            }
        }
    }

    /// A required unit enum (`None` only with a problem kept).
    #[inline(never)]
    fn named<T>(&mut self, key: &str, from_name: fn(&str) -> Option<T>) -> Option<T> {
        match self.need(key).map(|node| named(node, from_name)).transpose() {
            Ok(value) => value,
            Err(error) => {
                self.error.get_or_insert(error);
                None
            }
        }
    }

    /// A required nested object (`None` only with a problem kept).
    #[inline(never)]
    fn nested<T>(&mut self, key: &str, read: fn(Node<'a>) -> Read<T>) -> Option<T> {
        match self.need(key).map(read).transpose() {
            Ok(value) => value,
            Err(error) => {
                self.error.get_or_insert(error);
                None
            }
        }
    }

    /// The first problem, or an unknown field left over.
    #[inline(never)]
    fn finish(self) -> Read<()> {
        if let Some(error) = self.error {
            return Err(error);
        }
        match self.fields.first() {
            Some((key, node)) => fail(node.at, format!("unknown field `{key}`")),
            None => Ok(()),
        }
    }
}

/// Unwraps values that are present whenever [`Fields::finish`] succeeded.
macro_rules! present {
    ($($value:ident),*) => {
        let ($(Some($value),)*) = ($($value,)*) else {
            return fail(0, "missing field".to_owned());
        };
    };
}

fn text(node: Node<'_>) -> Read<String> {
    match node.value {
        Value::Scalar(Scalar::Text(text)) => Ok(text.into_owned()),
        _ => fail(node.at, "expected a string".to_owned()),
    }
}

/// A decimal, written as a string.
fn decimal(node: Node<'_>) -> Read<Decimal> {
    let at = node.at;
    text(node)?.parse().or_else(|error| fail(at, format!("{error}")))
}

fn unsigned(node: Node<'_>) -> Read<u32> {
    match node.value {
        Value::Scalar(Scalar::Number(number)) if number.integer => {
            number.text.parse().or_else(|_| fail(node.at, "expected an integer 0–4294967295".to_owned()))
        }
        _ => fail(node.at, "expected an integer".to_owned()),
    }
}

fn boolean(node: Node<'_>) -> Read<bool> {
    match node.value {
        Value::Scalar(Scalar::Bool(flag)) => Ok(flag),
        _ => fail(node.at, "expected true or false".to_owned()),
    }
}

fn named<T>(node: Node<'_>, from_name: fn(&str) -> Option<T>) -> Read<T> {
    let at = node.at;
    let name = text(node)?;
    from_name(&name).map_or_else(|| fail(at, format!("unknown variant `{name}`")), Ok)
}

#[inline(never)]
fn list<'a, T>(node: Node<'a>, item: fn(Node<'a>) -> Read<T>) -> Read<Vec<T>> {
    let Value::List(items) = node.value else {
        return fail(node.at, "expected an array".to_owned());
    };
    // A plain loop: `collect` into a `Result` was 300 bytes of iterator adapter per type.
    let mut out = Vec::with_capacity(items.len());
    for node in items {
        out.push(item(node)?);
    }
    Ok(out)
}

/// The scheme object; its roll-ups only when `ROLLUPS` (a constant, so that a phone's
/// module, which reads schemes without them, holds no roll-up reader).
fn scheme_object<const ROLLUPS: bool>(node: Node<'_>) -> Read<Scheme> {
    let mut f = object(node)?;
    let id = f.with("id", text);
    let version = f.with("version", unsigned);
    let name = f.with("name", text);
    let description = f.optional("description", text);
    let effective_from = f.with("effective_from", text);
    let effective_to = f.optional("effective_to", text);
    let hash = f.optional("hash", text);
    let target = f.nested("target", target);
    let period = f.named("period", PeriodKind::from_name);
    let rounding = f.or_default("rounding", rounding);
    let dimensions = f.or_default("dimensions", |node| list(node, dimension));
    let groups = f.with("groups", |node| list(node, group));
    let indicators = f.with("indicators", |node| list(node, indicator));
    let vetoes = f.or_default("vetoes", |node| list(node, veto));
    let coefficients = f.or_default("coefficients", |node| list(node, coefficient));
    let totals = f.or_default("totals", totals);
    let max_selected = f.optional("max_selected", unsigned);
    let empty_period = f.optional("empty_period", empty_period);
    let grades = f.with("grades", |node| list(node, band));
    let rollups = if ROLLUPS {
        f.or_default("rollups", |node| list(node, rollup))
    } else {
        let _ = f.take("rollups");
        Vec::new()
    };
    f.finish()?;
    present!(target, period);
    Ok(Scheme {
        id,
        version,
        name,
        description,
        effective_from,
        effective_to,
        hash,
        target,
        period,
        rounding,
        dimensions,
        groups,
        indicators,
        vetoes,
        coefficients,
        totals,
        max_selected,
        empty_period,
        grades,
        rollups,
    })
}

fn target(node: Node<'_>) -> Read<Target> {
    let mut f = object(node)?;
    let category = f.with("category", text);
    let peer_group = f.optional("peer_group", text);
    let tier = f.with("tier", text);
    f.finish()?;
    Ok(Target { category, peer_group, tier })
}

fn rounding(node: Node<'_>) -> Read<Rounding> {
    let mut f = object(node)?;
    let scale = f.with("scale", unsigned);
    let mode = f.named("mode", RoundingMode::from_name);
    f.finish()?;
    present!(mode);
    Ok(Rounding { scale, mode })
}

fn dimension(node: Node<'_>) -> Read<Dimension> {
    let mut f = object(node)?;
    let id = f.with("id", text);
    let name = f.with("name", text);
    f.finish()?;
    Ok(Dimension { id, name })
}

fn group(node: Node<'_>) -> Read<Group> {
    let mut f = object(node)?;
    let id = f.with("id", text);
    let name = f.with("name", text);
    let category = f.named("category", Category::from_name);
    let effect = f.named_or("effect", Effect::from_name, Effect::Add);
    let track = f.optional("track", |node| named(node, Track::from_name));
    let cap = f.optional("cap", decimal);
    f.finish()?;
    present!(category);
    Ok(Group { id, name, category, effect, track, cap })
}

fn indicator(node: Node<'_>) -> Read<Indicator> {
    let mut f = object(node)?;
    let id = f.with("id", text);
    let name = f.with("name", text);
    let group = f.with("group", text);
    let dimension = f.optional("dimension", text);
    let filled_by = f.named_or("filled_by", FilledBy::from_name, FilledBy::Own);
    let required = f.or_default("required", boolean);
    let selectable = f.or_default("selectable", boolean);
    let unit = f.optional("unit", text);
    let description = f.optional("description", text);
    let method = f.nested("method", method);
    f.finish()?;
    present!(method);
    Ok(Indicator { id, name, group, dimension, filled_by, required, selectable, unit, description, method })
}

/// A tagged object's fields and its `type`.
fn tagged(node: Node<'_>) -> Read<(Fields<'_>, String)> {
    let mut f = object(node)?;
    let kind = f.with("type", text);
    if let Some(error) = f.error.take() {
        return Err(error);
    }
    Ok((f, kind))
}

fn method(node: Node<'_>) -> Read<Method> {
    let (mut f, kind) = tagged(node)?;
    let method = match kind.as_str() {
        "ratio" => Method::Ratio {
            points: f.with("points", decimal),
            target: f.with("target", decimal),
            cap: f.optional("cap", decimal),
        },
        "steps" => Method::Steps { steps: f.with("steps", |node| list(node, step)) },
        "per_unit" => Method::PerUnit { points: f.with("points", decimal), cap: f.optional("cap", decimal) },
        "done" => Method::Done { points: f.with("points", decimal) },
        "rating" => Method::Rating { weight: f.with("weight", decimal) },
        "schedule" => Method::Schedule {
            points: f.with("points", decimal),
            plan: f.with("plan", |node| list(node, decimal)),
            yellow_within: f.or_default("yellow_within", decimal),
        },
        "choice" => Method::Choice { options: f.with("options", |node| list(node, choice_option)) },
        "sources" => Method::Sources {
            points: f.with("points", decimal),
            below_min: f.named_or("below_min", BelowMin::from_name, BelowMin::Exclude),
            sources: f.with("sources", |node| list(node, source)),
        },
        other => return fail(f.at, format!("unknown variant `{other}`")),
    };
    f.finish()?;
    Ok(method)
}

fn step(node: Node<'_>) -> Read<Step> {
    let mut f = object(node)?;
    let (min, points) = (f.with("min", decimal), f.with("points", decimal));
    f.finish()?;
    Ok(Step { min, points })
}

fn choice_option(node: Node<'_>) -> Read<ChoiceOption> {
    let mut f = object(node)?;
    let (id, label, points) = (f.with("id", text), f.with("label", text), f.with("points", decimal));
    f.finish()?;
    Ok(ChoiceOption { id, label, points })
}

fn source(node: Node<'_>) -> Read<Source> {
    let mut f = object(node)?;
    let id = f.with("id", text);
    let name = f.with("name", text);
    let kind = f.named("kind", SourceKind::from_name);
    let weight = f.with("weight", decimal);
    let min_sample = f.or_default("min_sample", unsigned);
    f.finish()?;
    present!(kind);
    Ok(Source { id, name, kind, weight, min_sample })
}

fn veto(node: Node<'_>) -> Read<Veto> {
    let mut f = object(node)?;
    let id = f.with("id", text);
    let name = f.with("name", text);
    let filled_by = f.named_or("filled_by", FilledBy::from_name, FilledBy::Leader);
    let description = f.optional("description", text);
    let effect = f.nested("effect", veto_effect);
    f.finish()?;
    present!(effect);
    Ok(Veto { id, name, filled_by, description, effect })
}

fn veto_effect(node: Node<'_>) -> Read<VetoEffect> {
    let (mut f, kind) = tagged(node)?;
    let effect = match kind.as_str() {
        // serde reads a unit variant of a tagged enum ignoring any other field, even with
        // `deny_unknown_fields`; so does this reader, to accept the same schemes.
        "zero" => return Ok(VetoEffect::Zero),
        "total_cap" => VetoEffect::TotalCap { points: f.with("points", decimal) },
        "grade_cap" => VetoEffect::GradeCap { grade: f.with("grade", text) },
        "grade_set" => {
            VetoEffect::GradeSet { grade: f.with("grade", text), outside_quota: f.or_default("outside_quota", boolean) }
        }
        other => return fail(f.at, format!("unknown variant `{other}`")),
    };
    f.finish()?;
    Ok(effect)
}

fn coefficient(node: Node<'_>) -> Read<Coefficient> {
    let mut f = object(node)?;
    let id = f.with("id", text);
    let name = f.with("name", text);
    let (min, max, default) = (f.with("min", decimal), f.with("max", decimal), f.with("default", decimal));
    let filled_by = f.named_or("filled_by", FilledBy::from_name, FilledBy::Leader);
    f.finish()?;
    Ok(Coefficient { id, name, min, max, default, filled_by })
}

fn totals(node: Node<'_>) -> Read<Totals> {
    let mut f = object(node)?;
    let bonus_cap = f.optional("bonus_cap", decimal);
    let penalty_cap = f.optional("penalty_cap", decimal);
    let max_total = f.optional("max_total", decimal);
    let floor = f.or_default("floor", decimal);
    f.finish()?;
    Ok(Totals { bonus_cap, penalty_cap, max_total, floor })
}

fn empty_period(node: Node<'_>) -> Read<EmptyPeriod> {
    let mut f = object(node)?;
    let counts_as = f.named("counts_as", EmptyCounts::from_name);
    let note = f.optional("note", text);
    f.finish()?;
    present!(counts_as);
    Ok(EmptyPeriod { counts_as, note })
}

fn band(node: Node<'_>) -> Read<Band> {
    let mut f = object(node)?;
    let grade = f.with("grade", text);
    let min = f.with("min", decimal);
    let quota = f.optional("quota", decimal);
    let note = f.optional("note", text);
    f.finish()?;
    Ok(Band { grade, min, quota, note })
}

fn rollup(node: Node<'_>) -> Read<RollUp> {
    let mut f = object(node)?;
    let id = f.with("id", text);
    let name = f.with("name", text);
    let period = f.named("period", PeriodKind::from_name);
    let parts = f.with("parts", |node| list(node, part));
    let grades = f.with("grades", |node| list(node, band));
    let awards = f.or_default("awards", |node| list(node, award));
    f.finish()?;
    present!(period);
    Ok(RollUp { id, name, period, parts, grades, awards })
}

fn part(node: Node<'_>) -> Read<Part> {
    let mut f = object(node)?;
    let id = f.with("id", text);
    let name = f.with("name", text);
    let weight = f.with("weight", decimal);
    let expected = f.with("expected", unsigned);
    let missing = f.named("missing", Missing::from_name);
    f.finish()?;
    present!(missing);
    Ok(Part { id, name, weight, expected, missing })
}

fn award(node: Node<'_>) -> Read<Award> {
    let mut f = object(node)?;
    let id = f.with("id", text);
    let name = f.with("name", text);
    let grade = f.with("grade", text);
    let outside_quota = f.or_default("outside_quota", boolean);
    f.finish()?;
    Ok(Award { id, name, grade, outside_quota })
}
