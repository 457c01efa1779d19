//! The thin JavaScript API (feature `wasm`): JSON text in, JSON text out. The Leptos app
//! does not use this; it calls the Rust API directly.
//!
//! ```js
//! import { Engine } from "./rules_wasm.js";
//! const engine = new Engine(schemeJson);          // parse + validate + hash + compile once
//! const phone = Engine.published(schemeJson);     // as the server publishes it (with "hash")
//! const live = JSON.parse(engine.live(filingJson)); // {total, grade, items, warnings}
//! const why = JSON.parse(engine.explain(filingJson)); // … + lines and warnings with texts
//! const result = JSON.parse(engine.evaluate(filingJson)); // the full `Evaluation`
//! ```
//! `total`, `live` and `explain` take the allocation-free path
//! ([`CompiledScheme::evaluate_json_into`] with a scratch the engine keeps).
//! Errors are thrown as JSON strings of [`crate::Error`] (`{"code": …}`).
//!
//! Feature `wasm-phone` is the part a filing form on a phone calls: `Engine.published`
//! (the server has validated and hashed the scheme), `total`, `live`, `explain`,
//! `validateFiling`, `form`, `hash`, `engineVersion`. Feature `wasm` adds the validating
//! constructor, the full `evaluate`, `rollUp`, `validateScheme` and the one-off `evaluate`.

use crate::json::Writer;
use crate::{CompiledScheme, Error, Outcome, Problem, Scratch};
#[cfg(feature = "wasm")]
use crate::{RollUpInput, Scheme};
use std::cell::{OnceCell, RefCell};
use wasm_bindgen::prelude::*;

// The module's allocator (see README, "Size"): a few KB smaller than dlmalloc.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn thrown(error: &Error) -> JsValue {
    JsValue::from_str(&error.to_json())
}

/// A filing passed as something other than a JavaScript string.
fn not_text() -> Error {
    Error::Json { what: "filing".to_owned(), message: "expected the filing JSON as a string".to_owned() }
}

// Passing a string as wasm-bindgen does for a `&str` parameter (allocate in the module,
// copy character by character in JavaScript, free) cost about 12,000 of the 42,000 x86
// instructions node spent on an `engine.total` call; `TextEncoder.encodeInto` into a
// buffer the engine keeps costs about 2,000 (README, "WASM speed").
#[wasm_bindgen(inline_js = r#"
const encoder = new TextEncoder();
let bytes = new Uint8Array(0);
export function write_filing(memory, text, at, room) {
  if (typeof text !== "string") return -1;
  if (bytes.buffer !== memory.buffer) bytes = new Uint8Array(memory.buffer);
  const { read, written } = encoder.encodeInto(text, bytes.subarray(at, at + room));
  return read === text.length ? written : -2 - 3 * text.length;
}
"#)]
extern "C" {
    /// Writes `text` as UTF-8 at `at`, at most `room` bytes; returns the bytes written,
    /// -1 if `text` is not a string, or −2 − the room it needs.
    fn write_filing(memory: &JsValue, text: &JsValue, at: u32, room: u32) -> i32;
}

/// A compiled scheme held on the JavaScript side.
#[wasm_bindgen]
pub struct Engine {
    scheme: CompiledScheme,
    /// Reused by every fast-path call (JavaScript calls one at a time).
    scratch: RefCell<Scratch>,
    /// Where JavaScript writes the filing text ([`Engine::with_filing`]).
    input: RefCell<Vec<u8>>,
    /// This module's memory, for JavaScript to write into (taken on first use).
    memory: OnceCell<JsValue>,
}

// The exports: each reads the filing text JavaScript passes and calls the plain method of
// the same name below (those are what the tests call natively).
#[wasm_bindgen]
impl Engine {
    /// Parses, validates, hashes and compiles a scheme. Not in `wasm-phone`.
    ///
    /// # Errors
    /// Throws the error JSON when the scheme does not parse or validate.
    #[cfg(feature = "wasm")]
    #[wasm_bindgen(constructor)]
    pub fn new(scheme_json: &str) -> Result<Engine, JsValue> {
        CompiledScheme::from_json(scheme_json).map(Self::with).map_err(|error| thrown(&error))
    }

