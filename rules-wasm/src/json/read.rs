//! A strict pull reader for JSON text (RFC 8259), shared by the scheme, filing and roll-up
//! readers.
//!
//! Why not serde_json: reading a filing through serde's visitors was 42 % of an evaluation,
//! and serde's derived readers for the scheme types were about 110 KB of the 463 KB
//! WebAssembly module (README, "Figures"). This reader hands out borrowed keys and strings
//! and leaves the shape to its callers, which read straight into their own structures.
//!
//! It accepts exactly JSON: no comments, trailing commas, leading zeros or lone
//! surrogates; at most 127 nested arrays and objects (serde_json's limit). A number whose
//! magnitude reaches 10³⁰⁸ is refused, as serde_json refuses numbers beyond `f64` (it
//! refuses some just below that as well; this reader is never the more lenient). The fuzz
//! target checks that nothing this reader accepts is refused by serde_json.

use std::borrow::Cow;

/// Why text is not the JSON expected, and at which byte.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JsonError {
    pub message: Cow<'static, str>,
    pub at: usize,
}

pub type Read<T> = Result<T, JsonError>;

/// serde_json's nesting limit: 127 arrays and objects inside one another.
const MAX_DEPTH: u32 = 127;

pub struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: u32,
}

/// A JSON number as written, checked against the grammar.
#[derive(Clone, Copy, Debug)]
pub struct Number<'a> {
    pub text: &'a str,
    /// No fraction and no exponent.
    pub integer: bool,
}

/// The index of the first `"`, `\\` or control character at or after `from` (the length if
/// none): what ends the plain part of a string. Eight bytes at a time, because keys and
/// values are read on every keystroke and a byte-by-byte scan was the reader's largest
/// cost (about 75 instructions per string on the bench filing).
pub(crate) fn special_byte(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7]]);
        // A byte's high bit is set in `found` if it is one of the three; the lowest such
        // bit is exact (higher ones may be borrows, and are not looked at).
        let zero_in = |x: u64| x.wrapping_sub(ONES) & !x & HIGHS;
        let found = zero_in(word ^ (ONES * u64::from(b'"')))
            | zero_in(word ^ (ONES * u64::from(b'\\')))
            | (word.wrapping_sub(ONES * 0x20) & !word & HIGHS);
        if found != 0 {
            return at + (found.trailing_zeros() / 8) as usize;
        }
        at += 8;
    }
    let rest = &bytes[at..];
    at + rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).unwrap_or(rest.len())
}

/// Whether `bytes` at `from` hold `expected` (a framed key: a few bytes), without calling
/// `memcmp`: in WebAssembly byte by byte in place (there `memcmp` is a byte loop behind a
/// call, which cost more than the comparing); natively as two overlapping words.
#[inline(always)]
fn holds(bytes: &[u8], from: usize, expected: &[u8]) -> bool {
    let Some(found) = bytes.get(from..from + expected.len()) else {
        return false;
    };
    if cfg!(target_arch = "wasm32") {
        return found.iter().zip(expected).all(|(a, b)| a == b);
    }
    // Framed keys of 4 to 16 bytes (nearly all) as two overlapping words each side.
    let n = expected.len();
    let eight = |bytes: &[u8], at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default());
    let four = |bytes: &[u8], at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap_or_default());
    match n {
        8..=16 => eight(found, 0) == eight(expected, 0) && eight(found, n - 8) == eight(expected, n - 8),
        4..=7 => four(found, 0) == four(expected, 0) && four(found, n - 4) == four(expected, n - 4),
        _ => found == expected,
    }
}

/// A scalar read by [`Reader::plain_scalar`].
#[derive(Clone, Copy, Debug)]
pub enum Plain<'a> {
    Text(&'a str),
    Bool(bool),
    Integer(i64),
}

