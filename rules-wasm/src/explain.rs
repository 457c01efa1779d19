//! The explanation: one line per point, each a machine code with its numbers, rendered into
//! plain Chinese on demand.
//!
//! Lines are structured (code + id + name + numbers) so that evaluating allocates no text;
//! the Chinese sentence is produced by [`Line`]'s `Display` (or [`Line::text`]) and is
//! written into every serialized line as `"text"`. Equality ignores the rendered text
//! because it is a pure function of the other fields.

use crate::name::Name;

use crate::decimal::Decimal;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt::{self, Display, Formatter};

/// Up to three numbers a line or warning states (value, threshold, cap …). Fixed size so
/// that building a line never allocates.
#[derive(Clone, Copy, Debug, Default)]
pub struct Args {
    len: u8,
    values: [Decimal; 3],
}

impl Args {
    /// The numbers, in the order the code documents.
    #[must_use]
    pub fn as_slice(&self) -> &[Decimal] {
        &self.values[..usize::from(self.len)]
    }

    pub(crate) const NONE: Self = Self { len: 0, values: [Decimal::ZERO; 3] };

    pub(crate) const fn one(a: Decimal) -> Self {
        Self { len: 1, values: [a, Decimal::ZERO, Decimal::ZERO] }
    }

    pub(crate) const fn two(a: Decimal, b: Decimal) -> Self {
        Self { len: 2, values: [a, b, Decimal::ZERO] }
    }

    pub(crate) const fn three(a: Decimal, b: Decimal, c: Decimal) -> Self {
        Self { len: 3, values: [a, b, c] }
    }

    pub(crate) fn of(numbers: &[Decimal]) -> Self {
        let mut args = Self::default();
        for (slot, number) in args.values.iter_mut().zip(numbers) {
            *slot = *number;
            args.len += 1;
        }
        args
    }

    fn get(&self, index: usize) -> Decimal {
        self.as_slice().get(index).copied().unwrap_or_default()
    }
}

impl PartialEq for Args {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Serialize for Args {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.as_slice().iter().copied())
    }
}

impl<'de> Deserialize<'de> for Args {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let numbers = Vec::<Decimal>::deserialize(deserializer)?;
        if numbers.len() > 3 {
            return Err(serde::de::Error::invalid_length(numbers.len(), &"at most 3 numbers"));
        }
        Ok(Self::of(&numbers))
    }
}

