//! [`Name`]: how results hold ids and Chinese names without allocating or touching shared
//! counters on every evaluation.
//!
//! A compiled scheme's names are interned once into a process-wide table and handed out as
//! `Cow::Borrowed(&'static str)`; copying one into a result is a plain copy. Results read
//! back from JSON hold `Cow::Owned`. The trade-off: interned names are never freed. The
//! table keeps one copy per distinct string, so it grows only with the distinct names of
//! the schemes a process compiles (a few KB per scheme version), not with evaluations or
//! repeated compiles. (`Arc<str>` was the first design; its atomic counters cost about a
//! third of an evaluation's time natively.)

use std::borrow::Cow;
use std::sync::Mutex;

/// An id or name in a result: borrowed from the intern table, or owned after
/// deserialization. Compares, hashes and serializes as the string.
pub type Name = Cow<'static, str>;

/// Interned names, sorted (a sorted list rather than a `BTreeSet`: the tree's code was
/// about 5 KB of the WebAssembly module, and the list stays small).
static TABLE: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());

/// The interned copy of `text` (a result holds it as `Cow::Borrowed`).
pub(crate) fn intern(text: &str) -> &'static str {
    // A poisoned lock only means another thread panicked mid-insert; the list is still valid.
    let mut table = TABLE.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    match table.binary_search(&text) {
        Ok(found) => table[found],
        Err(place) => {
            let leaked: &'static str = Box::leak(text.to_owned().into_boxed_str());
            table.insert(place, leaked);
            leaked
        }
    }
}

/// An owned name (for strings that come from a filing, not from a scheme).
pub(crate) fn owned(text: &str) -> Name {
    Cow::Owned(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interning_the_same_text_twice_gives_the_same_storage() {
        let (a, b) = (intern("岗位职责"), intern("岗位职责"));
        assert_eq!(a, b);
        assert!(std::ptr::eq(a.as_ptr(), b.as_ptr()));
    }
}
