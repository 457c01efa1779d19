//! Native and WebAssembly give identical results: both evaluate the same deterministic
//! random filings (300 per scheme) and must produce the same SHA-256 over every result's
//! JSON (or error JSON). The digest is checked in (`tests/agreement.sha256`); the native run
//! rewrites it when `KAOHE_BLESS=1` — do that only after an intended change of results;
//! `KAOHE_DUMP=FILE` appends every filing and result to FILE, to diff two versions.

mod common;

use rules_wasm::CompiledScheme;
use sha2::{Digest, Sha256};

#[cfg(target_arch = "wasm32")]
macro_rules! say {
    ($($arg:tt)*) => { wasm_bindgen_test::console_log!($($arg)*) };
}
#[cfg(not(target_arch = "wasm32"))]
macro_rules! say {
    ($($arg:tt)*) => { println!($($arg)*) };
}

const PER_SCHEME: u64 = 300;
const EXPECTED: &str = include_str!("agreement.sha256");

fn digest() -> (String, usize) {
    let mut hasher = Sha256::new();
    let mut count = 0;
    for (file, scheme_json, _) in common::FILES {
        let scheme = CompiledScheme::from_json(scheme_json).expect("golden scheme compiles");
        for seed in 0..PER_SCHEME {
            let mut rng = common::random::Rng::new(seed + 1);
            let filing = common::random::filing(&scheme, &mut rng).to_string();
            let out = match scheme.evaluate_json(&filing) {
                Ok(result) => {
                    let json = result.to_json();
                    // The hand-written writer gives what serde's derive gives.
                    assert_eq!(serde_json::to_string(&result).expect("serializes"), json, "{filing}");
                    json
                }
                Err(error) => error.to_json(),
            };
            hasher.update(file.as_bytes());
            hasher.update(out.as_bytes());
            #[cfg(not(target_arch = "wasm32"))]
            if let Ok(path) = std::env::var("KAOHE_DUMP") {
                // One line per filing and result, to see what an intended change changed.
                use std::io::Write;
                let mut dump = std::fs::OpenOptions::new().create(true).append(true).open(path).expect("dump file");
                writeln!(dump, "{file} {seed} {filing}\n{out}").expect("dump");
            }
            count += 1;
        }
    }
    let hex: String = hasher.finalize().iter().map(|byte| format!("{byte:02x}")).collect();
    (hex, count)
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn native_and_wasm_produce_the_same_results_for_random_filings() {
    let target = if cfg!(target_arch = "wasm32") { "wasm32" } else { "native" };
    let (digest, count) = digest();
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var("KAOHE_BLESS").as_deref() == Ok("1") {
        std::fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/agreement.sha256"), format!("{digest}\n"))
            .expect("write digest");
        say!("[agreement/{target}] blessed {digest}");
        return;
    }
    let agrees = digest == EXPECTED.trim();
    say!("[agreement/{target}] {count} random filings, sha256 {digest}");
    say!("[agreement/{target}] total: {} passed, {} failed", usize::from(agrees), usize::from(!agrees));
    assert!(agrees, "digest {digest} differs from the checked-in {}", EXPECTED.trim());
}
