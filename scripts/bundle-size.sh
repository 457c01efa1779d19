#!/usr/bin/env bash
# Prints what the phone downloads (raw and gzip) after `cargo leptos build --release`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
printf '%-28s %10s %10s\n' file raw gzip
for f in "$ROOT"/target/site/pkg/*; do
  printf '%-28s %10d %10d\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(gzip -9 -c "$f" | wc -c)"
done
