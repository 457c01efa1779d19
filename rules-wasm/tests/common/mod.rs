//! The golden-case harness, shared by the native and the WebAssembly test binaries.
//!
//! A case file sits beside its scheme (`schemes/NAME.cases.json`). Each case gives a filing
//! and what must come out; every case carries a `note` saying why it is there. `expect`
//! keys: `total`, `grade` (string or null), `items` / `groups` (id → points, partial),
//! `vetoes`, `caps` (`kind` or `kind:id`), `warnings`, `problems` (codes from
//! `validate_filing`) — these four are exact lists and default to empty — `codes` (line
//! codes that must appear), `texts` (substrings some explanation line must contain), and
//! the flags `outside_quota`, `nothing_to_report`, `excluded_from_rollup`. A case with
//! `error` expects evaluation to fail with that error code. `rollups` cases give a roll-up
//! id and input and expect a total and grade, or an error with problem codes.
#![allow(dead_code)] // each test binary uses part of the harness

use rules_wasm::Decimal;
use rules_wasm::{roll_up, CompiledScheme, Evaluation, Filing, RollUpInput};
use serde_json::{Map, Value as Json};
use std::str::FromStr;

/// (file name, scheme JSON, cases JSON) of the five seed systems.
pub const FILES: &[(&str, &str, &str)] = &[
    (
        "s1-hanbin-staff-monthly",
        include_str!("../../schemes/s1-hanbin-staff-monthly.json"),
        include_str!("../../schemes/s1-hanbin-staff-monthly.cases.json"),
    ),
    (
        "s2-hengkou-dept-quarterly",
        include_str!("../../schemes/s2-hengkou-dept-quarterly.json"),
        include_str!("../../schemes/s2-hengkou-dept-quarterly.cases.json"),
    ),
    (
        "s3-lvyuan-midlevel-halfyear",
        include_str!("../../schemes/s3-lvyuan-midlevel-halfyear.json"),
        include_str!("../../schemes/s3-lvyuan-midlevel-halfyear.cases.json"),
    ),
    (
        "s4-wanzhou-head-monthly-street",
        include_str!("../../schemes/s4-wanzhou-head-monthly-street.json"),
        include_str!("../../schemes/s4-wanzhou-head-monthly-street.cases.json"),
    ),
    (
        "s5-quzhou-cadre-quarterly",
        include_str!("../../schemes/s5-quzhou-cadre-quarterly.json"),
        include_str!("../../schemes/s5-quzhou-cadre-quarterly.cases.json"),
    ),
];

/// Scheme-validation cases.
pub const INVALID_SCHEMES: &str = include_str!("../../schemes/invalid-schemes.cases.json");

pub struct Tally {
    pub file: String,
    pub passed: usize,
    pub failures: Vec<String>,
}

impl Tally {
    fn new(file: &str) -> Self {
        Self { file: file.to_owned(), passed: 0, failures: Vec::new() }
    }

    fn record(&mut self, name: &str, problems: Vec<String>) {
        if problems.is_empty() {
            self.passed += 1;
        } else {
            self.failures.push(format!("{}: {name}: {}", self.file, problems.join("; ")));
        }
    }

    pub fn line(&self) -> String {
        format!("{}: {} passed, {} failed", self.file, self.passed, self.failures.len())
    }
}

fn dec(value: &Json) -> Decimal {
    match value {
        Json::String(text) => Decimal::from_str(text).expect("decimal in case file"),
        Json::Number(number) => Decimal::from_str(&number.to_string()).expect("decimal in case file"),
        other => panic!("not a decimal: {other}"),
    }
}

fn strings(value: Option<&Json>) -> Vec<String> {
    let mut out: Vec<String> = value
        .and_then(Json::as_array)
        .map(|list| list.iter().map(|item| item.as_str().expect("string").to_owned()).collect())
        .unwrap_or_default();
    out.sort();
    out
}

fn sorted(mut list: Vec<String>) -> Vec<String> {
    list.sort();
    list
}