/// Any JSON value that is not an array or an object.
#[derive(Clone, Debug)]
pub enum Scalar<'a> {
    Null,
    Bool(bool),
    Number(Number<'a>),
    Text(Cow<'a, str>),
}

impl<'a> Reader<'a> {
    pub fn new(text: &'a str) -> Self {
        Self { text, bytes: text.as_bytes(), pos: 0, depth: 0 }
    }

    /// The text between two positions. Both are at ASCII delimiters, so on character
    /// boundaries; `get` instead of indexing keeps the panic path (and its formatting
    /// code, about 6 KB of the WebAssembly module) out. Always inline: at `opt-level = "z"`
    /// (the phone's module) it stayed a call, about 3 % of `engine.total`.
    #[inline(always)]
    fn slice(&self, from: usize, to: usize) -> &'a str {
        self.text.get(from..to).unwrap_or_default()
    }

    /// An error at the current position.
    pub fn fail<T>(&self, message: impl Into<Cow<'static, str>>) -> Read<T> {
        Err(JsonError { message: message.into(), at: self.pos })
    }

    /// The next byte after whitespace, not consumed.
    #[inline]
    pub fn peek(&mut self) -> Option<u8> {
        while let Some(&byte) = self.bytes.get(self.pos) {
            // Whitespace is rare in machine-made JSON: test the common case first.
            if byte > b' ' || !matches!(byte, b' ' | b'\t' | b'\n' | b'\r') {
                return Some(byte);
            }
            self.pos += 1;
        }
        None
    }

    fn eat(&mut self, byte: u8, what: &'static str) -> Read<()> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            self.fail(what)
        }
    }

    /// The byte the next value starts at (for messages about it).
    pub fn position(&mut self) -> usize {
        self.peek();
        self.pos
    }

    /// Nothing but whitespace may follow the document.
    pub fn finish(mut self) -> Read<()> {
        match self.peek() {
            None => Ok(()),
            Some(_) => self.fail("trailing characters"),
        }
    }

    fn enter(&mut self) -> Read<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.fail("recursion limit exceeded");
        }
        Ok(())
    }

    /// Starts reading an object: call [`Members::next`] for each key.
    pub fn object(&mut self) -> Read<Members> {
        self.eat(b'{', "expected an object")?;
        self.enter()?;
        Ok(Members { first: true })
    }

    /// Starts reading an array: call [`Elements::next`] before each element.
    pub fn array(&mut self) -> Read<Elements> {
        self.eat(b'[', "expected an array")?;
        self.enter()?;
        Ok(Elements { first: true })
    }

    /// A string; borrowed from the text when it has no escapes.
    pub fn string(&mut self) -> Read<Cow<'a, str>> {
        self.eat(b'"', "expected a string")?;
        let start = self.pos;
        let end = special_byte(self.bytes, start);
        match self.bytes.get(end) {
            Some(b'"') => {
                self.pos = end + 1;
                Ok(Cow::Borrowed(self.slice(start, end)))
            }
            Some(b'\\') | None => {
                self.pos = end;
                self.escaped_string(start).map(Cow::Owned)
            }
            Some(_) => {
                self.pos = end;
                self.fail("control character in string")
            }
        }
    }

    /// The rest of a string from its first escape (or its missing end).
    fn escaped_string(&mut self, start: usize) -> Read<String> {
        let mut out = String::from(self.slice(start, self.pos));
        loop {
            let Some(&byte) = self.bytes.get(self.pos) else {
                return self.fail("unterminated string");
            };
            match byte {
                b'"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    self.pos += 1;
                    let escaped = match self.bytes.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            out.push(self.unicode_escape()?);
                            continue;
                        }
                        Some(_) => return self.fail("invalid escape"),
                        None => return self.fail("unterminated string"),
                    };
                    self.pos += 1;
                    out.push(escaped);
                }
                0..=0x1f => return self.fail("control character in string"),
                _ => {
                    // Copy up to the next quote or backslash in one piece (the input is a
                    // `str`, and both are ASCII, so the slice ends on a character boundary).
                    let rest = &self.bytes[self.pos..];
                    let run = rest.iter().position(|&b| b == b'"' || b == b'\\' || b < 0x20).unwrap_or(rest.len());
                    out.push_str(self.slice(self.pos, self.pos + run));
                    self.pos += run;
                }
            }
        }
    }

    fn hex4(&mut self) -> Read<u32> {
        let Some(digits) = self.bytes.get(self.pos..self.pos + 4) else {
            return self.fail("short \\u escape");
        };
        let mut value = 0;
        for &digit in digits {
            let nibble = match digit {
                b'0'..=b'9' => digit - b'0',
                b'a'..=b'f' => digit - b'a' + 10,
                b'A'..=b'F' => digit - b'A' + 10,
                _ => return self.fail("invalid \\u escape"),
            };
            value = value * 16 + u32::from(nibble);
        }
        self.pos += 4;
        Ok(value)
    }

    /// After `\u`: four hex digits, or a surrogate pair `\uD8xx\uDCxx`.
    fn unicode_escape(&mut self) -> Read<char> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.bytes[self.pos..].starts_with(b"\\u") {
                    return self.fail("lone leading surrogate");
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return self.fail("invalid trailing surrogate");
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return self.fail("lone trailing surrogate"),
            other => other,
        };
        char::from_u32(code).map_or_else(|| self.fail("invalid code point"), Ok)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while let Some(b'0'..=b'9') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
        self.pos - start
    }

    /// A number, checked against the grammar and the range (see the module comment).
    pub fn number(&mut self) -> Read<Number<'a>> {
        self.peek();
        let start = self.pos;
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        match self.bytes.get(self.pos) {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                self.digits();
            }
            _ => return self.fail("invalid number"),
        }
        let (mut integer, mut scientific) = (true, false);
        if self.bytes.get(self.pos) == Some(&b'.') {
            integer = false;
            self.pos += 1;
            if self.digits() == 0 {
                return self.fail("invalid number");
            }
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            (integer, scientific) = (false, true);
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return self.fail("invalid number");
            }
        }
        let number = Number { text: self.slice(start, self.pos), integer };
        // Without an exponent, fewer than 300 characters are far below the limit.
        if (scientific || number.text.len() >= 300) && number.parts().exponent().is_some_and(|exponent| exponent >= 308)
        {
            return self.fail("number out of range");
        }
        Ok(number)
    }

    /// `true` or `false`.
    pub fn bool(&mut self) -> Read<bool> {
        match self.scalar()? {
            Scalar::Bool(flag) => Ok(flag),
            _ => self.fail("expected true or false"),
        }
    }

    /// A `u32` as serde reads one: an integer in range (`1.0`, `1e2` and `-0` are not).
    pub fn u32(&mut self) -> Read<u32> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => {}
            _ => return self.fail("expected an integer"),
        }
        let number = self.number()?;
        match number.text.parse::<u32>() {
            Ok(value) if number.integer => Ok(value),
            _ => self.fail("expected an integer 0–4294967295"),
        }
    }

    /// `null` or what `read` reads.
    pub fn nullable<T>(&mut self, read: impl FnOnce(&mut Self) -> Read<T>) -> Read<Option<T>> {
        if self.peek() == Some(b'n') {
            self.literal("null")?;
            Ok(None)
        } else {
            read(self).map(Some)
        }
    }

    fn literal(&mut self, word: &str) -> Read<()> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(())
        } else {
            self.fail("invalid literal")
        }
    }

    /// Null, a boolean, a number or a string; arrays and objects are errors.
    pub fn scalar(&mut self) -> Read<Scalar<'a>> {
        match self.peek() {
            Some(b'"') => self.string().map(Scalar::Text),
            Some(b'-' | b'0'..=b'9') => self.number().map(Scalar::Number),
            Some(b't') => self.literal("true").map(|()| Scalar::Bool(true)),
            Some(b'f') => self.literal("false").map(|()| Scalar::Bool(false)),
            Some(b'n') => self.literal("null").map(|()| Scalar::Null),
            _ => self.fail("expected null, true, false, a number or a string"),
        }
    }

    /// The common scalars in one pass, as machines write them: a string without escapes,
    /// `true`, `false`, or a non-negative integer of at most 18 digits directly followed by
    /// `,`, `}` or `]`. `None` (nothing consumed) for anything else, which the caller then
    /// reads with [`Reader::scalar`]: it accepts exactly what that accepts, only faster.
    /// Always inline (one caller, the values loop), also at `opt-level = "z"`.
    #[inline(always)]
    pub(crate) fn plain_scalar(&mut self) -> Option<Plain<'a>> {
        let bytes = self.bytes;
        let at = self.pos;
        let (plain, end) = match *bytes.get(at)? {
            b'"' => {
                let end = special_byte(bytes, at + 1);
                if bytes.get(end) != Some(&b'"') {
                    return None;
                }
                (Plain::Text(self.slice(at + 1, end)), end + 1)
            }
            b't' if bytes.get(at..at + 4) == Some(b"true") => (Plain::Bool(true), at + 4),
            b'f' if bytes.get(at..at + 5) == Some(b"false") => (Plain::Bool(false), at + 5),
            b'0'..=b'9' => {
                let mut end = at;
                let mut value: i64 = 0;
                while let Some(digit @ b'0'..=b'9') = bytes.get(end) {
                    value = value.wrapping_mul(10).wrapping_add(i64::from(digit - b'0'));
                    end += 1;
                }
                let length = end - at;
                // No leading zero (JSON has none), no fraction or exponent, no overflow.
                if length > 18
                    || (length > 1 && bytes[at] == b'0')
                    || !matches!(bytes.get(end), Some(b',' | b'}' | b']'))
                {
                    return None;
                }
                (Plain::Integer(value), end)
            }
            _ => return None,
        };
        self.pos = end;
        Some(plain)
    }

    /// Any value, checked and skipped.
    pub fn skip(&mut self) -> Read<()> {
        match self.peek() {
            Some(b'{') => {
                let mut members = self.object()?;
                while members.next(self)?.is_some() {
                    self.skip()?;
                }
                Ok(())
            }
            Some(b'[') => {
                let mut elements = self.array()?;
                while elements.next(self)? {
                    self.skip()?;
                }
                Ok(())
            }
            _ => self.scalar().map(|_| ()),
        }
    }
}