/// A code enum with its machine code and the Chinese sentence it renders to. Sentences
/// are templates filled by [`fill`]: `{name}`, `{note}`, `{by}`, `{points}`, `{a}`, `{b}`,
/// `{c}` (the numbers), and two small rules — `{gap}` (a space before a unit, none before
/// `%`) and `{quota}` ("，不占等次比例" when the first number is 1).
macro_rules! codes {
    ($(#[$meta:meta])* $vis:vis enum $name:ident {
        $($(#[$doc:meta])* $variant:ident = $text:literal => $template:literal,)*
    }) => {
        $(#[$meta])*
        $vis enum $name {
            $($(#[$doc])* #[serde(rename = $text)] $variant,)*
        }

        impl $name {
            /// The stable machine code, e.g. `"cap.group"`.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text,)* }
            }

            /// The sentence template (see [`codes!`]).
            pub(crate) fn template(self) -> &'static str {
                match self { $(Self::$variant => $template,)* }
            }

            #[cfg(test)]
            const ALL: &'static [Self] = &[$(Self::$variant,)*];
        }
    };
}

codes! {
    /// The machine code of an explanation line. Args are listed per code.
    #[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum Code {
        /// Args: value, target, full points
        ItemRatio = "item.ratio" => "{name}：完成 {a}，目标 {b}，{a} ÷ {b} × {c} 分 = {points} 分",
        /// Args: value, step min
        ItemSteps = "item.steps" => "{name}：{a} 达到“≥ {b}”档，计 {points} 分",
        /// Args: value, lowest step min
        ItemStepsBelow = "item.steps_below" => "{name}：{a} 未达最低档 {b}，计 0 分",
        /// Args: count, points per unit
        ItemPerUnit = "item.per_unit" => "{name}：{a} × 每项 {b} 分 = {points} 分",
        ItemDone = "item.done" => "{name}：已完成，计 {points} 分",
        ItemNotDone = "item.not_done" => "{name}：未完成，计 0 分",
        /// Args: rating, weight
        ItemRating = "item.rating" => "{name}：评分 {a} × 权重 {b} = {points} 分",
        /// Args: cumulative %, expected %, full points
        ItemSchedule = "item.schedule" => "{name}：累计完成 {a}%，时序进度应达 {b}%，满分 {c} 分，计 {points} 分",
        /// note: the option's label
        ItemChoice = "item.choice" => "{name}：选择“{note}”，计 {points} 分",
        /// Args: weighted mean, full points
        ItemSources = "item.sources" => "{name}：加权评价 {a} 分 ÷ 100 × {b} 分 = {points} 分",
        ItemMissing = "item.missing" => "{name}：未填写，计 0 分",
        /// Args: value
        ItemNoPeriod = "item.no_period" => "{name}：缺少考核期，无法判断时序进度，计 0 分",
        ItemNotSelected = "item.not_selected" => "{name}：未选作本人考核指标，不计分",
        ItemEmptyPeriod = "item.empty_period" => "{name}：本期无可申报事项，计 0 分",
        /// Args: computed points, adjusted points; note: reason; by: reviewer
        ItemAdjusted = "item.adjusted" => "{name}：分管领导调整：{a} 分 → {b} 分，理由：{note}（{by}）",
        /// The value came from work entries. Args: sum of quantities, number of entries;
        /// note: the indicator's unit
        ItemEntries = "item.entries" => "{name}：{a}{gap}{note}（来自 {b} 条工作记录）",
        /// A `done` indicator is done by its work entries. Args: number of entries
        ItemEntriesDone = "item.entries_done" => "{name}：有 {a} 条工作记录，视为已完成",
        /// Args: score, n, weight
        SourceIncluded = "source.included" => "{name}：{b} 人评价，平均 {a} 分，权重 {c}",
        /// Args: n, min sample, weight
        SourceExcluded = "source.excluded" => "{name}：评价人数 {a} 少于最低 {b} 人，不计入，其余权重按比例放大",
        /// Args: n, min sample, weight
        SourceZero = "source.zero" => "{name}：评价人数 {a} 少于最低 {b} 人，按 0 分计入（权重 {c}）",
        /// Args: before, cap
        CapItem = "cap.item" => "{name}：{a} 分超过单项上限，按 {b} 分计",
        /// Args: raw sum
        GroupTotal = "group.total" => "{name}：小计 {points} 分",
        /// Args: before, cap
        CapGroup = "cap.group" => "{name}：小计 {a} 分超过本组上限，按 {b} 分计",
        /// Args: before, cap
        CapBonus = "cap.bonus" => "加分合计 {a} 分超过加分上限，按 {b} 分计",
        /// Args: before, cap
        CapPenalty = "cap.penalty" => "减分合计 {a} 分超过减分上限，按 {b} 分计",
        /// Args: base, bonus, penalty
        Subtotal = "subtotal" => "基础 {a} 分 + 加分 {b} 分 − 减分 {c} 分 = {points} 分",
        /// Args: before, floor
        CapFloor = "cap.floor" => "得分 {a} 分低于下限，按 {b} 分计",
        /// Args: value
        Coefficient = "coefficient" => "{name}系数 {a}",
        /// Args: given, bound
        CapCoefficient = "cap.coefficient" => "{name}系数 {a} 超出允许范围，按 {b} 计",
        /// Args: product, subtotal
        Coefficients = "coefficients" => "{b} 分 × 系数 {a} = {points} 分",
        /// Args: before, cap
        CapTotal = "cap.total" => "总分 {a} 分超过上限，按 {b} 分计",
        /// Args: unrounded total, scale
        Total = "total" => "总分 {points} 分（四舍五入保留 {b} 位小数）",
        VetoZero = "veto.zero" => "一票否决：{name}，总分计为 0 分",
        /// Args: cap
        VetoTotalCap = "veto.total_cap" => "{name}：总分不超过 {a} 分",
        /// note: grade
        VetoGradeCap = "veto.grade_cap" => "{name}：等次最高为“{note}”",
        /// note: grade; [1 when outside the quota]
        VetoGradeSet = "veto.grade_set" => "{name}：等次直接确定为“{note}”{quota}",
        /// note: grade; [band min]
        Grade = "grade" => "总分 {points} 分 ≥ {a} 分，等次“{note}”",
        GradeNone = "grade.none" => "总分 {points} 分低于各等次分数线，未定等次",
        PeriodExcluded = "period.excluded" => "本期无可申报事项，不计入汇总",
        /// Args: present, expected, weight
        PartMean = "rollup.part" => "{name}：{a}/{b} 期，平均 {points} 分，权重 {c}",
        /// Args: missing
        PartMissingZero = "rollup.missing_zero" => "{name}：缺 {a} 期，按 0 分计",
        /// Args: missing
        PartMissingMean = "rollup.missing_mean" => "{name}：缺 {a} 期，按已有各期平均",
        /// Args: excluded
        PartExcluded = "rollup.excluded" => "{name}：{a} 期无可申报事项，不计入",
        /// Args: weight
        PartDropped = "rollup.dropped" => "{name}：无任何结果，不计入，其余权重按比例放大",
        /// Args: unrounded total, scale
        RollUpTotal = "rollup.total" => "加权汇总 {points} 分（四舍五入保留 {b} 位小数）",
        /// note: grade; [1 when outside the quota]
        Award = "rollup.award" => "{name}：等次直接确定为“{note}”{quota}",
    }
}

codes! {
    /// The machine code of a warning.
    #[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum WarningCode {
        /// A value whose key the scheme does not know; ignored.
        ValueUnknown = "value.unknown" => "“{name}”不是本方案的指标，已忽略",
        /// A value of the wrong type or format; counted as missing.
        ValueInvalid = "value.invalid" => "{name}：填写格式不对，按未填写计",
        /// Args: given, used a value outside its range; clamped.
        ValueRange = "value.range" => "{name}：{a} 超出允许范围，按 {b} 计",
        /// A required value is missing (fine in a draft, not in a submission).
        ValueMissing = "value.missing" => "{name}：必填项尚未填写",
        /// Args: value, expected behind schedule, within the yellow margin.
        ScheduleYellow = "schedule.yellow" => "{name}：累计完成 {a}%，略低于时序进度 {b}%（黄色预警）",
        /// Args: value, expected behind schedule beyond the yellow margin.
        ScheduleRed = "schedule.red" => "{name}：累计完成 {a}%，明显低于时序进度 {b}%（红色预警）",
        /// No usable period: schedule indicators cannot be judged and score 0.
        PeriodMissing = "period.missing" => "缺少考核期，无法判断时序进度，相关指标计 0 分",
        /// Args: n, min sample
        SourceBelowMin = "source.below_min" => "{name}：评价人数 {a} 少于最低 {b} 人",
        /// No source of the indicator qualified; it scores 0.
        SourcesNone = "sources.none" => "{name}：没有达到最低人数的评价，计 0 分",
        /// A source id the scheme does not know; ignored.
        SourceUnknown = "source.unknown" => "“{name}”不是本方案的评价来源，已忽略",
        /// Args: picked, max more selectable indicators than allowed; the first ones count.
        SelectedTooMany = "selected.too_many" => "选择了 {a} 项指标，最多 {b} 项，只计前 {b} 项",
        /// A selected id that is not a selectable indicator; ignored.
        SelectedUnknown = "selected.unknown" => "“{name}”不是可选指标，已忽略",
        /// An adjustment of an unknown indicator; ignored.
        AdjustmentUnknown = "adjustment.unknown" => "调整的指标“{name}”不存在，已忽略",
        /// Args: given, used an adjustment outside the item's range; clamped.
        AdjustmentRange = "adjustment.range" => "{name}：调整分 {a} 超出范围，按 {b} 分计",
        /// The scheme has no rule for an empty period; the flag is ignored.
        EmptyNotAllowed = "nothing_to_report.not_allowed" => "本方案没有“本期无申报事项”的规定，已忽略该选项",
        /// Values were given although nothing was to report; they count 0.
        EmptyWithValues = "nothing_to_report.with_values" => "{name}：已选“本期无申报事项”，填写的值不计分",
        /// A work entry names an indicator the scheme does not have; ignored.
        EntryUnknown = "entry.unknown" => "工作记录关联的“{name}”不是本方案的指标，已忽略",
        /// A work entry's quantity is not a non-negative decimal (a whole number for a
        /// per-unit indicator); the entry is left out.
        EntryInvalid = "entry.invalid" => "{name}：工作记录的数量格式不对，该条未计入",
        /// Args: entries. The indicator has a value in `values`, which wins over its entries.
        EntriesOverridden = "entries.overridden" => "{name}：已直接填写数值，{a} 条工作记录未计入",
        /// Args: entries. The indicator's method does not count work entries; ignored.
        EntriesUnused = "entries.unused" => "{name}：此类指标不按工作记录计分，{a} 条工作记录未计入",
    }
}

/// One explanation line.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Line {
    pub code: Code,
    /// The indicator, group, source, coefficient, veto or part the line is about.
    #[serde(default)]
    pub id: Option<Name>,
    /// Its Chinese name.
    #[serde(default)]
    pub name: Option<Name>,
    /// The points the line states (item, group, subtotal or total).
    #[serde(default)]
    pub points: Option<Decimal>,
    #[serde(default)]
    pub args: Args,
    /// A label, reason or grade.
    #[serde(default)]
    pub note: Option<Name>,
    /// Who made an adjustment.
    #[serde(default)]
    pub by: Option<Name>,
}

