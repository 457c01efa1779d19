//! Validation: every problem of a scheme or a filing, each with a path, a stable code and a
//! Chinese message. Validation never panics and never stops at the first problem.

use crate::compile::{period_kind, CIndicator, CompiledScheme, EntryRule, SlotKind};
use crate::decimal::Decimal;
use crate::error::{Error, Problem};
use crate::filing::view::{Val, View};
use crate::filing::Filing;
use crate::hash::scheme_hash;
use crate::num::LIMIT;
use crate::scheme::{Band, FilledBy, Method, Scheme, VetoEffect};

/// Ids met so far, to find duplicates. A list, not a set: schemes have tens of ids, and
/// a `BTreeSet` brought about 5 KB of tree code into the WebAssembly module.
struct Seen<T>(Vec<T>);

impl<T> Default for Seen<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<T: AsRef<str>> Seen<T> {
    /// Adds `item`; false if it was there already (as `BTreeSet::insert`).
    fn insert(&mut self, item: T) -> bool {
        if self.contains(item.as_ref()) {
            return false;
        }
        self.0.push(item);
        true
    }

    fn contains(&self, item: &str) -> bool {
        self.0.iter().any(|seen| seen.as_ref() == item)
    }

    fn iter(&self) -> impl Iterator<Item = &T> {
        self.0.iter()
    }
}

/// The largest number a scheme may state (10⁹): keeps every product far from overflow.
const SCHEME_LIMIT: Decimal = Decimal::new(1_000_000_000, 0);

/// The most indicators, vetoes and coefficients together (and the most groups, and the
/// most evaluation sources) a scheme may have: results name them by 16-bit index.
pub const MAX_ITEMS: usize = u16::MAX as usize;