/// The keys of an object being read (see [`Reader::object`]).
pub struct Members {
    first: bool,
}

impl Members {
    /// The next key, with the reader at its value; `None` after the closing brace.
    pub fn next<'a>(&mut self, reader: &mut Reader<'a>) -> Read<Option<Cow<'a, str>>> {
        if let Some(key) = self.plain_key(reader) {
            return Ok(Some(Cow::Borrowed(key)));
        }
        match (reader.peek(), self.first) {
            (Some(b'}'), _) => {
                reader.pos += 1;
                reader.depth -= 1;
                return Ok(None);
            }
            (Some(b'"'), true) => self.first = false,
            (Some(b','), false) => {
                reader.pos += 1;
                if reader.peek() != Some(b'"') {
                    return reader.fail("expected a key");
                }
            }
            (_, true) => return reader.fail("expected a key or `}`"),
            (_, false) => return reader.fail("expected `,` or `}`"),
        }
        let key = reader.string()?;
        reader.eat(b':', "expected `:`")?;
        Ok(Some(key))
    }
}

impl Members {
    /// The common case, in one pass: `"key":` (or `,"key":` after the first) with no
    /// whitespace and no escape, as machines write JSON; `None` (nothing consumed) for
    /// anything else, which [`Members::next`] then reads the general way. Keys are read on
    /// every keystroke, and going through `peek`, `string` and `eat` cost about 150
    /// instructions a key. Always inline (one caller), also at `opt-level = "z"`.
    #[inline(always)]
    fn plain_key<'a>(&mut self, reader: &mut Reader<'a>) -> Option<&'a str> {
        let bytes = reader.bytes;
        let quote = reader.pos + usize::from(!self.first);
        if !self.first && bytes.get(reader.pos) != Some(&b',') || bytes.get(quote) != Some(&b'"') {
            return None;
        }
        let end = special_byte(bytes, quote + 1);
        if bytes.get(end) != Some(&b'"') || bytes.get(end + 1) != Some(&b':') {
            return None;
        }
        self.first = false;
        reader.pos = end + 2;
        Some(reader.slice(quote + 1, end))
    }

    /// Whether the next member starts with `framed`, a key and its colon written as
    /// `"key":` (no whitespace, no escapes); if so, consumes it. The key must hold no `"`,
    /// `\\` or control character (then these bytes can only be that key). The values loop
    /// tries the scheme's next key this way first: a form writes its values in the
    /// scheme's order.
    #[inline]
    pub(crate) fn expected_key(&mut self, reader: &mut Reader<'_>, framed: &str) -> bool {
        let bytes = reader.bytes;
        let start = reader.pos + usize::from(!self.first);
        let found = (self.first || bytes.get(reader.pos) == Some(&b',')) && holds(bytes, start, framed.as_bytes());
        if found {
            self.first = false;
            reader.pos = start + framed.len();
        }
        found
    }
}

