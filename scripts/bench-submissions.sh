#!/usr/bin/env bash
# Load benchmark of the monthly report: revalidated, committed submissions per second
# against the release server on loopback, on SQLite and on PostgreSQL, with wrk.
#   ./scripts/bench-submissions.sh [seconds] [connections]
# Each request is a cadre's typical month with a fresh idempotency key: the server
# checks the session and rights, recomputes the score with the engine, compares it with
# the claimed one, replaces the filing (history kept) and appends to the audit log, in
# one transaction. Results go to bench/results/submissions-<db>.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
SECONDS_OF_LOAD="${1:-20}"
CONNECTIONS="${2:-32}"
PORT=3180
command -v wrk >/dev/null || { echo "installing wrk"; sudo_or() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }; sudo_or apt-get install -y -qq wrk; }
[ -x target/release/kaohe ] || cargo leptos build --release
cargo build -q -p server --example submitters --features app/ssr
TMP="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$TMP"' EXIT

run_one() {
  local name="$1" url="$2"
  KAOHE_DATABASE_URL="$url" KAOHE_ADDR="127.0.0.1:$PORT" RUST_LOG=error LEPTOS_SITE_ROOT=target/site \
    target/release/kaohe serve --demo >/dev/null &
  local pid=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
  target/debug/examples/submitters prepare --url "http://127.0.0.1:$PORT" --out "$TMP"
  # Warm-up, then the measured run.
  wrk -t2 -c"$CONNECTIONS" -d3s -s "$TMP/submit.lua" "http://127.0.0.1:$PORT" >/dev/null 2>&1 || true
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_OF_LOAD}s" --latency -s "$TMP/submit.lua" "http://127.0.0.1:$PORT" \
    2> "$TMP/$name.err" | tee "bench/results/submissions-$name.txt"
  local errors; errors="$(wc -l < "$TMP/$name.err")"
  echo "non-200 responses: $errors" | tee -a "bench/results/submissions-$name.txt"
  head -3 "$TMP/$name.err"
  kill "$pid"; wait "$pid" || true
}

run_one sqlite "sqlite://$TMP/bench.db"
PG_ADMIN="${KAOHE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS kaohe_bench" -c "CREATE DATABASE kaohe_bench"
run_one postgres "${PG_ADMIN%/*}/kaohe_bench"
psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS kaohe_bench"