/// Every problem of a scheme. Empty means it can be compiled.
#[must_use]
#[allow(clippy::too_many_lines)] // a flat checklist reads best in one place
pub fn validate_scheme(scheme: &Scheme) -> Vec<Problem> {
    let mut out = Vec::new();
    // Checked first, and alone: the duplicate checks below compare ids pairwise, which is
    // fine for tens of ids, not for a scheme far beyond any real one.
    if let Some(problem) = too_large(scheme) {
        return vec![problem];
    }
    let mut ids = Seen::default();
    let mut id = |out: &mut Vec<Problem>, path: String, value: &str| {
        check_id(out, &path, value);
        if !ids.insert(value.to_owned()) {
            out.push(Problem::new(path, "id.duplicate", format!("编号“{value}”重复")));
        }
    };
    check_id(&mut out, "id", &scheme.id);
    if scheme.version == 0 {
        out.push(Problem::new("version", "version.zero", "版本号从 1 开始"));
    }
    if scheme.name.trim().is_empty() {
        out.push(Problem::new("name", "name.empty", "方案名称不能为空"));
    }
    let from_ok = check_date(&mut out, "effective_from", &scheme.effective_from);
    if let Some(to) = &scheme.effective_to {
        if check_date(&mut out, "effective_to", to) && from_ok && to < &scheme.effective_from {
            out.push(Problem::new("effective_to", "dates.order", "失效日期早于生效日期"));
        }
    }
    if let Some(claimed) = &scheme.hash {
        let actual = scheme_hash(scheme);
        if claimed != &actual {
            out.push(Problem::new("hash", "hash.mismatch", format!("内容哈希不符：声明 {claimed}，实际 {actual}")));
        }
    }
    if scheme.rounding.scale > 4 {
        out.push(Problem::new("rounding.scale", "rounding.scale", "小数位数应为 0–4"));
    }
    if scheme.target.category.trim().is_empty() || scheme.target.tier.trim().is_empty() {
        out.push(Problem::new("target", "target.empty", "须写明考核对象的类别和层级"));
    }

    let mut dimensions = Seen::default();
    for (index, dimension) in scheme.dimensions.iter().enumerate() {
        let path = format!("dimensions[{index}].id");
        check_id(&mut out, &path, &dimension.id);
        if !dimensions.insert(dimension.id.as_str()) {
            out.push(Problem::new(path, "id.duplicate", format!("维度“{}”重复", dimension.id)));
        }
    }

    if scheme.groups.is_empty() {
        out.push(Problem::new("groups", "groups.empty", "至少需要一个指标组"));
    }
    let mut groups = Seen::default();
    for (index, group) in scheme.groups.iter().enumerate() {
        let path = format!("groups[{index}]");
        check_id(&mut out, &format!("{path}.id"), &group.id);
        if !groups.insert(group.id.as_str()) {
            out.push(Problem::new(format!("{path}.id"), "id.duplicate", format!("指标组“{}”重复", group.id)));
        }
        if let Some(cap) = group.cap {
            check_number(&mut out, &format!("{path}.cap"), cap);
        }
    }

    if scheme.indicators.is_empty() {
        out.push(Problem::new("indicators", "indicators.empty", "至少需要一个指标"));
    }
    let mut sources = Seen::default();
    for (index, indicator) in scheme.indicators.iter().enumerate() {
        let path = format!("indicators[{index}]");
        id(&mut out, format!("{path}.id"), &indicator.id);
        if !groups.contains(indicator.group.as_str()) {
            out.push(Problem::new(
                format!("{path}.group"),
                "ref.unknown_group",
                format!("指标组“{}”不存在", indicator.group),
            ));
        }
        if let Some(dimension) = &indicator.dimension {
            if !dimensions.contains(dimension.as_str()) {
                out.push(Problem::new(
                    format!("{path}.dimension"),
                    "ref.unknown_dimension",
                    format!("维度“{dimension}”不存在"),
                ));
            }
        }
        let is_sources = matches!(indicator.method, Method::Sources { .. });
        if is_sources != (indicator.filled_by == FilledBy::Sources) {
            out.push(Problem::new(
                format!("{path}.filled_by"),
                "filled_by.sources",
                "评价来源类指标的填报人应为 sources，其他指标不可为 sources",
            ));
        }
        check_method(&mut out, &format!("{path}.method"), &indicator.method, &mut sources);
    }
    for (index, veto) in scheme.vetoes.iter().enumerate() {
        let path = format!("vetoes[{index}]");
        id(&mut out, format!("{path}.id"), &veto.id);
        match &veto.effect {
            VetoEffect::Zero => {}
            VetoEffect::TotalCap { points } => check_number(&mut out, &format!("{path}.effect.points"), *points),
            VetoEffect::GradeCap { grade } | VetoEffect::GradeSet { grade, .. } => {
                check_grade(&mut out, &format!("{path}.effect.grade"), grade, &scheme.grades);
            }
        }
    }
    for (index, coefficient) in scheme.coefficients.iter().enumerate() {
        let path = format!("coefficients[{index}]");
        id(&mut out, format!("{path}.id"), &coefficient.id);
        for (field, value) in [("min", coefficient.min), ("max", coefficient.max), ("default", coefficient.default)] {
            check_number(&mut out, &format!("{path}.{field}"), value);
        }
        if coefficient.min.is_zero()
            || coefficient.min > coefficient.default
            || coefficient.default > coefficient.max
            || coefficient.max > Decimal::from(10)
        {
            out.push(Problem::new(path, "coefficient.bounds", "系数须满足 0 < 下限 ≤ 默认值 ≤ 上限 ≤ 10"));
        }
    }
    for source in sources.iter() {
        if ids.contains(source) {
            out.push(Problem::new("indicators", "id.duplicate", format!("评价来源“{source}”与指标、否决项或系数重名")));
        }
    }
    let totals = &scheme.totals;
    for (field, value) in [
        ("bonus_cap", totals.bonus_cap),
        ("penalty_cap", totals.penalty_cap),
        ("max_total", totals.max_total),
        ("floor", Some(totals.floor)),
    ] {
        if let Some(value) = value {
            check_number(&mut out, &format!("totals.{field}"), value);
        }
    }
    let selectable = scheme.indicators.iter().filter(|indicator| indicator.selectable).count();
    match scheme.max_selected {
        Some(0) => out.push(Problem::new("max_selected", "max_selected.zero", "每人可选指标数至少为 1")),
        Some(_) if selectable == 0 => out.push(Problem::new(
            "max_selected",
            "max_selected.none_selectable",
            "规定了可选指标上限，但没有指标标为可选（selectable）",
        )),
        None if selectable > 0 => {
            out.push(Problem::new("max_selected", "max_selected.missing", "有可选指标时须规定每人最多选几项"))
        }
        _ => {}
    }
    check_bands(&mut out, "grades", &scheme.grades);
    let mut rollups = Seen::default();
    for (index, rollup) in scheme.rollups.iter().enumerate() {
        let path = format!("rollups[{index}]");
        check_id(&mut out, &format!("{path}.id"), &rollup.id);
        if !rollups.insert(rollup.id.as_str()) {
            out.push(Problem::new(format!("{path}.id"), "id.duplicate", format!("汇总规则“{}”重复", rollup.id)));
        }
        if rollup.parts.is_empty() {
            out.push(Problem::new(format!("{path}.parts"), "parts.empty", "汇总至少需要一个组成部分"));
        }
        let mut parts = Seen::default();
        let mut sum = Decimal::ZERO;
        for (part_index, part) in rollup.parts.iter().enumerate() {
            let part_path = format!("{path}.parts[{part_index}]");
            check_id(&mut out, &format!("{part_path}.id"), &part.id);
            if !parts.insert(part.id.as_str()) {
                out.push(Problem::new(format!("{part_path}.id"), "id.duplicate", format!("组成部分“{}”重复", part.id)));
            }
            check_number(&mut out, &format!("{part_path}.weight"), part.weight);
            sum += part.weight.min(SCHEME_LIMIT);
            if part.expected == 0 || part.expected > 366 {
                out.push(Problem::new(format!("{part_path}.expected"), "part.expected", "应有期数须为 1–366"));
            }
        }
        if !rollup.parts.is_empty() && sum != Decimal::ONE {
            out.push(Problem::new(format!("{path}.parts"), "weights.sum", format!("各部分权重之和为 {sum}，应为 1")));
        }
        check_bands(&mut out, &format!("{path}.grades"), &rollup.grades);
        for (award_index, award) in rollup.awards.iter().enumerate() {
            check_id(&mut out, &format!("{path}.awards[{award_index}].id"), &award.id);
            check_grade(&mut out, &format!("{path}.awards[{award_index}].grade"), &award.grade, &rollup.grades);
        }
    }
    out
}

