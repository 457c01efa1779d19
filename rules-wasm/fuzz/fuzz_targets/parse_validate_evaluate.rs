//! Parse + validate + evaluate with arbitrary bytes: as a filing for each of the five
//! golden schemes, as a roll-up input, and as a scheme (evaluated and turned into a form
//! when it compiles). Any panic is a crash, and so is any disagreement between the
//! engine's own JSON readers and writers and serde_json, the reference they replace:
//! - the engine never accepts text serde_json rejects as JSON;
//! - its two filing paths (`evaluate_json`, `Filing::from_json` + `evaluate`) give the same
//!   total, items and explanation, and serde's `Filing` (the app's and server's path) the same total and items
//!   whenever every number in the text survives a binary float (≤ 15 significant digits,
//!   modest exponents: beyond that serde sees only the float, the engine the digits);
//! - the scheme reader never accepts what serde rejects and reads the same scheme; the
//!   canonical text, results, forms and roll-ups are written byte for byte as serde writes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rules_wasm::{CompiledScheme, Filing, RollUpInput, Scheme, Scratch};
use std::cell::RefCell;
use std::sync::OnceLock;

const SCHEMES: [&str; 5] = [
    include_str!("../../schemes/s1-hanbin-staff-monthly.json"),
    include_str!("../../schemes/s2-hengkou-dept-quarterly.json"),
    include_str!("../../schemes/s3-lvyuan-midlevel-halfyear.json"),
    include_str!("../../schemes/s4-wanzhou-head-monthly-street.json"),
    include_str!("../../schemes/s5-quzhou-cadre-quarterly.json"),
];

fn compiled() -> &'static [CompiledScheme] {
    static CELL: OnceLock<Vec<CompiledScheme>> = OnceLock::new();
    CELL.get_or_init(|| SCHEMES.iter().map(|json| CompiledScheme::from_json(json).unwrap()).collect())
}

/// Whether every JSON number outside strings has at most 15 significant digits and an
/// exponent within ±300 (what a binary float carries unchanged).
fn numbers_survive_floats(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len() && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    i += 1;
                }
                let token = &text[start..i];
                let (mantissa, exponent) = token.split_once(['e', 'E']).unwrap_or((token, "0"));
                let digits = mantissa.trim_matches(|c: char| !c.is_ascii_digit() || c == '0').replace('.', "");
                let exponent = exponent.trim_start_matches('+').parse::<i64>().unwrap_or(i64::MAX);
                if digits.len() > 15 || exponent.abs() > 300 {
                    return false;
                }
            }
            _ => i += 1,
        }
    }
    true
}

thread_local! {
    /// One scratch for every input, as the phone keeps one per form: whatever an earlier
    /// input (a failed one included) left in it must not change a later result.
    static KEPT: RefCell<Scratch> = RefCell::new(Scratch::new());
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let is_json = serde_json::from_str::<serde_json::Value>(text).is_ok();
    let comparable = numbers_survive_floats(text);
    for scheme in compiled() {
        let fast = scheme.evaluate_json(text);
        if let Ok(result) = &fast {
            assert!(is_json, "the filing reader accepted text serde_json rejects");
            assert_eq!(result.to_json(), serde_json::to_string(result).unwrap(), "result JSON differs");
        }
        // The keystroke path with the kept scratch: the same result, the same sentences.
        KEPT.with_borrow_mut(|kept| match (scheme.evaluate_json_into(text, kept), &fast) {
            (Ok(outcome), Ok(result)) => {
                assert_eq!(&outcome.to_evaluation(), result, "a reused scratch changed the result of {text:?}");
                for (record, line) in outcome.lines().iter().zip(&result.lines) {
                    assert_eq!(outcome.line_text(record), line.text());
                }
                for (notice, warning) in outcome.warnings().zip(&result.warnings) {
                    assert_eq!(outcome.warning_text(notice), warning.text());
                }
            }
            (Err(ours), Err(theirs)) => assert_eq!(&ours, theirs),
            _ => panic!("the fast path and evaluate_json disagree on {text:?}"),
        });
        let problems = Filing::from_json(text).map(|filing| rules_wasm::validate_filing(scheme, &filing));
        assert_eq!(problems, rules_wasm::validate_filing_json(scheme, text), "the two validations disagree on {text:?}");
        if let Ok(filing) = Filing::from_json(text) {
            assert!(is_json, "Filing::from_json accepted text serde_json rejects");
            // Same reader, so the same outcome; warnings may come in another order (the
            // owned filing's values are sorted by key) and repeated keys warn only once.
            match (rules_wasm::evaluate(scheme, &filing), &fast) {
                (Ok(owned), Ok(fast)) => {
                    assert_eq!((&owned.total, &owned.items, &owned.lines), (&fast.total, &fast.items, &fast.lines));
                }
                (Err(_), Err(_)) => {}
                _ => panic!("the engine's two filing paths disagree on {text:?}"),
            }
        }
        if let Ok(filing) = serde_json::from_str::<Filing>(text) {
            let _ = rules_wasm::validate_filing(scheme, &filing);
            let slow = rules_wasm::evaluate(scheme, &filing);
            if let (Ok(fast), Ok(slow), true) = (&fast, &slow, comparable) {
                assert_eq!(fast.total, slow.total, "serde's Filing disagrees on {text:?}");
                assert_eq!(fast.items, slow.items, "serde's Filing disagrees on {text:?}");
            }
        }
        let ours = RollUpInput::from_json(text);
        if let Ok(input) = serde_json::from_str::<RollUpInput>(text) {
            if comparable {
                if let Ok(ours) = &ours {
                    assert_eq!(ours, &input, "roll-up readers disagree on {text:?}");
                }
            }
            for rollup in &scheme.scheme().rollups {
                if let Ok(result) = rules_wasm::roll_up(scheme, &rollup.id, &input) {
                    assert_eq!(result.to_json(), serde_json::to_string(&result).unwrap());
                }
            }
        } else {
            assert!(ours.is_err() || !is_json || !comparable, "roll-up reader accepted what serde rejects: {text:?}");
        }
    }
    let ours = Scheme::from_json(text);
    let theirs = serde_json::from_str::<Scheme>(text);
    if let Ok(ours) = &ours {
        let theirs = theirs.as_ref().expect("the scheme reader accepted what serde rejects");
        assert_eq!(ours, theirs, "scheme readers disagree");
        let mut unhashed = theirs.clone();
        unhashed.hash = None;
        assert_eq!(rules_wasm::hash::canonical_json(ours), serde_json::to_string(&unhashed).unwrap());
    }
    if let Ok(scheme) = CompiledScheme::from_json(text) {
        let _ = scheme.evaluate_json(r#"{"period":"2024-06"}"#).map(|r| r.to_json());
        assert_eq!(scheme.form_json(), serde_json::to_string(&scheme.form()).unwrap());
    }
    if let Ok(mut parsed) = ours {
        published(&mut parsed);
    }
});

