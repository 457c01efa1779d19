//! The allocation-free fast path (`evaluate_json_into` + `Outcome`) gives exactly the
//! `Evaluation` of `evaluate_json` and of the owned-filing path (`evaluate`), with the same
//! texts, on every golden case and on
//! the agreement test's random filings — natively and (built for wasm32) under node. One
//! `Scratch` serves every filing of every scheme, interleaved, so that nothing left in it by
//! one evaluation can leak into the next.

mod common;

use rules_wasm::{evaluate, CompiledScheme, Evaluation, Filing, Scratch};

#[cfg(target_arch = "wasm32")]
macro_rules! say {
    ($($arg:tt)*) => { wasm_bindgen_test::console_log!($($arg)*) };
}
#[cfg(not(target_arch = "wasm32"))]
macro_rules! say {
    ($($arg:tt)*) => { println!($($arg)*) };
}

/// Warnings in a canonical order. The JSON path lists the warnings found while reading in
/// document order, the owned-filing path after reading values first (its `values` is a
/// sorted map), so a filing whose `entries` come before its `values` lists, say,
/// `entry.unknown` and `value.unknown` in the opposite order. That predates the fast path
/// (the engine at 7f6bf9b does the same); only the order differs.
fn canonical(mut result: Evaluation) -> Evaluation {
    result.warnings.sort_by_key(|warning| (warning.code.as_str(), warning.text()));
    result
}