/// A problem if the scheme has more than [`MAX_ITEMS`] keys, groups or sources.
fn too_large(scheme: &Scheme) -> Option<Problem> {
    let keys = scheme.indicators.len() + scheme.vetoes.len() + scheme.coefficients.len();
    let sources: usize = scheme
        .indicators
        .iter()
        .map(|indicator| match &indicator.method {
            Method::Sources { sources, .. } => sources.len(),
            _ => 0,
        })
        .sum();
    let (path, what, count) = if keys > MAX_ITEMS {
        ("indicators", "指标、否决项和系数", keys)
    } else if scheme.groups.len() > MAX_ITEMS {
        ("groups", "指标组", scheme.groups.len())
    } else if sources > MAX_ITEMS {
        ("indicators", "评价来源", sources)
    } else {
        return None;
    };
    Some(Problem::new(path, "scheme.too_large", format!("{what}共 {count} 个，最多 {MAX_ITEMS} 个")))
}

fn check_method(out: &mut Vec<Problem>, path: &str, method: &Method, sources: &mut Seen<String>) {
    match method {
        Method::Ratio { points, target, cap } => {
            check_number(out, &format!("{path}.points"), *points);
            check_number(out, &format!("{path}.target"), *target);
            if target.is_zero() {
                out.push(Problem::new(format!("{path}.target"), "ratio.target_zero", "目标值不能为 0"));
            }
            if let Some(cap) = cap {
                check_number(out, &format!("{path}.cap"), *cap);
            }
        }
        Method::Steps { steps } => {
            if steps.is_empty() {
                out.push(Problem::new(format!("{path}.steps"), "steps.empty", "档次表不能为空"));
            }
            for (index, step) in steps.iter().enumerate() {
                check_number(out, &format!("{path}.steps[{index}].min"), step.min);
                check_number(out, &format!("{path}.steps[{index}].points"), step.points);
                if index > 0 && step.min <= steps[index - 1].min {
                    out.push(Problem::new(
                        format!("{path}.steps[{index}].min"),
                        "steps.order",
                        "档次须按门槛从低到高排列，且门槛不重复",
                    ));
                }
            }
        }
        Method::PerUnit { points, cap } => {
            check_number(out, &format!("{path}.points"), *points);
            if let Some(cap) = cap {
                check_number(out, &format!("{path}.cap"), *cap);
            }
        }
        Method::Done { points } => check_number(out, &format!("{path}.points"), *points),
        Method::Rating { weight } => check_number(out, &format!("{path}.weight"), *weight),
        Method::Schedule { points, plan, yellow_within } => {
            check_number(out, &format!("{path}.points"), *points);
            check_number(out, &format!("{path}.yellow_within"), *yellow_within);
            if plan.len() != 12 {
                out.push(Problem::new(
                    format!("{path}.plan"),
                    "schedule.plan_length",
                    format!("时序进度表应有 12 个月，现有 {} 个", plan.len()),
                ));
            }
            for (index, share) in plan.iter().enumerate() {
                if *share < Decimal::ZERO || *share > Decimal::ONE_HUNDRED {
                    out.push(Problem::new(
                        format!("{path}.plan[{index}]"),
                        "schedule.plan_range",
                        "时序进度应在 0–100（%）之间",
                    ));
                }
                if index > 0 && *share < plan[index - 1] {
                    out.push(Problem::new(
                        format!("{path}.plan[{index}]"),
                        "schedule.plan_order",
                        "累计时序进度不能逐月下降",
                    ));
                }
            }
        }
        Method::Choice { options } => {
            if options.is_empty() {
                out.push(Problem::new(format!("{path}.options"), "choice.empty", "选项不能为空"));
            }
            let mut seen = Seen::default();
            for (index, option) in options.iter().enumerate() {
                check_id(out, &format!("{path}.options[{index}].id"), &option.id);
                if !seen.insert(option.id.as_str()) {
                    out.push(Problem::new(
                        format!("{path}.options[{index}].id"),
                        "id.duplicate",
                        format!("选项“{}”重复", option.id),
                    ));
                }
                check_number(out, &format!("{path}.options[{index}].points"), option.points);
            }
        }
        Method::Sources { points, sources: list, .. } => {
            check_number(out, &format!("{path}.points"), *points);
            if list.is_empty() {
                out.push(Problem::new(format!("{path}.sources"), "sources.empty", "至少需要一个评价来源"));
            }
            let mut sum = Decimal::ZERO;
            for (index, source) in list.iter().enumerate() {
                check_id(out, &format!("{path}.sources[{index}].id"), &source.id);
                if !sources.insert(source.id.clone()) {
                    out.push(Problem::new(
                        format!("{path}.sources[{index}].id"),
                        "id.duplicate",
                        format!("评价来源“{}”重复", source.id),
                    ));
                }
                check_number(out, &format!("{path}.sources[{index}].weight"), source.weight);
                sum += source.weight.min(SCHEME_LIMIT);
            }
            if !list.is_empty() && sum != Decimal::ONE {
                out.push(Problem::new(
                    format!("{path}.sources"),
                    "weights.sum",
                    format!("评价来源权重之和为 {sum}，应为 1"),
                ));
            }
        }
    }
}

