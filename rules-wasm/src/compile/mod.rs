//! A validated scheme, prepared once for many evaluations: names interned (see [`crate::name`]),
//! ids resolved to indices, the hash computed. Caching one `CompiledScheme` per scheme
//! version is the intended use (the phone keeps it for the whole form session).

use crate::decimal::Decimal;
use crate::error::Error;
use crate::evaluation::SchemeRef;
use crate::hash::scheme_hash;
use crate::name::{intern, Name};
use crate::scheme::{BelowMin, Effect, FilledBy, Method, PeriodKind, Scheme, SourceKind, VetoEffect};
use crate::validate::validate_scheme;
use keys::KeyIndex;
use std::ops::Range;

mod keys;

/// The crate version, stamped on every result.
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// A scheme that passed validation, ready to evaluate filings.
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledScheme {
    scheme: Scheme,
    pub(crate) reference: SchemeRef,
    pub(crate) engine: Name,
    pub(crate) scale: u32,
    pub(crate) indicators: Vec<CIndicator>,
    pub(crate) groups: Vec<CGroup>,
    pub(crate) vetoes: Vec<CVeto>,
    pub(crate) coefficients: Vec<CCoefficient>,
    pub(crate) sources: Vec<CSource>,
    pub(crate) bands: Vec<CBand>,
    /// Value keys in slot order: indicators, then vetoes, then coefficients.
    pub(crate) keys: KeyIndex,
    /// How each value slot reads its value (by slot, like `keys`).
    pub(crate) kinds: Vec<SlotKind>,
    /// Source ids in source order.
    pub(crate) source_keys: KeyIndex,
    /// Explanation lines an evaluation without caps, vetoes or adjustments writes: the
    /// result's lines are allocated once at this size.
    pub(crate) usual_lines: usize,
}

/// How a value slot reads its JSON value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SlotKind {
    Number,
    Count,
    Bool,
    Choice,
    /// A sources indicator takes no value.
    None,
}

/// How work entries linked to an indicator feed it (see [`crate::filing`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EntryRule {
    /// `per_unit`, `steps`, `ratio`: the sum of the entries' quantities.
    Sum,
    /// `done`: done when there is at least one entry.
    Any,
    /// Other methods: entries are ignored (with a warning).
    Ignored,
}