/// Runs one scheme's case file.
pub fn run_file(file: &str, scheme_json: &str, cases_json: &str) -> Tally {
    let mut tally = Tally::new(file);
    let scheme = match CompiledScheme::from_json(scheme_json) {
        Ok(scheme) => scheme,
        Err(error) => {
            tally.failures.push(format!("{file}: scheme does not compile: {error}"));
            return tally;
        }
    };
    let cases: Json = serde_json::from_str(cases_json).expect("case file is JSON");
    for case in cases["cases"].as_array().expect("cases array") {
        let name = case["name"].as_str().unwrap_or("(unnamed)");
        tally.record(name, check_case(&scheme, case));
    }
    for case in cases.get("rollups").and_then(Json::as_array).into_iter().flatten() {
        let name = case["name"].as_str().unwrap_or("(unnamed)");
        tally.record(name, check_rollup(&scheme, case));
    }
    tally
}

fn check_case(scheme: &CompiledScheme, case: &Json) -> Vec<String> {
    let mut problems = Vec::new();
    if case["note"].as_str().is_none_or(str::is_empty) {
        problems.push("every case needs a note".to_owned());
    }
    let filing_json = serde_json::to_string(&case["filing"]).expect("filing");
    let result = scheme.evaluate_json(&filing_json);
    if let Some(code) = case.get("error").and_then(Json::as_str) {
        match result {
            Err(error) if error.code() == code => {}
            Err(error) => problems.push(format!("error {} instead of {code}", error.code())),
            Ok(result) => problems.push(format!("evaluated to {} instead of error {code}", result.total)),
        }
        return problems;
    }
    let result = match result {
        Ok(result) => result,
        Err(error) => return vec![format!("unexpected error: {error}")],
    };
    // The owned-filing paths must agree with the JSON path — the engine's own reader
    // (`Filing::from_json`) and serde's (how the app and the server get their `Filing`) —
    // and results must survive JSON.
    match Filing::from_json(&filing_json).map(|filing| rules_wasm::evaluate(scheme, &filing)) {
        Ok(Ok(other)) if other == result => {}
        Ok(Ok(other)) => problems.push(format!("Filing path differs: {:?}", result.differences(&other))),
        Ok(Err(error)) | Err(error) => problems.push(format!("Filing path failed: {error}")),
    }
    match serde_json::from_str::<Filing>(&filing_json).map(|filing| rules_wasm::evaluate(scheme, &filing)) {
        Ok(Ok(other)) if other == result => {}
        Ok(Ok(other)) => problems.push(format!("serde Filing path differs: {:?}", result.differences(&other))),
        Ok(Err(error)) => problems.push(format!("serde Filing path failed: {error}")),
        Err(error) => problems.push(format!("serde does not read the filing: {error}")),
    }
    let json = result.to_json();
    if serde_json::to_string(&result).ok().as_deref() != Some(json.as_str()) {
        problems.push("to_json differs from serde's serialization".to_owned());
    }
    match serde_json::from_str::<Evaluation>(&json) {
        Ok(back) if back == result => {}
        Ok(back) => problems.push(format!("JSON round trip differs: {:?}", result.differences(&back))),
        Err(error) => problems.push(format!("JSON round trip failed: {error}")),
    }
    let empty = Map::new();
    let expect = case["expect"].as_object().unwrap_or(&empty);
    if let Some(total) = expect.get("total") {
        if result.total != dec(total) {
            problems.push(format!("total {} ≠ expected {}", result.total, dec(total)));
        }
    }
    if let Some(grade) = expect.get("grade") {
        if result.grade.as_deref() != grade.as_str() {
            problems.push(format!("grade {:?} ≠ expected {grade}", result.grade));
        }
    }
    for (id, points) in expect.get("items").and_then(Json::as_object).into_iter().flatten() {
        match result.item(id) {
            Some(item) if item.points == dec(points) => {}
            Some(item) => problems.push(format!("item {id} {} ≠ expected {}", item.points, dec(points))),
            None => problems.push(format!("item {id} missing")),
        }
    }
    for (id, points) in expect.get("groups").and_then(Json::as_object).into_iter().flatten() {
        match result.groups.iter().find(|group| &*group.id == id) {
            Some(group) if group.points == dec(points) => {}
            Some(group) => problems.push(format!("group {id} {} ≠ expected {}", group.points, dec(points))),
            None => problems.push(format!("group {id} missing")),
        }
    }
    let vetoes = sorted(result.vetoes.iter().map(ToString::to_string).collect());
    if vetoes != strings(expect.get("vetoes")) {
        problems.push(format!("vetoes {vetoes:?} ≠ expected {:?}", strings(expect.get("vetoes"))));
    }
    let caps = sorted(
        result
            .caps
            .iter()
            .map(|cap| {
                let kind = serde_json::to_value(cap.kind).expect("kind");
                let kind = kind.as_str().expect("kind string");
                cap.id.as_ref().map_or_else(|| kind.to_owned(), |id| format!("{kind}:{id}"))
            })
            .collect(),
    );
    if caps != strings(expect.get("caps")) {
        problems.push(format!("caps {caps:?} ≠ expected {:?}", strings(expect.get("caps"))));
    }
    let warnings = sorted(result.warnings.iter().map(|w| w.code.as_str().to_owned()).collect());
    if warnings != strings(expect.get("warnings")) {
        problems.push(format!("warnings {warnings:?} ≠ expected {:?}", strings(expect.get("warnings"))));
    }
    for code in strings(expect.get("codes")) {
        if !result.lines.iter().any(|line| line.code.as_str() == code) {
            problems.push(format!("no line with code {code}"));
        }
    }
    let texts = result.texts();
    for text in strings(expect.get("texts")) {
        if !texts.iter().any(|line| line.contains(&text)) {
            problems.push(format!("no line contains {text:?}; lines: {texts:?}"));
        }
    }
    for flag in ["outside_quota", "nothing_to_report", "excluded_from_rollup"] {
        if let Some(wanted) = expect.get(flag).and_then(Json::as_bool) {
            let actual = match flag {
                "outside_quota" => result.outside_quota,
                "nothing_to_report" => result.nothing_to_report,
                _ => result.excluded_from_rollup,
            };
            if actual != wanted {
                problems.push(format!("{flag} {actual} ≠ expected {wanted}"));
            }
        }
    }
    let found = match Filing::from_json(&filing_json) {
        Ok(filing) => {
            sorted(rules_wasm::validate_filing(scheme, &filing).into_iter().map(|problem| problem.code).collect())
        }
        Err(error) => vec![format!("filing did not parse: {error}")],
    };
    if found != strings(expect.get("problems")) {
        problems.push(format!("problems {found:?} ≠ expected {:?}", strings(expect.get("problems"))));
    }
    problems
}

