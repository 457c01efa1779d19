//! Rendering an outcome's lines and warnings into the same Chinese sentences as
//! [`crate::Line::text`] and [`crate::Warning::text`]: the same templates, filled with the
//! names looked up in the scheme (or the filing's text) only now.

use super::{Notice, Outcome, Record};
use crate::decimal::Decimal;
use crate::explain::{fill, Fill, Out};

impl Outcome<'_> {
    /// Appends the sentence of `line` (one of [`Outcome::lines`]) to `out`, which the
    /// caller may reuse: rendering then allocates nothing.
    pub fn write_line(&self, line: &Record, out: &mut String) {
        self.render_line(line, out);
    }

    /// The sentence of `line`, as [`crate::Line::text`] gives it.
    #[must_use]
    pub fn line_text(&self, line: &Record) -> String {
        let mut text = String::with_capacity(96);
        self.render_line(line, &mut text);
        text
    }

    /// Appends the sentence of a warning to `out`.
    pub fn write_warning(&self, warning: &Notice, out: &mut String) {
        self.render_warning(warning, out);
    }

    /// The sentence of a warning, as [`crate::Warning::text`] gives it.
    #[must_use]
    pub fn warning_text(&self, warning: &Notice) -> String {
        let mut text = String::with_capacity(96);
        self.render_warning(warning, &mut text);
        text
    }

    pub(crate) fn render_line(&self, line: &Record, out: &mut impl Out) {
        let (_, name) = self.names(line.subject);
        let (note, by) = self.note(line.note);
        let with = Fill {
            name: name.unwrap_or_default(),
            note: note.unwrap_or_default(),
            by: by.unwrap_or_default(),
            points: line.points.unwrap_or_default(),
            args: line.args,
        };
        fill(out, line.code.template(), &with);
    }

    pub(crate) fn render_warning(&self, warning: &Notice, out: &mut impl Out) {
        // A warning about a bare key names it by its id.
        let (id, name) = self.names(warning.subject);
        let with =
            Fill { name: name.or(id).unwrap_or_default(), note: "", by: "", points: Decimal::ZERO, args: warning.args };
        fill(out, warning.code.template(), &with);
    }
}
