//! What the app needs to render a filing form from a scheme: one [`Field`] per input
//! (indicators, veto gates, coefficients), in scheme order, with the kind of input, its
//! unit and bounds, and who fills it.

use crate::compile::{CompiledScheme, EntryRule};
use crate::decimal::Decimal;
use crate::json::Writer;
use crate::scheme::{ChoiceOption, FilledBy, Method, Source};
use serde::Serialize;

/// Which part of the scheme a field belongs to.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Indicator,
    Veto,
    Coefficient,
}

/// The input widget a field needs.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// A decimal number (`min`, `max`, `target`, `unit` apply).
    Number,
    /// A whole number ≥ 0.
    Count,
    /// A checkbox: done / not done. For a veto gate: checked = the gate failed.
    Check,
    /// A rating 0–100.
    Rating,
    /// Pick one of `options`.
    Choice,
    /// Not typed in: aggregated evaluations arrive in `filing.sources`.
    Sources,
}

/// One input of the form, borrowed from the compiled scheme.
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Field<'a> {
    /// The key of the value in `filing.values`.
    pub id: &'a str,
    pub name: &'a str,
    pub section: Section,
    pub group: Option<&'a str>,
    pub dimension: Option<&'a str>,
    pub filled_by: FilledBy,
    pub required: bool,
    pub selectable: bool,
    pub input: InputKind,
    pub unit: Option<&'a str>,
    pub min: Option<Decimal>,
    pub max: Option<Decimal>,
    pub target: Option<Decimal>,
    /// Used when nothing is filled (coefficients).
    pub default: Option<Decimal>,
    pub options: &'a [ChoiceOption],
    pub sources: &'a [Source],
    /// The most points the field can give.
    pub max_points: Option<Decimal>,
    /// Work entries (实绩) linked to this field count toward it (`per_unit`, `steps`, `ratio`:
    /// their quantities are summed; `done`: one entry makes it done).
    pub entries: bool,
    pub description: Option<&'a str>,
}

impl CompiledScheme {
    /// The form: every field a filing can carry, in scheme order.
    #[must_use]
    pub fn form(&self) -> Vec<Field<'_>> {
        let scheme = self.scheme();
        let mut fields = Vec::with_capacity(self.keys.len());
        for indicator in &scheme.indicators {
            let (input, min, max, target) = match &indicator.method {
                Method::Ratio { target, .. } => (InputKind::Number, Some(Decimal::ZERO), None, Some(*target)),
                Method::Steps { .. } => (InputKind::Number, Some(Decimal::ZERO), None, None),
                Method::Schedule { .. } => (InputKind::Number, Some(Decimal::ZERO), None, Some(Decimal::ONE_HUNDRED)),
                Method::PerUnit { .. } => (InputKind::Count, Some(Decimal::ZERO), None, None),
                Method::Done { .. } => (InputKind::Check, None, None, None),
                Method::Rating { .. } => (InputKind::Rating, Some(Decimal::ZERO), Some(Decimal::ONE_HUNDRED), None),
                Method::Choice { .. } => (InputKind::Choice, None, None, None),
                Method::Sources { .. } => (InputKind::Sources, None, None, None),
            };
            fields.push(Field {
                id: &indicator.id,
                name: &indicator.name,
                section: Section::Indicator,
                group: Some(&indicator.group),
                dimension: indicator.dimension.as_deref(),
                filled_by: indicator.filled_by,
                required: indicator.required,
                selectable: indicator.selectable,
                input,
                unit: indicator.unit.as_deref(),
                min,
                max,
                target,
                default: None,
                options: match &indicator.method {
                    Method::Choice { options } => options,
                    _ => &[],
                },
                sources: match &indicator.method {
                    Method::Sources { sources, .. } => sources,
                    _ => &[],
                },
                max_points: indicator.method.max_points(),
                entries: EntryRule::of(&indicator.method) != EntryRule::Ignored,
                description: indicator.description.as_deref(),
            });
        }
        for veto in &scheme.vetoes {
            fields.push(Field {
                id: &veto.id,
                name: &veto.name,
                section: Section::Veto,
                group: None,
                dimension: None,
                filled_by: veto.filled_by,
                required: false,
                selectable: false,
                input: InputKind::Check,
                unit: None,
                min: None,
                max: None,
                target: None,
                default: None,
                options: &[],
                sources: &[],
                max_points: None,
                entries: false,
                description: veto.description.as_deref(),
            });
        }
        for coefficient in &scheme.coefficients {
            fields.push(Field {
                id: &coefficient.id,
                name: &coefficient.name,
                section: Section::Coefficient,
                group: None,
                dimension: None,
                filled_by: coefficient.filled_by,
                required: false,
                selectable: false,
                input: InputKind::Number,
                unit: None,
                min: Some(coefficient.min),
                max: Some(coefficient.max),
                target: None,
                default: Some(coefficient.default),
                options: &[],
                sources: &[],
                max_points: None,
                entries: false,
                description: None,
            });
        }
        fields
    }
}

