//! Period roll-up: month → quarter → half-year → year. A roll-up is a weighted mean of
//! parts; each part is the mean of its period results (Hengkou: quarterly results and
//! routine supervision 60 %, annual assessment 40 %).
//!
//! Rules, in order: a period marked `excluded` (nothing to report, rule `excluded`) lowers
//! the part's expected count instead of counting as missing; missing periods follow the
//! part's [`Missing`] rule; a part with nothing left is dropped and the other weights are
//! renormalised; each part's mean and the total are rounded half-up to the scheme's scale.
//! Ranking and quotas across people are not done here.

use crate::compile::CompiledScheme;
use crate::decimal::Decimal;
use crate::error::{Error, Problem};
use crate::evaluation::{Evaluation, SchemeRef};
use crate::explain::{Code, Line};
use crate::json::read::{Read, Reader};
use crate::json::Writer;
use crate::name::{owned, Name};
use crate::num::{add, div, lenient, mul, round};
use crate::scheme::Missing;
use serde::{Deserialize, Serialize};

/// The period results to roll up, and the awards that apply.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct RollUpInput {
    #[serde(default)]
    pub scores: Vec<PeriodScore>,
    /// Ids of the roll-up's awards that were earned (e.g. `"special_first"`).
    #[serde(default)]
    pub awards: Vec<String>,
}

/// One period's result, assigned to a part of the roll-up.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PeriodScore {
    /// The part id, e.g. `"quarters"`.
    pub part: String,
    /// The period, e.g. `"2023-Q2"`; each period counts once per part.
    pub period: String,
    #[serde(deserialize_with = "lenient::deserialize")]
    pub total: Decimal,
    /// The period had nothing to report and is left out.
    #[serde(default)]
    pub excluded: bool,
}

impl PeriodScore {
    /// A period score from an evaluation of this scheme.
    #[must_use]
    pub fn from_evaluation(part: &str, evaluation: &Evaluation) -> Self {
        Self {
            part: part.to_owned(),
            period: evaluation.period.clone().unwrap_or_default(),
            total: evaluation.total,
            excluded: evaluation.excluded_from_rollup,
        }
    }
}

/// The result of a roll-up.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct RollUpResult {
    pub scheme: SchemeRef,
    pub engine: Name,
    /// The roll-up id.
    pub rollup: String,
    pub total: Decimal,
    pub grade: Option<String>,
    pub outside_quota: bool,
    pub parts: Vec<PartResult>,
    pub lines: Vec<Line>,
}

/// One part of a roll-up.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PartResult {
    pub id: String,
    /// The part's mean; `None` when the part was dropped.
    pub mean: Option<Decimal>,
    pub present: u32,
    pub missing: u32,
    pub excluded: u32,
    /// The weight actually used (after renormalisation).
    pub weight: Decimal,
}

