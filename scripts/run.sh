#!/usr/bin/env bash
# The README's run command: set up what is missing, build the release app, and serve it
# on http://127.0.0.1:3000 from an embedded SQLite database under ./data/, loading the
# demo district on first start and printing its sign-ins.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
./scripts/setup.sh
export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

# cargo-leptos re-runs wasm-bindgen and wasm-opt on every build (about a minute here) even
# when nothing changed, so a start skips the build when nothing but documentation changed
# since the last build this script made (its stamp). KAOHE_REBUILD=1 builds anyway.
stamp=target/release/.run-build-stamp
up_to_date() {
  local out
  for out in target/release/kaohe target/site/pkg/kaohe.wasm target/site/pkg/kaohe.js target/site/pkg/kaohe.css "$stamp"; do
    [ -f "$out" ] || return 1
  done
  [ -z "$(find Cargo.toml Cargo.lock app frontend server rules-wasm style public \
    \( -name target -o -name node_modules \) -prune -o -type f ! -name '*.md' -newer "$stamp" -print -quit)" ]
}
if [ "${KAOHE_REBUILD:-0}" != 1 ] && up_to_date; then
  echo "[run] nothing changed since the last build: not rebuilt (KAOHE_REBUILD=1 forces it)"
else
  echo "[run] building the release app (first build ~6-10 min; later builds are incremental)"
  mkdir -p target/release && touch "$stamp.next"
  cargo leptos build --release
  # Stamped with the time the build started, so an edit made during it still counts.
  mv "$stamp.next" "$stamp"
fi

mkdir -p data
export KAOHE_DATABASE_URL="${KAOHE_DATABASE_URL:-${DATABASE_URL:-sqlite://data/kaohe.db}}"
export KAOHE_ADDR="${KAOHE_ADDR:-127.0.0.1:3000}"
export LEPTOS_SITE_ROOT="$ROOT/target/site" LEPTOS_SITE_PKG_DIR=pkg LEPTOS_OUTPUT_NAME=kaohe LEPTOS_ENV=PROD
exec "$ROOT/target/release/kaohe" serve --demo
