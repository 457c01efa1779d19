#!/usr/bin/env bash
# The README's run command: set up what is missing, build the release app, and serve it
# on http://127.0.0.1:3000 from an embedded SQLite database under ./data/, loading the
# demo district on first start and printing its sign-ins.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
./scripts/setup.sh
export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

echo "[run] building the release app (first build ~6-10 min; later builds are incremental)"
cargo leptos build --release

mkdir -p data
export KAOHE_DATABASE_URL="${KAOHE_DATABASE_URL:-${DATABASE_URL:-sqlite://data/kaohe.db}}"
export KAOHE_ADDR="${KAOHE_ADDR:-127.0.0.1:3000}"
export LEPTOS_SITE_ROOT="$ROOT/target/site" LEPTOS_SITE_PKG_DIR=pkg LEPTOS_OUTPUT_NAME=kaohe LEPTOS_ENV=PROD
exec "$ROOT/target/release/kaohe" serve --demo