/// Rolls period results up by the scheme's roll-up `rollup`.
///
/// # Errors
/// [`Error::UnknownRollUp`] when the scheme has no such roll-up; [`Error::InvalidRollUp`]
/// listing every problem (unknown part or award, a period twice, more periods than
/// expected, a missing period under the `reject` rule, nothing to roll up).
#[allow(clippy::too_many_lines)] // one pass over the parts, then the total
pub fn roll_up(scheme: &CompiledScheme, rollup: &str, input: &RollUpInput) -> Result<RollUpResult, Error> {
    let scale = scheme.scale;
    let Some(rule) = scheme.scheme().rollups.iter().find(|candidate| candidate.id == rollup) else {
        return Err(Error::UnknownRollUp { id: rollup.to_owned() });
    };
    let mut problems = Vec::new();
    for (index, score) in input.scores.iter().enumerate() {
        if !rule.parts.iter().any(|part| part.id == score.part) {
            problems.push(Problem::new(
                format!("scores[{index}].part"),
                "rollup.unknown_part",
                format!("汇总规则没有“{}”部分", score.part),
            ));
        }
    }
    for (index, award) in input.awards.iter().enumerate() {
        if !rule.awards.iter().any(|candidate| &candidate.id == award) {
            problems.push(Problem::new(
                format!("awards[{index}]"),
                "rollup.unknown_award",
                format!("汇总规则没有“{award}”奖项"),
            ));
        }
    }
    let mut lines = Vec::new();
    let mut parts = Vec::with_capacity(rule.parts.len());
    let mut weighted = Decimal::ZERO;
    let mut weights = Decimal::ZERO;
    for part in &rule.parts {
        let id: Name = owned(&part.id);
        let name: Name = owned(&part.name);
        // A list, not a set: a part has a handful of periods.
        let mut periods: Vec<&str> = Vec::new();
        let (mut sum, mut present, mut excluded) = (Decimal::ZERO, 0u32, 0u32);
        for (index, score) in input.scores.iter().enumerate().filter(|(_, score)| score.part == part.id) {
            if periods.contains(&score.period.as_str()) {
                problems.push(Problem::new(
                    format!("scores[{index}].period"),
                    "rollup.duplicate_period",
                    format!("“{}”的 {} 重复", part.name, score.period),
                ));
                continue;
            }
            periods.push(&score.period);
            if score.excluded {
                excluded += 1;
            } else {
                present += 1;
                sum = add(sum, score.total);
            }
        }
        if present + excluded > part.expected {
            problems.push(Problem::new(
                format!("parts.{}", part.id),
                "rollup.too_many",
                format!("“{}”应有 {} 期，给了 {} 期", part.name, part.expected, present + excluded),
            ));
        }
        let expected = part.expected.saturating_sub(excluded);
        let missing = expected.saturating_sub(present);
        if excluded > 0 {
            lines.push(Line::about(Code::PartExcluded, &id, &name).args(&[Decimal::from(excluded)]));
        }
        let mean = match part.missing {
            _ if expected == 0 => None,
            Missing::Zero => {
                if missing > 0 {
                    lines.push(Line::about(Code::PartMissingZero, &id, &name).args(&[Decimal::from(missing)]));
                }
                Some(div(sum, Decimal::from(expected)))
            }
            Missing::MeanOfPresent if present == 0 => None,
            Missing::MeanOfPresent => {
                if missing > 0 {
                    lines.push(Line::about(Code::PartMissingMean, &id, &name).args(&[Decimal::from(missing)]));
                }
                Some(div(sum, Decimal::from(present)))
            }
            Missing::Reject => {
                if missing > 0 {
                    problems.push(Problem::new(
                        format!("parts.{}", part.id),
                        "rollup.missing",
                        format!("“{}”缺 {missing} 期，本汇总规则不允许缺期", part.name),
                    ));
                }
                Some(div(sum, Decimal::from(present.max(1))))
            }
        };
        let mean = mean.map(|mean| round(mean, scale));
        match mean {
            Some(mean) => {
                weighted = add(weighted, mul(mean, part.weight));
                weights = add(weights, part.weight);
                lines.push(Line::about(Code::PartMean, &id, &name).points(mean).args(&[
                    Decimal::from(present),
                    Decimal::from(expected),
                    part.weight,
                ]));
            }
            None => lines.push(Line::about(Code::PartDropped, &id, &name).args(&[part.weight])),
        }
        parts.push(PartResult { id: part.id.clone(), mean, present, missing, excluded, weight: part.weight });
    }
    if weights.is_zero() && problems.is_empty() {
        problems.push(Problem::new("scores", "rollup.empty", "没有任何可汇总的结果"));
    }
    if !problems.is_empty() {
        return Err(Error::InvalidRollUp { problems });
    }
    for part in &mut parts {
        part.weight = if part.mean.is_some() { div(part.weight, weights) } else { Decimal::ZERO };
    }
    let unrounded = div(weighted, weights);
    let total = round(unrounded, scale);
    lines.push(Line::new(Code::RollUpTotal).points(total).args(&[unrounded, Decimal::from(scale)]));
    let mut band = rule.grades.iter().find(|band| total >= band.min);
    match band {
        Some(found) => lines.push(Line::new(Code::Grade).points(total).note(&owned(&found.grade)).args(&[found.min])),
        None => lines.push(Line::new(Code::GradeNone).points(total)),
    }
    let mut outside_quota = false;
    if let Some(award) = rule.awards.iter().find(|award| input.awards.contains(&award.id)) {
        lines.push(
            Line::about(Code::Award, &owned(&award.id), &owned(&award.name))
                .note(&owned(&award.grade))
                .args(&[Decimal::from(u8::from(award.outside_quota))]),
        );
        band = rule.grades.iter().find(|band| band.grade == award.grade);
        outside_quota = award.outside_quota;
    }
    Ok(RollUpResult {
        scheme: scheme.reference().clone(),
        engine: scheme.engine.clone(),
        rollup: rule.id.clone(),
        total,
        grade: band.map(|band| band.grade.clone()),
        outside_quota,
        parts,
        lines,
    })
}