    /// Compiles a scheme as the server publishes it (validated and hashed there, `hash`
    /// set): see [`CompiledScheme::from_published_json`].
    ///
    /// # Errors
    /// Throws the error JSON when the scheme does not parse or states no hash.
    pub fn published(scheme_json: &str) -> Result<Engine, JsValue> {
        CompiledScheme::from_published_json(scheme_json).map(Self::with).map_err(|error| thrown(&error))
    }

    /// The full evaluation JSON with explanation texts. Not in `wasm-phone` (`explain`
    /// gives the phone what it shows).
    ///
    /// # Errors
    /// Throws the error JSON when the filing does not parse or names another scheme.
    #[cfg(feature = "wasm")]
    pub fn evaluate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] filing_json: &JsValue,
    ) -> Result<String, JsValue> {
        self.with_filing(filing_json, |text| self.scheme.evaluate_json(text).map(|result| result.to_json()))
    }

    /// Only the total, e.g. `"103.53"`, from the allocation-free path.
    ///
    /// # Errors
    /// As `evaluate`.
    pub fn total(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] filing_json: &JsValue,
    ) -> Result<String, JsValue> {
        self.with_filing(filing_json, |text| self.total_of(text))
    }

    /// The live score as compact JSON: `{"total":"103.53","grade":"好","items":["38.00",…],
    /// "warnings":0}` (items in the scheme's order, as in `form`; `grade` null when no band
    /// is reached).
    ///
    /// # Errors
    /// As `evaluate`.
    pub fn live(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] filing_json: &JsValue,
    ) -> Result<String, JsValue> {
        self.with_filing(filing_json, |text| self.live_of(text))
    }

    /// What "为什么是这个分" shows: `live`'s total, grade and items, and every explanation
    /// line and warning with its code and sentence, in the order and words of `evaluate`:
    /// `{…,"lines":[{"code":"item.ratio","text":"…"},…],"warnings":[{"code":…,"text":…}]}`.
    ///
    /// # Errors
    /// As `evaluate`.
    pub fn explain(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] filing_json: &JsValue,
    ) -> Result<String, JsValue> {
        self.with_filing(filing_json, |text| self.explain_of(text))
    }

    /// Problems that stop the filing from being submitted, as a JSON array.
    ///
    /// # Errors
    /// Throws the error JSON when the filing does not parse.
    #[wasm_bindgen(js_name = validateFiling)]
    pub fn validate_filing(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] filing_json: &JsValue,
    ) -> Result<String, JsValue> {
        self.with_filing(filing_json, |text| self.problems_of(text))
    }

    /// Rolls period results up (`input_json`: [`RollUpInput`]). Not in `wasm-phone`.
    ///
    /// # Errors
    /// Throws the error JSON for an unknown roll-up or an invalid input.
    #[cfg(feature = "wasm")]
    #[wasm_bindgen(js_name = rollUp)]
    pub fn roll_up(&self, rollup: &str, input_json: &str) -> Result<String, JsValue> {
        let input = RollUpInput::from_json(input_json).map_err(|error| thrown(&error))?;
        crate::roll_up(&self.scheme, rollup, &input).map(|result| result.to_json()).map_err(|error| thrown(&error))
    }

    /// The form fields as a JSON array.
    pub fn form(&self) -> String {
        self.scheme.form_json()
    }

    /// The scheme's content hash.
    pub fn hash(&self) -> String {
        self.scheme.hash().to_owned()
    }
}

impl Engine {
    fn with(scheme: CompiledScheme) -> Self {
        Self {
            scheme,
            scratch: RefCell::new(Scratch::new()),
            input: RefCell::new(vec![0; 1024]),
            memory: OnceCell::new(),
        }
    }

