//! The thin JavaScript API (feature `wasm`): JSON text in, JSON text out. The Leptos app
//! does not use this; it calls the Rust API directly.
//!
//! ```js
//! import { Engine } from "./rules_wasm.js";
//! const engine = new Engine(schemeJson);          // parse + validate + compile once
//! const result = JSON.parse(engine.evaluate(filingJson));
//! const live = JSON.parse(engine.live(filingJson)); // {total, grade, items, warnings}
//! ```
//! `total` and `live` take the allocation-free path ([`CompiledScheme::evaluate_json_into`]
//! with a scratch the engine keeps), for the score shown on every keystroke.
//! Errors are thrown as JSON strings of [`crate::Error`] (`{"code": …}`).

use crate::json::Writer;
use crate::{CompiledScheme, Filing, Outcome, Problem, Scratch};
#[cfg(feature = "wasm")]
use crate::{RollUpInput, Scheme};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

fn thrown(error: &crate::Error) -> JsValue {
    JsValue::from_str(&error.to_json())
}

/// A compiled scheme held on the JavaScript side.
#[wasm_bindgen]
pub struct Engine {
    scheme: CompiledScheme,
    /// Reused by every `total` and `live` call (JavaScript calls one at a time).
    scratch: RefCell<Scratch>,
}

#[wasm_bindgen]
impl Engine {
    /// Parses, validates and compiles a scheme.
    ///
    /// # Errors
    /// Throws the error JSON when the scheme does not parse or validate.
    #[wasm_bindgen(constructor)]
    pub fn new(scheme_json: &str) -> Result<Engine, JsValue> {
        CompiledScheme::from_json(scheme_json)
            .map(|scheme| Self { scheme, scratch: RefCell::new(Scratch::new()) })
            .map_err(|error| thrown(&error))
    }

    /// Evaluates filing JSON; returns the evaluation JSON with explanation texts.
    ///
    /// # Errors
    /// Throws the error JSON when the filing does not parse or names another scheme.
    pub fn evaluate(&self, filing_json: &str) -> Result<String, JsValue> {
        self.scheme.evaluate_json(filing_json).map(|evaluation| evaluation.to_json()).map_err(|error| thrown(&error))
    }

    /// Runs `read` on the outcome of the fast path.
    fn fast<R>(&self, filing_json: &str, read: impl FnOnce(&Outcome<'_>) -> R) -> Result<R, JsValue> {
        // A call from within a call cannot happen (nothing here calls back into
        // JavaScript); should it, it gets a scratch of its own.
        let mut fresh = Scratch::new();
        let mut kept = self.scratch.try_borrow_mut();
        let scratch = kept.as_deref_mut().unwrap_or(&mut fresh);
        self.scheme.evaluate_json_into(filing_json, scratch).map(|outcome| read(&outcome)).map_err(|e| thrown(&e))
    }

    /// Evaluates and returns only the total, e.g. `"103.53"`.
    ///
    /// # Errors
    /// As [`Engine::evaluate`].
    pub fn total(&self, filing_json: &str) -> Result<String, JsValue> {
        self.fast(filing_json, |outcome| {
            // Written directly, not through `Display` (`core::fmt`'s machinery for a number).
            let mut total = String::with_capacity(16);
            outcome.total().append_to(&mut total);
            total
        })
    }

    /// The live score as compact JSON: `{"total":"103.53","grade":"好","items":["38.00",…],
    /// "warnings":0}` (items in the scheme's order, as in [`Engine::form`]; `grade` null
    /// when no band is reached). No explanation text: [`Engine::evaluate`] gives that.
    ///
    /// # Errors
    /// As [`Engine::evaluate`].
    pub fn live(&self, filing_json: &str) -> Result<String, JsValue> {
        self.fast(filing_json, |outcome| {
            let mut out = Writer::with_capacity(48 + 10 * outcome.items().len());
            out.begin_object();
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
            out.key("warnings");
            out.u64(outcome.warning_count() as u64);
            out.end_object();
            out.finish()
        })
    }

    /// Problems that stop the filing from being submitted, as a JSON array.
    ///
    /// # Errors
    /// Throws the error JSON when the filing does not parse.
    #[wasm_bindgen(js_name = validateFiling)]
    pub fn validate_filing(&self, filing_json: &str) -> Result<String, JsValue> {
        let filing = Filing::from_json(filing_json).map_err(|error| thrown(&error))?;
        Ok(Problem::list_json(&crate::validate_filing(&self.scheme, &filing)))
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

    const SCHEME: &str = include_str!("../benches/monthly-8.json");
    const FILING: &str = include_str!("../benches/monthly-8.filing.json");

    #[test]
    fn total_and_live_give_what_the_full_evaluation_gives() {
        let engine = Engine::new(SCHEME).expect("compiles");
        let full = engine.scheme.evaluate_json(FILING).expect("evaluates");
        for _ in 0..2 {
            // Twice: the second call reuses the engine's scratch.
            assert_eq!(engine.total(FILING).expect("total"), full.total.to_string());
            let items: Vec<String> = full.items.iter().map(|item| format!("\"{}\"", item.points)).collect();
            let expected = format!(
                r#"{{"total":"{}","grade":"{}","items":[{}],"warnings":{}}}"#,
                full.total,
                full.grade.as_deref().unwrap_or_default(),
                items.join(","),
                full.warnings.len()
            );
            assert_eq!(engine.live(FILING).expect("live"), expected);
        }
    }
}
