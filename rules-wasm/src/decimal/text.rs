//! Decimals as text: the plain form people type in filings, the form schemes are written
//! in, and printing (`95.50`, `0.05`, `-3`: the mantissa's digits with the point placed by
//! the scale, exactly as `rust_decimal` printed them, so canonical scheme text and hashes
//! do not change).

use super::{Decimal, MANTISSA_LIMIT, MAX_SCALE, POW10};
use std::fmt;
use std::str::FromStr;

/// Room for the longest decimal: a sign, "0.", 38 places, or 39 digits and a point.
pub(crate) struct Buffer([u8; 48]);

impl Buffer {
    pub(crate) const fn new() -> Self {
        Self([0; 48])
    }
}

impl Decimal {
    /// Parses the plain form a filing uses: an optional `-`, 1–18 digits with at most one
    /// `.` between digits (`"92.5"`, `"-3"`, `"0.125"`). No exponent, `+`, spaces or `_`.
    /// The fast path for every number a person types.
    #[must_use]
    pub fn parse_plain(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        let (negative, digits) = match bytes.first()? {
            b'-' => (true, &bytes[1..]),
            _ => (false, bytes),
        };
        if digits.is_empty() || digits.len() > 19 {
            return None;
        }
        // One test per byte: a digit, else the one point (where it is, checked after).
        let mut mantissa: u64 = 0;
        let mut point = None;
        for (index, &byte) in digits.iter().enumerate() {
            let digit = byte.wrapping_sub(b'0');
            if digit < 10 {
                // At most 19 digits: below 10¹⁹ < 2⁶⁴.
                mantissa = mantissa * 10 + u64::from(digit);
            } else if byte == b'.' && point.is_none() {
                point = Some(index);
            } else {
                return None;
            }
        }
        // The point has a digit on either side; at most 18 digits in all.
        let scale = match point {
            None if digits.len() <= 18 => 0,
            Some(index) if index > 0 && index + 1 < digits.len() && digits.len() <= 19 => digits.len() - index - 1,
            _ => return None,
        };
        // At most 18 digits: fits an `i64`.
        let mantissa = mantissa as i64;
        Some(Self::small_parts(if negative { -mantissa } else { mantissa }, scale as u8))
    }

    /// The decimal's characters, right-aligned in `buf`: returns where they start.
    fn digits(self, buf: &mut Buffer) -> usize {
        // Places, then the point, then at least one digit before it; right to left.
        macro_rules! write_digits {
            ($bytes:expr, $end:ident, $n:ident, $scale:expr) => {
                for _ in 0..$scale {
                    $end -= 1;
                    $bytes[$end] = b'0' + ($n % 10) as u8;
                    $n /= 10;
                }
                if $scale > 0 {
                    $end -= 1;
                    $bytes[$end] = b'.';
                }
                loop {
                    $end -= 1;
                    $bytes[$end] = b'0' + ($n % 10) as u8;
                    $n /= 10;
                    if $n == 0 {
                        break;
                    }
                }
            };
        }
        let bytes = &mut buf.0;
        let scale = self.scale() as usize;
        let mut end = bytes.len();
        let magnitude = self.mantissa().unsigned_abs();
        match u64::try_from(magnitude) {
            // The usual case: 64-bit divisions (they compile to multiplications).
            Ok(mut n) => {
                write_digits!(bytes, end, n, scale);
            }
            Err(_) => {
                let mut n = magnitude;
                write_digits!(bytes, end, n, scale);
            }
        }
        if self.is_sign_negative() {
            end -= 1;
            bytes[end] = b'-';
        }
        end
    }

    /// Writes the decimal into `buf` and returns the text.
    pub(crate) fn write_to(self, buf: &mut Buffer) -> &str {
        let start = self.digits(buf);
        // Only ASCII digits, a point and a sign were written.
        std::str::from_utf8(&buf.0[start..]).unwrap_or("0")
    }

    /// Appends the decimal to `out` character by character: no UTF-8 check of the digits
    /// (which was a third of the cost of writing a number into a result).
    pub(crate) fn append_to(self, out: &mut String) {
        let mut buf = Buffer::new();
        let start = self.digits(&mut buf);
        out.extend(buf.0[start..].iter().map(|&byte| char::from(byte)));
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.write_to(&mut Buffer::new()))
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Text that is not a decimal number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError(&'static str);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a decimal number: {}", self.0)
    }
}

impl std::error::Error for ParseError {}

/// The form decimals take in a scheme (and in results): what `rust_decimal` accepted, so
/// every stored scheme still reads the same — an optional sign, digits with `_` allowed
/// between them, at most one point (`.5` and `5.` are fine), an optional exponent
/// (`1e3`, `2.5E-2`). The mantissa must stay below 2⁹⁵ and the places at most 28 (a little
/// narrower than `rust_decimal`'s 2⁹⁶; nothing near either can pass scheme validation).
impl FromStr for Decimal {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Self, ParseError> {
        let bytes = text.as_bytes();
        let (negative, rest) = match bytes.first() {
            Some(b'-') => (true, &bytes[1..]),
            Some(b'+') => (false, &bytes[1..]),
            _ => (false, bytes),
        };
        let mut mantissa: i128 = 0;
        let (mut digits, mut places, mut point, mut index) = (0u32, 0i64, false, 0);
        while let Some(&byte) = rest.get(index) {
            match byte {
                b'0'..=b'9' => {
                    mantissa = mantissa
                        .checked_mul(10)
                        .and_then(|m| m.checked_add(i128::from(byte - b'0')))
                        .filter(|m| *m < POW10[38])
                        .ok_or(ParseError("too many digits"))?;
                    digits += 1;
                    places += i64::from(point);
                }
                b'_' if digits > 0 => {}
                b'.' if !point => point = true,
                b'e' | b'E' if digits > 0 => break,
                _ => return Err(ParseError("unexpected character")),
            }
            index += 1;
        }
        if digits == 0 {
            return Err(ParseError("no digits"));
        }
        if index < rest.len() {
            places -= exponent(&rest[index + 1..])?;
        }
        if places < 0 {
            let raise = usize::try_from(-places).ok().filter(|n| *n < POW10.len()).ok_or(ParseError("too large"))?;
            mantissa = mantissa.checked_mul(POW10[raise]).ok_or(ParseError("too large"))?;
            places = 0;
        }
        if places > i64::from(MAX_SCALE) {
            return Err(ParseError("more than 28 places"));
        }
        if mantissa.unsigned_abs() >= MANTISSA_LIMIT {
            return Err(ParseError("beyond 2⁹⁵"));
        }
        Ok(Self::raw(if negative { -mantissa } else { mantissa }, places as u8))
    }
}

/// The exponent after `e`: an optional sign and 1–3 digits.
fn exponent(bytes: &[u8]) -> Result<i64, ParseError> {
    let (negative, digits) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 3 || !digits.iter().all(u8::is_ascii_digit) {
        return Err(ParseError("bad exponent"));
    }
    let value = digits.iter().fold(0i64, |value, digit| value * 10 + i64::from(digit - b'0'));
    Ok(if negative { -value } else { value })
}
