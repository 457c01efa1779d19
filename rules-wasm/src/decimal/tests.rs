use super::Decimal;

fn d(text: &str) -> Decimal {
    text.parse().unwrap()
}

#[test]
fn text_round_trips_with_the_scale_as_written() {
    for text in ["0", "0.00", "95.50", "0.05", "-3", "-0.5", "123456.789", "1000000000000", "7.1", "0.0001"] {
        assert_eq!(d(text).to_string(), text);
    }
    assert_eq!(d("-0").to_string(), "0");
    assert_eq!(d("-0.00").to_string(), "0.00");
    assert_eq!(Decimal::MAX.to_string(), "39614081257132168796771975167");
    assert!("39614081257132168796771975168".parse::<Decimal>().is_err());
}

#[test]
fn scheme_text_reads_as_rust_decimal_read_it() {
    for (text, shown) in [
        ("1_000", "1000"),
        ("+5", "5"),
        (".5", "0.5"),
        ("5.", "5"),
        ("1e5", "100000"),
        ("1.5E-3", "0.0015"),
        ("1.50e1", "15.0"),
        ("00012.50", "12.50"),
    ] {
        assert_eq!(d(text).to_string(), shown, "{text}");
    }
    for bad in ["", "-", ".", " 1", "1 ", "1.2.3", "0x10", "１", "e5", "1e", "1e1234", "_1"] {
        assert!(bad.parse::<Decimal>().is_err(), "{bad:?}");
    }
}

#[test]
fn plain_input_is_narrower() {
    assert_eq!(Decimal::parse_plain("92.5"), Some(d("92.5")));
    assert_eq!(Decimal::parse_plain("-0"), Some(Decimal::ZERO));
    assert_eq!(Decimal::parse_plain("999999999999999999"), Some(d("999999999999999999")));
    assert_eq!(Decimal::parse_plain("0.125"), Some(Decimal::new(125, 3)));
    assert_eq!(Decimal::parse_plain("007.50"), Some(Decimal::new(750, 2)));
    assert_eq!(Decimal::parse_plain("-12345678901234567.8"), Some(Decimal::new(-123_456_789_012_345_678, 1)));
    for bad in [
        "",
        "-",
        ".5",
        "5.",
        "1e3",
        "+1",
        " 1",
        "1_0",
        "1.2.3",
        "abc",
        "1234567890123456789",
        "-.5",
        "1..2",
        "--1",
        "1-",
        "1.234567890123456789",
        "12345678901234567890",
    ] {
        assert_eq!(Decimal::parse_plain(bad), None, "{bad:?}");
    }
}

#[test]
fn equality_and_order_are_numeric() {
    assert_eq!(d("1.0"), d("1.00"));
    assert!(d("0.1") < d("0.11"));
    assert!(d("-2") < d("-1.5"));
    assert!(d("9999999999999999999999999999") > d("0.0000000000000000000000000001"));
    assert_eq!(d("2.50").normalize().to_string(), "2.5");
}

#[test]
fn arithmetic_is_exact_and_keeps_scales() {
    assert_eq!((d("1.50") + d("2.0")).to_string(), "3.50");
    assert_eq!((d("1.50") * d("2.0")).to_string(), "3.000");
    assert_eq!((d("98.60") * d("1.05")).to_string(), "103.5300");
    assert_eq!((d("0.1") - d("0.3")).to_string(), "-0.2");
}

#[test]
fn quotients_terminate_exactly_or_round_at_28_places() {
    let div = |a: &str, b: &str| d(a).checked_div(d(b)).unwrap().to_string();
    assert_eq!(div("3800", "100"), "38");
    assert_eq!(div("7.00", "2"), "3.50");
    assert_eq!(div("3.00", "1.5"), "2.0");
    assert_eq!(div("100", "8"), "12.5");
    // Powers of ten move the point, with the same result as long division.
    assert_eq!(div("95.5", "100"), "0.955");
    assert_eq!(div("12.50", "10"), "1.25");
    assert_eq!(div("1", "0.01"), "100");
    assert_eq!(div("7", "-10"), "-0.7");
    assert_eq!(div("7.000", "1"), "7.000");
    assert_eq!(div("1", "3"), "0.3333333333333333333333333333");
    assert_eq!(div("2", "3"), "0.6666666666666666666666666667");
    assert_eq!(div("-2", "3"), "-0.6666666666666666666666666667");
    assert_eq!(div("4400", "3"), "1466.666666666666666666666667", "28 digits");
    assert_eq!(d("1").checked_div(Decimal::ZERO), None);
}

