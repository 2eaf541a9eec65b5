#!/usr/bin/env bash
# The HTTP benchmark of issue 4: a Release `taskledger serve` with the demo plans plus 100,000
# generated tasks, and wrk against it on the same machine:
#   1. GET /healthz                          (the floor: routing, no work)
#   2. GET /v1/agencies/so-gddt-hp/tasks     (the query: who owns what, due when; first page,
#                                             as a dashboard polls it: reused until a change)
#      and the same page rendered afresh on every request (a valid query never seen before,
#                                             so the page cache misses; checked on /metrics)
#   3. POST /v1/tasks/{id}/comments          (durable commands: each answered after fsync)
# each at 64 connections, and prints requests/s, p99 and the ratios against the targets. Any
# request answered other than 2xx fails the benchmark: a "FAILED:" line, no ratios, exit 1.
#   bench/http.sh                 # 100,000 tasks, 15 s per run
#   TASKS=20000 DURATION=5 bench/http.sh
# The rate limit is off for the run (--rate-limit 0): one token drives all the load.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/lib.sh"
tasks="${TASKS:-100000}"
duration="${DURATION:-15}"
conns="${CONNECTIONS:-64}"
threads="${WRK_THREADS:-2}"

"$root/deploy/install-deps.sh" wrk python3 curl
build_dir="${TASKLEDGER_BUILD_DIR:-$root/build-release}"
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" -j2 --target taskledger >/dev/null 2>&1 || cmake --build "$build_dir" -j2 --target taskledger
bin="$build_dir/server/taskledger"

work="$(mktemp -d /tmp/taskledger-http-bench-XXXXXX)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

data="$work/data"
"$bin" load-demo --data-dir "$data" >/dev/null
token="$("$bin" token create --role coordinator --name bench --data-dir "$data" | awk '{print $NF}')"

"$bin" serve --data-dir "$data" --listen 127.0.0.1:0 --rate-limit 0 >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/server.log" && break; sleep 0.1; done
port="$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/server.log")"
base="http://127.0.0.1:$port"
auth="Authorization: Bearer $token"

# 100,000 tasks in a plan of their own, imported through the API in chunks under the 1 MiB body
# limit: leads and coordinating agencies spread over Hải Phòng's departments and schools.
curl -sS --fail-with-body -H "$auth" -H 'Content-Type: application/json' "$base/v1/plans" -d '{
  "id": "bench", "title": "Kế hoạch sinh cho đo hiệu năng", "authority": "ubnd-hp",
  "period": {"start": "2025-01-01", "end": "2030-12-31"}}' >/dev/null
echo "generating and importing $tasks tasks ..."
start=$(date +%s.%N)
plan_chunks "$tasks" "$work"
for f in "$work"/chunk-*.csv; do
  curl -sS --fail-with-body -H "$auth" -H 'Content-Type: text/csv' --data-binary "@$f" "$base/v1/plans/bench/import" >/dev/null
done
end=$(date +%s.%N)
echo "imported in $(python3 -c "print(f'{$end - $start:.1f}')") s; log head $(curl -sS --fail-with-body -H "$auth" "$base/v1/audit/head" | python3 -c 'import json,sys; print(json.load(sys.stdin)["position"])')"

cat >"$work/comment.lua" <<LUA
local n = ${tasks} < 10000 and ${tasks} or 10000
request = function()
  local i = math.random(1, n)
  local sec = math.floor((i - 1) / 5000) + 1
  local code = sec .. "." .. ((i - 1) % 5000 + 1)
  return wrk.format("POST", "/v1/tasks/bench:" .. code .. "/comments",
    {["Authorization"] = "Bearer ${token}", ["Content-Type"] = "application/json"},
    '{"text": "Đôn đốc tiến độ, lần đo hiệu năng"}')
end
LUA

# The same page under a query never seen before on every request, so each one misses the page
# cache (keyed by the query) and is rendered afresh: the cost of the first request after a change.
# The query must be one the route declares (an unknown parameter is refused with 400) and must not
# change the page: `due_before` a distinct day centuries ahead (each wrk thread its own days)
# keeps every task with a due date, which are all a first page holds; checked below.
cat >"$work/render.lua" <<LUA
-- setup runs once per wrk thread, in the main state; "id" becomes a global of that thread's.
local counter = 0
setup = function(thread)
  thread:set("id", counter)
  counter = counter + 1
