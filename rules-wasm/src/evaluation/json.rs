//! The result as JSON, written by hand in exactly the form serde's derived `Serialize`
//! gives (the tests compare the two on every golden case and every random filing of the
//! agreement test), with each line's and warning's Chinese text rendered straight into
//! the output. Why by hand: see [`crate::json::write`].

use super::{CapHit, CapKind, CoefficientApplied, Evaluation, GroupResult, ItemResult};
use crate::explain::{Args, Line, Warning};
use crate::json::Writer;
use crate::name::Name;
use crate::scheme::Effect;

impl Evaluation {
    /// The result as JSON, with every explanation line and warning rendered as `"text"`.
    #[must_use]
    pub fn to_json(&self) -> String {
        // About 150 bytes per line with its text, plus the rest.
        let mut out = Writer::with_capacity(512 + 160 * self.lines.len() + 96 * self.items.len());
        self.write(&mut out);
        out.finish()
    }

    pub(crate) fn write(&self, out: &mut Writer) {
        out.begin_object();
        out.key("scheme");
        out.begin_object();
        out.key("id");
        out.string(&self.scheme.id);
        out.key("version");
        out.u64(u64::from(self.scheme.version));
        out.key("hash");
        out.string(&self.scheme.hash);
        out.end_object();
        out.key("engine");
        out.string(&self.engine);
        out.key("period");
        out.optional(self.period.as_deref(), Writer::string);
        out.key("rounding");
        out.begin_object();
        out.key("scale");
        out.u64(u64::from(self.rounding.scale));
        out.key("mode");
        out.plain("half_up");
        out.end_object();
        out.key("total");
        out.decimal(self.total);
        out.key("grade");
        out.optional(self.grade.as_deref(), Writer::string);
        out.key("outside_quota");
        out.bool(self.outside_quota);
        out.key("nothing_to_report");
        out.bool(self.nothing_to_report);
        out.key("excluded_from_rollup");
        out.bool(self.excluded_from_rollup);
        for (key, value) in
            [("base", self.base), ("bonus", self.bonus), ("penalty", self.penalty), ("coefficient", self.coefficient)]
        {
            out.key(key);
            out.decimal(value);
        }
        list(out, "items", &self.items, item);
        list(out, "groups", &self.groups, group);
        list(out, "caps", &self.caps, cap);
        list(out, "vetoes", &self.vetoes, |out, id| out.string(id));
        list(out, "coefficients", &self.coefficients, coefficient);
        list(out, "warnings", &self.warnings, warning);
        list(out, "lines", &self.lines, line);
        out.end_object();
    }
}

fn list<T>(out: &mut Writer, key: &str, items: &[T], write: impl Fn(&mut Writer, &T)) {
    out.key(key);
    out.begin_array();
    for item in items {
        write(out, item);
    }
    out.end_array();
}

fn item(out: &mut Writer, item: &ItemResult) {
    out.begin_object();
    out.key("id");
    out.string(&item.id);
    out.key("group");
    out.string(&item.group);
    out.key("counted");
    out.bool(item.counted);
    out.key("computed");
    out.decimal(item.computed);
    out.key("points");
    out.decimal(item.points);
    out.key("adjusted");
    out.bool(item.adjusted);
    out.key("max");
    out.optional(item.max, Writer::decimal);
    out.end_object();
}

fn group(out: &mut Writer, group: &GroupResult) {
    out.begin_object();
    out.key("id");
    out.string(&group.id);
    out.key("effect");
    out.plain(match group.effect {
        Effect::Add => "add",
        Effect::Bonus => "bonus",
        Effect::Penalty => "penalty",
    });
    out.key("raw");
    out.decimal(group.raw);
    out.key("points");
    out.decimal(group.points);
    out.end_object();
}

fn cap(out: &mut Writer, cap: &CapHit) {
    out.begin_object();
    out.key("kind");
    out.plain(match cap.kind {
        CapKind::Item => "item",
        CapKind::Group => "group",
        CapKind::Bonus => "bonus",
        CapKind::Penalty => "penalty",
        CapKind::Floor => "floor",
        CapKind::Coefficient => "coefficient",
        CapKind::Total => "total",
        CapKind::Veto => "veto",
    });
    out.key("id");
    out.optional(cap.id.as_deref(), Writer::string);
    out.key("before");
    out.decimal(cap.before);
    out.key("after");
    out.decimal(cap.after);
    out.end_object();
}

fn coefficient(out: &mut Writer, coefficient: &CoefficientApplied) {
    out.begin_object();
    out.key("id");
    out.string(&coefficient.id);
    out.key("value");
    out.decimal(coefficient.value);
    out.key("clamped");
    out.bool(coefficient.clamped);
    out.end_object();
}

/// An optional field is left out when absent (as `Line`'s and `Warning`'s `Serialize`).
fn present(out: &mut Writer, key: &str, value: Option<&Name>) {
    if let Some(value) = value {
        out.key(key);
        out.string(value);
    }
}

fn args(out: &mut Writer, args: &Args) {
    if !args.as_slice().is_empty() {
        out.key("args");
        out.begin_array();
        for value in args.as_slice() {
            out.decimal(*value);
        }
        out.end_array();
    }
}

fn warning(out: &mut Writer, warning: &Warning) {
    out.begin_object();
    out.key("code");
    out.plain(warning.code.as_str());
    present(out, "id", warning.id.as_ref());
    present(out, "name", warning.name.as_ref());
    args(out, &warning.args);
    out.key("text");
    out.sentence(|out| warning.render(out));
    out.end_object();
}

pub(crate) fn line(out: &mut Writer, line: &Line) {
    out.begin_object();
    out.key("code");
    out.plain(line.code.as_str());
    present(out, "id", line.id.as_ref());
    present(out, "name", line.name.as_ref());
    if let Some(points) = line.points {
        out.key("points");
        out.decimal(points);
    }
    args(out, &line.args);
    present(out, "note", line.note.as_ref());
    present(out, "by", line.by.as_ref());
    out.key("text");
    out.sentence(|out| line.render(out));
    out.end_object();
}
