//! [`Outcome::to_evaluation`]: the compact records with their names looked up, as the
//! [`Evaluation`] the app and the server hold.

use super::{CapRecord, Note, Notice, Outcome, Record, Subject};
use crate::evaluation::{CapHit, CoefficientApplied, Evaluation, GroupResult, ItemResult};
use crate::explain::{Line, Warning};
use crate::name::Name;

impl<'a> Outcome<'a> {
    /// The id and name of a subject the scheme names (the name is absent for a bare key).
    #[inline]
    fn scheme_names(&self, subject: Subject) -> Option<(&'static str, Option<&'static str>)> {
        let scheme = self.scheme;
        let at = usize::from;
        Some(match subject {
            Subject::None | Subject::Text(_) => return None,
            Subject::Indicator(i) => (scheme.indicators[at(i)].id, Some(scheme.indicators[at(i)].name)),
            Subject::Group(i) => (scheme.groups[at(i)].id, Some(scheme.groups[at(i)].name)),
            Subject::Source(i) => (scheme.sources[at(i)].id, Some(scheme.sources[at(i)].name)),
            Subject::Coefficient(i) => (scheme.coefficients[at(i)].id, Some(scheme.coefficients[at(i)].name)),
            Subject::Veto(i) => (scheme.vetoes[at(i)].id, Some(scheme.vetoes[at(i)].name)),
            Subject::Key(slot) => (scheme.keys.key(at(slot)), None),
        })
    }

    /// The id and the name of a subject (either may be absent), for rendering.
    pub(crate) fn names(&self, subject: Subject) -> (Option<&'a str>, Option<&'a str>) {
        match subject {
            Subject::Text(span) => (Some(self.scratch.inputs.text(span)), None),
            _ => self.scheme_names(subject).map_or((None, None), |(id, name)| (Some(id), name)),
        }
    }

    /// The same as a result holds them: borrowed from the intern table when they come
    /// from the scheme, owned when they come from the filing.
    #[inline]
    fn owned_names(&self, subject: Subject) -> (Option<Name>, Option<Name>) {
        match subject {
            Subject::Text(span) => (Some(Name::Owned(self.scratch.inputs.text(span).to_owned())), None),
            _ => self
                .scheme_names(subject)
                .map_or((None, None), |(id, name)| (Some(Name::Borrowed(id)), name.map(Name::Borrowed))),
        }
    }

    /// A note the scheme holds (a unit, a label, a grade).
    #[inline]
    fn scheme_note(&self, note: Note) -> Option<&'static str> {
        let scheme = self.scheme;
        match note {
            Note::Unit(i) => scheme.indicators[usize::from(i)].unit,
            Note::Label(i, option) => Some(scheme.indicators[usize::from(i)].labels[usize::from(option)]),
            Note::Grade(band) => Some(scheme.bands[usize::from(band)].grade),
            Note::None | Note::Adjustment(_) => None,
        }
    }

    /// The note and the `by` of a line, for rendering.
    pub(crate) fn note(&self, note: Note) -> (Option<&'a str>, Option<&'a str>) {
        match note {
            Note::Adjustment(which) => {
                let inputs = &self.scratch.inputs;
                let adjustment = &inputs.adjustments[usize::from(which)];
                (Some(inputs.text(adjustment.reason)), Some(inputs.text(adjustment.by)))
            }
            _ => (self.scheme_note(note), None),
        }
    }

    #[inline]
    fn line(&self, record: &Record) -> Line {
        let (id, name) = self.owned_names(record.subject);
        let (note, by) = match record.note {
            Note::Adjustment(_) => {
                let (note, by) = self.note(record.note);
                (note.map(|text| Name::Owned(text.to_owned())), by.map(|text| Name::Owned(text.to_owned())))
            }
            note => (self.scheme_note(note).map(Name::Borrowed), None),
        };
        Line { code: record.code, id, name, points: record.points, args: record.args, note, by }
    }

    #[inline]
    fn warning(&self, notice: &Notice) -> Warning {
        let (id, name) = self.owned_names(notice.subject);
        Warning { code: notice.code, id, name, args: notice.args }
    }

    #[inline]
    fn cap(&self, cap: &CapRecord) -> CapHit {
        let (id, _) = self.owned_names(cap.subject);
        CapHit { kind: cap.kind, id, before: cap.before, after: cap.after }
    }

    /// The full result, exactly as [`crate::CompiledScheme::evaluate_json`] returns it.
    #[must_use]
    pub fn to_evaluation(&self) -> crate::Evaluation {
        let scheme = self.scheme;
        let scratch = self.scratch;
        let inputs = &scratch.inputs;
        let totals = &self.totals;
        let items = scheme
            .indicators
            .iter()
            .zip(&scratch.items)
            .map(|(indicator, item)| ItemResult {
                id: Name::Borrowed(indicator.id),
                group: Name::Borrowed(scheme.groups[indicator.group].id),
                counted: item.counted,
                computed: item.computed,
                points: item.points,
                adjusted: item.adjusted,
                max: indicator.max,
            })
            .collect();
        let groups = scheme
            .groups
            .iter()
            .zip(&scratch.groups)
            .map(|(group, sums)| GroupResult {
                id: Name::Borrowed(group.id),
                effect: group.effect,
                raw: sums.raw,
                points: sums.points,
            })
            .collect();
        let coefficients = scheme
            .coefficients
            .iter()
            .zip(&scratch.coefficients)
            .map(|(coefficient, applied)| CoefficientApplied {
                id: Name::Borrowed(coefficient.id),
                value: applied.value,
                clamped: applied.clamped,
            })
            .collect();
        Evaluation {
            scheme: scheme.reference.clone(),
            engine: scheme.engine.clone(),
            period: inputs.period.map(|span| inputs.text(span).to_owned()),
            rounding: scheme.scheme().rounding,
            total: totals.total,
            grade: self.grade().map(Name::Borrowed),
            outside_quota: totals.outside_quota,
            nothing_to_report: totals.nothing_to_report,
            excluded_from_rollup: totals.excluded_from_rollup,
            base: totals.base,
            bonus: totals.bonus,
            penalty: totals.penalty,
            coefficient: totals.coefficient,
            items,
            groups,
            caps: scratch.caps.iter().map(|cap| self.cap(cap)).collect(),
            vetoes: scratch.vetoes.iter().map(|veto| Name::Borrowed(scheme.vetoes[usize::from(*veto)].id)).collect(),
            coefficients,
            warnings: self.warnings().map(|notice| self.warning(notice)).collect(),
            lines: scratch.lines.iter().map(|record| self.line(record)).collect(),
        }
    }
}