fn check_bands(out: &mut Vec<Problem>, path: &str, bands: &[Band]) {
    if bands.is_empty() {
        out.push(Problem::new(path, "grades.empty", "至少需要一个等次"));
    }
    let mut seen = Seen::default();
    for (index, band) in bands.iter().enumerate() {
        let band_path = format!("{path}[{index}]");
        if band.grade.trim().is_empty() || !seen.insert(band.grade.as_str()) {
            out.push(Problem::new(format!("{band_path}.grade"), "grades.name", "等次名称不能为空或重复"));
        }
        check_number(out, &format!("{band_path}.min"), band.min);
        if index > 0 && band.min >= bands[index - 1].min {
            out.push(Problem::new(format!("{band_path}.min"), "grades.order", "等次须从高到低排列，分数线逐级降低"));
        }
        if let Some(quota) = band.quota {
            if quota <= Decimal::ZERO || quota > Decimal::ONE {
                out.push(Problem::new(format!("{band_path}.quota"), "quota.range", "等次比例应在 0–1 之间"));
            }
        }
    }
}

fn check_grade(out: &mut Vec<Problem>, path: &str, grade: &str, bands: &[Band]) {
    if !bands.iter().any(|band| band.grade == grade) {
        out.push(Problem::new(path, "ref.unknown_grade", format!("等次“{grade}”不在等次表中")));
    }
}

fn check_number(out: &mut Vec<Problem>, path: &str, value: Decimal) {
    if value.is_sign_negative() && !value.is_zero() {
        out.push(Problem::new(path, "number.negative", format!("{value} 不能为负数")));
    } else if value > SCHEME_LIMIT {
        out.push(Problem::new(path, "number.too_large", format!("{value} 超过上限 10 亿")));
    }
}

