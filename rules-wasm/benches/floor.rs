//! The monthly-8 bench scheme as hand-written Rust, shared by the criterion bench and the
//! instruction-counting example.
#![allow(dead_code)] // each user takes part of it

/// The monthly-8 scheme as one hand-written function on already-parsed values, with no
/// explanation and no checks: the floor for the arithmetic alone. Written once for the
/// engine's `Decimal` and once for `rust_decimal` (the type it replaced), to show what the
/// decimal type itself costs.
macro_rules! floor {
    ($module:ident, $decimal:ty, $divide:expr, $round:expr) => {
        pub mod $module {
            pub struct Values {
                tasks: $decimal,
                attendance: bool,
                quality: $decimal,
                study: $decimal,
                service: $decimal,
                households: $decimal,
                praise: bool,
                late: $decimal,
                discipline: bool,
                workload: $decimal,
            }

            impl Values {
                pub fn sample() -> Self {
                    let d = |text: &str| text.parse::<$decimal>().expect("decimal");
                    Self {
                        tasks: d("95"),
                        attendance: true,
                        quality: d("88"),
                        study: d("6"),
                        service: d("7"),
                        households: d("1"),
                        praise: true,
                        late: d("1"),
                        discipline: false,
                        workload: d("1.05"),
                    }
                }
            }

            pub fn total(v: &Values) -> ($decimal, &'static str) {
                let n = <$decimal>::from;
                let divide: fn($decimal, $decimal) -> $decimal = $divide;
                let round: fn($decimal) -> $decimal = $round;
                let tasks = divide(v.tasks * n(40), n(100)).min(n(40));
                let attendance = if v.attendance { n(10) } else { n(0) };
                let quality = v.quality * <$decimal>::new(2, 1);
                let study = if v.study >= n(8) {
                    n(10)
                } else if v.study >= n(4) {
                    n(6)
                } else if v.study >= n(1) {
                    n(2)
                } else {
                    n(0)
                };
                let service = (v.service * n(2)).min(n(20));
                let base = tasks + attendance + quality + study + service;
                let bonus = (v.households * n(10) + if v.praise { n(5) } else { n(0) }).min(n(20));
                let penalty = (v.late * n(2)).min(n(10)).min(n(10));
                let subtotal = (base + bonus - penalty).max(n(0));
                let total = if v.discipline {
                    n(0)
                } else {
                    round((subtotal * v.workload.clamp(<$decimal>::new(9, 1), <$decimal>::new(11, 1))).min(n(110)))
                };
                let grade = if total >= n(90) {
                    "好"
                } else if total >= n(80) {
                    "较好"
                } else if total >= n(60) {
                    "一般"
                } else {
                    "较差"
                };
                (total, grade)
            }
        }
    };
}

floor!(floor_ours, rules_wasm::Decimal, |a, b| a.checked_div(b).unwrap_or_default(), |value| value.round_to(2));
floor!(floor_rust_decimal, rust_decimal::Decimal, |a, b| a / b, |value| value
    .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero));
