//! Reading filing JSON, once, for both of its destinations: the evaluator's slots
//! ([`crate::CompiledScheme::evaluate_json`], no maps or owned strings) and an owned
//! [`Filing`] ([`Filing::from_json`]). Both go through [`read`] with their own [`Sink`],
//! so they accept exactly the same documents.
//!
//! Numbers in `values`, quantities, scores and points: a JSON integer is read exactly; a
//! number with a fraction or an exponent is read as the decimal it spells when that has at
//! most [`JSON_NUMBER_DIGITS`] significant digits and at most 18 digits written out (what
//! survives serde's trip through `f64` unchanged, so the app's and server's serde path
//! agrees); a longer one is unusable ([`Raw::Bad`]: an invalid value in `values`, an error
//! for a score or points). Prefer strings (`"92.5"`): they are always exact.

use super::{Adjustment, Entry, Filing, SourceScore, Value};
use crate::decimal::Decimal;
use crate::json::read::{Number, Read, Reader, Scalar};
use crate::json::JsonError;
use crate::num::{parse_decimal, JSON_NUMBER_DIGITS};
use std::borrow::Cow;

/// A value as read, before it is checked against what its slot expects.
#[derive(Clone, Debug)]
pub(crate) enum Raw<'a> {
    Null,
    Bool(bool),
    Number(Decimal),
    Text(Cow<'a, str>),
    /// A JSON number the engine cannot read exactly (see the module comment).
    Bad,
}

