//! Arithmetic: exact sums, differences and products, quotients to 28 places, the one
//! rounding rule. Each operation first tries a fast path for mantissas that fit an `i64`
//! (every realistic score): 64-bit arithmetic, or 128-bit where a product or a change of
//! scale needs it, with no overflow checks where the bounds rule overflow out. The general
//! paths compute in 128 bits and, for products and quotients that need it, 256 bits
//! ([`super::wide`]), then fit the result back into 96 bits.

use super::wide::U256;
use super::{mul_64, Decimal, MAX_SCALE, POW10, POW10_64};
use std::ops::{Add, AddAssign, Mul, Neg, Sub};

/// Places a quotient that does not terminate is carried to.
pub const DIV_PLACES: u32 = 28;

/// Digits a rounded quotient keeps at most: 28 digits always fit 96 bits, so the quotient
/// is rounded once, never again when it is stored.
const QUOTIENT_DIGITS: u32 = 28;

/// The number of decimal digits of `value` (0 for 0).
fn digits(value: u128) -> u32 {
    POW10.iter().take_while(|power| value >= **power as u128).count() as u32
}

/// `n ÷ d` and `n mod d`, in 64 bits when both fit (the usual case: one machine division
/// instead of a 128-bit library call).
fn div_rem(n: u128, d: u128) -> (u128, u128) {
    match (u64::try_from(n), u64::try_from(d)) {
        (Ok(n), Ok(d)) => (u128::from(n / d), u128::from(n % d)),
        _ => (n / d, n % d),
    }
}

/// A quotient being computed: `magnitude` at `places` places, and what is left over.
struct Quotient {
    magnitude: u128,
    rest: u128,
    places: u32,
}

impl Quotient {
    /// Rounds (half away from zero: the rest is at least half the divisor) or, when
    /// exact, drops zeros beyond the natural places; then applies the sign.
    fn finish(mut self, divisor: u128, natural: u32, negative: bool) -> Option<Decimal> {
        if self.rest == 0 {
            while self.places > natural && self.magnitude.is_multiple_of(10) {
                self.magnitude /= 10;
                self.places -= 1;
            }
        } else if self.rest >= divisor - self.rest {
            self.magnitude += 1;
        }
        Decimal::fit(signed(self.magnitude, negative)?, self.places)
    }
}

/// Long division of `numerator` (at `places` places) by `divisor`, as many digits at a time
/// as fit in 128 bits, until exact or [`DIV_PLACES`] places or [`QUOTIENT_DIGITS`] digits.
/// `None` when a step cannot fit (a divisor of 38 digits): [`wide_division`] takes over.
fn long_division(numerator: u128, divisor: u128, places: u32) -> Option<Quotient> {
    let (magnitude, rest) = div_rem(numerator, divisor);
    let mut quotient = Quotient { magnitude, rest, places };
    while quotient.rest != 0 && quotient.places < DIV_PLACES {
        let room = QUOTIENT_DIGITS.saturating_sub(digits(quotient.magnitude));
        if room == 0 {
            break;
        }
        let step = room.min(DIV_PLACES - quotient.places).min(38u32.saturating_sub(digits(divisor)));
        if step == 0 {
            return None;
        }
        let unit = POW10[step as usize] as u128;
        let (digits, rest) = div_rem(quotient.rest * unit, divisor);
        quotient.magnitude = quotient.magnitude * unit + digits;
        quotient.rest = rest;
        quotient.places += step;
    }
    Some(quotient)
}

/// The same digit by digit in 256 bits, for a numerator beyond 128 bits or a huge
/// divisor. Never reached by scores; kept so that no input can make division wrong.
fn wide_division(mantissa: u128, shift: usize, divisor: u128, places: u32) -> Option<Quotient> {
    let (whole, rest) = U256::product(mantissa, POW10[shift] as u128).div_rem(divisor);
    let mut quotient = Quotient { magnitude: whole.to_u128()?, rest, places };
    while quotient.rest != 0 && quotient.places < DIV_PLACES && digits(quotient.magnitude) < QUOTIENT_DIGITS {
        let (digit, rest) = U256::product(quotient.rest, 10).div_rem(divisor);
        quotient.magnitude = quotient.magnitude * 10 + digit.to_u128()?;
        quotient.rest = rest;
        quotient.places += 1;
    }
    Some(quotient)
}