    /// Runs `run` on the filing text, which JavaScript writes straight into the engine's
    /// input buffer (grown when too small); an error is thrown as its JSON.
    fn with_filing(
        &self,
        filing: &JsValue,
        run: impl FnOnce(&str) -> Result<String, Error>,
    ) -> Result<String, JsValue> {
        let memory = self.memory.get_or_init(wasm_bindgen::memory);
        let mut fresh = Vec::new();
        let mut kept = self.input.try_borrow_mut();
        let input = kept.as_deref_mut().unwrap_or(&mut fresh);
        let written = loop {
            // The address goes to JavaScript as a number, as wasm-bindgen's glue passes
            // the buffers it allocates.
            let at = input.as_mut_ptr() as usize as u32;
            match write_filing(memory, filing, at, input.len() as u32) {
                -1 => return Err(thrown(&not_text())),
                written if written >= 0 => break written as usize,
                needs => input.resize((-2 - i64::from(needs)) as usize, 0),
            }
        };
        // `encodeInto` writes only UTF-8 (a lone surrogate becomes U+FFFD).
        let text = std::str::from_utf8(&input[..written]).map_err(|_| not_text()).map_err(|error| thrown(&error))?;
        run(text).map_err(|error| thrown(&error))
    }

    /// Runs `read` on the outcome of the fast path.
    fn fast<R>(&self, filing_json: &str, read: impl FnOnce(&Outcome<'_>) -> R) -> Result<R, Error> {
        // A call from within a call cannot happen (nothing here calls back into
        // JavaScript); should it, it gets a scratch of its own.
        let mut fresh = Scratch::new();
        let mut kept = self.scratch.try_borrow_mut();
        let scratch = kept.as_deref_mut().unwrap_or(&mut fresh);
        self.scheme.evaluate_json_into(filing_json, scratch).map(|outcome| read(&outcome))
    }

    fn total_of(&self, filing_json: &str) -> Result<String, Error> {
        self.fast(filing_json, |outcome| {
            // Written directly, not through `Display` (`core::fmt`'s machinery for a number).
            let mut total = String::with_capacity(16);
            outcome.total().append_to(&mut total);
            total
        })
    }

    fn live_of(&self, filing_json: &str) -> Result<String, Error> {
        self.fast(filing_json, |outcome| {
            let mut out = Writer::with_capacity(48 + 10 * outcome.items().len());
            out.begin_object();
            head(&mut out, outcome);
            out.key("warnings");
            out.u64(outcome.warning_count() as u64);
            out.end_object();
            out.finish()
        })
    }

    fn explain_of(&self, filing_json: &str) -> Result<String, Error> {
        self.fast(filing_json, |outcome| {
            let mut out = Writer::with_capacity(256 + 128 * outcome.lines().len());
            out.begin_object();
            head(&mut out, outcome);
            out.key("lines");
            out.begin_array();
            for line in outcome.lines() {
                coded(&mut out, line.code.as_str(), |text| outcome.render_line(line, text));
            }
            out.end_array();
            out.key("warnings");
            out.begin_array();
            for warning in outcome.warnings() {
                coded(&mut out, warning.code.as_str(), |text| outcome.render_warning(warning, text));
            }
            out.end_array();
            out.end_object();
            out.finish()
        })
    }

    fn problems_of(&self, filing_json: &str) -> Result<String, Error> {
        Ok(Problem::list_json(&crate::validate_filing_json(&self.scheme, filing_json)?))
    }
}

/// `{"code": …, "text": …}`: one line or warning of `explain`.
fn coded(out: &mut Writer, code: &'static str, render: impl FnOnce(&mut crate::json::write::Escaped<'_>)) {
    out.begin_object();
    out.key("code");
    out.plain(code);
    out.key("text");
    out.sentence(render);
    out.end_object();
}

/// `"total"`, `"grade"` and `"items"` of `live` and `explain`.
fn head(out: &mut Writer, outcome: &Outcome<'_>) {
    out.key("total");
    out.decimal(outcome.total());
    out.key("grade");
    out.optional(outcome.grade(), Writer::string);
    out.key("items");
    out.begin_array();
    for item in outcome.items() {
        out.decimal(item.points);
    }
    out.end_array();
}