/// The elements of an array being read (see [`Reader::array`]).
pub struct Elements {
    first: bool,
}

impl Elements {
    /// Whether another element follows (the reader is then at it).
    pub fn next(&mut self, reader: &mut Reader<'_>) -> Read<bool> {
        match (reader.peek(), self.first) {
            (Some(b']'), _) => {
                reader.pos += 1;
                reader.depth -= 1;
                Ok(false)
            }
            // The element itself reports anything that is not a value.
            (_, true) => {
                self.first = false;
                Ok(true)
            }
            (Some(b','), false) => {
                reader.pos += 1;
                Ok(true)
            }
            (_, false) => reader.fail("expected `,` or `]`"),
        }
    }
}

/// The digits of a number without sign, point and exponent, and where the point goes.
pub struct Parts<'a> {
    /// Integer and fraction digits, in order, point removed.
    digits: [&'a [u8]; 2],
    /// The value is `digits × 10^power`.
    power: i64,
}

impl<'a> Number<'a> {
    pub fn is_negative(self) -> bool {
        self.text.starts_with('-')
    }

    /// The number's digits and power of ten.
    pub fn parts(self) -> Parts<'a> {
        let bytes = self.text.trim_start_matches('-').as_bytes();
        let mantissa_end = bytes.iter().position(|b| matches!(b, b'e' | b'E')).unwrap_or(bytes.len());
        let (mantissa, exponent) = bytes.split_at(mantissa_end);
        let (whole, fraction) = match mantissa.iter().position(|b| *b == b'.') {
            Some(point) => (&mantissa[..point], &mantissa[point + 1..]),
            None => (mantissa, &mantissa[..0]),
        };
        let exponent = exponent.get(1..).map_or(0, |digits| {
            let (negative, digits) = match digits.first() {
                Some(b'-') => (true, &digits[1..]),
                Some(b'+') => (false, &digits[1..]),
                _ => (false, digits),
            };
            // Saturate: anything beyond ±10¹⁵ is out of every range that matters.
            let value = digits.iter().fold(0i64, |value, digit| (value * 10 + i64::from(digit - b'0')).min(1 << 50));
            if negative {
                -value
            } else {
                value
            }
        });
        Parts { digits: [whole, fraction], power: exponent - fraction.len() as i64 }
    }
}

