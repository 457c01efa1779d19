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
SECONDS_OF_LOAD="${1:-15}"
CONNECTIONS="${2:-32}"
RESIDENTS="${3:-60000}"
PORT=3181
source scripts/bench-common.sh
cargo build -q -p server --example residents --features app/ssr

run_one() {
  local name="$1" url="$2"
  start_server "$PORT" "$url" KAOHE_TRUST_PROXY=true KAOHE_SOCIAL_POW_MAX_NUMBER=1000
  target/debug/examples/residents prepare --url "http://127.0.0.1:$PORT" --out "$TMP/$name" --count "$RESIDENTS"
  # No warm-up run: every rating may be accepted once only, and a warm-up would spend them.
  {
    echo "# scripts/bench-social.sh $SECONDS_OF_LOAD $CONNECTIONS $RESIDENTS ($name, $(date -u +%Y-%m-%dT%H:%MZ))"
    wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_OF_LOAD}s" --latency -s "$TMP/$name/rate.lua" "http://127.0.0.1:$PORT"
  } 2>&1 | tee "bench/results/social-$name.txt"
  stop_server
}

each_database kaohe_bench_social run_one