end
local threads, n = ${threads}, 0
request = function()
  n = n + 1
  -- Day 0 is 2200-01-01 (7258118400 s after 1970); a million requests reach the 48th century.
  local day = os.date("!%Y-%m-%d", 7258118400 + (n * threads + id) * 86400)
  return wrk.format("GET", "/v1/agencies/so-gddt-hp/tasks?due_before=" .. day,
    {["Authorization"] = "Bearer ${token}"})
end
LUA
page="$base/v1/agencies/so-gddt-hp/tasks"
if ! cmp -s <(curl -sS --fail-with-body -H "$auth" "$page") \
  <(curl -sS --fail-with-body -H "$auth" "$page?due_before=2200-01-01"); then
  echo "FAILED: the page under due_before=2200-01-01 is not the plain page; the afresh run would time another page" >&2
  exit 1
fi

# wrk prints "Requests/sec: N" and, with --latency, " 99%  X.XXms". A run whose requests were
# refused is named in `failed` (wrk_ok says why) and its figures are not compared.
failed=()
run() {  # name, extra wrk args...
  local name="$1"; shift
  wrk -t"$threads" -c"$conns" -d"${duration}s" --latency "$@" >"$work/$name.txt"
  local rps p99 non2xx
  rps="$(awk '/^Requests\/sec:/ {print $2}' "$work/$name.txt")"
  p99="$(awk '$1 == "99%" {print $2}' "$work/$name.txt")"
  non2xx="$(awk '/Non-2xx/ {print $NF}' "$work/$name.txt")"
  printf "%-28s %12s req/s   p99 %9s   non-2xx %s\n" "$name" "$rps" "$p99" "${non2xx:-0}"
  wrk_ok "$name" "$work/$name.txt" || failed+=("$name")
  eval "${name//-/_}_rps=$rps"
  eval "${name//-/_}_p99=$p99"
}
# The list cache's counters from /metrics: "hits misses".
cache_counts() {
  curl -sS --fail-with-body -H "$auth" "$base/metrics" |
    awk '/^taskledger_list_cache_hits_total/ {h=$2} /^taskledger_list_cache_misses_total/ {m=$2} END {print h + 0, m + 0}'
}

echo
echo "wrk: $conns connections, $threads threads, ${duration}s each, server and wrk on the same $(nproc) cores"
run healthz "$base/healthz"
run agency-tasks -H "$auth" "$base/v1/agencies/so-gddt-hp/tasks"
read -r hits_before misses_before <<<"$(cache_counts)"
run agency-tasks-render -s "$work/render.lua" "$base"
read -r hits_after misses_after <<<"$(cache_counts)"
rendered=$((misses_after - misses_before))
echo "  page cache during it: $((hits_after - hits_before)) hits, $rendered misses (renders)"
if ((hits_after > hits_before)); then
  echo "FAILED: agency-tasks-render: $((hits_after - hits_before)) requests were served from the page cache, not rendered afresh" >&2
  failed+=(agency-tasks-render)
fi
run post-comments -s "$work/comment.lua" "$base"
appended="$(curl -sS --fail-with-body -H "$auth" "$base/metrics" | awk '/^taskledger_group_commits_total/ {g=$2} /^taskledger_appends_total/ {a=$2} END {printf "%d appends in %d synced groups (%.1f per fsync)", a, g, a / (g ? g : 1)}')"
echo "store: $appended"

if ((${#failed[@]} > 0)); then
  echo "FAILED: ${failed[*]}: requests were refused or not what the run claims; no ratios printed" >&2
  exit 1
fi

ms() { python3 -c "v='$1'; print(float(v[:-2]) if v.endswith('ms') else float(v[:-2]) / 1000 if v.endswith('us') else float(v[:-1]) * 1000)"; }
python3 - "$healthz_rps" "$agency_tasks_rps" "$(ms "$agency_tasks_p99")" "$post_comments_rps" "$(ms "$post_comments_p99")" "$agency_tasks_render_rps" "$(ms "$agency_tasks_render_p99")" <<'PY'
import sys
h, q, qp99, c, cp99, r, rp99 = map(float, sys.argv[1:])
print()
print(f"task query / healthz       {q / h * 100:6.1f} %   (target >= 50 %)   {'met' if q >= 0.5 * h else 'MISSED'}")
print(f"task query p99             {qp99:8.2f} ms (target < 5 ms)     {'met' if qp99 < 5 else 'MISSED'}")
print(f"  rendered afresh          {r / h * 100:6.1f} %   of healthz, p99 {rp99:.2f} ms (no target; for the record)")
print(f"durable comment POSTs      {c:8.0f} /s (target >= 20,000/s) {'met' if c >= 20000 else 'MISSED'}; p99 {cp99:.2f} ms")
PY
