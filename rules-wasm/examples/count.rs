//! Runs one evaluation path N times, for instruction counting under callgrind:
//! `cargo run --release --example count -- <path> <n>` where path is one of
//! `kaohe`, `kaohe-text`, `kaohe-json`, `fast`, `fast-text`, `datalogic`, `floor`,
//! `floor-rust-decimal`, and `seed-1` … `seed-5` / `fast-seed-1` … (the first golden case
//! of each seed scheme, through `evaluate_json` / the fast path).
//! Per-evaluation instructions = (count at n=10001 − count at n=1) / 10000; see README.

#[path = "../benches/floor.rs"]
mod floor;

use rules_wasm::{CompiledScheme, Scratch};
use std::hint::black_box;

const SCHEME: &str = include_str!("../benches/monthly-8.json");
const FILING: &str = include_str!("../benches/monthly-8.filing.json");
const LOGIC: &str = include_str!("../benches/monthly-8.jsonlogic.json");
const FILING_NUMBERS: &str = r#"{"period":"2024-03","values":{"tasks":95,"attendance":true,"quality":88,"study":6,"service":7,"households":1,"praise":true,"late":1,"discipline":false,"workload":1.05}}"#;

const SEEDS: [(&str, &str); 5] = [
    (
        include_str!("../schemes/s1-hanbin-staff-monthly.json"),
        include_str!("../schemes/s1-hanbin-staff-monthly.cases.json"),
    ),
    (
        include_str!("../schemes/s2-hengkou-dept-quarterly.json"),
        include_str!("../schemes/s2-hengkou-dept-quarterly.cases.json"),
    ),
    (
        include_str!("../schemes/s3-lvyuan-midlevel-halfyear.json"),
        include_str!("../schemes/s3-lvyuan-midlevel-halfyear.cases.json"),
    ),
    (
        include_str!("../schemes/s4-wanzhou-head-monthly-street.json"),
        include_str!("../schemes/s4-wanzhou-head-monthly-street.cases.json"),
    ),
    (
        include_str!("../schemes/s5-quzhou-cadre-quarterly.json"),
        include_str!("../schemes/s5-quzhou-cadre-quarterly.cases.json"),
    ),
];

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_else(|| "kaohe".to_owned());
    let n: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1);
    let scheme = CompiledScheme::from_json(SCHEME).expect("compiles");
    let mut sink = 0usize;
    match path.as_str() {
        "kaohe" => {
            for _ in 0..n {
                sink += scheme.evaluate_json(black_box(FILING)).expect("evaluates").lines.len();
            }
        }
        "kaohe-text" => {
            for _ in 0..n {
                let result = scheme.evaluate_json(black_box(FILING)).expect("evaluates");
                sink += result.lines.iter().map(|line| line.text().len()).sum::<usize>();
            }
        }
        "kaohe-json" => {
            for _ in 0..n {
                sink += scheme.evaluate_json(black_box(FILING)).expect("evaluates").to_json().len();
            }
        }
        "fast" => {
            // The allocation-free path: one scratch for every evaluation.
            let mut scratch = Scratch::new();
            for _ in 0..n {
                sink += scheme.evaluate_json_into(black_box(FILING), &mut scratch).expect("evaluates").lines().len();
            }
        }
        "fast-text" => {
            // The same, and every line's text rendered into one reused buffer.
            let (mut scratch, mut text) = (Scratch::new(), String::new());
            for _ in 0..n {
                let outcome = scheme.evaluate_json_into(black_box(FILING), &mut scratch).expect("evaluates");
                for line in outcome.lines() {
                    text.clear();
                    outcome.write_line(line, &mut text);
                    sink += text.len();
                }
            }
        }
        "datalogic" => {
            let logic: serde_json::Value = serde_json::from_str(LOGIC).expect("logic");
            let engine = datalogic_rs::Engine::new();
            let both = engine.compile(&logic["total_and_grade"].to_string()).expect("compiles");
            let mut session = engine.session();
            for _ in 0..n {
                sink += session.eval_str(&both, black_box(FILING_NUMBERS)).expect("evaluates").len();
                session.reset();
            }
        }
        "floor" => {
            let values = floor::floor_ours::Values::sample();
            for _ in 0..n {
                sink += floor::floor_ours::total(black_box(&values)).1.len();
            }
        }
        "floor-rust-decimal" => {
            let values = floor::floor_rust_decimal::Values::sample();
            for _ in 0..n {
                sink += floor::floor_rust_decimal::total(black_box(&values)).1.len();
            }
        }
        seed if seed.contains("seed-") => {
            let (scheme_json, cases_json) =
                SEEDS[seed.rsplit('-').next().and_then(|n| n.parse::<usize>().ok()).expect("seed-N") - 1];
            let scheme = CompiledScheme::from_json(scheme_json).expect("compiles");
            let cases: serde_json::Value = serde_json::from_str(cases_json).expect("cases");
            let filing = cases["cases"][0]["filing"].to_string();
            let mut scratch = Scratch::new();
            for _ in 0..n {
                sink += if seed.starts_with("fast-") {
                    scheme.evaluate_json_into(black_box(&filing), &mut scratch).expect("evaluates").lines().len()
                } else {
                    scheme.evaluate_json(black_box(&filing)).expect("evaluates").lines.len()
                };
            }
        }
        other => panic!("unknown path {other}"),
    }
    println!("{sink}");
}