/// Ids start with an ASCII letter and continue with letters, digits, `_`, `-` or `.`, so an
/// id can never be mistaken for a number in a filing.
fn check_id(out: &mut Vec<Problem>, path: &str, id: &str) {
    let mut chars = id.chars();
    let ok = chars.next().is_some_and(|first| first.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        && id.len() <= 64;
    if !ok {
        out.push(Problem::new(
            path,
            "id.format",
            format!("编号“{id}”应以英文字母开头，只含字母、数字、_ - .，不超过 64 个字符"),
        ));
    }
}

fn check_date(out: &mut Vec<Problem>, path: &str, date: &str) -> bool {
    let bytes = date.as_bytes();
    let digits = |range: std::ops::Range<usize>| bytes[range].iter().all(u8::is_ascii_digit);
    let ok = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && digits(0..4)
        && digits(5..7)
        && digits(8..10)
        && (b"01".as_slice()..=b"12".as_slice()).contains(&&bytes[5..7])
        && (b"01".as_slice()..=b"31".as_slice()).contains(&&bytes[8..10]);
    if !ok {
        out.push(Problem::new(path, "date.format", format!("日期“{date}”应写作 YYYY-MM-DD")));
    }
    ok
}

/// Every problem that stops a filing from being submitted: unknown keys, wrong types,
/// values out of range, missing required inputs, too many selected indicators, adjustments
/// without a reason, work entries naming an unknown indicator or one whose method does not
/// count entries, or with a quantity that is not a decimal ≥ 0 (paths `entries[i].indicator`
/// and `entries[i].quantity`). A draft with problems still evaluates.
#[must_use]
pub fn validate_filing(scheme: &CompiledScheme, filing: &Filing) -> Vec<Problem> {
    check_filing(scheme, &View::of(filing))
}

/// [`validate_filing`] of filing JSON, without building a [`Filing`]: the same problems
/// as `validate_filing(scheme, &Filing::from_json(json)?)`. The phone's validation.
///
/// # Errors
/// [`Error::Json`] when the text is not a filing (as [`Filing::from_json`]).
pub fn validate_filing_json(scheme: &CompiledScheme, json: &str) -> Result<Vec<Problem>, Error> {
    let view = View::json(json).map_err(|error| Error::json("filing", &error))?;
    Ok(check_filing(scheme, &view))
}

#[allow(clippy::too_many_lines)] // a flat checklist reads best in one place
fn check_filing(scheme: &CompiledScheme, filing: &View<'_>) -> Vec<Problem> {
    let mut out = Vec::new();
    let settings = scheme.scheme();
    if let Some(id) = &filing.scheme {
        if id != &settings.id {
            out.push(Problem::new(
                "scheme",
                "filing.scheme_mismatch",
                format!("填报对应方案“{id}”，不是“{}”", settings.id),
            ));
        }
    }
    if let Some(version) = filing.version {
        if version != settings.version {
            out.push(Problem::new(
                "version",
                "filing.version_mismatch",
                format!("填报对应方案第 {version} 版，当前为第 {} 版", settings.version),
            ));
        }
    }
    match &filing.period {
        None => out.push(Problem::new("period", "period.missing", "须写明考核期")),
        Some(period) => match period_kind(period) {
            None => out.push(Problem::new("period", "period.format", format!("考核期“{period}”格式不对"))),
            Some(kind) if kind != settings.period => {
                out.push(Problem::new("period", "period.kind", format!("考核期“{period}”与方案的考核周期不符")))
            }
            Some(_) => {}
        },
    }
    // Without an empty-period rule the flag is ignored (and reported), as `evaluate` does.
    let empty = filing.nothing_to_report && settings.empty_period.is_some();
    if filing.nothing_to_report && settings.empty_period.is_none() {
        out.push(Problem::new("nothing_to_report", "nothing_to_report.not_allowed", "本方案不允许“本期无申报事项”"));
    }
    let selected: Option<Vec<&str>> = filing.selected.as_ref().map(|list| list.iter().map(|key| &**key).collect());
    if let Some(list) = &selected {
        let mut seen = Seen::default();
        for (index, key) in list.iter().enumerate() {
            let ok = scheme
                .slot(key)
                .is_some_and(|slot| slot < scheme.indicators.len() && scheme.indicators[slot].selectable);
            if !ok {
                out.push(Problem::new(
                    format!("selected[{index}]"),
                    "selected.unknown",
                    format!("“{key}”不是可选指标"),
                ));
            } else if !seen.insert(*key) {
                out.push(Problem::new(format!("selected[{index}]"), "selected.duplicate", format!("“{key}”重复选择")));
            }
        }
        match settings.max_selected {
            Some(max) if list.len() > max as usize => out.push(Problem::new(
                "selected",
                "selected.too_many",
                format!("选择了 {} 项指标，最多 {max} 项", list.len()),
            )),
            _ => {}
        }
    } else if let Some(max) = settings.max_selected {
        let with_values =
            scheme.indicators.iter().filter(|indicator| indicator.selectable && has_value(filing, indicator)).count();
        if with_values > max as usize {
            out.push(Problem::new(
                "selected",
                "selected.too_many",
                format!("填写了 {with_values} 项可选指标，最多 {max} 项"),
            ));
        }
    }
    for (key, value) in &filing.values {
        let path = format!("values.{key}");
        let Some(slot) = scheme.slot(key) else {
            out.push(Problem::new(path, "value.unknown", format!("“{key}”不是本方案的指标")));
            continue;
        };
        let indicators = scheme.indicators.len();
        let vetoes = scheme.vetoes.len();
        if slot < indicators {
            let indicator = &scheme.indicators[slot];
            if empty && indicator.own {
                out.push(Problem::new(
                    path.clone(),
                    "nothing_to_report.with_values",
                    format!("已选“本期无申报事项”，不应填写“{}”", indicator.name),
                ));
            }
            check_value(&mut out, &path, indicator.kind, &indicator.method, value);
        } else if slot < indicators + vetoes {
            if !matches!(value, Val::Bool(_)) {
                out.push(Problem::new(path, "value.type", "否决项应填 true（未通过）或 false（通过）"));
            }
        } else {
            let coefficient = &scheme.coefficients[slot - indicators - vetoes];
            match value {
                Val::Number(number) if (coefficient.min..=coefficient.max).contains(number) => {}
                Val::Number(_) => out.push(Problem::new(
                    path,
                    "value.range",
                    format!("{}系数应在 {}–{} 之间", coefficient.name, coefficient.min, coefficient.max),
                )),
                _ => out.push(Problem::new(path, "value.type", "系数应为数字")),
            }
        }
    }
    for indicator in &scheme.indicators {
        let counts = !indicator.selectable || selected.as_ref().is_some_and(|list| list.contains(&&*indicator.id));
        let exempt = empty && indicator.own;
        if indicator.required && counts && !exempt && indicator.sources.is_empty() && !has_value(filing, indicator) {
            out.push(Problem::new(
                format!("values.{}", indicator.id),
                "value.missing",
                format!("“{}”为必填项", indicator.name),
            ));
        }
    }
    for (key, score) in &filing.sources {
        let path = format!("sources.{key}");
        if scheme.source(key).is_none() {
            out.push(Problem::new(path, "source.unknown", format!("“{key}”不是本方案的评价来源")));
        } else if score.score < Decimal::ZERO || score.score > Decimal::ONE_HUNDRED {
            out.push(Problem::new(format!("{path}.score"), "source.range", "评价得分应在 0–100 之间"));
        }
    }
    for (index, adjustment) in filing.adjustments.iter().enumerate() {
        let path = format!("adjustments[{index}]");
        let indicator = scheme
            .slot(&adjustment.indicator)
            .filter(|slot| *slot < scheme.indicators.len())
            .map(|slot| &scheme.indicators[slot]);
        match indicator {
            None => out.push(Problem::new(
                format!("{path}.indicator"),
                "adjustment.unknown",
                format!("调整的指标“{}”不存在", adjustment.indicator),
            )),
            Some(indicator) => {
                let above = indicator.max.is_some_and(|max| adjustment.points > max);
                if adjustment.points < Decimal::ZERO || above {
                    out.push(Problem::new(
                        format!("{path}.points"),
                        "adjustment.range",
                        format!("调整分应在 0 到“{}”的满分之间", indicator.name),
                    ));
                }
            }
        }
        if adjustment.reason.trim().is_empty() {
            out.push(Problem::new(format!("{path}.reason"), "adjustment.reason_missing", "调整分数必须写明理由"));
        }
        if adjustment.by.trim().is_empty() {
            out.push(Problem::new(format!("{path}.by"), "adjustment.by_missing", "须写明调整人"));
        }
    }
    check_entries(&mut out, scheme, filing, empty);
    out
}

/// Whether the filing gives the indicator a value: in `values`, or by work entries its
/// method counts.
fn has_value(filing: &View<'_>, indicator: &CIndicator) -> bool {
    filing.value(indicator.id).is_some()
        || (indicator.entries != EntryRule::Ignored && filing.entries.iter().any(|(key, _)| **key == *indicator.id))
}

/// Work entries: a known indicator whose method counts entries, and a quantity that is a
/// decimal ≥ 0 (whole for a per-unit indicator). A value given beside entries is not a
/// problem (the value wins; `evaluate` warns).
fn check_entries(out: &mut Vec<Problem>, scheme: &CompiledScheme, filing: &View<'_>, empty: bool) {
    for (index, (key, quantity)) in filing.entries.iter().enumerate() {
        let path = format!("entries[{index}]");
        let Some(indicator) =
            scheme.slot(key).filter(|slot| *slot < scheme.indicators.len()).map(|slot| &scheme.indicators[slot])
        else {
            out.push(Problem::new(
                format!("{path}.indicator"),
                "entry.unknown",
                format!("工作记录关联的指标“{key}”不存在"),
            ));
            continue;
        };
        if indicator.entries == EntryRule::Ignored {
            out.push(Problem::new(
                format!("{path}.indicator"),
                "entry.not_countable",
                format!("“{}”不按工作记录计分，请直接填写", indicator.name),
            ));
        } else if empty && indicator.own {
            out.push(Problem::new(
                format!("{path}.indicator"),
                "nothing_to_report.with_values",
                format!("已选“本期无申报事项”，不应为“{}”填写工作记录", indicator.name),
            ));
        }
        let quantity = match quantity {
            None => continue,
            Some(Val::Number(number)) => *number,
            Some(_) => {
                out.push(Problem::new(format!("{path}.quantity"), "entry.quantity", "数量应为不小于 0 的数字"));
                continue;
            }
        };
        if quantity < Decimal::ZERO || quantity > LIMIT {
            out.push(Problem::new(format!("{path}.quantity"), "entry.quantity", "数量应为不小于 0 的数字"));
        } else if indicator.kind == SlotKind::Count && !quantity.is_integer() {
            out.push(Problem::new(
                format!("{path}.quantity"),
                "entry.integer",
                format!("“{}”按件计分，数量应为整数", indicator.name),
            ));
        }
    }
}

fn check_value(out: &mut Vec<Problem>, path: &str, kind: SlotKind, method: &Method, value: &Val<'_>) {
    let number = match value {
        Val::Number(number) => Some(*number),
        _ => None,
    };
    let range = |out: &mut Vec<Problem>, message: &str| {
        out.push(Problem::new(path, "value.range", message));
    };
    match kind {
        SlotKind::Number | SlotKind::Count => {
            let Some(number) = number else {
                out.push(Problem::new(path, "value.type", "应填写数字"));
                return;
            };
            if number.abs() > LIMIT {
                range(out, "数值过大");
            } else if kind == SlotKind::Count && !number.is_integer() {
                out.push(Problem::new(path, "value.integer", "应填写整数"));
            } else if matches!(method, Method::Rating { .. })
                && !(Decimal::ZERO..=Decimal::ONE_HUNDRED).contains(&number)
            {
                range(out, "评分应在 0–100 之间");
            } else if number < Decimal::ZERO && !matches!(method, Method::Steps { .. }) {
                range(out, "不能为负数");
            }
        }
        SlotKind::Bool => {
            if !matches!(value, Val::Bool(_)) {
                out.push(Problem::new(path, "value.type", "应填写 true（完成）或 false（未完成）"));
            }
        }
        SlotKind::Choice => {
            let known = match (value, method) {
                (Val::Text(text), Method::Choice { options }) => options.iter().any(|option| *option.id == **text),
                _ => false,
            };
            if !known {
                out.push(Problem::new(path, "choice.unknown_option", "不是可选的选项"));
            }
        }
        SlotKind::None => {
            out.push(Problem::new(path, "value.unknown", "评价来源类指标不在 values 中填写，应在 sources 中给出"));
        }
    }
}
