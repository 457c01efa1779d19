//! The allocation-free result form: [`CompiledScheme::evaluate_json_into`] writes an
//! evaluation into a reusable [`Scratch`] and returns an [`Outcome`] that borrows it.
//!
//! Why a second form next to [`Evaluation`]: building and dropping an `Evaluation` (17
//! lines of 176 bytes with `Cow` names, five vectors) cost about 3,800 instructions on the
//! bench scheme before a point was computed. Here every part of the result is a compact
//! record in a buffer the caller keeps: an explanation line is its code, the index of what
//! it is about ([`Subject`]), its numbers and a [`Note`] index; names are looked up in the
//! scheme only when a line is rendered or the outcome is converted. Once the buffers have
//! grown, a usual filing allocates nothing (a `selected` list, a string with escapes or
//! an error still do).
//!
//! There is one evaluator: [`crate::evaluate`] and [`CompiledScheme::evaluate_json`] run
//! it into a fresh scratch and return [`Outcome::to_evaluation`], so the two forms cannot
//! disagree (the tests still compare them on every golden case and agreement filing).

mod convert;
mod render;

use crate::compile::CompiledScheme;
use crate::decimal::Decimal;
use crate::evaluate::inputs::Inputs;
use crate::evaluation::CapKind;
use crate::explain::{Args, Code, WarningCode};

/// A piece of the filing's own text kept in [`Scratch`] (an unknown key, a period, an
/// adjustment's reason): byte offsets into the scratch's text buffer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub(crate) start: u32,
    pub(crate) len: u32,
}

/// What a line, warning or cap is about, as an index into the compiled scheme (or a span
/// of the filing's text for keys the scheme does not know).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// The whole result (subtotal, total, grade …).
    None,
    /// An indicator, by its index in the scheme (id and name).
    Indicator(u16),
    /// A group (id and name).
    Group(u16),
    /// An evaluation source, by its index among all sources of the scheme (id and name).
    Source(u16),
    /// A coefficient (id and name).
    Coefficient(u16),
    /// A veto gate (id and name).
    Veto(u16),
    /// A value key (indicator, veto or coefficient) named by id only.
    Key(u16),
    /// A key from the filing that the scheme does not know (id only).
    Text(Span),
}

/// The extra text a line carries, resolved when rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Note {
    None,
    /// The unit of an indicator (a work-entries line).
    Unit(u16),
    /// The label of a choice option: indicator, option.
    Label(u16, u16),
    /// The grade of a band.
    Grade(u16),
    /// A reviewer adjustment: its reason is the note, its author the `by`.
    Adjustment(u16),
}

/// One explanation line: what [`crate::Line`] holds, with indices instead of names.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Record {
    pub code: Code,
    pub subject: Subject,
    pub note: Note,
    pub points: Option<Decimal>,
    pub args: Args,
}

/// One warning: what [`crate::Warning`] holds, with indices instead of names.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Notice {
    pub code: WarningCode,
    pub subject: Subject,
    pub args: Args,
}

/// A cap that changed a number ([`crate::CapHit`] with an index).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CapRecord {
    pub kind: CapKind,
    pub subject: Subject,
    pub before: Decimal,
    pub after: Decimal,
}

/// Points of one indicator, in scheme order ([`crate::ItemResult`] without the names).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ItemPoints {
    pub counted: bool,
    pub computed: Decimal,
    pub points: Decimal,
    pub adjusted: bool,
}

/// Points of one group, in scheme order.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct GroupPoints {
    pub raw: Decimal,
    pub points: Decimal,
}

/// A coefficient as applied, in scheme order.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct CoefficientValue {
    pub value: Decimal,
    pub clamped: bool,
}

/// Buffers for [`CompiledScheme::evaluate_json_into`], reused from call to call: keep one
/// per form (or per thread) and pass it to every evaluation. Any scheme may use it.
#[derive(Debug, Default)]
pub struct Scratch {
    pub(crate) inputs: Inputs,
    pub(crate) lines: Vec<Record>,
    /// Warnings of the evaluation proper; those found while reading are in `inputs`
    /// (a result lists these first, then those).
    pub(crate) warnings: Vec<Notice>,
    pub(crate) items: Vec<ItemPoints>,
    pub(crate) groups: Vec<GroupPoints>,
    pub(crate) caps: Vec<CapRecord>,
    /// Indices of the veto gates that fired, in scheme order.
    pub(crate) vetoes: Vec<u16>,
    pub(crate) coefficients: Vec<CoefficientValue>,
    /// Which indicators count under `max_selected` (empty: all of them).
    pub(crate) counted: Vec<bool>,
}

