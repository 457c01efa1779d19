//! Finding the slot of a key (an indicator, veto or coefficient id; a source id) without
//! comparing it against every key: a perfect hash chosen when the scheme is compiled.
//!
//! Why: a filing names every value by its id, on every keystroke. Comparing against each
//! key in turn cost about 80 instructions per value on the bench scheme; this is one hash
//! of at most a few 8-byte words, one table probe and one comparison.

use crate::name::intern;

/// Keys and the table that finds them.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct KeyIndex {
    keys: Vec<&'static str>,
    /// `slot + 1` at each key's hash; 0 for an empty place.
    table: Vec<u16>,
    seed: u64,
    /// `64 − log2(table size)`: the hash's top bits index the table.
    shift: u32,
    /// When no key holds a `"`, `\\` or control character (so that a key is in filing
    /// JSON as its own bytes when written without escapes): each key as a member starts,
    /// `"key":`, by slot ([`KeyIndex::expected`]); else empty. One comparison takes the
    /// quotes and the colon with the key. Interned like the names ([`crate::name`]).
    framed: Vec<&'static str>,
}

/// A key JSON writes as its own bytes between quotes.
fn is_plain(key: &str) -> bool {
    key.bytes().all(|byte| byte != b'"' && byte != b'\\' && byte >= 0x20)
}

/// 8 bytes of `bytes` from `at` (which has at least 8 left), little-endian.
fn word(bytes: &[u8], at: usize) -> u64 {
    let eight = &bytes[at..at + 8];
    u64::from_le_bytes([eight[0], eight[1], eight[2], eight[3], eight[4], eight[5], eight[6], eight[7]])
}

/// Every byte of a key shorter than 8 in one word: two overlapping 4-byte reads from 4
/// bytes on, single bytes below (two loads instead of a loop over the bytes).
fn short(bytes: &[u8]) -> u64 {
    let n = bytes.len();
    let four = |at: usize| u64::from(u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]));
    match n {
        0 => 0,
        1..=3 => u64::from(bytes[0]) | u64::from(bytes[n / 2]) << 8 | u64::from(bytes[n - 1]) << 16,
        _ => four(0) | four(n - 4) << 32,
    }
}

/// Mixes every byte of `key` and its length; the seed makes it a different function.
#[inline]
fn hash(key: &[u8], seed: u64) -> u64 {
    let n = key.len();
    let mut state = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    if n < 8 {
        state ^= short(key);
    } else {
        // Full words, then the last 8 bytes (overlapping the previous word if need be).
        let mut at = 0;
        while at + 8 < n {
            state = (state ^ word(key, at)).wrapping_mul(seed).rotate_left(29);
            at += 8;
        }
        state ^= word(key, n - 8);
    }
    state.wrapping_mul(seed)
}

impl KeyIndex {
    /// Builds the index; keys are unique (validation guarantees it).
    pub(crate) fn new(keys: Vec<&'static str>) -> Self {
        let plain = keys.iter().all(|key| is_plain(key));
        let framed = if plain { keys.iter().map(|key| intern(&format!("\"{key}\":"))).collect() } else { Vec::new() };
        // A table of twice the keys or more, and the first seed without collisions; a
        // larger table when none of 64 seeds works (it never takes more than one growth
        // in practice). Slots are u16: schemes have far fewer than 65,535 keys.
        let mut bits = (keys.len().max(1) * 2).next_power_of_two().trailing_zeros().max(2);
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        while bits <= 24 {
            for _ in 0..64 {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407) | 1;
                let shift = 64 - bits;
                let mut table = vec![0u16; 1 << bits];
                let fits = keys.iter().enumerate().all(|(slot, key)| {
                    let place = &mut table[(hash(key.as_bytes(), seed) >> shift) as usize];
                    let empty = *place == 0;
                    *place = u16::try_from(slot + 1).unwrap_or(u16::MAX);
                    empty
                });
                if fits {
                    return Self { keys, table, seed, shift, framed };
                }
            }
            bits += 1;
        }
        // Never seen; kept so that no key set can make compiling fail: search in order.
        Self { keys, table: Vec::new(), seed, shift: 0, framed }
    }

    /// The slot of `key`, if it is one of the keys.
    #[inline]
    pub(crate) fn find(&self, key: &str) -> Option<usize> {
        if self.table.is_empty() {
            return self.keys.iter().position(|candidate| *candidate == key);
        }
        let place = self.table[(hash(key.as_bytes(), self.seed) >> self.shift) as usize];
        let slot = usize::from(place).checked_sub(1)?;
        (self.keys[slot] == key).then_some(slot)
    }

    /// The key of a slot (a result names an unusable value by it).
    pub(crate) fn key(&self, slot: usize) -> &'static str {
        self.keys[slot]
    }

    /// `"key":` for a slot when every key is plain (see `framed`): how a filing most
    /// likely starts its next member, to be matched byte for byte.
    #[inline(always)]
    pub(crate) fn expected(&self, slot: usize) -> Option<&'static str> {
        self.framed.get(slot).copied()
    }

    pub(crate) fn len(&self) -> usize {
        self.keys.len()
    }
}

#[cfg(test)]
mod tests {
    use super::KeyIndex;

    #[test]
    fn every_key_is_found_and_nothing_else() {
        let keys: Vec<&'static str> =
            vec!["tasks", "attendance", "quality", "study", "a", "", "abcdefghijklmnopq", "abcdefghijklmnopr"];
        let index = KeyIndex::new(keys.clone());
        for (slot, key) in keys.iter().enumerate() {
            assert_eq!(index.find(key), Some(slot));
        }
        for other in ["task", "tasks ", "b", "abcdefghijklmnop", "quality\0"] {
            assert_eq!(index.find(other), None, "{other:?}");
        }
        let many: Vec<&'static str> =
            (0..300).map(|n| &*Box::leak(format!("indicator_{n}").into_boxed_str())).collect();
        let index = KeyIndex::new(many.clone());
        assert!(many.iter().enumerate().all(|(slot, key)| index.find(key) == Some(slot)));
    }
}
