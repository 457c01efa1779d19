//! `cargo bench -p rules-wasm`: the engine on a realistic monthly scheme (8 indicators,
//! capped bonus and penalty, a veto, a coefficient, a grade), side by side with
//! datalogic-rs evaluating the same scheme written as JSONLogic, and a hand-written Rust
//! function as the floor (on the engine's `Decimal` and on `rust_decimal`). Figures and
//! their meaning are in the crate README.

#[path = "floor.rs"]
mod floor;

use criterion::{criterion_group, criterion_main, Criterion};
use floor::{floor_ours, floor_rust_decimal};
use rules_wasm::{CompiledScheme, Scratch};
use std::hint::black_box;
use std::time::Duration;

const SCHEME: &str = include_str!("monthly-8.json");
const FILING: &str = include_str!("monthly-8.filing.json");
const LOGIC: &str = include_str!("monthly-8.jsonlogic.json");
/// The same filing with plain JSON numbers, the form JSONLogic computes on.
const FILING_NUMBERS: &str = r#"{"period":"2024-03","values":{"tasks":95,"attendance":true,"quality":88,"study":6,"service":7,"households":1,"praise":true,"late":1,"discipline":false,"workload":1.05}}"#;

fn ours(c: &mut Criterion) {
    let scheme = CompiledScheme::from_json(SCHEME).expect("bench scheme compiles");
    let result = scheme.evaluate_json(FILING).expect("evaluates");
    assert_eq!(result.total.to_string(), "103.53");
    let mut group = c.benchmark_group("monthly-8");
    let mut scratch = Scratch::new();
    assert_eq!(scheme.evaluate_json_into(FILING, &mut scratch).expect("evaluates").total().to_string(), "103.53");
    group.bench_function("kaohe: evaluate_json_into (fast path, compact records, reused scratch)", |b| {
        b.iter(|| scheme.evaluate_json_into(black_box(FILING), &mut scratch).expect("evaluates").total());
    });
    group.bench_function("kaohe: evaluate_json_into + render every line's text into one buffer", |b| {
        let mut text = String::new();
        b.iter(|| {
            let outcome = scheme.evaluate_json_into(black_box(FILING), &mut scratch).expect("evaluates");
            let mut length = 0;
            for line in outcome.lines() {
                text.clear();
                outcome.write_line(line, &mut text);
                length += text.len();
            }
            length
        });
    });
    group.bench_function("kaohe: evaluate_json (structured lines)", |b| {
        b.iter(|| scheme.evaluate_json(black_box(FILING)).expect("evaluates"));
    });
    group.bench_function("kaohe: evaluate_json + render every line's text", |b| {
        b.iter(|| {
            let result = scheme.evaluate_json(black_box(FILING)).expect("evaluates");
            result.lines.iter().map(|line| line.text().len()).sum::<usize>()
        });
    });
    group.bench_function("kaohe: evaluate_json + result JSON with texts", |b| {
        b.iter(|| scheme.evaluate_json(black_box(FILING)).expect("evaluates").to_json());
    });
    group.bench_function("kaohe: compile the scheme (once per version)", |b| {
        b.iter(|| CompiledScheme::from_json(black_box(SCHEME)).expect("compiles"));
    });

    let logic: serde_json::Value = serde_json::from_str(LOGIC).expect("logic");
    let engine = datalogic_rs::Engine::new();
    let total = engine.compile(&logic["total"].to_string()).expect("compiles");
    let both = engine.compile(&logic["total_and_grade"].to_string()).expect("compiles");
    let mut session = engine.session();
    let out = session.eval_str(&both, FILING_NUMBERS).expect("evaluates");
    assert!(out.starts_with("[103.53") && out.contains("好"), "datalogic gave {out}");
    session.reset();
    group.bench_function("datalogic-rs: total (f64)", |b| {
        b.iter(|| {
            let out = session.eval_str(&total, black_box(FILING_NUMBERS)).expect("evaluates");
            session.reset();
            out
        });
    });
    group.bench_function("datalogic-rs: total and grade (f64)", |b| {
        b.iter(|| {
            let out = session.eval_str(&both, black_box(FILING_NUMBERS)).expect("evaluates");
            session.reset();
            out
        });
    });
    group.bench_function("hand-written Rust on parsed values (floor), engine Decimal", |b| {
        let values = floor_ours::Values::sample();
        assert_eq!(floor_ours::total(&values).0.to_string(), "103.53");
        b.iter(|| floor_ours::total(black_box(&values)));
    });
    group.bench_function("hand-written Rust on parsed values (floor), rust_decimal", |b| {
        let values = floor_rust_decimal::Values::sample();
        assert_eq!(floor_rust_decimal::total(&values).0.to_string(), "103.53");
        b.iter(|| floor_rust_decimal::total(black_box(&values)));
    });
    group.finish();

    let mut seeds = c.benchmark_group("seed schemes");
    for (name, scheme_json, cases_json) in SEEDS {
        let scheme = CompiledScheme::from_json(scheme_json).expect("compiles");
        let cases: serde_json::Value = serde_json::from_str(cases_json).expect("cases");
        let filing = cases["cases"][0]["filing"].to_string();
        seeds.bench_function(format!("kaohe: {name}"), |b| {
            b.iter(|| scheme.evaluate_json(black_box(&filing)).expect("evaluates"));
        });
        let mut scratch = Scratch::new();
        seeds.bench_function(format!("kaohe fast path: {name}"), |b| {
            b.iter(|| scheme.evaluate_json_into(black_box(&filing), &mut scratch).expect("evaluates").total());
        });
    }
    seeds.finish();
}

const SEEDS: [(&str, &str, &str); 5] = [
    (
        "s1",
        include_str!("../schemes/s1-hanbin-staff-monthly.json"),
        include_str!("../schemes/s1-hanbin-staff-monthly.cases.json"),
    ),
    (
        "s2",
        include_str!("../schemes/s2-hengkou-dept-quarterly.json"),
        include_str!("../schemes/s2-hengkou-dept-quarterly.cases.json"),
    ),
    (
        "s3",
        include_str!("../schemes/s3-lvyuan-midlevel-halfyear.json"),
        include_str!("../schemes/s3-lvyuan-midlevel-halfyear.cases.json"),
    ),
    (
        "s4",
        include_str!("../schemes/s4-wanzhou-head-monthly-street.json"),
        include_str!("../schemes/s4-wanzhou-head-monthly-street.cases.json"),
    ),
    (
        "s5",
        include_str!("../schemes/s5-quzhou-cadre-quarterly.json"),
        include_str!("../schemes/s5-quzhou-cadre-quarterly.cases.json"),
    ),
];

fn config() -> Criterion {
    Criterion::default().sample_size(40).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = ours
}
criterion_main!(benches);
