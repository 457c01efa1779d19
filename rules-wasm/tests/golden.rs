//! Every golden case, natively and (built for wasm32) in WebAssembly under node.
//! Prints one tally line per case file and a closing `N passed, N failed` line.

mod common;

#[cfg(target_arch = "wasm32")]
macro_rules! say {
    ($($arg:tt)*) => { wasm_bindgen_test::console_log!($($arg)*) };
}
#[cfg(not(target_arch = "wasm32"))]
macro_rules! say {
    ($($arg:tt)*) => { println!($($arg)*) };
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
fn every_golden_case_gives_the_expected_result() {
    let target = if cfg!(target_arch = "wasm32") { "wasm32" } else { "native" };
    let tallies = common::run_all();
    let (mut passed, mut failed) = (0, 0);
    for tally in &tallies {
        say!("[golden/{target}] {}", tally.line());
        for failure in &tally.failures {
            say!("  FAILED {failure}");
        }
        passed += tally.passed;
        failed += tally.failures.len();
    }
    say!("[golden/{target}] total: {passed} passed, {failed} failed");
    assert_eq!(failed, 0, "{failed} golden case(s) failed");
}
