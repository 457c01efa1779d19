#!/usr/bin/env bash
# The engine's whole test suite: native unit, golden, API and property tests, then the
# golden cases, the native/WASM agreement test and the fast path (`tests/outcome.rs`) again
# in WebAssembly under node, then the JavaScript API of the shipped modules under node
# (`tests/js-api.test.mjs`).
# Runnable from any directory; honours CARGO_TARGET_DIR. No benchmarks, no fuzzing.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"

if ! command -v wasm-bindgen-test-runner >/dev/null 2>&1; then
  echo "wasm-bindgen-test-runner is not on PATH (cargo install wasm-bindgen-cli --version 0.2.130)" >&2
  exit 1
fi

echo "== rules-wasm: native unit, API and property tests =="
cargo test -p rules-wasm --all-features --lib --test api --test properties
cargo test -p rules-wasm --doc

echo "== rules-wasm: golden cases and agreement, native =="
cargo test -p rules-wasm --test golden --test agreement --test outcome -- --nocapture

echo "== rules-wasm: golden cases and agreement, wasm32 under node =="
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
  cargo test -p rules-wasm --target wasm32-unknown-unknown --test golden --test agreement --test outcome -- --nocapture

echo "== rules-wasm: the JavaScript API (whole and phone modules) under node =="
# Built as shipped (size profile, wasm-opt -Os), then called as a JavaScript caller would.
target="${CARGO_TARGET_DIR:-$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')}"
WASM_OPT="${WASM_OPT:-$(command -v wasm-opt || true)}" ./measure/build-wasm.sh
ENGINE_JS_DIR="$target" node --test tests/js-api.test.mjs