#[test]
fn rounding_is_half_away_from_zero_with_fixed_places() {
    assert_eq!(d("2.345").round_to(2).to_string(), "2.35");
    assert_eq!(d("2.344").round_to(2).to_string(), "2.34");
    assert_eq!(d("-2.345").round_to(2).to_string(), "-2.35");
    assert_eq!(d("95").round_to(2).to_string(), "95.00");
    assert_eq!(d("0.005").round_to(2).to_string(), "0.01");
    assert_eq!(d("39.995").round_to(2).to_string(), "40.00");
}

#[test]
fn beyond_96_bits_results_are_rounded_or_refused() {
    let big = d("39614081257132168796771975167");
    assert_eq!(big.checked_mul(d("10")), None);
    assert_eq!(big.checked_add(d("1")), None);
    assert_eq!((big * d("10")).to_string(), Decimal::MAX.to_string(), "operators saturate");
    let square = d("1.2345678901234567890123456789").checked_mul(d("1.2345678901234567890123456789")).unwrap();
    assert_eq!(square.to_string(), "1.5241578753238836750495351563", "28 places, half away from zero");
    let sum = d("100000000000000000000").checked_add(d("0.123456789012345678901234567")).unwrap();
    assert_eq!(sum.to_string(), "100000000000000000000.12345679", "places dropped to fit");
    assert_eq!(big.checked_div(d("0.3")), None, "beyond the range");
    let quotient = d("1234567890123456789012345678").checked_div(d("7")).unwrap();
    assert_eq!(quotient.to_string(), "176366841446208112716049382.6");
}

#[test]
fn saturating_sums_are_the_checked_ones_scale_and_all() {
    // `saturating_add` takes two shortcuts natively (a scale-0 zero on the left; two
    // 64-bit mantissas at one scale): each must give the general sum, places included.
    let parts = |x: Decimal| (x.mantissa(), x.scale());
    let max = Decimal::new(i64::MAX, 2);
    let values = [
        Decimal::ZERO,
        d("0.00"),
        d("0.0000000000000000000000000001"),
        d("38.00"),
        d("-38.00"),
        d("5"),
        d("1.05"),
        max,
        -max,
        Decimal::MAX,
        Decimal::MIN,
        Decimal::fit(1 << 80, 3).unwrap(),
    ];
    for x in values {
        for y in values {
            if let Some(sum) = x.checked_add(y) {
                assert_eq!(parts(x.saturating_add(y)), parts(sum), "{x} + {y}");
                assert_eq!(parts(x + y), parts(sum), "{x} + {y}");
            }
            if let Some(difference) = x.checked_sub(y) {
                assert_eq!(parts(x - y), parts(difference), "{x} - {y}");
            }
        }
    }
    // Past 64 bits at one scale the sum goes the general way.
    assert_eq!((max + max).to_string(), "184467440737095516.14");
    assert_eq!(Decimal::MAX + Decimal::MAX, Decimal::MAX);
    assert_eq!(Decimal::MIN - Decimal::MAX, Decimal::MIN);
}

/// The same operations on `rust_decimal`, the engine's former decimal type, as a reference
/// inside the range where both are exact.
#[cfg(not(target_arch = "wasm32"))]
mod against_rust_decimal {
    use super::super::wide::U256;
    use super::Decimal;
    use proptest::prelude::*;
    use rust_decimal::{Decimal as Reference, RoundingStrategy};

    fn both(mantissa: i64, scale: u32) -> (Decimal, Reference) {
        (Decimal::new(mantissa, scale), Reference::new(mantissa, scale))
    }

    /// |x ÷ y| rounded half away from zero to `places` (≤ 29) places, the slow way: the
    /// quotient truncated at 30 places in 256 bits, then digits dropped one by one.
    fn oracle(x: Decimal, y: Decimal, places: u32) -> u128 {
        let shift = (y.scale() + 30 - x.scale()) as usize;
        let numerator = U256::product(x.mantissa().unsigned_abs(), super::super::POW10[shift] as u128);
        let (mut value, _) = numerator.div_rem(y.mantissa().unsigned_abs());
        let mut last = 0;
        for _ in places..30 {
            let (rest, digit) = value.div_rem(10);
            value = rest;
            last = digit;
        }
        value.to_u128().unwrap() + u128::from(last >= 5)
    }