/// What a reader of filings does with each part.
pub(crate) trait Sink<'a> {
    fn scheme(&mut self, id: Option<Cow<'a, str>>);
    fn version(&mut self, version: Option<u32>);
    fn period(&mut self, period: Option<Cow<'a, str>>);
    fn value(&mut self, key: Cow<'a, str>, value: Raw<'a>);
    fn source(&mut self, key: Cow<'a, str>, score: SourceScore);
    fn selected(&mut self, keys: Vec<Cow<'a, str>>);
    fn nothing_to_report(&mut self, flag: bool);
    fn adjustment(&mut self, indicator: Cow<'a, str>, points: Decimal, reason: Cow<'a, str>, by: Cow<'a, str>);
    /// `quantity` is `None` when absent or `null`.
    fn entry(&mut self, indicator: Cow<'a, str>, quantity: Option<Raw<'a>>);

    /// The `values` object, member by member into [`Sink::value`]; a sink may read it a
    /// faster way as long as it accepts exactly the same text.
    fn values(&mut self, reader: &mut Reader<'a>) -> Read<()> {
        let mut values = reader.object()?;
        while let Some(key) = values.next(reader)? {
            let value = raw(reader)?;
            self.value(key, value);
        }
        Ok(())
    }
}

/// Reads filing JSON into `sink`.
pub(crate) fn read<'a>(json: &'a str, sink: &mut dyn Sink<'a>) -> Result<(), JsonError> {
    let mut reader = Reader::new(json);
    if reader.peek() != Some(b'{') {
        return reader.fail("expected a filing object");
    }
    let mut members = reader.object()?;
    loop {
        // What the phone sends on every keystroke, matched byte for byte first.
        if members.expected_key(&mut reader, "\"period\":") {
            sink.period(reader.nullable(Reader::string)?);
            continue;
        }
        if members.expected_key(&mut reader, "\"values\":") {
            sink.values(&mut reader)?;
            continue;
        }
        let Some(key) = members.next(&mut reader)? else {
            break;
        };
        match &*key {
            "scheme" => sink.scheme(reader.nullable(Reader::string)?),
            "version" => sink.version(reader.nullable(Reader::u32)?),
            "period" => sink.period(reader.nullable(Reader::string)?),
            "values" => sink.values(&mut reader)?,
            "sources" => {
                let mut sources = reader.object()?;
                while let Some(key) = sources.next(&mut reader)? {
                    let score = source_score(&mut reader)?;
                    sink.source(key, score);
                }
            }
            "selected" => {
                let mut keys = Vec::new();
                let mut elements = reader.array()?;
                while elements.next(&mut reader)? {
                    keys.push(reader.string()?);
                }
                sink.selected(keys);
            }
            "nothing_to_report" => sink.nothing_to_report(reader.bool()?),
            "adjustments" => {
                let mut elements = reader.array()?;
                while elements.next(&mut reader)? {
                    adjustment(&mut reader, sink)?;
                }
            }
            "entries" => {
                let mut elements = reader.array()?;
                while elements.next(&mut reader)? {
                    entry(&mut reader, sink)?;
                }
            }
            _ => reader.skip()?,
        }
    }
    reader.finish()
}

/// A value in `values`: null, a boolean, a number or a string.
pub(crate) fn raw<'a>(reader: &mut Reader<'a>) -> Read<Raw<'a>> {
    Ok(match reader.scalar()? {
        Scalar::Null => Raw::Null,
        Scalar::Bool(flag) => Raw::Bool(flag),
        Scalar::Number(number) => number_value(number).map_or(Raw::Bad, Raw::Number),
        Scalar::Text(text) => Raw::Text(text),
    })
}

/// A JSON number as a decimal, by the rule in the module comment.
pub(crate) fn number_value(number: Number<'_>) -> Option<Decimal> {
    if number.integer {
        if let Ok(value) = number.text.parse::<i64>() {
            return Some(Decimal::from(value));
        }
        if let Ok(value) = number.text.parse::<u64>() {
            return Some(Decimal::from(value));
        }
    }
    let parts = number.parts();
    let Some((digits, power)) = parts.significant(JSON_NUMBER_DIGITS) else {
        // No significant digit: zero; too many: unusable.
        return parts.exponent().is_none().then_some(Decimal::ZERO);
    };
    // Written out in plain form (as `f64` prints it), at most 18 digits.
    let length = digits.checked_ilog10().unwrap_or(0) as i64 + 1;
    let written = if power >= 0 { length + power } else { length.max(-power + 1) };
    if written > 18 {
        return None;
    }
    let magnitude = digits as i64;
    let signed = if number.is_negative() { -magnitude } else { magnitude };
    Some(if power >= 0 {
        Decimal::from(signed * 10i64.pow(power as u32))
    } else {
        Decimal::new(signed, (-power) as u32)
    })
}

/// A decimal written as a string (a plain decimal) or a number (scores, points, totals).
pub(crate) fn lenient(reader: &mut Reader<'_>) -> Read<Decimal> {
    match reader.scalar()? {
        Scalar::Text(text) => parse_decimal(&text).map_or_else(|| reader.fail("not a plain decimal"), Ok),
        Scalar::Number(number) => number_value(number).map_or_else(|| reader.fail("number out of range"), Ok),
        _ => reader.fail("expected a decimal"),
    }
}

fn source_score(reader: &mut Reader<'_>) -> Read<SourceScore> {
    let (mut score, mut n) = (None, None);
    let mut members = reader.object()?;
    while let Some(key) = members.next(reader)? {
        match &*key {
            "score" if score.is_none() => score = Some(lenient(reader)?),
            "n" if n.is_none() => n = Some(reader.u32()?),
            "score" | "n" => return reader.fail("duplicate field"),
            _ => reader.skip()?,
        }
    }
    match (score, n) {
        (Some(score), Some(n)) => Ok(SourceScore { score, n }),
        _ => reader.fail("a source score needs score and n"),
    }
}

fn adjustment<'a>(reader: &mut Reader<'a>, sink: &mut dyn Sink<'a>) -> Read<()> {
    let (mut indicator, mut points, mut reason, mut by) = (None, None, None, None);
    let mut members = reader.object()?;
    while let Some(key) = members.next(reader)? {
        let field = match &*key {
            "points" if points.is_none() => {
                points = Some(lenient(reader)?);
                continue;
            }
            "indicator" => &mut indicator,
            "reason" => &mut reason,
            "by" => &mut by,
            "points" => return reader.fail("duplicate field"),
            _ => {
                reader.skip()?;
                continue;
            }
        };
        if field.is_some() {
            return reader.fail("duplicate field");
        }
        *field = Some(reader.string()?);
    }
    match (indicator, points, reason, by) {
        (Some(indicator), Some(points), Some(reason), Some(by)) => {
            sink.adjustment(indicator, points, reason, by);
            Ok(())
        }
        _ => reader.fail("an adjustment needs indicator, points, reason and by"),
    }
}

fn entry<'a>(reader: &mut Reader<'a>, sink: &mut dyn Sink<'a>) -> Read<()> {
    let (mut indicator, mut quantity) = (None, None);
    let mut members = reader.object()?;
    while let Some(key) = members.next(reader)? {
        match &*key {
            "indicator" if indicator.is_none() => indicator = Some(reader.string()?),
            "quantity" if quantity.is_none() => quantity = Some(raw(reader)?),
            "indicator" | "quantity" => return reader.fail("duplicate field"),
            _ => reader.skip()?,
        }
    }
    let Some(indicator) = indicator else {
        return reader.fail("an entry needs an indicator");
    };
    // `null` and an absent quantity are the same (serde reads both as `None`).
    sink.entry(indicator, quantity.filter(|raw| !matches!(raw, Raw::Null)));
    Ok(())
}

/// Builds an owned [`Filing`]. Values that are `null` are left out (a filing's values
/// have no null); an unusable number is kept as its text, which reads as invalid again.
#[derive(Default)]
pub(crate) struct Owned {
    pub filing: Filing,
    /// Values in document order; the last one per key counts (`null` removes), which is
    /// settled in [`Owned::finish`] without removing from the map (the tree's removal
    /// code was 2.5 KB of the WebAssembly module).
    values: Vec<(String, Option<Value>)>,
}

