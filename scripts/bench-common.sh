# Shared by the bench-*.sh scripts (sourced, not run): the tools they need, the release
# server with the demo district on a port of its own, and one run per database.
# The sourcing script has `set -euo pipefail`, ROOT set and the working directory at ROOT.

export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
command -v wrk >/dev/null || {
  echo "installing wrk"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq wrk; else sudo apt-get install -y -qq wrk; fi
}
[ -x target/release/kaohe ] || cargo leptos build --release
TMP="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$TMP"' EXIT

# start_server PORT DATABASE_URL [NAME=VALUE …]: the release server with the demo district,
# quiet, answering /healthz when this returns; its pid in SERVER_PID.
start_server() {
  local port="$1" url="$2"
  shift 2
  env "$@" KAOHE_DATABASE_URL="$url" KAOHE_ADDR="127.0.0.1:$port" RUST_LOG=error LEPTOS_SITE_ROOT=target/site \
    target/release/kaohe serve --demo >/dev/null &
  SERVER_PID=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && return; sleep 0.2; done
  echo "the server on :$port did not start" >&2
  exit 1
}

stop_server() {
  kill "$SERVER_PID"
  wait "$SERVER_PID" || true
}

# each_database PG_DATABASE RUN: calls `RUN sqlite URL` and `RUN postgres URL` (or only
# those named in BENCH_DBS), each on a fresh database; the PostgreSQL one is created as
# PG_DATABASE beside KAOHE_TEST_POSTGRES_URL's and dropped afterwards.
each_database() {
  local pg_database="$1" run="$2" pg_admin
  pg_admin="${KAOHE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
  for db in ${BENCH_DBS:-sqlite postgres}; do
    case "$db" in
      sqlite) "$run" sqlite "sqlite://$TMP/bench-$pg_database.db" ;;
      postgres)
        psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $pg_database" -c "CREATE DATABASE $pg_database"
        "$run" postgres "${pg_admin%/*}/$pg_database"
        psql -q "$pg_admin" -c "DROP DATABASE IF EXISTS $pg_database"
        ;;
      *) echo "unknown database in BENCH_DBS: $db" >&2; exit 1 ;;
    esac
  done
}
