//! Numbers in filings: parsing what people type, the input limit, the one rounding rule,
//! and arithmetic that cannot panic.
//!
//! Every score is a [`Decimal`]; no `f64` is used in scoring. Input numbers are bounded by
//! [`LIMIT`] and scheme numbers by validation, so results stay far inside the decimal's
//! range; the saturating operations below are a second line of defence, never the normal
//! path.

use crate::decimal::Decimal;

/// The largest magnitude accepted for any input number (10¹²).
pub const LIMIT: Decimal = Decimal::new(1_000_000_000_000, 0);

/// Parses a plain decimal such as `"92.5"`, `"-3"` or `"0.125"`.
///
/// Accepted: an optional `-`, 1–18 digits with at most one `.` between digits. Rejected:
/// exponents, `+`, spaces, `_`, a leading or trailing `.`, and more than 18 digits (see
/// [`Decimal::parse_plain`]).
#[must_use]
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    Decimal::parse_plain(text)
}

/// Rounds half away from zero (四舍五入 for the non-negative points the engine produces) to
/// `scale` decimal places and always shows exactly `scale` places (`95` → `95.00`).
#[must_use]
pub fn round(value: Decimal, scale: u32) -> Decimal {
    value.round_to(scale)
}

/// `a × b`, saturating instead of panicking on overflow.
#[must_use]
pub fn mul(a: Decimal, b: Decimal) -> Decimal {
    a.saturating_mul(b)
}

/// `a ÷ b`; zero when `b` is zero (callers guard against it; this keeps a bad scheme from
/// panicking).
#[must_use]
pub fn div(a: Decimal, b: Decimal) -> Decimal {
    a.checked_div(b).unwrap_or(Decimal::ZERO)
}

/// `a + b`, saturating.
#[must_use]
pub fn add(a: Decimal, b: Decimal) -> Decimal {
    a.saturating_add(b)
}

/// `a − b`, saturating.
#[must_use]
pub fn sub(a: Decimal, b: Decimal) -> Decimal {
    a.saturating_sub(b)
}

/// The most significant digits a JSON number with a fraction or an exponent may have to be
/// read as a value: every such number survives the trip through a binary float that
/// serde's readers make, so both of the engine's filing readers see the same decimal.
pub const JSON_NUMBER_DIGITS: u32 = 15;

/// The digits of a mantissa without its leading and trailing zeros (`1200` → 2).
pub(crate) fn significant_digits(mantissa: i128) -> u32 {
    let mut rest = mantissa.unsigned_abs();
    if rest == 0 {
        return 0;
    }
    while rest.is_multiple_of(10) {
        rest /= 10;
    }
    let mut count = 0;
    while rest > 0 {
        rest /= 10;
        count += 1;
    }
    count
}

/// Serde helpers for a decimal written either as a JSON string (`"92.5"`, preferred, exact)
/// or as a JSON number (`92.5`). A number with a fraction arrives from serde's JSON reader
/// as a binary float; it is converted through its shortest round-trip text, which gives
/// back the digits that were written for every number of at most
/// [`JSON_NUMBER_DIGITS`] significant digits. Longer ones are refused: serde cannot say
/// what was written, and the engine's own reader (which can) refuses them too.
pub mod lenient {
    use super::{parse_decimal, significant_digits, JSON_NUMBER_DIGITS};
    use crate::decimal::Decimal;
    use serde::de::{self, Deserializer, Visitor};
    use std::fmt;

    /// Deserializes a decimal from a string or a number.
    ///
    /// # Errors
    /// When the value is neither a number nor a string holding a plain decimal.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        deserializer.deserialize_any(LenientVisitor)
    }

    struct LenientVisitor;

    impl Visitor<'_> for LenientVisitor {
        type Value = Decimal;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a decimal number, preferably written as a string such as \"92.5\"")
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
            Ok(Decimal::from(v))
        }

        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
            from_f64(v).ok_or_else(|| E::custom("number out of range"))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
            parse_decimal(v).ok_or_else(|| E::custom("not a plain decimal"))
        }
    }

    /// A JSON number with a fraction, through its shortest round-trip text; `None` beyond
    /// [`JSON_NUMBER_DIGITS`] significant digits or 18 digits in all.
    pub(crate) fn from_f64(v: f64) -> Option<Decimal> {
        if !v.is_finite() {
            return None;
        }
        let value = parse_decimal(&v.to_string())?;
        (significant_digits(value.mantissa()) <= JSON_NUMBER_DIGITS).then_some(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_is_ten_to_the_twelfth() {
        assert_eq!(LIMIT, "1000000000000".parse().unwrap());
    }

    #[test]
    fn float_input_keeps_the_digits_that_were_written() {
        assert_eq!(lenient::from_f64(0.1), Some("0.1".parse().unwrap()));
        assert_eq!(lenient::from_f64(92.5), Some("92.5".parse().unwrap()));
        assert_eq!(lenient::from_f64(0.1 + 0.2), None, "17 significant digits");
        assert_eq!(lenient::from_f64(1e15), Some("1000000000000000".parse().unwrap()));
        assert_eq!(lenient::from_f64(1e18), None, "19 digits written out");
    }
}