/// Compares the fast path on one filing with `evaluate` on the owned filing and with
/// `evaluate_json` on a fresh scratch, and `validate_filing_json` with `validate_filing`;
/// a description of the first difference, if any.
fn check(scheme: &CompiledScheme, filing_json: &str, scratch: &mut Scratch) -> Option<String> {
    // The phone validates the JSON without an owned filing: the same problems, in order.
    let problems = Filing::from_json(filing_json).map(|filing| rules_wasm::validate_filing(scheme, &filing));
    if problems != rules_wasm::validate_filing_json(scheme, filing_json) {
        return Some(format!("validate_filing_json differs from validate_filing: {problems:?}"));
    }
    let reference = Filing::from_json(filing_json).map(|filing| evaluate(scheme, &filing));
    let fresh = scheme.evaluate_json(filing_json);
    let outcome = scheme.evaluate_json_into(filing_json, scratch);
    match (outcome, reference) {
        (Ok(outcome), Ok(Ok(expected))) => {
            let converted = outcome.to_evaluation();
            if Ok(&converted) != fresh.as_ref() {
                return Some("a reused scratch gives another result than a fresh one".to_owned());
            }
            if canonical(converted.clone()) != canonical(expected.clone()) {
                return Some(format!("to_evaluation differs: {:?}", converted.differences(&expected)));
            }
            // Equality of results ignores nothing but the rendered texts: compare those too.
            let texts: Vec<String> = outcome.lines().iter().map(|line| outcome.line_text(line)).collect();
            if texts != expected.texts() {
                return Some(format!("line texts differ: {texts:?}"));
            }
            let warnings: Vec<String> = outcome.warnings().map(|warning| outcome.warning_text(warning)).collect();
            let wanted: Vec<String> = converted.warnings.iter().map(rules_wasm::Warning::text).collect();
            if warnings != wanted {
                return Some(format!("warning texts differ: {warnings:?} ≠ {wanted:?}"));
            }
            if outcome.total() != expected.total || outcome.grade() != expected.grade.as_deref() {
                return Some("total or grade differs".to_owned());
            }
            None
        }
        (Err(error), Ok(Err(expected)) | Err(expected)) if error == expected && fresh == Err(error.clone()) => None,
        (outcome, reference) => Some(format!(
            "fast path {:?} ≠ reference {:?}",
            outcome.map(|outcome| outcome.total()),
            reference.map(|result| result.map(|result| result.total))
        )),
    }
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn the_fast_path_gives_the_evaluation_of_the_owned_path() {
    let target = if cfg!(target_arch = "wasm32") { "wasm32" } else { "native" };
    let schemes: Vec<CompiledScheme> =
        common::FILES.iter().map(|(_, json, _)| CompiledScheme::from_json(json).expect("compiles")).collect();
    let mut scratch = Scratch::new();
    let (mut passed, mut failures) = (0, Vec::new());
    let mut tally = |file: &str, filing: &str, result: Option<String>| match result {
        None => passed += 1,
        Some(problem) => failures.push(format!("{file}: {filing}: {problem}")),
    };
    for ((file, _, cases_json), scheme) in common::FILES.iter().zip(&schemes) {
        let cases: serde_json::Value = serde_json::from_str(cases_json).expect("cases");
        for case in cases["cases"].as_array().expect("cases array") {
            let filing = case["filing"].to_string();
            tally(file, &filing, check(scheme, &filing, &mut scratch));
        }
    }
    // The agreement test's filings, schemes interleaved.
    for seed in 0..300 {
        for ((file, _, _), scheme) in common::FILES.iter().zip(&schemes) {
            let mut rng = common::random::Rng::new(seed + 1);
            let filing = common::random::filing(scheme, &mut rng).to_string();
            tally(file, &filing, check(scheme, &filing, &mut scratch));
        }
    }
    for failure in failures.iter().take(10) {
        say!("  FAILED {failure}");
    }
    say!("[outcome/{target}] total: {passed} passed, {} failed", failures.len());
    assert!(failures.is_empty(), "{} filing(s) differ", failures.len());
}

/// The values loop first matches each key byte for byte against the scheme's next key;
/// every way a filing may write the same values, or nearly the same keys, must read as
/// the general reader reads it (compared with the owned-filing path, which looks every key
/// up by name).
#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn keys_matched_in_scheme_order_read_as_any_other_key() {
    let (_, scheme_json, _) = common::FILES[0];
    let scheme = CompiledScheme::from_json(scheme_json).expect("compiles");
    let mut scratch = Scratch::new();
    let filings = [
        // In the scheme's order, plainly: every key takes the byte-for-byte match.
        r#"{"values":{"tasks":"95","attendance":true,"quality":"88","study":"6"}}"#,
        // Whitespace, escapes, another order, a key that is the next key's prefix or has
        // it as its prefix, an unknown key between known ones, a repeated key.
        r#"{"values":{ "tasks" : "95" , "attendance":true}}"#,
        r#"{"values":{"ta\u0073ks":"95","attendance":true}}"#,
        r#"{"values":{"attendance":true,"tasks":"95","study":6}}"#,
        r#"{"values":{"task":"95","tasksx":"90","tasks":"80"}}"#,
        r#"{"values":{"tasks":"95","nonsense":[1,{"a":2}],"attendance":false}}"#,
        r#"{"values":{"tasks":"95","tasks":"70"}}"#,
        r#"{"values":{"tasks":"95","attendance":"1","quality":"088","study":"-1"}}"#,
        // Numbers as text that are not plain decimals, and values of the wrong type.
        r#"{"values":{"tasks":"9.5e1","attendance":"yes","quality":"1.","study":"abc"}}"#,
        r#"{"values":{"tasks":95.0,"attendance":1,"quality":null,"study":true}}"#,
        r#"{"values":{"tasks":"95\"","attendance":true}}"#,
    ];
    for filing in filings {
        assert_eq!(check(&scheme, filing, &mut scratch), None, "{filing}");
    }
    // Broken text is refused by both, the same way.
    for broken in [r#"{"values":{"tasks":"95",}}"#, r#"{"values":{"tasks""95"}}"#, r#"{"values":{"tasks":}}"#] {
        assert!(scheme.evaluate_json_into(broken, &mut scratch).is_err(), "{broken}");
        assert_eq!(check(&scheme, broken, &mut scratch), None, "{broken}");
    }
}