impl Line {
    pub(crate) fn new(code: Code) -> Self {
        Self { code, id: None, name: None, points: None, args: Args::default(), note: None, by: None }
    }

    pub(crate) fn about(code: Code, id: &Name, name: &Name) -> Self {
        let mut line = Self::new(code);
        line.id = Some(id.clone());
        line.name = Some(name.clone());
        line
    }

    pub(crate) fn points(mut self, points: Decimal) -> Self {
        self.points = Some(points);
        self
    }

    pub(crate) fn args(mut self, numbers: &[Decimal]) -> Self {
        self.args = Args::of(numbers);
        self
    }

    pub(crate) fn note(mut self, note: &Name) -> Self {
        self.note = Some(note.clone());
        self
    }

    /// The plain-Chinese sentence.
    #[must_use]
    pub fn text(&self) -> String {
        // Sized for a typical sentence: growing from empty cost several reallocations.
        let mut text = String::with_capacity(96);
        self.render(&mut text);
        text
    }
}

fn or_empty(text: Option<&Name>) -> &str {
    text.map_or("", |text| text)
}

/// What a template's placeholders are filled with.
pub(crate) struct Fill<'a> {
    pub name: &'a str,
    pub note: &'a str,
    pub by: &'a str,
    pub points: Decimal,
    pub args: Args,
}

