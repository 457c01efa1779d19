#!/usr/bin/env bash
# Load benchmark of 社会评议: accepted resident ratings per second against the release
# server on loopback, on SQLite and on PostgreSQL, with wrk.
#   ./scripts/bench-social.sh [seconds] [connections] [residents]
#   BENCH_DBS=postgres ./scripts/bench-social.sh …   (one database only)
# Each request is one resident's first rating: a fresh device cookie and a solved,
# unused proof-of-work challenge, from one of many client addresses (20 residents per
# address, sent as X-Forwarded-For with KAOHE_TRUST_PROXY=true, so the per-address limit
# is counted on every request as behind a real proxy). The server checks the QR token
# and the proof of work, then inserts the rating in one statement guarded by the open
# campaign, the address limit and the two UNIQUE constraints, and answers the thanks page.
# The challenges are made easy (KAOHE_SOCIAL_POW_MAX_NUMBER=1000) so that preparing tens
# of thousands of residents takes seconds: checking a solution costs the server one hash
# and one HMAC whatever the difficulty, so this does not change what is measured.
# Results go to bench/results/social-<db>.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
SECONDS_OF_LOAD="${1:-15}"
CONNECTIONS="${2:-32}"
RESIDENTS="${3:-60000}"
PORT=3181
command -v wrk >/dev/null || { echo "installing wrk"; sudo_or() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }; sudo_or apt-get install -y -qq wrk; }
[ -x target/release/kaohe ] || cargo leptos build --release
cargo build -q -p server --example residents --features app/ssr
TMP="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$TMP"' EXIT

run_one() {
  local name="$1" url="$2"
  KAOHE_DATABASE_URL="$url" KAOHE_ADDR="127.0.0.1:$PORT" RUST_LOG=error LEPTOS_SITE_ROOT=target/site \
    KAOHE_TRUST_PROXY=true KAOHE_SOCIAL_POW_MAX_NUMBER=1000 \
    target/release/kaohe serve --demo >/dev/null &
  local pid=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
  target/debug/examples/residents prepare --url "http://127.0.0.1:$PORT" --out "$TMP/$name" --count "$RESIDENTS"
  # No warm-up run: every rating may be accepted once only, and a warm-up would spend them.
  {
    echo "# scripts/bench-social.sh $SECONDS_OF_LOAD $CONNECTIONS $RESIDENTS ($name, $(date -u +%Y-%m-%dT%H:%MZ))"
    wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_OF_LOAD}s" --latency -s "$TMP/$name/rate.lua" "http://127.0.0.1:$PORT"
  } 2>&1 | tee "bench/results/social-$name.txt"
  kill "$pid"; wait "$pid" || true
}

for db in ${BENCH_DBS:-sqlite postgres}; do
  case "$db" in
    sqlite) run_one sqlite "sqlite://$TMP/bench.db" ;;
    postgres)
      PG_ADMIN="${KAOHE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
      psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS kaohe_bench_social" -c "CREATE DATABASE kaohe_bench_social"
      run_one postgres "${PG_ADMIN%/*}/kaohe_bench_social"
      psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS kaohe_bench_social"
      ;;
  esac
done
