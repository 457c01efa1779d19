//! [`Decimal`]: the engine's exact decimal number.
//!
//! A decimal is an integer mantissa and a count of decimal places (`scale`): `95.50` is
//! `9550` with scale 2. The scale is kept as written, so `"95.50"` prints as `95.50` and a
//! scheme's `"40.0"` stays `40.0` in its canonical form; equality and order are numeric
//! (`1.0 == 1.00`).
//!
//! Why our own type and not `rust_decimal`: scores use small numbers, and a general
//! 96-bit decimal pays for generality on every operation — more so in WebAssembly — and
//! was 21 KB of the module. This type computes in `i128` and takes 64-bit fast paths
//! whenever the operands fit, which is always the case for realistic schemes and filings.
//! Measured on the bench scheme written as plain Rust (`benches/floor.rs`, callgrind):
//! 1,435 instructions per evaluation with this type, 2,243 with `rust_decimal`. It is
//! stored in 16 bytes (a 96-bit two's-complement mantissa and the scale), like
//! `rust_decimal`, because explanation lines carry several decimals each and a first
//! 32-byte version cost 1,800 more instructions per evaluation in copying.
//!
//! Range and exactness, close to `rust_decimal`'s: mantissas between −2⁹⁵ and 2⁹⁵ (28
//! digits and then some), at most 28 places. Sums, differences and products are exact when the result fits;
//! otherwise places are dropped (rounding half away from zero) until it does, and only if
//! even the integer part does not fit is the result an overflow (`None` from the
//! `checked_*` methods; the operators saturate). Inputs have at most 18 digits and scheme
//! numbers are at most 10⁹, so scores never come near. A quotient is exact when it
//! terminates within 28 places; otherwise it is rounded half away from zero to 28 places
//! (fewer when the integer part is long). These are the only roundings besides the one
//! rule ([`Decimal::round_to`], half away from zero to the scheme's scale).

mod arith;
mod text;
mod wide;

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};
use std::num::NonZeroU64;

pub use text::ParseError;

/// An exact decimal number (see the [module documentation](self)).
///
/// Two 64-bit words, not a word, a half-word and a byte: the compiler keeps a struct of two
/// scalars in two registers and copies it as two words, where three fields were a block of
/// memory copied with 16-byte vector moves. Natively each such copy of a decimal just
/// written field by field stalled the processor (a wide load cannot be served from the
/// narrower stores still in flight): about a third of an evaluation's time.
#[derive(Clone, Copy)]
pub struct Decimal {
    /// Low 64 bits of the mantissa (two's complement, 96 bits in all).
    low: u64,
    /// The high 32 bits of the mantissa, with its sign, in bits 0–31, and `1 + scale` in
    /// bits 32–39: never zero, which leaves `Option<Decimal>` at 16 bytes.
    high: NonZeroU64,
}

/// The most decimal places a decimal carries.
pub const MAX_SCALE: u32 = 28;

/// Mantissas stay strictly between −2⁹⁵ and 2⁹⁵.
pub(crate) const MANTISSA_LIMIT: u128 = 1 << 95;

/// `10^n` for `n` in `0..=18`, for the 64-bit fast paths.
pub(crate) const POW10_64: [i64; 19] = {
    let mut table = [1i64; 19];
    let mut n = 1;
    while n < 19 {
        table[n] = table[n - 1] * 10;
        n += 1;
    }
    table
};

/// `10^n` for `n` in `0..=38` (intermediate results use all 128 bits).
pub(crate) const POW10: [i128; 39] = {
    let mut table = [1i128; 39];
    let mut n = 1;
    while n < 39 {
        table[n] = table[n - 1] * 10;
        n += 1;
    }
    table
};

/// `a × b` if it fits 64 bits. WebAssembly checks a 64-bit product for overflow with a
/// 128-bit library multiply (`__multi3`), the largest single cost of the phone's
/// `engine.total` after the evaluator itself: there, operands below 2³¹ (every score,
/// the usual powers of ten) are multiplied unchecked. Natively the check is one flag.
#[inline(always)]
pub(crate) fn mul_64(a: i64, b: i64) -> Option<i64> {
    #[cfg(target_arch = "wasm32")]
    if (a.unsigned_abs() | b.unsigned_abs()) < 1 << 31 {
        // |a × b| < 2⁶²: cannot overflow.
        return Some(a.wrapping_mul(b));
    }
    a.checked_mul(b)
}

