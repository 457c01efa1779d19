#!/usr/bin/env bash
# Load benchmark of the monthly report: revalidated, committed submissions per second
# against the release server on loopback, on SQLite and on PostgreSQL, with wrk.
#   ./scripts/bench-submissions.sh [seconds] [connections]
#   BENCH_DBS=postgres ./scripts/bench-submissions.sh …   (one database only)
# Each request is a cadre's typical month with a fresh idempotency key: the server
# checks the session and rights, recomputes the score with the engine, compares it with
# the claimed one, replaces the filing (history kept) and appends to the audit log, in
# one transaction. Results go to bench/results/submissions-<db>.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS_OF_LOAD="${1:-20}"
CONNECTIONS="${2:-32}"
PORT=3180
source scripts/bench-common.sh
cargo build -q -p server --example submitters --features app/ssr

run_one() {
  local name="$1" url="$2"
  start_server "$PORT" "$url"
  target/debug/examples/submitters prepare --url "http://127.0.0.1:$PORT" --out "$TMP"
  # Warm-up, then the measured run.
  wrk -t2 -c"$CONNECTIONS" -d3s -s "$TMP/submit.lua" "http://127.0.0.1:$PORT" >/dev/null 2>&1 || true
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_OF_LOAD}s" --latency -s "$TMP/submit.lua" "http://127.0.0.1:$PORT" \
    2> "$TMP/$name.err" | tee "bench/results/submissions-$name.txt"
  local errors; errors="$(wc -l < "$TMP/$name.err")"
  echo "non-200 responses: $errors" | tee -a "bench/results/submissions-$name.txt"
  head -3 "$TMP/$name.err"
  stop_server
}

each_database kaohe_bench run_one
