//! The engine's one error type, and [`Problem`], the unit of validation findings.

use crate::json::Writer;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One finding of [`crate::validate_scheme`] or [`crate::validate_filing`].
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where, e.g. `indicators[3].method.steps[1].min` or `values.tasks`.
    pub path: String,
    /// Stable machine code, e.g. `weights.sum`, `value.range`.
    pub code: String,
    /// Plain-Chinese message for the person who has to fix it.
    pub message: String,
}

impl Problem {
    pub(crate) fn new(path: impl Into<String>, code: &str, message: impl Into<String>) -> Self {
        Self { path: path.into(), code: code.to_owned(), message: message.into() }
    }
}

impl Problem {
    /// A list of problems as a JSON array of `{path, code, message}`.
    #[must_use]
    pub fn list_json(problems: &[Problem]) -> String {
        let mut out = Writer::with_capacity(64 + 96 * problems.len());
        write_problems(&mut out, problems);
        out.finish()
    }
}

fn write_problems(out: &mut Writer, problems: &[Problem]) {
    out.begin_array();
    for problem in problems {
        out.begin_object();
        for (key, value) in [("path", &problem.path), ("code", &problem.code), ("message", &problem.message)] {
            out.key(key);
            out.string(value);
        }
        out.end_object();
    }
    out.end_array();
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} [{}]", self.path, self.message, self.code)
    }
}

/// Why the engine could not produce a result. Ordinary gaps in a draft are not errors: they
/// become zero points and warnings.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Error {
    /// Code `json`: the text is not JSON of the expected shape. `what` names the document
    /// (`scheme`, `filing`, `rollup`).
    Json { what: String, message: String },
    /// Code `invalid_scheme`: the scheme failed validation; every problem is listed.
    InvalidScheme { problems: Vec<Problem> },
    /// Code `scheme_mismatch`: the filing was made for another scheme id or version.
    SchemeMismatch { expected: String, found: String },
    /// Code `unknown_rollup`: the scheme has no roll-up with this id.
    UnknownRollUp { id: String },
    /// Code `invalid_rollup`: the roll-up input breaks a rule (a rejected missing period, more
    /// periods than expected, an unknown part).
    InvalidRollUp { problems: Vec<Problem> },
}

impl Error {
    pub(crate) fn json(what: &str, error: &crate::json::JsonError) -> Self {
        Self::Json { what: what.to_owned(), message: format!("{} at byte {}", error.message, error.at) }
    }

    /// The stable machine code.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::Json { .. } => "json",
            Self::InvalidScheme { .. } => "invalid_scheme",
            Self::SchemeMismatch { .. } => "scheme_mismatch",
            Self::UnknownRollUp { .. } => "unknown_rollup",
            Self::InvalidRollUp { .. } => "invalid_rollup",
        }
    }

    /// The validation problems carried, if any.
    #[must_use]
    pub fn problems(&self) -> &[Problem] {
        match self {
            Self::InvalidScheme { problems } | Self::InvalidRollUp { problems } => problems,
            _ => &[],
        }
    }

    /// The error as JSON (`{"code": …, …}`), for the JavaScript API and HTTP bodies:
    /// what serde's derive writes, by hand (see [`crate::json::write`]).
    #[must_use]
    pub fn to_json(&self) -> String {
        let mut out = Writer::with_capacity(128);
        out.begin_object();
        out.key("code");
        // serde's tag, kept as it was: it spells the roll-up errors `unknown_roll_up` and
        // `invalid_roll_up`, unlike `code()`.
        out.string(match self {
            Self::UnknownRollUp { .. } => "unknown_roll_up",
            Self::InvalidRollUp { .. } => "invalid_roll_up",
            other => other.code(),
        });
        let fields: [(&str, &str); 2] = match self {
            Self::Json { what, message } => [("what", what), ("message", message)],
            Self::SchemeMismatch { expected, found } => [("expected", expected), ("found", found)],
            Self::UnknownRollUp { id } => [("id", id), ("", "")],
            Self::InvalidScheme { problems } | Self::InvalidRollUp { problems } => {
                out.key("problems");
                write_problems(&mut out, problems);
                [("", ""); 2]
            }
        };
        for (key, value) in fields.into_iter().filter(|(key, _)| !key.is_empty()) {
            out.key(key);
            out.string(value);
        }
        out.end_object();
        out.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Json { what, message } => write!(f, "{what} 的 JSON 无法读取：{message}"),
            Self::InvalidScheme { problems } => {
                write!(f, "方案有 {} 处问题", problems.len())?;
                for problem in problems {
                    write!(f, "；{problem}")?;
                }
                Ok(())
            }
            Self::SchemeMismatch { expected, found } => {
                write!(f, "填报对应的方案是 {found}，不是 {expected}")
            }
            Self::UnknownRollUp { id } => write!(f, "方案没有名为 {id} 的汇总规则"),
            Self::InvalidRollUp { problems } => {
                write!(f, "汇总输入有 {} 处问题", problems.len())?;
                for problem in problems {
                    write!(f, "；{problem}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for Error {}