impl EntryRule {
    pub(crate) fn of(method: &Method) -> Self {
        match method {
            Method::PerUnit { .. } | Method::Steps { .. } | Method::Ratio { .. } => Self::Sum,
            Method::Done { .. } => Self::Any,
            Method::Rating { .. } | Method::Choice { .. } | Method::Schedule { .. } | Method::Sources { .. } => {
                Self::Ignored
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CIndicator {
    pub id: &'static str,
    pub name: &'static str,
    /// The unit shown beside the value (`"户"`, `"%"`), for the work-entries line.
    pub unit: Option<&'static str>,
    pub group: usize,
    pub kind: SlotKind,
    pub entries: EntryRule,
    pub own: bool,
    pub required: bool,
    pub selectable: bool,
    pub max: Option<Decimal>,
    pub method: Method,
    pub labels: Vec<&'static str>,
    pub sources: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CGroup {
    pub id: &'static str,
    pub name: &'static str,
    pub effect: Effect,
    pub cap: Option<Decimal>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CVeto {
    pub id: &'static str,
    pub name: &'static str,
    pub effect: VetoEffect,
    /// Index of the named grade band for grade effects.
    pub band: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CCoefficient {
    pub id: &'static str,
    pub name: &'static str,
    pub min: Decimal,
    pub max: Decimal,
    pub default: Decimal,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CSource {
    pub id: &'static str,
    pub name: &'static str,
    pub weight: Decimal,
    pub min_sample: u32,
    pub below_min: BelowMin,
    pub kind: SourceKind,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct CBand {
    pub grade: &'static str,
    pub min: Decimal,
}

impl CompiledScheme {
    /// Parses, validates and compiles a scheme from JSON.
    ///
    /// # Errors
    /// [`Error::Json`] if the text is not a scheme; [`Error::InvalidScheme`] with every
    /// problem if it does not validate.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        Self::new(Scheme::from_json(json)?)
    }

    /// Validates and compiles a parsed scheme.
    ///
    /// # Errors
    /// [`Error::InvalidScheme`] with every problem [`validate_scheme`] finds.
    pub fn new(scheme: Scheme) -> Result<Self, Error> {
        let problems = validate_scheme(&scheme);
        if !problems.is_empty() {
            return Err(Error::InvalidScheme { problems });
        }
        let hash = scheme_hash(&scheme);
        Ok(Self::build(scheme, &hash))
    }

    /// Compiles a scheme as the server publishes it, already validated and hashed there
    /// (its `hash` field set), without validating it again or recomputing the hash: the
    /// stated hash becomes the scheme's. This is the phone's constructor. The phone gets
    /// schemes only from the server, and the server recomputes every submitted score
    /// with its own validated copy, so a scheme altered on the way can mislead only the
    /// phone's preview, never a stored score; in exchange, validation and SHA-256 stay out
    /// of the phone's WebAssembly (about 9.5 KB gzip of the engine module). Evaluating a
    /// scheme that would not validate gives some result and never panics (fuzzed), but not
    /// a meaningful one. The scheme's roll-ups are left out
    /// ([`Scheme::from_published_json`]): [`crate::roll_up`] on it finds none.
    ///
    /// # Errors
    /// [`Error::Json`] if the text is not a scheme; [`Error::InvalidScheme`] with problem
    /// `hash.missing` if it states no hash.
    pub fn from_published_json(json: &str) -> Result<Self, Error> {
        Self::published(Scheme::from_published_json(json)?)
    }

    /// [`CompiledScheme::from_published_json`] for a parsed scheme.
    ///
    /// # Errors
    /// [`Error::InvalidScheme`] with problem `hash.missing` if it states no hash.
    pub fn published(scheme: Scheme) -> Result<Self, Error> {
        match scheme.hash.clone() {
            Some(hash) => Ok(Self::build(scheme, &hash)),
            None => Err(Error::InvalidScheme {
                problems: vec![crate::Problem::new("hash", "hash.missing", "发布的方案须带内容哈希")],
            }),
        }
    }

    /// Resolves names, ids and references of a scheme; `hash` is its content hash.
    fn build(scheme: Scheme, hash: &str) -> Self {
        let groups: Vec<CGroup> = scheme
            .groups
            .iter()
            .map(|group| CGroup {
                id: intern(&group.id),
                name: intern(&group.name),
                effect: group.effect,
                cap: group.cap,
            })
            .collect();
        let mut sources = Vec::new();
        let mut indicators = Vec::with_capacity(scheme.indicators.len());
        for indicator in &scheme.indicators {
            let first = sources.len();
            let mut labels = Vec::new();
            let kind = match &indicator.method {
                Method::Ratio { .. } | Method::Steps { .. } | Method::Rating { .. } | Method::Schedule { .. } => {
                    SlotKind::Number
                }
                Method::PerUnit { .. } => SlotKind::Count,
                Method::Done { .. } => SlotKind::Bool,
                Method::Choice { options } => {
                    labels = options.iter().map(|option| intern(&option.label)).collect();
                    SlotKind::Choice
                }
                Method::Sources { below_min, sources: list, .. } => {
                    sources.extend(list.iter().map(|source| CSource {
                        id: intern(&source.id),
                        name: intern(&source.name),
                        weight: source.weight,
                        min_sample: source.min_sample,
                        below_min: *below_min,
                        kind: source.kind,
                    }));
                    SlotKind::None
                }
            };
            indicators.push(CIndicator {
                id: intern(&indicator.id),
                name: intern(&indicator.name),
                unit: indicator.unit.as_deref().map(intern),
                entries: EntryRule::of(&indicator.method),
                // Validation guarantees the group exists.
                group: scheme.groups.iter().position(|group| group.id == indicator.group).unwrap_or(0),
                kind,
                own: indicator.filled_by == FilledBy::Own,
                required: indicator.required,
                selectable: indicator.selectable,
                max: indicator.method.max_points(),
                method: indicator.method.clone(),
                labels,
                sources: first..sources.len(),
            });
        }
        let band_of = |grade: &str| scheme.grades.iter().position(|band| band.grade == grade).unwrap_or(0);
        let vetoes = scheme
            .vetoes
            .iter()
            .map(|veto| CVeto {
                id: intern(&veto.id),
                name: intern(&veto.name),
                effect: veto.effect.clone(),
                band: match &veto.effect {
                    VetoEffect::GradeCap { grade } | VetoEffect::GradeSet { grade, .. } => band_of(grade),
                    _ => 0,
                },
            })
            .collect::<Vec<_>>();
        let coefficients = scheme
            .coefficients
            .iter()
            .map(|coefficient| CCoefficient {
                id: intern(&coefficient.id),
                name: intern(&coefficient.name),
                min: coefficient.min,
                max: coefficient.max,
                default: coefficient.default,
            })
            .collect::<Vec<_>>();
        let bands = scheme.grades.iter().map(|band| CBand { grade: intern(&band.grade), min: band.min }).collect();
        let keys = KeyIndex::new(
            indicators
                .iter()
                .map(|indicator| indicator.id)
                .chain(vetoes.iter().map(|veto| veto.id))
                .chain(coefficients.iter().map(|coefficient| coefficient.id))
                .collect(),
        );
        let kinds = indicators
            .iter()
            .map(|indicator| indicator.kind)
            .chain(vetoes.iter().map(|_| SlotKind::Bool))
            .chain(coefficients.iter().map(|_| SlotKind::Number))
            .collect();
        let source_keys = KeyIndex::new(sources.iter().map(|source: &CSource| source.id).collect());
        // An item line each (a source line per source), a group line each, a coefficient
        // line each, and subtotal, coefficients, total and grade.
        let usual_lines = indicators.len() + sources.len() + groups.len() + coefficients.len() + 4;
        Self {
            reference: SchemeRef {
                id: Name::Borrowed(intern(&scheme.id)),
                version: scheme.version,
                hash: Name::Borrowed(intern(hash)),
            },
            engine: Name::Borrowed(ENGINE_VERSION),
            scale: scheme.rounding.scale,
            indicators,
            groups,
            vetoes,
            coefficients,
            sources,
            bands,
            keys,
            kinds,
            source_keys,
            usual_lines,
            scheme,
        }
    }

    /// The scheme as parsed.
    #[must_use]
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
    }

    /// `sha256:…` of the canonical form (see [`crate::hash`]).
    #[must_use]
    pub fn hash(&self) -> &str {
        &self.reference.hash
    }

    /// Id, version and hash.
    #[must_use]
    pub fn reference(&self) -> &SchemeRef {
        &self.reference
    }

    /// The slot of a value key (indicator, veto or coefficient id).
    #[inline]
    pub(crate) fn slot(&self, key: &str) -> Option<usize> {
        self.keys.find(key)
    }

    /// The index of a source id.
    pub(crate) fn source(&self, key: &str) -> Option<usize> {
        self.source_keys.find(key)
    }

    /// The grade band a total falls in (bands are best first; `≥ min` reaches a band).
    pub(crate) fn band_for(&self, total: Decimal) -> Option<usize> {
        self.bands.iter().position(|band| total >= band.min)
    }
}

/// The month (1–12) a period ends in: `2024-03` → 3, `2024-Q2` → 6, `2024-H1` → 6,
/// `2024` → 12. Schedule progress is judged at that month.
#[must_use]
pub fn period_end_month(period: &str) -> Option<u32> {
    let bytes = period.as_bytes();
    if bytes.len() < 4 || !bytes[..4].iter().all(u8::is_ascii_digit) {
        return None;
    }
    match &bytes[4..] {
        [] => Some(12),
        [b'-', m1 @ b'0'..=b'1', m2 @ b'0'..=b'9'] => {
            let month = u32::from(m1 - b'0') * 10 + u32::from(m2 - b'0');
            (1..=12).contains(&month).then_some(month)
        }
        [b'-', b'Q', q @ b'1'..=b'4'] => Some(u32::from(q - b'0') * 3),
        [b'-', b'H', h @ b'1'..=b'2'] => Some(u32::from(h - b'0') * 6),
        _ => None,
    }
}

/// The kind of period a period string names, if well formed.
#[must_use]
pub fn period_kind(period: &str) -> Option<PeriodKind> {
    period_end_month(period)?;
    Some(match period.len() {
        4 => PeriodKind::Year,
        7 if period.as_bytes()[5] == b'Q' => PeriodKind::Quarter,
        7 if period.as_bytes()[5] == b'H' => PeriodKind::HalfYear,
        _ => PeriodKind::Month,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn period_strings_name_the_month_they_end_in() {
        assert_eq!(period_end_month("2024-03"), Some(3));
        assert_eq!(period_end_month("2024-12"), Some(12));
        assert_eq!(period_end_month("2024-Q2"), Some(6));
        assert_eq!(period_end_month("2024-H1"), Some(6));
        assert_eq!(period_end_month("2024"), Some(12));
        for bad in ["2024-13", "2024-00", "2024-Q5", "24-01", "2024-3", "", "2024-H3"] {
            assert_eq!(period_end_month(bad), None, "{bad}");
        }
        assert_eq!(period_kind("2024-Q2"), Some(PeriodKind::Quarter));
        assert_eq!(period_kind("2024-H2"), Some(PeriodKind::HalfYear));
        assert_eq!(period_kind("2024-07"), Some(PeriodKind::Month));
        assert_eq!(period_kind("2024"), Some(PeriodKind::Year));
    }
}
