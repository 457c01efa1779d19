#!/usr/bin/env bash
# Instruction counts per evaluation under callgrind (wall time is noisy on a shared
# 2-core machine). For each path: instructions at N=10001 minus at N=1, divided by 10000.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here/.."
target="${CARGO_TARGET_DIR:-../target}"
cargo build --release -p rules-wasm --example count
bin="$target/release/examples/count"
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" "$1" "$2" 2>&1 \
    | sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
for path in fast fast-text kaohe kaohe-text kaohe-json datalogic floor floor-rust-decimal; do
  one=$(count "$path" 1)
  many=$(count "$path" 10001)
  echo "$path: $(( (many - one) / 10000 )) instructions per evaluation"
done
