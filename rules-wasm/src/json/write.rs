//! A compact JSON writer producing exactly what serde_json writes for the same data (no
//! spaces; `"`, `\` and control characters escaped, nothing else), so that results, forms,
//! errors and the canonical scheme text keep their format byte for byte — the tests
//! compare the two on every golden case.
//!
//! Why not serde_json here: its serializer and the derived `Serialize` code for the result
//! types were the other large part of the WebAssembly module, and writing a result with
//! every text through it took 123,000 instructions for the bench filing.

use crate::decimal::Decimal;
use crate::json::read::special_byte;

/// JSON text being written. Commas are placed by looking at the last byte written: a key
/// or an element after `{` or `[` needs none, anything else does.
pub struct Writer {
    out: String,
}

impl Writer {
    pub fn with_capacity(capacity: usize) -> Self {
        Self { out: String::with_capacity(capacity) }
    }

    pub fn finish(self) -> String {
        self.out
    }

    fn comma(&mut self) {
        if !matches!(self.out.as_bytes().last(), None | Some(b'{' | b'[' | b':')) {
            self.out.push(',');
        }
    }

    pub fn begin_object(&mut self) {
        self.comma();
        self.out.push('{');
    }

    pub fn end_object(&mut self) {
        self.out.push('}');
    }

    pub fn begin_array(&mut self) {
        self.comma();
        self.out.push('[');
    }

    pub fn end_array(&mut self) {
        self.out.push(']');
    }

    /// A key (plain ASCII, as all of the engine's keys are); the value follows.
    pub fn key(&mut self, key: &str) {
        self.comma();
        self.out.push('"');
        self.out.push_str(key);
        self.out.push_str("\":");
    }

    /// A string known to need no escaping (a machine code, an enum's name).
    pub fn plain(&mut self, text: &'static str) {
        self.comma();
        self.out.push('"');
        self.out.push_str(text);
        self.out.push('"');
    }

    /// A string value, escaped as serde_json escapes it.
    pub fn string(&mut self, text: &str) {
        self.comma();
        self.out.push('"');
        escape_into(&mut self.out, text);
        self.out.push('"');
    }

    /// A decimal as a JSON string (`"95.50"`).
    pub fn decimal(&mut self, value: Decimal) {
        self.comma();
        self.out.push('"');
        value.append_to(&mut self.out);
        self.out.push('"');
    }

    pub fn u64(&mut self, value: u64) {
        self.comma();
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut rest = value;
        loop {
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        // ASCII digits only.
        self.out.push_str(std::str::from_utf8(&digits[at..]).unwrap_or("0"));
    }

    pub fn bool(&mut self, value: bool) {
        self.comma();
        self.out.push_str(if value { "true" } else { "false" });
    }

    pub fn null(&mut self) {
        self.comma();
        self.out.push_str("null");
    }

    /// `null` or the value.
    pub fn optional<T>(&mut self, value: Option<T>, write: impl FnOnce(&mut Self, T)) {
        match value {
            Some(value) => write(self, value),
            None => self.null(),
        }
    }

    /// A string value rendered piecewise (an explanation sentence), escaped as it goes.
    pub fn sentence(&mut self, render: impl FnOnce(&mut Escaped<'_>)) {
        self.comma();
        self.out.push('"');
        render(&mut Escaped(&mut self.out));
        self.out.push('"');
    }
}

/// Text written into a JSON string: escaped as it goes.
pub struct Escaped<'a>(&'a mut String);

impl crate::explain::Out for Escaped<'_> {
    fn text(&mut self, text: &str) {
        escape_into(self.0, text);
    }

    fn literal(&mut self, text: &'static str) {
        self.0.push_str(text);
    }

    fn number(&mut self, value: Decimal) {
        // Digits, a point and a sign never need escaping.
        value.append_to(self.0);
    }
}

/// Appends `text` with `"`, `\` and control characters escaped (serde_json's set). Clean
/// runs (all of a Chinese sentence, usually) are found eight bytes at a time and copied
/// in one piece.
fn escape_into(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut start = 0;
    loop {
        let at = special_byte(bytes, start);
        // Escaped bytes are ASCII: the slices end on character boundaries (`get` keeps
        // the panic path out of the WebAssembly module).
        out.push_str(text.get(start..at).unwrap_or_default());
        let Some(&byte) = bytes.get(at) else {
            return;
        };
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x08 => out.push_str("\\b"),
            0x0c => out.push_str("\\f"),
            _ => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.push_str("\\u00");
                out.push(char::from(HEX[usize::from(byte >> 4)]));
                out.push(char::from(HEX[usize::from(byte & 0xf)]));
            }
        }
        start = at + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::Writer;

    #[test]
    fn output_matches_serde_json() {
        let mut writer = Writer::with_capacity(64);
        writer.begin_object();
        writer.key("a");
        writer.string("x\"y\\z\n\u{1}\u{7f}é/");
        writer.key("b");
        writer.begin_array();
        writer.u64(0);
        writer.u64(18_446_744_073_709_551_615);
        writer.bool(true);
        writer.null();
        writer.decimal("-0.50".parse().unwrap());
        writer.begin_object();
        writer.end_object();
        writer.end_array();
        writer.key("c");
        writer.sentence(|out| crate::explain::Out::text(out, "制\t表"));
        writer.end_object();
        let expected = serde_json::json!({
            "a": "x\"y\\z\n\u{1}\u{7f}é/", "b": [0, 18_446_744_073_709_551_615u64, true, null, "-0.50", {}], "c": "制\t表"
        });
        assert_eq!(writer.finish(), serde_json::to_string(&expected).unwrap());
    }
}