/// `magnitude` with `sign`, if it fits.
fn signed(magnitude: u128, negative: bool) -> Option<i128> {
    let value = i128::try_from(magnitude).ok()?;
    Some(if negative { -value } else { value })
}

impl Decimal {
    /// `self + other`, exact when the sum fits (see the module documentation); `None` on
    /// overflow.
    #[must_use]
    #[inline]
    pub fn checked_add(self, other: Self) -> Option<Self> {
        // The usual cases inline: two 64-bit mantissas, at one scale or a few apart.
        if let (Some(a), Some(b)) = (self.small(), other.small()) {
            let (sa, sb) = (self.places(), other.places());
            if sa == sb {
                if let Some(sum) = a.checked_add(b) {
                    return Some(Self::small_parts(sum, sa));
                }
            } else if sa.abs_diff(sb) <= 18 {
                let gap = usize::from(sa.abs_diff(sb));
                // Scores are small: raising one to the other's scale almost always fits 64
                // bits, and a 64-bit multiply is far cheaper than a 128-bit one (a sum of
                // items starts from a scale-0 zero, so every group sum takes this way).
                let (low, high) = if sa < sb { (a, b) } else { (b, a) };
                if let Some(sum) = mul_64(low, POW10_64[gap]).and_then(|raised| raised.checked_add(high)) {
                    return Some(Self::small_parts(sum, sa.max(sb)));
                }
                // 2⁶³ × 10¹⁸ < 2¹²³: no overflow.
                let sum = if sa < sb {
                    i128::from(a) * POW10[gap] + i128::from(b)
                } else {
                    i128::from(a) + i128::from(b) * POW10[gap]
                };
                if let Ok(sum) = i64::try_from(sum) {
                    return Some(Self::small_parts(sum, sa.max(sb)));
                }
            }
        }
        self.add_wide(other)
    }

    /// Addition beyond 64 bits.
    #[inline(never)]
    fn add_wide(self, other: Self) -> Option<Self> {
        let (low, high) = if self.places() <= other.places() { (self, other) } else { (other, self) };
        let (a, b) = (low.mantissa(), high.mantissa());
        let gap = (high.scale() - low.scale()) as usize;
        if let Some(raised) = a.checked_mul(POW10[gap]) {
            // |raised| < 2¹²⁷ and |b| < 2⁹⁵: the sum may only overflow at the very top.
            return Self::fit(raised.checked_add(b)?, high.scale());
        }
        // The coarser operand cannot be raised to the finer scale in 128 bits: drop places
        // of the finer one until it can (at the coarser scale it always can).
        (low.scale()..high.scale()).rev().find_map(|scale| {
            let raised = a.checked_mul(POW10[(scale - low.scale()) as usize])?;
            Self::fit(raised.checked_add(high.round_to(scale).mantissa())?, scale)
        })
    }

