#!/usr/bin/env bash
# The README's test command: set up what is missing, then run every test there is.
#   1. formatting and lints (clippy -D warnings, ssr and hydrate builds of the app)
#   2. unit tests of every crate
#   3. the scoring engine's golden cases and property tests, natively and in WebAssembly
#   4. server integration tests against SQLite AND PostgreSQL (PostgreSQL is required:
#      KAOHE_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test)
#   5. the release build, a crash test of submissions against it (kill -9 under load),
#      and the browser tests in Chromium at 360×740
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
./scripts/setup.sh
export PATH="$ROOT/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export KAOHE_TEST_POSTGRES_URL="${KAOHE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
export KAOHE_REQUIRE_POSTGRES=1
# A test run always builds from a clean state, so incremental caches only cost disk
# (several GB across the debug, wasm and release builds; CI once ran out of space).
export CARGO_INCREMENTAL=0

step() { printf '\n\033[1;34m[test] %s\033[0m\n' "$*"; STEP_STARTED=$SECONDS; }
done_step() { printf '\033[1;32m[test] ok (%s s)\033[0m\n' "$((SECONDS - STEP_STARTED))"; }
STARTED=$SECONDS

step "PostgreSQL reachable at ${KAOHE_TEST_POSTGRES_URL%%@*}@…"
if ! pg_isready -q -d "$KAOHE_TEST_POSTGRES_URL" 2>/dev/null; then
  # The machine's own cluster may just be stopped; start it the way the machine does.
  if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
    sleep 2
  fi
fi
pg_isready -d "$KAOHE_TEST_POSTGRES_URL" || { echo "PostgreSQL is required for the tests" >&2; exit 1; }
done_step

step "format and lints"
cargo fmt --all --check
# The hydrate entry compiles only to wasm32 (app's ssr and hydrate features exclude
# each other), so it is linted there and left out of the native workspace runs.
cargo clippy --workspace --exclude frontend --all-targets --features app/ssr -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings
done_step

step "unit and integration tests (SQLite and PostgreSQL)"
cargo test --workspace --exclude frontend --exclude rules-wasm --features app/ssr
done_step

step "scoring engine: golden cases and properties, native and WebAssembly"
./rules-wasm/run-tests.sh
done_step

step "release build (phone bundle and server)"
cargo leptos build --release
./scripts/bundle-size.sh
done_step

step "crash test: SIGKILL under 32 concurrent submitters, restart, replay (SQLite and PostgreSQL)"
# Same packages and features as the test step above, so this reuses its build instead
# of compiling the server library a second time.
cargo build -q --workspace --exclude frontend --exclude rules-wasm --features app/ssr --example submitters
CRASH_DIR="$(mktemp -d)"
target/debug/examples/submitters crash --database-url "sqlite://$CRASH_DIR/crash.db"
psql -q "$KAOHE_TEST_POSTGRES_URL" -c "DROP DATABASE IF EXISTS kaohe_crash" -c "CREATE DATABASE kaohe_crash"
target/debug/examples/submitters crash --database-url "${KAOHE_TEST_POSTGRES_URL%/*}/kaohe_crash"
psql -q "$KAOHE_TEST_POSTGRES_URL" -c "DROP DATABASE IF EXISTS kaohe_crash"
rm -rf "$CRASH_DIR"
done_step

step "browser tests (Chromium, 360×740)"
(cd end2end && npx playwright test)
done_step

df -h "$ROOT" | tail -1 | awk '{ print "[test] disk: " $3 " used, " $4 " free" }'
printf '\n\033[1;32m[test] all green in %s s\033[0m\n' "$((SECONDS - STARTED))"