impl Parts<'_> {
    fn all(&self) -> impl DoubleEndedIterator<Item = u8> + '_ {
        self.digits.iter().flat_map(|part| part.iter().copied())
    }

    /// The power of ten of the first significant digit (`1.5e3` → 3); `None` for zero.
    pub fn exponent(&self) -> Option<i64> {
        let count = self.all().count() as i64;
        let leading = self.all().position(|digit| digit != b'0')? as i64;
        Some(self.power + count - 1 - leading)
    }

    /// The significant digits (without leading and trailing zeros) and the power of ten
    /// of the last one: `0.0120` → (`12`, −3). `None` for zero or beyond `limit` digits.
    pub fn significant(&self, limit: u32) -> Option<(u64, i64)> {
        let count = self.all().count();
        let leading = self.all().position(|digit| digit != b'0')?;
        let trailing = self.all().rev().position(|digit| digit != b'0').unwrap_or(0);
        let significant = count - leading - trailing;
        if significant > limit as usize {
            return None;
        }
        let value =
            self.all().skip(leading).take(significant).fold(0u64, |value, digit| value * 10 + u64::from(digit - b'0'));
        Some((value, self.power + trailing as i64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(text: &str) -> (Option<i64>, Option<(u64, i64)>) {
        let mut reader = Reader::new(text);
        let parts = reader.number().unwrap().parts();
        (parts.exponent(), parts.significant(15))
    }

    #[test]
    fn numbers_split_into_significant_digits_and_a_power() {
        assert_eq!(parts("0.0120"), (Some(-2), Some((12, -3))));
        assert_eq!(parts("-1.5e3"), (Some(3), Some((15, 2))));
        assert_eq!(parts("1200"), (Some(3), Some((12, 2))));
        assert_eq!(parts("0"), (None, None));
        assert_eq!(parts("0.000e5"), (None, None));
        assert_eq!(parts("1234567890123456"), (Some(15), None));
    }

    #[test]
    fn numbers_at_or_beyond_1e308_are_refused() {
        assert!(Reader::new("1e307").number().is_ok());
        assert!(Reader::new("9.99e307").number().is_ok());
        assert!(Reader::new("1e308").number().is_err());
        assert!(Reader::new("0.01e310").number().is_err());
        assert!(Reader::new("0e999").number().is_ok());
        assert!(Reader::new("1e-999").number().is_ok());
    }

    #[test]
    fn nesting_stops_where_serde_json_stops() {
        let nested = |n: usize| format!("{{\"x\":{}{}}}", "[".repeat(n), "]".repeat(n));
        assert!(Reader::new(&nested(126)).skip().is_ok());
        assert!(Reader::new(&nested(127)).skip().is_err());
    }

    #[test]
    fn strings_decode_escapes() {
        let mut reader = Reader::new(r#""a\"b\\c\/\b\f\n\r\t\u00e9\ud83d\ude00中""#);
        assert_eq!(reader.string().unwrap(), "a\"b\\c/\u{8}\u{c}\n\r\té😀中");
        for bad in [r#""\ud800""#, r#""\udc00""#, r#""\q""#, "\"a\u{1}\"", r#""abc"#, r#""\u12""#] {
            assert!(Reader::new(bad).string().is_err(), "{bad}");
        }
    }
}