    /// `self − other`; `None` on overflow.
    #[must_use]
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.checked_add(-other)
    }

    /// `self × other`, exact when the product fits, else with places dropped (half away
    /// from zero); `None` when even the integer part does not fit.
    #[must_use]
    #[inline]
    pub fn checked_mul(self, other: Self) -> Option<Self> {
        // The usual case inline: the product of two 64-bit mantissas fits 64 bits.
        if let (Some(a), Some(b)) = (self.small(), other.small()) {
            let scale = self.places() + other.places();
            if let (Some(product), true) = (mul_64(a, b), u32::from(scale) <= MAX_SCALE) {
                return Some(Self::small_parts(product, scale));
            }
        }
        self.mul_wide(other)
    }

    /// Multiplication beyond 64 bits.
    #[inline(never)]
    fn mul_wide(self, other: Self) -> Option<Self> {
        let scale = self.scale() + other.scale();
        if let (Some(a), Some(b)) = (self.small(), other.small()) {
            // Two 64-bit mantissas: the 128-bit product is exact.
            return Self::fit(i128::from(a) * i128::from(b), scale);
        }
        let (a, b) = (self.mantissa(), other.mantissa());
        let (magnitude, scale) = U256::product(a.unsigned_abs(), b.unsigned_abs()).fit(scale)?;
        Self::fit(signed(magnitude, (a < 0) != (b < 0))?, scale)
    }

    /// `self ÷ other`: exact when the quotient terminates within [`DIV_PLACES`] places
    /// (shown with at least `self.scale − other.scale` places, as `7.00 ÷ 2 = 3.50`),
    /// otherwise rounded half away from zero to [`DIV_PLACES`] places, or fewer so that it
    /// keeps at most 28 digits. `None` for a zero divisor or an overflow.
    #[must_use]
    pub fn checked_div(self, other: Self) -> Option<Self> {
        if other.is_zero() {
            return None;
        }
        let natural = self.scale().saturating_sub(other.scale());
        if let Some(quotient) = self.div_by_power_of_ten(other, natural) {
            return Some(quotient);
        }
        let (a, b) = (self.mantissa(), other.mantissa());
        let divisor = b.unsigned_abs();
        // a ÷ b = (ma × 10^(sb − sa + t)) ÷ mb at t places; start at the natural scale.
        let shift = (natural + other.scale() - self.scale()) as usize;
        let numerator = match self.small() {
            // 2⁶³ × 10¹⁸ < 2¹²³: no overflow.
            Some(small) if shift <= 18 => Some(u128::from(small.unsigned_abs()) * POW10[shift] as u128),
            _ => a.unsigned_abs().checked_mul(POW10[shift] as u128),
        };
        let quotient = numerator
            .and_then(|numerator| long_division(numerator, divisor, natural))
            .or_else(|| wide_division(a.unsigned_abs(), shift, divisor, natural))?;
        quotient.finish(divisor, natural, (a < 0) != (b < 0))
    }

    /// `self ÷ 10^k` (a target of 100 % is the usual divisor): the point moves, and no
    /// machine division (tens of cycles each) is needed. `None` when `other` is not a
    /// power of ten or the result would need more than 28 places.
    fn div_by_power_of_ten(self, other: Self, natural: u32) -> Option<Self> {
        let (a, b) = (self.small()?, other.small()?);
        let power = POW10_64.iter().position(|power| *power == b.abs())? as u32;
        // a ÷ (10^power × 10^-sb) = a × 10^-(sa + power − sb)
        let mut scale = (self.scale() + power).checked_sub(other.scale()).filter(|scale| *scale <= MAX_SCALE)?;
        let mut mantissa = if b < 0 { a.checked_neg()? } else { a };
        // As exact long division would show it: no zeros beyond the natural places.
        while scale > natural && mantissa % 10 == 0 {
            mantissa /= 10;
            scale -= 1;
        }
        Some(Self::small_parts(mantissa, scale as u8))
    }

    /// The one rounding rule: half away from zero (四舍五入) to `places` decimal places,
    /// always showing exactly `places` places (`95` → `95.00`). `places` beyond 28 are
    /// taken as 28; a value too large to show that many places keeps its own.
    #[must_use]
    #[inline]
    pub fn round_to(self, places: u32) -> Self {
        // The usual case inline: a 64-bit mantissa shown with a place or two more.
        if let Some(mantissa) = self.small() {
            let raise = (places.min(MAX_SCALE) as u8).checked_sub(self.places()).filter(|raise| *raise <= 18);
            if let Some(raised) = raise.and_then(|raise| mul_64(mantissa, POW10_64[usize::from(raise)])) {
                return Self::small_parts(raised, places.min(MAX_SCALE) as u8);
            }
        }
        self.round_slow(places)
    }

    /// Rounding that drops places, or raises a large mantissa.
    #[inline(never)]
    fn round_slow(self, places: u32) -> Self {
        let places = places.min(MAX_SCALE) as u8;
        let scale = self.places();
        if scale == places {
            return self;
        }
        if scale < places {
            let raise = usize::from(places - scale);
            return self
                .mantissa()
                .checked_mul(POW10[raise])
                .and_then(|raised| Self::fit(raised, u32::from(places)))
                .filter(|raised| raised.places() == places)
                .unwrap_or(self);
        }
        let drop = usize::from(scale - places);
        if let (Some(mantissa), true) = (self.small(), drop <= 18) {
            let unit = POW10[drop] as u64;
            let magnitude = mantissa.unsigned_abs();
            // Constant divisors for the usual drops compile to multiplications; a division
            // by a value known only at run time costs tens of cycles.
            let kept = match drop {
                1 => magnitude / 10,
                2 => magnitude / 100,
                3 => magnitude / 1_000,
                4 => magnitude / 10_000,
                _ => magnitude / unit,
            };
            let dropped = magnitude - kept * unit;
            let kept = (kept + u64::from(dropped >= unit - dropped)) as i64;
            return Self::small_parts(if mantissa < 0 { -kept } else { kept }, places);
        }
        let mantissa = self.mantissa();
        let unit = POW10[drop] as u128;
        let (kept, dropped) = div_rem(mantissa.unsigned_abs(), unit);
        let kept = if dropped >= unit - dropped { kept + 1 } else { kept };
        // Smaller than the magnitude (or one more than a smaller number): it fits.
        signed(kept, mantissa < 0).and_then(|kept| Self::fit(kept, u32::from(places))).unwrap_or(self)
    }

    /// `self + other`, saturating at [`Decimal::MAX`] / [`Decimal::MIN`].
    ///
    /// The evaluator's sums are running totals: one that is still the scale-0 zero it
    /// started from (`0 + x` is `x`, scale and all), or two numbers at the scheme's scale.
    /// Natively both are tested inline; the whole addition stayed a call of about 46
    /// instructions, 13 of them per evaluation of the bench scheme. The phone's module
    /// keeps the call (size first).
    #[must_use]
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn saturating_add(self, other: Self) -> Self {
        #[cfg(not(target_arch = "wasm32"))]
        {
            if self.is_zero() && self.places() == 0 {
                return other;
            }
            if self.places() == other.places() {
                if let (Some(a), Some(b)) = (self.small(), other.small()) {
                    if let Some(sum) = a.checked_add(b) {
                        return Self::small_parts(sum, self.places());
                    }
                }
            }
        }
        self.saturating_add_any(other)
    }

    /// [`Decimal::saturating_add`] in general.
    #[cfg_attr(not(target_arch = "wasm32"), inline(never))]
    fn saturating_add_any(self, other: Self) -> Self {
        self.checked_add(other).unwrap_or(if other.is_sign_negative() { Self::MIN } else { Self::MAX })
    }

    /// `self − other`, saturating.
    #[must_use]
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub fn saturating_sub(self, other: Self) -> Self {
        self.saturating_add(-other)
    }

    /// `self × other`, saturating.
    #[must_use]
    pub fn saturating_mul(self, other: Self) -> Self {
        self.checked_mul(other).unwrap_or(if self.is_sign_negative() == other.is_sign_negative() {
            Self::MAX
        } else {
            Self::MIN
        })
    }
}

impl Neg for Decimal {
    type Output = Self;

    fn neg(self) -> Self {
        // The range is symmetric: negating always fits.
        match self.small() {
            Some(mantissa) if mantissa != i64::MIN => Self::small_parts(-mantissa, self.places()),
            _ => Self::fit(-self.mantissa(), self.scale()).unwrap_or(self),
        }
    }
}

/// Saturating, like [`Decimal::saturating_add`]: scores never come near the bounds.
impl Add for Decimal {
    type Output = Self;

    fn add(self, other: Self) -> Self {
        self.saturating_add(other)
    }
}

impl AddAssign for Decimal {
    fn add_assign(&mut self, other: Self) {
        *self = self.saturating_add(other);
    }
}

/// Saturating, like [`Decimal::saturating_sub`].
impl Sub for Decimal {
    type Output = Self;

    fn sub(self, other: Self) -> Self {
        self.saturating_sub(other)
    }
}

/// Saturating, like [`Decimal::saturating_mul`].
impl Mul for Decimal {
    type Output = Self;

    fn mul(self, other: Self) -> Self {
        self.saturating_mul(other)
    }
}
