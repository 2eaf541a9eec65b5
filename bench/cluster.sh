#!/usr/bin/env bash
# The log on PostgreSQL, measured in one run (issue 30), on this machine:
#  1. durable appends at 1, 16 and 64 clients: the RocksDB store, the PostgreSQL store, and a
#     plain PostgreSQL event table (a plpgsql append with a unique (stream, version), no chain):
#     one server, then with a synchronous standby;
#  2. HTTP reads (a task) and commands (a comment) on two TaskLedger nodes against one;
#  3. failover: the primary killed (-9) under four writers, its synchronous standby promoted; the
#     time from the last append acknowledged before the kill to the first after.
# PostgreSQL runs as the `postgres` user with fsync on, data under $TMPDIR.
#   bench/cluster.sh            (TASKLEDGER_BENCH_APPENDS per client count, default 6400)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=deploy/pg-lib.sh
source "$root/deploy/pg-lib.sh"
"$root/deploy/install-deps.sh" postgresql-15 wrk curl
build="${TASKLEDGER_BUILD_DIR:-$root/build-release}"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"${TASKLEDGER_JOBS:-2}" --target taskledger taskledger-cluster-bench
bench="$build/bench/taskledger-cluster-bench"
bin="$build/server/taskledger"
appends="${TASKLEDGER_BENCH_APPENDS:-6400}"

work="$(mktemp -d "${TMPDIR:-/tmp}/tl-cluster-bench-XXXXXX")"
pg_parent "$work"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for s in pg0 pg1 pg2; do [[ -d "$work/$s/data" ]] && pg_stop "$work/$s"; done
  rm -rf "$work"
}
trap cleanup EXIT

echo "== durable appends, one PostgreSQL server (fsync on) =="
pg_primary "$work/pg0" 56432
pg_sql 56432 "CREATE DATABASE bench" >/dev/null
uri="postgresql://tl@127.0.0.1:56432/bench"
"$bench" appends --rocks "$work/rocks" --pg "$uri" --appends "$appends"

echo "== durable appends, with a synchronous standby =="
pg_standby "$work/pg1" 56433 56432 s1
pg_sync 56432 "s1"
"$bench" appends --pg "$uri" --appends "$appends" --label " +standby"

echo "== HTTP on one node, then two (wrk, 4 connections per node, 10 s) =="
pg_sql 56432 "CREATE DATABASE http" >/dev/null
huri="postgresql://tl@127.0.0.1:56432/http"
(umask 077 && openssl rand -hex 32 >"$work/key")
"$bin" load-demo --store "$huri" --data-dir "$work/n1" >/dev/null
token=$("$bin" token create --role coordinator --store "$huri" --data-dir "$work/n1" | awk '{print $NF}')
export TL_TOKEN="$token"  # the command script's requests carry it (their headers replace -H's)
start_node() {  # name port
  "$bin" serve --store "$huri" --secrets-key-file "$work/key" --data-dir "$work/$1" \
    --listen "127.0.0.1:$2" --rate-limit 0 --threads 2 >"$work/$1.log" 2>&1 &
  pids+=($!)
  until curl -sf "http://127.0.0.1:$2/healthz" >/dev/null; do sleep 0.05; done
}
start_node n1 18181
start_node n2 18182
# Commands go to 100 different tasks at random (on one task they would mostly wait for each
# other: every comment changes the task's version).
tasks=$(curl -s -H "Authorization: Bearer $token" "http://127.0.0.1:18181/v1/tasks?limit=100" |
  python3 -c 'import json,sys; print(",".join(chr(34) + t["id"] + chr(34) for t in json.load(sys.stdin)["items"]))')
cat >"$work/comment.lua" <<LUA
local tasks = {$tasks}
request = function()
  local id = tasks[math.random(#tasks)]
  return wrk.format("POST", "/v1/tasks/" .. id .. "/comments",
                    {["Content-Type"] = "application/json",
                     ["Authorization"] = "Bearer " .. os.getenv("TL_TOKEN")},
                    '{"text":"Báo cáo tiến độ"}')
end
LUA
task="/v1/tasks/hp-tieng-anh-2025:I.1"
rate() { sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p'; }
run_wrk() {  # label script-args ports...
  local label="$1" script="$2"; shift 2
  local out=() total=0
  for port in "$@"; do
    # shellcheck disable=SC2086
    wrk -t1 -c4 -d10s -H "Authorization: Bearer $token" $script "http://127.0.0.1:$port$task$suffix" >"$work/wrk-$port.txt" &
    out+=($!)
  done
  for p in "${out[@]}"; do wait "$p"; done
  local bad=0
  for port in "$@"; do
    total=$(python3 -c "print($total + $(rate <"$work/wrk-$port.txt"))")
    bad=$((bad + $(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\)/\1/p' "$work/wrk-$port.txt" | head -1 | grep . || echo 0)))
  done
  printf "%-30s %8.0f requests/s  (%d answered other than 2xx)\n" "$label" "$total" "$bad"
}
suffix=""
run_wrk "reads, one node" "" 18181
run_wrk "reads, two nodes" "" 18181 18182
suffix=""
run_wrk "commands, one node" "-s $work/comment.lua" 18181
run_wrk "commands, two nodes" "-s $work/comment.lua" 18181 18182
echo "(both nodes and PostgreSQL share this machine's $(nproc) CPUs)"

echo "== failover under four writers =="
pg_sql 56432 "CREATE DATABASE failover" >/dev/null
furi="postgresql://tl@127.0.0.1:56432,127.0.0.1:56433/failover?target_session_attrs=read-write&connect_timeout=2"
# Promoted, the standby stands alone: commits must not wait for a standby it does not have.
pg_sql 56433 "ALTER SYSTEM SET synchronous_standby_names = ''" >/dev/null
pg_sql 56433 "SELECT pg_reload_conf()" >/dev/null
kill_cmd="bash -c 'source $root/deploy/pg-lib.sh; pg_kill $work/pg0; pg_promote $work/pg1'"
"$bench" failover --pg "$furi" --kill-cmd "$kill_cmd"