    fn small() -> impl Strategy<Value = (i64, u32)> {
        (-1_000_000_000_000i64..1_000_000_000_000, 0u32..8)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn wide_text_matches(bits in any::<u128>(), scale in 0u32..=28, negative in any::<bool>()) {
            let mantissa = (bits % (1 << 95)) as i128 * if negative { -1 } else { 1 };
            let ours = Decimal::fit(mantissa, scale).unwrap();
            prop_assert_eq!(ours.to_string(), Reference::from_i128_with_scale(mantissa, scale).to_string());
        }

        #[test]
        fn text_matches((m, s) in (any::<i64>(), 0u32..19)) {
            let (ours, theirs) = both(m, s);
            prop_assert_eq!(ours.to_string(), theirs.to_string());
            prop_assert_eq!(theirs.to_string().parse::<Decimal>().unwrap().to_string(), theirs.to_string());
        }

        #[test]
        fn sums_products_and_order_match(a in small(), b in small()) {
            let ((x, rx), (y, ry)) = (both(a.0, a.1), both(b.0, b.1));
            prop_assert_eq!(x.cmp(&y), rx.cmp(&ry));
            // rust_decimal returns the other operand unchanged when one is zero; compare
            // values there, text elsewhere.
            if !x.is_zero() && !y.is_zero() {
                prop_assert_eq!((x + y).to_string(), (rx + ry).to_string());
                prop_assert_eq!((x - y).to_string(), (rx - ry).to_string());
            }
            prop_assert_eq!((x + y).to_string().parse::<Reference>().unwrap(), rx + ry);
            prop_assert_eq!((x * y).to_string(), (rx * ry).to_string());
        }

        #[test]
        fn nothing_panics_anywhere_in_the_range(
            a in (any::<u128>(), 0u32..=28, any::<bool>()),
            b in (any::<u128>(), 0u32..=28, any::<bool>()),
            places in 0u32..40,
        ) {
            let make = |(bits, scale, negative): (u128, u32, bool)| {
                let mantissa = (bits % (1 << 95)) as i128;
                Decimal::fit(if negative { -mantissa } else { mantissa }, scale).unwrap()
            };
            let (x, y) = (make(a), make(b));
            let _ = (x.checked_add(y), x.checked_sub(y), x.checked_mul(y), x.checked_div(y), x.cmp(&y));
            let _ = (x + y, x - y, x * y, -x, x.round_to(places), x.normalize(), x.is_integer());
            prop_assert_eq!(x.to_string().parse::<Decimal>().unwrap().to_string(), x.to_string());
            if let Some(sum) = x.checked_add(y) {
                if sum.scale() == x.scale().max(y.scale()) {
                    prop_assert_eq!(sum - y, x, "exact sums undo");
                }
            }
        }

        #[test]
        fn rounding_matches(a in small(), places in 0u32..6) {
            let (x, rx) = both(a.0, a.1);
            let mut expected = rx.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
            expected.rescale(places);
            prop_assert_eq!(x.round_to(places).to_string(), expected.to_string());
        }

        #[test]
        fn quotients_are_correctly_rounded(a in small(), b in small()) {
            let ((x, rx), (y, ry)) = (both(a.0, a.1), both(b.0, b.1));
            prop_assume!(!y.is_zero());
            let quotient = x.checked_div(y).unwrap();
            prop_assert_eq!(quotient.mantissa().unsigned_abs(), oracle(x, y, quotient.scale()), "{} / {} = {}", x, y, quotient);
            prop_assert_eq!(quotient.is_sign_negative(), !quotient.is_zero() && (x.is_sign_negative() != y.is_sign_negative()));
            // rust_decimal rounds twice and can be a unit off in its 28th digit.
            let close = (quotient.round_to(18).to_string().parse::<Reference>().unwrap() - rx / ry).abs();
            prop_assert!(close <= Reference::new(1, 18), "{x} / {y}: {quotient} vs {}", rx / ry);
        }
    }
}
