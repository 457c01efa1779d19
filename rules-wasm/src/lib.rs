//! Kaohe's scoring engine (考核计分引擎): schemes as data, exact and explained scores,
//! identical natively (server) and in WebAssembly (phone).
//!
//! A [`Scheme`] is versioned JSON data: indicator groups (共性 / 个性 / 专项 / 争先创优 or
//! dimensions), indicators with a scoring [`Method`], weighted evaluation sources, bonus
//! and penalty caps, veto gates, coefficients, a cap on selected indicators, an
//! empty-period rule, grade bands and roll-ups. A [`Filing`] is one person's inputs for
//! one period, keyed by indicator id. [`evaluate`] turns the two into an [`Evaluation`]:
//! the exact total, per-item points, caps that bit, vetoes, coefficients, grade, warnings
//! and an explanation line per point — always, not as a debug mode.
//!
//! **Rounding**, the one rule: half away from zero (四舍五入) to the scheme's
//! `rounding.scale` (default 2), applied to each item's points, to the total after
//! coefficients and caps, and to each roll-up part's mean and the roll-up total. Nothing
//! else is rounded; all arithmetic is exact decimal ([`Decimal`]), never `f64`.
//!
//! ```
//! use rules_wasm::{CompiledScheme, Filing};
//!
//! let scheme = CompiledScheme::from_json(r#"{
//!   "id": "demo", "version": 1, "name": "示例方案", "effective_from": "2024-01-01",
//!   "target": { "category": "机关", "tier": "一般工作人员" }, "period": "month",
//!   "groups": [ { "id": "duty", "name": "岗位职责", "category": "specific" },
//!               { "id": "minus", "name": "减分项", "category": "penalty", "effect": "penalty" } ],
//!   "indicators": [
//!     { "id": "tasks", "name": "任务完成率", "group": "duty", "unit": "%",
//!       "method": { "type": "ratio", "points": "80", "target": "100" } },
//!     { "id": "households", "name": "分流商户", "group": "duty", "unit": "户",
//!       "method": { "type": "per_unit", "points": "10", "cap": "20" } },
//!     { "id": "late", "name": "任务逾期", "group": "minus",
//!       "method": { "type": "per_unit", "points": "2", "cap": "6" } }
//!   ],
//!   "grades": [ { "grade": "好", "min": "90" }, { "grade": "较好", "min": "80" },
//!               { "grade": "一般", "min": "60" }, { "grade": "较差", "min": "0" } ]
//! }"#).unwrap();
//!
//! let filing = r#"{ "period": "2024-03", "values": { "tasks": "95", "households": 3, "late": 1 } }"#;
//! let result = scheme.evaluate_json(filing).unwrap();
//! assert_eq!(result.total.to_string(), "94.00"); // 76 + 20 (capped from 30) − 2
//! assert_eq!(result.grade.as_deref(), Some("好"));
//! assert_eq!(result.lines[0].text(), "任务完成率：完成 95，目标 100，95 ÷ 100 × 80 分 = 76.00 分");
//!
//! // The same through the owned filing type the app and server hold:
//! let filing = Filing::from_json(filing).unwrap();
//! assert_eq!(rules_wasm::evaluate(&scheme, &filing).unwrap(), result);
//! assert!(rules_wasm::validate_filing(&scheme, &filing).is_empty());
//! ```
#![forbid(unsafe_code)]

mod compile;
pub mod decimal;
mod error;
mod evaluate;
mod evaluation;
mod explain;
pub mod filing;
mod form;
pub mod hash;
mod json;
pub mod name;
pub mod num;
pub mod outcome;
mod rollup;
pub mod scheme;
mod validate;
#[cfg(feature = "wasm-phone")]
pub mod wasm;

pub use compile::{period_end_month, period_kind, CompiledScheme, ENGINE_VERSION};
pub use decimal::Decimal;
pub use error::{Error, Problem};
pub use evaluate::{evaluate, evaluate_json};
pub use evaluation::{CapHit, CapKind, CoefficientApplied, Difference, Evaluation, GroupResult, ItemResult, SchemeRef};
pub use explain::{Args, Code, Line, Warning, WarningCode};
pub use filing::{Adjustment, Entry, Filing, SourceScore, Value};
pub use form::{Field, InputKind, Section};
pub use hash::scheme_hash;
pub use name::Name;
pub use outcome::{Outcome, Scratch};
pub use rollup::{roll_up, PartResult, PeriodScore, RollUpInput, RollUpResult};
pub use scheme::{Method, Scheme};
pub use validate::{validate_filing, validate_filing_json, validate_scheme, MAX_ITEMS};