fn check_rollup(scheme: &CompiledScheme, case: &Json) -> Vec<String> {
    let mut problems = Vec::new();
    if case["note"].as_str().is_none_or(str::is_empty) {
        problems.push("every case needs a note".to_owned());
    }
    let input: RollUpInput = serde_json::from_value(case["input"].clone()).expect("roll-up input");
    // The engine's own reader reads the input as serde does.
    match RollUpInput::from_json(&case["input"].to_string()) {
        Ok(ours) if ours == input => {}
        Ok(ours) => problems.push(format!("roll-up input read as {ours:?}")),
        Err(error) => problems.push(format!("roll-up input not read: {error}")),
    }
    let rollup = case["rollup"].as_str().expect("rollup id");
    let result = roll_up(scheme, rollup, &input);
    if let Ok(result) = &result {
        if serde_json::to_string(result).ok() != Some(result.to_json()) {
            problems.push("roll-up to_json differs from serde's serialization".to_owned());
        }
    }
    if let Some(code) = case.get("error").and_then(Json::as_str) {
        match result {
            Err(error) if error.code() == code => {
                let found = sorted(error.problems().iter().map(|p| p.code.clone()).collect());
                if found != strings(case.get("problems")) {
                    problems.push(format!("problems {found:?} ≠ expected {:?}", strings(case.get("problems"))));
                }
            }
            Err(error) => problems.push(format!("error {} instead of {code}", error.code())),
            Ok(result) => problems.push(format!("rolled up to {} instead of error {code}", result.total)),
        }
        return problems;
    }
    let result = match result {
        Ok(result) => result,
        Err(error) => return vec![format!("unexpected error: {error}")],
    };
    let expect = &case["expect"];
    if let Some(total) = expect.get("total") {
        if result.total != dec(total) {
            problems.push(format!("total {} ≠ expected {}", result.total, dec(total)));
        }
    }
    if let Some(grade) = expect.get("grade") {
        if result.grade.as_deref() != grade.as_str() {
            problems.push(format!("grade {:?} ≠ expected {grade}", result.grade));
        }
    }
    if let Some(wanted) = expect.get("outside_quota").and_then(Json::as_bool) {
        if result.outside_quota != wanted {
            problems.push(format!("outside_quota {} ≠ expected {wanted}", result.outside_quota));
        }
    }
    for code in strings(expect.get("codes")) {
        if !result.lines.iter().any(|line| line.code.as_str() == code) {
            problems.push(format!("no line with code {code}"));
        }
    }
    problems
}

