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
use rules_wasm::{CompiledScheme, Filing, RollUpInput, Scheme};
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
        if let Ok(filing) = Filing::from_json(text) {
            assert!(is_json, "Filing::from_json accepted text serde_json rejects");
            let _ = rules_wasm::validate_filing(scheme, &filing);
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
});
