#!/usr/bin/env bash
# Load benchmark of the signed-in pages as the server renders them (SSR, streamed):
# pages per second against the release server on loopback, on SQLite and on PostgreSQL,
# with wrk, and a check of every body.
#   ./scripts/bench-pages.sh [seconds] [connections]
#   BENCH_DBS=sqlite ./scripts/bench-pages.sh …   (one database only)
# The requests cycle through six pages of three demo roles (the leader's 本单位 and 待审核,
# the cadre's report and 我的, the admin's ranking and schemes), each with its user's
# session cookie. Each page runs the sign-in gate, the session's user and the page's own
# data through Leptos resources and streams the HTML with the resolved data. A body that
# does not end the document (a render that never finished, as Leptos can stall when a
# resource's wake-up is lost) is counted as incomplete; wrk counts one that takes longer
# than --timeout as a timeout. Results go to bench/results/pages-<db>.txt.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS_OF_LOAD="${1:-15}"
CONNECTIONS="${2:-32}"
PORT=3183
source scripts/bench-common.sh

# The session cookie (name=value) of a demo user.
cookie_of() {
  curl -fsS -o /dev/null -D - -H 'sec-fetch-site: same-origin' -H 'accept: application/json' \
    --data-urlencode "username=$1" --data-urlencode 'password=kaohe2026' \
    "http://127.0.0.1:$PORT/api/sign_in" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -1
}

write_script() {
  local leader cadre admin
  leader="$(cookie_of zhangwei)"; cadre="$(cookie_of wangfang)"; admin="$(cookie_of admin)"
  [ -n "$leader" ] && [ -n "$cadre" ] && [ -n "$admin" ] || { echo "sign-in failed" >&2; exit 1; }
  cat >"$TMP/pages.lua" <<LUA
local pages = {
  { "/unit", "$leader" }, { "/review", "$leader" },
  { "/filing", "$cadre" }, { "/me", "$cadre" },
  { "/ranking", "$admin" }, { "/schemes", "$admin" },
}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  requests = {}
  for i, p in ipairs(pages) do requests[i] = wrk.format("GET", p[1], { Cookie = p[2] }) end
  n = 0; complete = 0; incomplete = 0; refused = 0
end
function request()
  n = n + 1
  return requests[(n % #requests) + 1]
end
function response(status, headers, body)
  if status ~= 200 then refused = refused + 1
  elseif body:find("</html>%s*$") or body:find("__RESOLVED_RESOURCES", 1, true) then complete = complete + 1
  else incomplete = incomplete + 1 end
end
function done(summary, latency, requests)
  local c, i, r = 0, 0, 0
  for _, t in ipairs(threads) do c = c + t:get("complete"); i = i + t:get("incomplete"); r = r + t:get("refused") end
  io.write(string.format("pages: %d complete, %d incomplete, %d not 200; timeouts %d\n", c, i, r, summary.errors.timeout))
end
LUA
}

run_one() {
  local name="$1" url="$2"
  start_server "$PORT" "$url"
  write_script
  # A short warm-up (connections, statement caches), then the measured run.
  wrk -t2 -c"$CONNECTIONS" -d2s -s "$TMP/pages.lua" "http://127.0.0.1:$PORT" >/dev/null
  {
    echo "# scripts/bench-pages.sh $SECONDS_OF_LOAD $CONNECTIONS ($name, $(date -u +%Y-%m-%dT%H:%MZ))"
    wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_OF_LOAD}s" --timeout 10s --latency -s "$TMP/pages.lua" "http://127.0.0.1:$PORT"
  } 2>&1 | tee "bench/results/pages-$name.txt"
  stop_server
}

each_database kaohe_bench_pages run_one