/// The phone's constructor takes any scheme that parses, valid or not: evaluating it must
/// never panic, and for a valid one it must give what the validating constructor gives.
fn published(parsed: &mut Scheme) {
    let validated = CompiledScheme::new(parsed.clone()).ok();
    parsed.hash = Some(validated.as_ref().map_or_else(|| "sha256:unchecked".to_owned(), |v| v.hash().to_owned()));
    let scheme = CompiledScheme::published(parsed.clone()).expect("a stated hash is all it needs");
    let settings = scheme.scheme();
    let period = match settings.period {
        rules_wasm::scheme::PeriodKind::Month => "2024-06",
        rules_wasm::scheme::PeriodKind::Quarter => "2024-Q2",
        rules_wasm::scheme::PeriodKind::HalfYear => "2024-H1",
        rules_wasm::scheme::PeriodKind::Year => "2024",
    };
    // Every key of the scheme given something, twice over: low and high.
    let mut filings = vec![serde_json::json!({ "period": period })];
    for (number, flag, score) in [("0", false, "0"), ("100000", true, "100")] {
        let mut values = serde_json::Map::new();
        let mut sources = serde_json::Map::new();
        for indicator in &settings.indicators {
            let value = match &indicator.method {
                rules_wasm::Method::Done { .. } => serde_json::json!(flag),
                rules_wasm::Method::Choice { options } => {
                    serde_json::json!(options.last().map_or("none", |option| option.id.as_str()))
                }
                rules_wasm::Method::Sources { sources: list, .. } => {
                    for source in list {
                        sources.insert(source.id.clone(), serde_json::json!({ "score": score, "n": 3 }));
                    }
                    continue;
                }
                _ => serde_json::json!(number),
            };
            values.insert(indicator.id.clone(), value);
        }
        for veto in &settings.vetoes {
            values.insert(veto.id.clone(), serde_json::json!(flag));
        }
        for coefficient in &settings.coefficients {
            values.insert(coefficient.id.clone(), serde_json::json!(number));
        }
        let first = settings.indicators.first().map(|indicator| indicator.id.clone());
        filings.push(serde_json::json!({
            "period": period, "values": values, "sources": sources, "nothing_to_report": flag,
            "adjustments": first.iter().map(|id| serde_json::json!({ "indicator": id, "points": number, "reason": "r", "by": "b" })).collect::<Vec<_>>(),
            "entries": first.iter().map(|id| serde_json::json!({ "indicator": id, "quantity": number })).collect::<Vec<_>>(),
        }));
    }
    let mut scratch = Scratch::new();
    for filing in &filings {
        let json = filing.to_string();
        let result = scheme.evaluate_json(&json);
        if let Ok(outcome) = scheme.evaluate_json_into(&json, &mut scratch) {
            for record in outcome.lines() {
                let _ = outcome.line_text(record);
            }
        }
        let problems = Filing::from_json(&json).map(|filing| rules_wasm::validate_filing(&scheme, &filing));
        assert_eq!(problems, rules_wasm::validate_filing_json(&scheme, &json), "the two validations disagree");
        if let Some(validated) = &validated {
            assert_eq!(result, validated.evaluate_json(&json), "published and validated schemes disagree");
        }
    }
    let _ = scheme.form_json();
}