impl Scratch {
    /// Empty buffers; they grow on first use and are kept.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Empties every buffer for an evaluation with `scheme`, keeping their memory.
    pub(crate) fn reset(&mut self, scheme: &CompiledScheme) {
        self.inputs.reset(scheme);
        self.lines.clear();
        self.warnings.clear();
        self.items.clear();
        self.groups.clear();
        self.caps.clear();
        self.vetoes.clear();
        self.coefficients.clear();
        self.counted.clear();
    }
}

/// The scalar part of an outcome: everything that is not a list.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Totals {
    pub total: Decimal,
    /// The grade band, if the total reaches one.
    pub band: Option<u16>,
    pub outside_quota: bool,
    pub nothing_to_report: bool,
    pub excluded_from_rollup: bool,
    pub base: Decimal,
    pub bonus: Decimal,
    pub penalty: Decimal,
    pub coefficient: Decimal,
}

/// One evaluation in compact form, borrowing the scheme and the scratch it was written
/// into. Everything an [`Evaluation`](crate::Evaluation) says is here:
/// [`Outcome::to_evaluation`] gives exactly the `Evaluation` that
/// [`CompiledScheme::evaluate_json`] returns for the same filing.
#[derive(Clone, Copy, Debug)]
pub struct Outcome<'a> {
    pub(crate) scheme: &'a CompiledScheme,
    pub(crate) scratch: &'a Scratch,
    pub(crate) totals: Totals,
}

impl<'a> Outcome<'a> {
    /// The final total, rounded once.
    #[must_use]
    pub fn total(&self) -> Decimal {
        self.totals.total
    }

    /// The grade, if the total reaches any band.
    #[must_use]
    pub fn grade(&self) -> Option<&'static str> {
        self.totals.band.map(|band| self.scheme.bands[usize::from(band)].grade)
    }

    /// The grade was set by a gate outside the grade's quota.
    #[must_use]
    pub fn outside_quota(&self) -> bool {
        self.totals.outside_quota
    }

    /// Sum of the base groups, bonus and penalty after caps, product of coefficients.
    #[must_use]
    pub fn parts(&self) -> (Decimal, Decimal, Decimal, Decimal) {
        let totals = &self.totals;
        (totals.base, totals.bonus, totals.penalty, totals.coefficient)
    }

    /// Points per indicator, in the scheme's order.
    #[must_use]
    pub fn items(&self) -> &'a [ItemPoints] {
        &self.scratch.items
    }

    /// Points per group, in the scheme's order.
    #[must_use]
    pub fn groups(&self) -> &'a [GroupPoints] {
        &self.scratch.groups
    }

    /// The caps that changed a number, in order of computation.
    #[must_use]
    pub fn caps(&self) -> &'a [CapRecord] {
        &self.scratch.caps
    }

    /// Indices of the veto gates that fired.
    #[must_use]
    pub fn vetoes(&self) -> &'a [u16] {
        &self.scratch.vetoes
    }

    /// The coefficients as applied, in the scheme's order.
    #[must_use]
    pub fn coefficients(&self) -> &'a [CoefficientValue] {
        &self.scratch.coefficients
    }

    /// The explanation, in order of computation.
    #[must_use]
    pub fn lines(&self) -> &'a [Record] {
        &self.scratch.lines
    }

    /// The warnings, in the order an `Evaluation` lists them.
    pub fn warnings(&self) -> impl Iterator<Item = &'a Notice> + 'a {
        self.scratch.warnings.iter().chain(self.scratch.inputs.warnings.iter())
    }

    /// How many warnings there are.
    #[must_use]
    pub fn warning_count(&self) -> usize {
        self.scratch.warnings.len() + self.scratch.inputs.warnings.len()
    }

    /// The id of an indicator by its index (as in [`Outcome::items`]).
    #[must_use]
    pub fn indicator_id(&self, index: usize) -> &'static str {
        self.scheme.indicators[index].id
    }
}