/// RFC 7386 JSON merge patch.
pub fn merge(target: &mut Json, patch: &Json) {
    match (target, patch) {
        (Json::Object(target), Json::Object(patch)) => {
            for (key, value) in patch {
                if value.is_null() {
                    target.remove(key);
                } else {
                    merge(target.entry(key.clone()).or_insert(Json::Null), value);
                }
            }
        }
        (target, patch) => *target = patch.clone(),
    }
}

/// Runs the scheme-validation cases: a base scheme, one merge patch per case (or `raw`
/// text), and the exact problem codes (or an error code) expected.
pub fn run_invalid_schemes() -> Tally {
    let mut tally = Tally::new("invalid-schemes");
    let file: Json = serde_json::from_str(INVALID_SCHEMES).expect("case file is JSON");
    for case in file["cases"].as_array().expect("cases array") {
        let name = case["name"].as_str().unwrap_or("(unnamed)");
        let mut problems = Vec::new();
        if case["note"].as_str().is_none_or(str::is_empty) {
            problems.push("every case needs a note".to_owned());
        }
        let text = match case.get("raw").and_then(Json::as_str) {
            Some(raw) => raw.to_owned(),
            None => {
                let mut scheme = file["base"].clone();
                merge(&mut scheme, &case["patch"]);
                serde_json::to_string(&scheme).expect("scheme")
            }
        };
        match (CompiledScheme::from_json(&text), case.get("error").and_then(Json::as_str)) {
            (Err(error), Some(code)) if error.code() == code => {}
            (Err(error), Some(code)) => problems.push(format!("error {} instead of {code}", error.code())),
            (Ok(_), Some(code)) => problems.push(format!("compiled instead of error {code}")),
            (result, None) => {
                let found = match result {
                    Ok(_) => Vec::new(),
                    Err(error) => sorted(error.problems().iter().map(|p| p.code.clone()).collect()),
                };
                if found != strings(case.get("problems")) {
                    problems.push(format!("problems {found:?} ≠ expected {:?}", strings(case.get("problems"))));
                }
            }
        }
        tally.record(name, problems);
    }
    tally
}

/// Runs everything, returning one tally per file.
pub fn run_all() -> Vec<Tally> {
    let mut tallies: Vec<Tally> = FILES.iter().map(|(file, scheme, cases)| run_file(file, scheme, cases)).collect();
    tallies.push(run_invalid_schemes());
    tallies
}

pub mod random;