/// The high word: the mantissa's high 32 bits and `1 + scale` (≤ 29) above them.
const fn high_word(high: i32, scale: u8) -> NonZeroU64 {
    match NonZeroU64::new(high as u32 as u64 | ((scale as u64 + 1) << 32)) {
        Some(word) => word,
        None => NonZeroU64::MIN,
    }
}

impl Decimal {
    pub const ZERO: Self = Self::new(0, 0);
    pub const ONE: Self = Self::new(1, 0);
    pub const ONE_HUNDRED: Self = Self::new(100, 0);
    /// The largest decimal (2⁹⁵ − 1), for saturation.
    pub const MAX: Self = Self::raw(MANTISSA_LIMIT as i128 - 1, 0);
    /// The smallest decimal (1 − 2⁹⁵), for saturation.
    pub const MIN: Self = Self::raw(1 - MANTISSA_LIMIT as i128, 0);

    /// `mantissa × 10^-scale`, e.g. `Decimal::new(105, 2)` is `1.05`. A scale above
    /// [`MAX_SCALE`] is taken as [`MAX_SCALE`].
    #[must_use]
    pub const fn new(mantissa: i64, scale: u32) -> Self {
        let scale = if scale > MAX_SCALE { MAX_SCALE } else { scale };
        Self::small_parts(mantissa, scale as u8)
    }

    /// From a 64-bit mantissa (always in range) and a scale ≤ 28.
    pub(crate) const fn small_parts(mantissa: i64, scale: u8) -> Self {
        Self { low: mantissa as u64, high: high_word((mantissa >> 63) as i32, scale) }
    }

    /// From a mantissa already known to be in range and a scale ≤ 28.
    const fn raw(mantissa: i128, scale: u8) -> Self {
        Self { low: mantissa as u64, high: high_word((mantissa >> 64) as i32, scale) }
    }

    /// The decimal `mantissa × 10^-scale`, dropping places (half away from zero) until it
    /// fits 96 bits and 28 places; `None` if even the integer part does not fit.
    pub(crate) fn fit(mantissa: i128, scale: u32) -> Option<Self> {
        if mantissa.unsigned_abs() < MANTISSA_LIMIT && scale <= MAX_SCALE {
            return Some(Self::raw(mantissa, scale as u8));
        }
        let (magnitude, scale) = wide::U256::product(mantissa.unsigned_abs(), 1).fit(scale)?;
        let magnitude = magnitude as i128;
        Some(Self::raw(if mantissa < 0 { -magnitude } else { magnitude }, scale as u8))
    }

    /// The mantissa if it fits 64 bits: the fast paths of every operation.
    #[inline]
    pub(crate) const fn small(self) -> Option<i64> {
        let low = self.low as i64;
        if self.high_bits() == (low >> 63) as i32 {
            Some(low)
        } else {
            None
        }
    }

    /// The integer mantissa (`95.50` → `9550`).
    #[must_use]
    pub const fn mantissa(self) -> i128 {
        ((self.high_bits() as i128) << 64) | self.low as i128
    }

    /// The mantissa's high 32 bits, with its sign.
    const fn high_bits(self) -> i32 {
        self.high.get() as u32 as i32
    }

    /// The number of decimal places as written or computed (`95.50` → 2).
    #[must_use]
    pub const fn scale(self) -> u32 {
        self.places() as u32
    }

    /// The scale as stored.
    pub(crate) const fn places(self) -> u8 {
        (self.high.get() >> 32) as u8 - 1
    }

    #[must_use]
    pub const fn is_zero(self) -> bool {
        self.low == 0 && self.high_bits() == 0
    }

    /// True below zero (never for a zero).
    #[must_use]
    pub const fn is_sign_negative(self) -> bool {
        self.high_bits() < 0
    }