impl CompiledScheme {
    /// The form as a JSON array of fields: what serde's derive writes for [`Field`], without
    /// serde (the JavaScript API uses it).
    #[must_use]
    pub fn form_json(&self) -> String {
        let mut out = Writer::with_capacity(4096);
        out.begin_array();
        for field in self.form() {
            write_field(&mut out, &field);
        }
        out.end_array();
        out.finish()
    }
}

fn write_field(out: &mut Writer, field: &Field<'_>) {
    let text = |out: &mut Writer, key: &str, value: Option<&str>| {
        out.key(key);
        out.optional(value, Writer::string);
    };
    let number = |out: &mut Writer, key: &str, value: Option<Decimal>| {
        out.key(key);
        out.optional(value, Writer::decimal);
    };
    out.begin_object();
    text(out, "id", Some(field.id));
    text(out, "name", Some(field.name));
    text(
        out,
        "section",
        Some(match field.section {
            Section::Indicator => "indicator",
            Section::Veto => "veto",
            Section::Coefficient => "coefficient",
        }),
    );
    text(out, "group", field.group);
    text(out, "dimension", field.dimension);
    text(out, "filled_by", Some(field.filled_by.as_str()));
    out.key("required");
    out.bool(field.required);
    out.key("selectable");
    out.bool(field.selectable);
    text(
        out,
        "input",
        Some(match field.input {
            InputKind::Number => "number",
            InputKind::Count => "count",
            InputKind::Check => "check",
            InputKind::Rating => "rating",
            InputKind::Choice => "choice",
            InputKind::Sources => "sources",
        }),
    );
    text(out, "unit", field.unit);
    number(out, "min", field.min);
    number(out, "max", field.max);
    number(out, "target", field.target);
    number(out, "default", field.default);
    out.key("options");
    out.begin_array();
    for option in field.options {
        out.begin_object();
        text(out, "id", Some(&option.id));
        text(out, "label", Some(&option.label));
        number(out, "points", Some(option.points));
        out.end_object();
    }
    out.end_array();
    out.key("sources");
    out.begin_array();
    for source in field.sources {
        out.begin_object();
        text(out, "id", Some(&source.id));
        text(out, "name", Some(&source.name));
        text(out, "kind", Some(source.kind.as_str()));
        number(out, "weight", Some(source.weight));
        out.key("min_sample");
        out.u64(u64::from(source.min_sample));
        out.end_object();
    }
    out.end_array();
    number(out, "max_points", field.max_points);
    out.key("entries");
    out.bool(field.entries);
    text(out, "description", field.description);
    out.end_object();
}

#[cfg(test)]
mod tests {
    use crate::CompiledScheme;

    #[test]
    fn form_json_is_what_serde_writes() {
        for json in [
            include_str!("../schemes/s1-hanbin-staff-monthly.json"),
            include_str!("../schemes/s3-lvyuan-midlevel-halfyear.json"),
            include_str!("../schemes/s5-quzhou-cadre-quarterly.json"),
        ] {
            let scheme = CompiledScheme::from_json(json).unwrap();
            assert_eq!(scheme.form_json(), serde_json::to_string(&scheme.form()).unwrap());
        }
    }
}