impl Owned {
    pub(crate) fn finish(mut self) -> Filing {
        // From the end: the first time a key is met is its last occurrence.
        let mut seen: Vec<String> = Vec::new();
        while let Some((key, value)) = self.values.pop() {
            if seen.contains(&key) {
                continue;
            }
            if let Some(value) = value {
                self.filing.values.insert(key.clone(), value);
            }
            seen.push(key);
        }
        self.filing
    }
}

fn owned_value(raw: Raw<'_>, text: impl FnOnce() -> String) -> Option<Value> {
    match raw {
        Raw::Null => None,
        Raw::Bool(flag) => Some(Value::Bool(flag)),
        Raw::Number(number) => Some(Value::Number(number)),
        Raw::Text(text) => Some(Value::from(&*text)),
        Raw::Bad => Some(Value::Text(text())),
    }
}

impl<'a> Sink<'a> for Owned {
    fn scheme(&mut self, id: Option<Cow<'a, str>>) {
        self.filing.scheme = id.map(Cow::into_owned);
    }

    fn version(&mut self, version: Option<u32>) {
        self.filing.version = version;
    }

    fn period(&mut self, period: Option<Cow<'a, str>>) {
        self.filing.period = period.map(Cow::into_owned);
    }

    fn value(&mut self, key: Cow<'a, str>, value: Raw<'a>) {
        self.values.push((key.into_owned(), owned_value(value, || super::view::UNREADABLE.to_owned())));
    }

    fn source(&mut self, key: Cow<'a, str>, score: SourceScore) {
        self.filing.sources.insert(key.into_owned(), score);
    }

    fn selected(&mut self, keys: Vec<Cow<'a, str>>) {
        self.filing.selected = Some(keys.into_iter().map(Cow::into_owned).collect());
    }

    fn nothing_to_report(&mut self, flag: bool) {
        self.filing.nothing_to_report = flag;
    }

    fn adjustment(&mut self, indicator: Cow<'a, str>, points: Decimal, reason: Cow<'a, str>, by: Cow<'a, str>) {
        self.filing.adjustments.push(Adjustment {
            indicator: indicator.into_owned(),
            points,
            reason: reason.into_owned(),
            by: by.into_owned(),
        });
    }

    fn entry(&mut self, indicator: Cow<'a, str>, quantity: Option<Raw<'a>>) {
        let quantity = quantity.and_then(|raw| owned_value(raw, || super::view::UNREADABLE.to_owned()));
        self.filing.entries.push(Entry { indicator: indicator.into_owned(), quantity });
    }
}

#[cfg(test)]
mod tests {
    use super::number_value;
    use crate::json::read::Reader;

    fn value(text: &str) -> Option<String> {
        number_value(Reader::new(text).number().unwrap()).map(|value| value.to_string())
    }

    #[test]
    fn json_numbers_read_as_the_decimal_they_spell_when_a_float_keeps_it() {
        assert_eq!(value("95").as_deref(), Some("95"));
        assert_eq!(value("-0").as_deref(), Some("0"));
        assert_eq!(value("95.50").as_deref(), Some("95.5"), "as the float prints it");
        assert_eq!(value("5e1").as_deref(), Some("50"));
        assert_eq!(value("1.25E-2").as_deref(), Some("0.0125"));
        assert_eq!(value("-0.0").as_deref(), Some("0"));
        assert_eq!(value("18446744073709551615").as_deref(), Some("18446744073709551615"));
        assert_eq!(value("0.30000000000000004"), None, "17 significant digits");
        assert_eq!(value("1e17").as_deref(), Some("100000000000000000"));
        assert_eq!(value("1e18"), None, "19 digits written out");
        assert_eq!(value("1e-17").as_deref(), Some("0.00000000000000001"));
        assert_eq!(value("1e-18"), None);
        assert_eq!(value("0e-999").as_deref(), Some("0"));
    }

    mod shapes {
        use crate::CompiledScheme;

        const SCHEME: &str = include_str!("../../schemes/s1-hanbin-staff-monthly.json");

        fn total(json: &str) -> Result<String, String> {
            let scheme = CompiledScheme::from_json(SCHEME).unwrap();
            scheme.evaluate_json(json).map(|result| result.total.to_string()).map_err(|error| error.to_string())
        }

