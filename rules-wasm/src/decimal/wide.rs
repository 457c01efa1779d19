//! A 256-bit unsigned integer with just what the rare wide paths of [`super::arith`] need:
//! the exact product of two 128-bit magnitudes, division by a 128-bit divisor, and
//! dropping decimal digits (with the one rounding rule) until a value fits. Simple over fast: scores never get
//! here.

use super::{MANTISSA_LIMIT, MAX_SCALE};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct U256 {
    hi: u128,
    lo: u128,
}

const LOW64: u128 = u64::MAX as u128;

impl U256 {
    /// `a × b`, exact.
    pub fn product(a: u128, b: u128) -> Self {
        // Schoolbook multiplication on 64-bit halves.
        let (a1, a0) = (a >> 64, a & LOW64);
        let (b1, b0) = (b >> 64, b & LOW64);
        let low = a0 * b0;
        let (middle, carry) = (a0 * b1).overflowing_add(a1 * b0);
        let (lo, carry_low) = low.overflowing_add(middle << 64);
        let hi = a1 * b1 + (middle >> 64) + (u128::from(carry) << 64) + u128::from(carry_low);
        Self { hi, lo }
    }

    /// The value, if it fits 128 bits.
    pub fn to_u128(self) -> Option<u128> {
        (self.hi == 0).then_some(self.lo)
    }

    /// `(self ÷ divisor, self mod divisor)` for a divisor below 2¹²⁷ (an `i128` magnitude),
    /// bit by bit.
    pub fn div_rem(self, divisor: u128) -> (Self, u128) {
        if self.hi == 0 {
            return (Self { hi: 0, lo: self.lo / divisor }, self.lo % divisor);
        }
        let mut quotient = Self { hi: 0, lo: 0 };
        let mut rest: u128 = 0;
        for bit in (0..256).rev() {
            let word = if bit >= 128 { self.hi >> (bit - 128) } else { self.lo >> bit };
            // `rest < divisor < 2¹²⁷`, so doubling it cannot overflow.
            rest = (rest << 1) | (word & 1);
            if rest >= divisor {
                rest -= divisor;
                if bit >= 128 {
                    quotient.hi |= 1 << (bit - 128);
                } else {
                    quotient.lo |= 1 << bit;
                }
            }
        }
        (quotient, rest)
    }

    /// The value at `scale` places, with decimal digits dropped (rounding half away from
    /// zero) until it is below 2⁹⁵ with at most [`MAX_SCALE`] places: the magnitude and
    /// its scale, or `None` when even the integer part is too large.
    pub fn fit(self, mut scale: u32) -> Option<(u128, u32)> {
        let mut value = self;
        let mut last_dropped = 0;
        loop {
            if let Some(fits) = value.to_u128().filter(|v| *v < MANTISSA_LIMIT && scale <= MAX_SCALE) {
                // Half away from zero: the most significant dropped digit decides.
                let rounded = if last_dropped >= 5 { fits + 1 } else { fits };
                if rounded < MANTISSA_LIMIT {
                    return Some((rounded, scale));
                }
            }
            if scale == 0 {
                return None;
            }
            let (rest, digit) = value.div_rem(10);
            value = rest;
            last_dropped = digit;
            scale -= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::U256;

    #[test]
    fn products_and_quotients_are_exact() {
        let big = u128::MAX / 3;
        let product = U256::product(big, 1_000_000_007);
        assert_eq!(product.div_rem(1_000_000_007), (U256 { hi: 0, lo: big }, 0));
        assert_eq!(
            U256::product(u128::from(u64::MAX), u128::from(u64::MAX)).to_u128(),
            Some(u128::from(u64::MAX) * u128::from(u64::MAX))
        );
        assert_eq!(U256::product(1 << 127, 4), U256 { hi: 2, lo: 0 });
    }

    #[test]
    fn fitting_drops_digits_half_away_from_zero() {
        assert_eq!(U256::product(12_345, 1).fit(30), Some((123, 28)));
        assert_eq!(U256::product(12_355, 1).fit(30), Some((124, 28)));
        assert_eq!(U256::product(1 << 95, 1).fit(1), Some(((1 << 95) / 10 + 1, 0)));
        assert_eq!(U256::product(1 << 95, 10).fit(1), None);
        assert_eq!(U256::product(u128::MAX, u128::MAX).fit(0), None);
    }
}