/// Where a rendered sentence goes: a `String` ([`Line::text`]), a JSON string being
/// written (escaped as it goes), or a `Formatter` (`Display`).
pub(crate) trait Out {
    /// Text from the scheme or the filing (a name, a note).
    fn text(&mut self, text: &str);
    /// A template's own text: no quote, backslash or control character (a test checks),
    /// so a JSON string takes it without looking for any.
    fn literal(&mut self, text: &'static str) {
        self.text(text);
    }
    fn number(&mut self, value: Decimal);
}

impl Out for String {
    fn text(&mut self, text: &str) {
        self.push_str(text);
    }

    fn number(&mut self, value: Decimal) {
        value.append_to(self);
    }
}

/// A `Formatter` as an [`Out`], keeping the first error.
struct Formatted<'a, 'b>(&'a mut Formatter<'b>, fmt::Result);

impl Out for Formatted<'_, '_> {
    fn text(&mut self, text: &str) {
        if self.1.is_ok() {
            self.1 = self.0.write_str(text);
        }
    }

    fn number(&mut self, value: Decimal) {
        if self.1.is_ok() {
            self.1 = Display::fmt(&value, self.0);
        }
    }
}

/// Writes a sentence template with its placeholders filled. Pieces go straight to the
/// output (decimals through their own formatting): rendering a line through `write!` with
/// a format string per code cost about 2,000 instructions a line, mostly in `core::fmt`,
/// and the format strings were code; templates are data.
pub(crate) fn fill(out: &mut impl Out, template: &'static str, with: &Fill<'_>) {
    let mut rest = template;
    // A byte search rather than `split_once`: templates are short, and its general
    // searcher cost more than the sentence.
    while let Some(open) = rest.bytes().position(|byte| byte == b'{') {
        out.literal(rest.get(..open).unwrap_or_default());
        let after = rest.get(open + 1..).unwrap_or_default();
        let Some(close) = after.bytes().position(|byte| byte == b'}') else {
            return out.literal(after);
        };
        let number = |index: usize| with.args.get(index);
        match after.get(..close).unwrap_or_default() {
            "name" => out.text(with.name),
            "note" => out.text(with.note),
            "by" => out.text(with.by),
            "points" => out.number(with.points),
            "a" => out.number(number(0)),
            "b" => out.number(number(1)),
            "c" => out.number(number(2)),
            // "3 项", but "95%": a percent sign sits on the number.
            "gap" if !matches!(with.note, "" | "%") => out.literal(" "),
            "quota" if number(0) == Decimal::ONE => out.literal("，不占等次比例"),
            _ => {}
        }
        rest = after.get(close + 1..).unwrap_or_default();
    }
    out.literal(rest);
}