/// One-off: compile `scheme_json` and evaluate `filing_json`. Not in `wasm-phone`.
///
/// # Errors
/// Throws the error JSON.
#[cfg(feature = "wasm")]
#[wasm_bindgen]
pub fn evaluate(scheme_json: &str, filing_json: &str) -> Result<String, JsValue> {
    crate::evaluate_json(scheme_json, filing_json)
        .map(|evaluation| evaluation.to_json())
        .map_err(|error| thrown(&error))
}

/// Every problem of a scheme, as a JSON array (empty when valid). Not in `wasm-phone`.
#[cfg(feature = "wasm")]
#[wasm_bindgen(js_name = validateScheme)]
pub fn validate_scheme(scheme_json: &str) -> String {
    let problems = match Scheme::from_json(scheme_json) {
        Ok(scheme) => crate::validate_scheme(&scheme),
        Err(error) => vec![Problem { path: String::new(), code: "json".to_owned(), message: error.to_string() }],
    };
    Problem::list_json(&problems)
}

/// The engine version.
#[wasm_bindgen(js_name = engineVersion)]
pub fn engine_version() -> String {
    crate::ENGINE_VERSION.to_owned()
}

#[cfg(test)]
mod tests {
    use super::Engine;
    use crate::CompiledScheme;

    const SCHEME: &str = include_str!("../benches/monthly-8.json");
    const FILING: &str = include_str!("../benches/monthly-8.filing.json");

    /// The bench scheme as the server publishes it: with its hash stated.
    fn published() -> (Engine, CompiledScheme) {
        let validated = CompiledScheme::from_json(SCHEME).expect("compiles");
        let body = SCHEME.trim_start().strip_prefix('{').expect("an object");
        let json = format!("{{\"hash\":\"{}\",{body}", validated.hash());
        (Engine::published(&json).expect("compiles"), validated)
    }

    #[test]
    fn total_and_live_give_what_the_full_evaluation_gives() {
        let (engine, validated) = published();
        assert_eq!(engine.hash(), validated.hash());
        let full = validated.evaluate_json(FILING).expect("evaluates");
        for _ in 0..2 {
            // Twice: the second call reuses the engine's scratch.
            assert_eq!(engine.total_of(FILING).expect("total"), full.total.to_string());
            let items: Vec<String> = full.items.iter().map(|item| format!("\"{}\"", item.points)).collect();
            let expected = format!(
                r#"{{"total":"{}","grade":"{}","items":[{}],"warnings":{}}}"#,
                full.total,
                full.grade.as_deref().unwrap_or_default(),
                items.join(","),
                full.warnings.len()
            );
            assert_eq!(engine.live_of(FILING).expect("live"), expected);
        }
    }

    #[test]
    fn explain_lists_the_full_evaluations_lines_and_warnings() {
        let (engine, validated) = published();
        // A value out of range and an unknown key, for warnings.
        let filing = FILING.replacen("\"quality\":\"88\"", "\"nope\":1,\"quality\":\"120\"", 1);
        let full = validated.evaluate_json(&filing).expect("evaluates");
        assert!(full.warnings.len() >= 2, "{:?}", full.warnings);
        let explained: serde_json::Value = serde_json::from_str(&engine.explain_of(&filing).expect("explain")).unwrap();
        assert_eq!(explained["total"], full.total.to_string());
        assert_eq!(explained["grade"].as_str(), full.grade.as_deref());
        let pairs = |list: &serde_json::Value| -> Vec<(String, String)> {
            list.as_array()
                .unwrap()
                .iter()
                .map(|entry| (entry["code"].as_str().unwrap().to_owned(), entry["text"].as_str().unwrap().to_owned()))
                .collect()
        };
        let lines: Vec<(String, String)> =
            full.lines.iter().map(|line| (line.code.as_str().to_owned(), line.text())).collect();
        let warnings: Vec<(String, String)> =
            full.warnings.iter().map(|warning| (warning.code.as_str().to_owned(), warning.text())).collect();
        assert_eq!(pairs(&explained["lines"]), lines);
        assert_eq!(pairs(&explained["warnings"]), warnings);
    }
}