        #[test]
        fn valid_json_in_every_shape_reads() {
            assert_eq!(total(r#" { "values" : { "tasks" : "50" } } "#).unwrap(), "20.00");
            assert_eq!(total(r#"{"values":{"tasks":5e1}}"#).unwrap(), "20.00");
            assert_eq!(total(r#"{"values":{"tasks":50.0}}"#).unwrap(), "20.00");
            assert_eq!(total(r#"{"values":{"t\u0061sks":"50"}}"#).unwrap(), "20.00");
            assert_eq!(
                total(r#"{"other":{"a":[1,{"b":null}],"c":"\ud83d\ude00\n"},"values":{"tasks":50}}"#).unwrap(),
                "20.00"
            );
            assert_eq!(total(r#"{"values":{},"selected":[],"adjustments":[],"sources":{}}"#).unwrap(), "0.00");
            assert_eq!(
                total(r#"{"adjustments":[{"indicator":"tasks","points":12.5,"reason":"\"复核\"","by":"王","x":[1]}]}"#)
                    .unwrap(),
                "12.50"
            );
        }

        /// The evaluator reads `values` its own fast way; `Filing::from_json` the general way.
        /// Both must accept the same text, report the same error and read the same values.
        #[test]
        fn the_fast_values_reader_reads_as_the_general_one() {
            let scheme = CompiledScheme::from_json(SCHEME).unwrap();
            let values = [
                r#""tasks":"95","attendance":true,"quality":"88","study":7"#,
                r#""study":7,"quality":"88","tasks":"95","attendance":true,"tasks":"50""#,
                r#""tasks":95,"tasks":null,"attendance":false,"unknown":1,"late":"x""#,
                r#""tasks":0,"late":01"#,
                r#""tasks":1.5"#,
                r#""tasks":1e2"#,
                r#""tasks":-1"#,
                r#""tasks":7 ,"late":3"#,
                r#""tasks" :7"#,
                r#""tasks":7,"late":123456789012345678"#,
                r#""tasks":7,"late":1234567890123456789"#,
                r#""late":99999999999999999999999"#,
                r#""attendance":truex"#,
                r#""attendance":fals"#,
                r#""attendance":true]"#,
                r#""tasks":7]"#,
                r#""t\u0061sks":"9\u0035","quality":"8\"8""#,
                r#""quality":"中文","tasks":"","late":"1.0""#,
                r#""tasks":[7]"#,
                r#""tasks":{"a":1}"#,
                r#""tasks":7,"#,
                r#""tasks":7"#,
            ];
            for inner in values {
                for doc in [
                    format!(r#"{{"values":{{{inner}}}}}"#),
                    format!(r#"{{"period":"2024-03","values":{{{inner}}},"x":1}}"#),
                ] {
                    let fast = scheme.evaluate_json(&doc);
                    let general = crate::Filing::from_json(&doc).and_then(|filing| crate::evaluate(&scheme, &filing));
                    // An owned filing's values are a sorted map: its warnings come in key
                    // order, the JSON path's in document order.
                    let sorted = |result: &crate::Evaluation| {
                        let mut result = result.clone();
                        result.warnings.sort_by_key(|warning| (warning.code.as_str(), warning.text()));
                        result
                    };
                    match (&fast, &general) {
                        (Ok(fast), Ok(general)) => {
                            assert!(sorted(fast) == sorted(general), "{doc}: {:?}", fast.differences(general));
                        }
                        (Err(fast), Err(general)) => assert_eq!(fast, general, "{doc}"),
                        _ => panic!("{doc}: {fast:?} ≠ {general:?}"),
                    }
                }
            }
        }

        #[test]
        fn anything_that_is_not_json_is_an_error() {
            for bad in [
                "",
                "[]",
                "null",
                "{",
                "{}x",
                r#"{"values":{"tasks":01}}"#,
                r#"{"values":{"tasks":1.}}"#,
                r#"{"values":{"tasks":.5}}"#,
                r#"{"values":{"tasks":+1}}"#,
                r#"{"values":{"tasks":1,}}"#,
                r#"{"values":{"tasks":"a\qb"}}"#,
                r#"{"values":{"tasks":"\ud800"}}"#,
                r#"{"values":{"tasks":"\udc00"}}"#,
                "{\"values\":{\"tasks\":\"a\u{1}b\"}}",
                r#"{"values":{"tasks":1e999}}"#,
                r#"{"values":{"tasks":[1]}}"#,
                r#"{"version":-1}"#,
                r#"{"version":1.5}"#,
                r#"{"version":4294967296}"#,
                r#"{"nothing_to_report":1}"#,
                r#"{"sources":{"leader":{"score":"90"}}}"#,
                r#"{"adjustments":[{"indicator":"tasks"}]}"#,
                r#"{"values":{"tasks":tru}}"#,
                r#"{'values':{}}"#,
            ] {
                assert!(total(bad).is_err(), "{bad:?} should not read");
            }
            let deep = format!("{{\"x\":{}{}}}", "[".repeat(200), "]".repeat(200));
            assert!(total(&deep).is_err(), "nesting is limited");
            let fine = format!("{{\"x\":{}{}}}", "[".repeat(100), "]".repeat(100));
            assert!(total(&fine).is_ok());
        }
    }
}