impl RollUpInput {
    /// Reads a roll-up input from JSON: `{"scores": [{"part", "period", "total",
    /// "excluded"?}], "awards": [ids]}`, both lists optional; a total is a decimal string or
    /// a number, as in filings.
    ///
    /// # Errors
    /// [`Error::Json`] when the text is not a roll-up input.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        read_input(json).map_err(|error| Error::json("rollup", &error))
    }
}

fn read_input(json: &str) -> Read<RollUpInput> {
    let mut r = Reader::new(json);
    let mut input = RollUpInput::default();
    let (mut scores_seen, mut awards_seen) = (false, false);
    let mut members = r.object()?;
    while let Some(key) = members.next(&mut r)? {
        match &*key {
            "scores" if !scores_seen => {
                scores_seen = true;
                let mut elements = r.array()?;
                while elements.next(&mut r)? {
                    input.scores.push(period_score(&mut r)?);
                }
            }
            "awards" if !awards_seen => {
                awards_seen = true;
                let mut elements = r.array()?;
                while elements.next(&mut r)? {
                    input.awards.push(r.string()?.into_owned());
                }
            }
            "scores" | "awards" => return r.fail(format!("duplicate field `{key}`")),
            _ => r.skip()?,
        }
    }
    r.finish()?;
    Ok(input)
}

fn period_score(r: &mut Reader<'_>) -> Read<PeriodScore> {
    let (mut part, mut period, mut total, mut excluded) = (None, None, None, None);
    let mut members = r.object()?;
    while let Some(key) = members.next(r)? {
        let fresh = match &*key {
            "part" => part.is_none(),
            "period" => period.is_none(),
            "total" => total.is_none(),
            "excluded" => excluded.is_none(),
            _ => {
                r.skip()?;
                continue;
            }
        };
        if !fresh {
            return r.fail(format!("duplicate field `{key}`"));
        }
        match &*key {
            "part" => part = Some(r.string()?.into_owned()),
            "period" => period = Some(r.string()?.into_owned()),
            "total" => total = Some(crate::filing::read::lenient(r)?),
            _ => excluded = Some(r.bool()?),
        }
    }
    match (part, period, total) {
        (Some(part), Some(period), Some(total)) => {
            Ok(PeriodScore { part, period, total, excluded: excluded.unwrap_or_default() })
        }
        _ => r.fail("a period score needs part, period and total"),
    }
}

impl RollUpResult {
    /// The result as JSON (what serde's derive writes), every line with its `"text"`.
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut out = Writer::with_capacity(256 + 160 * self.lines.len());
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
        out.key("rollup");
        out.string(&self.rollup);
        out.key("total");
        out.decimal(self.total);
        out.key("grade");
        out.optional(self.grade.as_deref(), Writer::string);
        out.key("outside_quota");
        out.bool(self.outside_quota);
        out.key("parts");
        out.begin_array();
        for part in &self.parts {
            out.begin_object();
            out.key("id");
            out.string(&part.id);
            out.key("mean");
            out.optional(part.mean, Writer::decimal);
            for (key, count) in [("present", part.present), ("missing", part.missing), ("excluded", part.excluded)] {
                out.key(key);
                out.u64(u64::from(count));
            }
            out.key("weight");
            out.decimal(part.weight);
            out.end_object();
        }
        out.end_array();
        out.key("lines");
        out.begin_array();
        for line in &self.lines {
            crate::evaluation::write_line(&mut out, line);
        }
        out.end_array();
        out.end_object();
        out.finish()
    }
}