impl Line {
    /// Renders the sentence into `out`.
    pub(crate) fn render(&self, out: &mut impl Out) {
        let with = Fill {
            name: or_empty(self.name.as_ref()),
            note: or_empty(self.note.as_ref()),
            by: or_empty(self.by.as_ref()),
            points: self.points.unwrap_or_default(),
            args: self.args,
        };
        fill(out, self.code.template(), &with);
    }
}

impl Display for Line {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut out = Formatted(f, Ok(()));
        self.render(&mut out);
        out.1
    }
}

impl Serialize for Line {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Absent fields are left out: the result travels on every keystroke.
        let mut line = serializer.serialize_struct("Line", 8)?;
        line.serialize_field("code", &self.code)?;
        optional(&mut line, "id", self.id.as_ref())?;
        optional(&mut line, "name", self.name.as_ref())?;
        optional(&mut line, "points", self.points.as_ref())?;
        if self.args.len > 0 {
            line.serialize_field("args", &self.args)?;
        }
        optional(&mut line, "note", self.note.as_ref())?;
        optional(&mut line, "by", self.by.as_ref())?;
        line.serialize_field("text", &format_args!("{self}"))?;
        line.end()
    }
}

fn optional<S: SerializeStruct, T: Serialize>(
    out: &mut S,
    key: &'static str,
    value: Option<&T>,
) -> Result<(), S::Error> {
    match value {
        Some(value) => out.serialize_field(key, value),
        None => out.skip_field(key),
    }
}

/// Something the person or reviewer should look at; never changes how the score is computed
/// beyond what its code says.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Warning {
    pub code: WarningCode,
    #[serde(default)]
    pub id: Option<Name>,
    #[serde(default)]
    pub name: Option<Name>,
    #[serde(default)]
    pub args: Args,
}

impl Warning {
    /// The plain-Chinese sentence.
    #[must_use]
    pub fn text(&self) -> String {
        // Sized for a typical sentence: growing from empty cost several reallocations.
        let mut text = String::with_capacity(96);
        self.render(&mut text);
        text
    }
}

impl Warning {
    /// Renders the sentence into `out`.
    pub(crate) fn render(&self, out: &mut impl Out) {
        let name = or_empty(self.name.as_ref().or(self.id.as_ref()));
        fill(out, self.code.template(), &Fill { name, note: "", by: "", points: Decimal::ZERO, args: self.args });
    }
}

impl Display for Warning {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut out = Formatted(f, Ok(()));
        self.render(&mut out);
        out.1
    }
}

impl Serialize for Warning {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut warning = serializer.serialize_struct("Warning", 5)?;
        warning.serialize_field("code", &self.code)?;
        optional(&mut warning, "id", self.id.as_ref())?;
        optional(&mut warning, "name", self.name.as_ref())?;
        if self.args.len > 0 {
            warning.serialize_field("args", &self.args)?;
        }
        warning.serialize_field("text", &format_args!("{self}"))?;
        warning.end()
    }
}

#[cfg(test)]
mod tests {
    use super::{Code, WarningCode};

    fn placeholders_are_known(template: &str) {
        let mut rest = template;
        while let Some((_, after)) = rest.split_once('{') {
            let (placeholder, after) = after.split_once('}').expect("closed placeholder");
            assert!(
                ["name", "note", "by", "points", "a", "b", "c", "gap", "quota"].contains(&placeholder),
                "{template}"
            );
            rest = after;
        }
        assert!(!rest.contains('}'), "{template}");
        assert!(!template.bytes().any(|byte| byte == b'"' || byte == b'\\' || byte < 0x20), "{template}");
    }

    #[test]
    fn every_template_uses_known_placeholders() {
        Code::ALL.iter().for_each(|code| placeholders_are_known(code.template()));
        WarningCode::ALL.iter().for_each(|code| placeholders_are_known(code.template()));
    }
}