    /// True when there is nothing after the decimal point (`3.00` is an integer).
    #[must_use]
    pub const fn is_integer(self) -> bool {
        // Scale 0 (what people type for a count) needs no division; a 64-bit mantissa
        // needs no 128-bit one, which WebAssembly does in a library call.
        let places = self.places() as usize;
        if places == 0 {
            return true;
        }
        match self.small() {
            Some(mantissa) if places < POW10_64.len() => mantissa % POW10_64[places] == 0,
            _ => self.mantissa() % POW10[places] == 0,
        }
    }

    /// The magnitude (the range is symmetric, so it always fits).
    #[must_use]
    pub const fn abs(self) -> Self {
        if self.is_sign_negative() {
            Self::raw(-self.mantissa(), self.places())
        } else {
            self
        }
    }

    /// The same number without trailing zeros after the point (`2.50` → `2.5`, `3.00` → `3`).
    #[must_use]
    pub fn normalize(self) -> Self {
        let (mut mantissa, mut scale) = (self.mantissa(), self.places());
        while scale > 0 && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        Self::raw(mantissa, scale)
    }
}

impl Default for Decimal {
    fn default() -> Self {
        Self::ZERO
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        // The usual cases inline: two 64-bit mantissas, at one scale or a few apart.
        if let (Some(a), Some(b)) = (self.small(), other.small()) {
            let (sa, sb) = (self.places(), other.places());
            if sa == sb {
                return a.cmp(&b);
            }
            let gap = usize::from(sa.abs_diff(sb));
            if gap <= 18 {
                // Raising the coarser one almost always fits 64 bits (a 128-bit product
                // is a library call in WebAssembly); else 2⁶³ × 10¹⁸ < 2¹²³: no overflow.
                let small = if sa < sb {
                    mul_64(a, POW10_64[gap]).map(|a| a.cmp(&b))
                } else {
                    mul_64(b, POW10_64[gap]).map(|b| a.cmp(&b))
                };
                if let Some(order) = small {
                    return order;
                }
                return if sa < sb {
                    (i128::from(a) * POW10[gap]).cmp(&i128::from(b))
                } else {
                    i128::from(a).cmp(&(i128::from(b) * POW10[gap]))
                };
            }
        }
        self.cmp_wide(other)
    }
}

impl Decimal {
    /// Comparison beyond 64 bits: if raising one to the other's scale overflows 128 bits,
    /// its magnitude exceeds any 96-bit one, so its sign decides.
    #[inline(never)]
    fn cmp_wide(&self, other: &Self) -> Ordering {
        let (sa, sb) = (self.places(), other.places());
        let (a, b) = (self.mantissa(), other.mantissa());
        let raised = |value: i128, gap: u8| match value.checked_mul(POW10[usize::from(gap)]) {
            Some(raised) => raised,
            None if value < 0 => i128::MIN,
            None => i128::MAX,
        };
        if sa < sb {
            raised(a, sb - sa).cmp(&b)
        } else {
            a.cmp(&raised(b, sa - sb))
        }
    }
}

impl Hash for Decimal {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Equal numbers hash alike whatever their scale.
        let normal = self.normalize();
        normal.mantissa().hash(state);
        normal.scale().hash(state);
    }
}

macro_rules! from_integer {
    ($($t:ty),*) => {$(
        impl From<$t> for Decimal {
            fn from(value: $t) -> Self {
                Self::raw(i128::from(value), 0)
            }
        }
    )*};
}

from_integer!(u8, u16, u32, u64, i8, i16, i32, i64);

impl From<usize> for Decimal {
    fn from(value: usize) -> Self {
        // usize is at most 64 bits on every target the engine builds for.
        Self::raw(value as i128, 0)
    }
}

impl serde::Serialize for Decimal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut buf = text::Buffer::new();
        serializer.serialize_str(self.write_to(&mut buf))
    }
}

/// Decimals deserialize from JSON strings only (`"92.5"`), as schemes and results write
/// them; a JSON number is an error (filings accept numbers through [`crate::num::lenient`]).
impl<'de> serde::Deserialize<'de> for Decimal {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Decimal;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a decimal number written as a string, such as \"92.5\"")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Decimal, E> {
                text.parse().map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests;
