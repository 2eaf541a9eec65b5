#!/usr/bin/env bash
# The scale benchmark of issue 18: a store shaped like national use (45,000 agencies, 450,000
# tasks in 45 plans, 20M events over three simulated years, bench/scale_gen.cpp), then a Release
# `taskledger serve` on it, measured from outside:
#   store and checkpoint disk use; start-up to /healthz without and with checkpoints; resident
#   memory; one plan's report as of 50 random past dates (p50, p99); a 36-month series; an
#   agency's tasks (p99); 64 writers (durable comments) beside 64 readers (agencies' lists), and
#   the same while the day's checkpoint is written.
# Prints figures; asserts only that answers were 2xx.
#   bench/scale.sh                                   # 20M events, ~25 minutes here
#   EVENTS=1000000 AGENCIES=4500 TASKS=45000 bench/scale.sh
#   SCALE_DIR=/big/disk KEEP=1 bench/scale.sh        # keep (and reuse) the generated store
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
events="${EVENTS:-20000000}"
agencies="${AGENCIES:-45000}"
tasks="${TASKS:-450000}"
plans="${PLANS:-45}"
duration="${DURATION:-15}"
work="${SCALE_DIR:-/tmp/taskledger-scale}"

"$root/deploy/install-deps.sh" wrk python3 curl >/dev/null
build_dir="${TASKLEDGER_BUILD_DIR:-$root/build-release}"
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" -j2 --target taskledger scale_gen >/dev/null
bin="$build_dir/server/taskledger"

data="$work/data-$events"
mkdir -p "$work"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [[ -z "${KEEP:-}" ]]; then rm -rf "$data"; fi
}
trap cleanup EXIT
source "$root/bench/lib.sh"
cache=(--block-cache "${BLOCK_CACHE:-512MiB}")

# The simulated store runs 2024-01-01 .. 2026-12-31; the server's clock is the day after.
clock="2027-01-01T10:00"
if [[ ! -d "$data" ]]; then
  echo "generating $events events ($agencies agencies, $tasks tasks, $plans plans) ..."
  "$build_dir/bench/scale_gen" --data-dir "$data" --events "$events" --agencies "$agencies" \
    --tasks "$tasks" --plans "$plans" --start 2024-01-01 --years 3
fi
token="$("$bin" token create --role coordinator --name scale --data-dir "$data" --clock-start "$clock" \
  --no-checkpoints | awk '{print $NF}')"
auth="Authorization: Bearer $token"
echo "store on disk: $(du -sh --exclude=checkpoints "$data" | cut -f1)"


start_server "${cache[@]}" --no-checkpoints
echo "start-up without checkpoints:  $(seconds "$started_ms") s to /healthz, RSS $(rss_mib "$server_pid") MiB"
stop_server

began=$(now_ms)
"$bin" checkpoint --data-dir "$data" --clock-start "$clock" >"$work/checkpoint.txt" 2>&1
echo "checkpoints written offline:   $(( ($(now_ms) - began) / 1000 )) s, $(ls "$data/checkpoints"/*.ckpt | wc -l) files, $(du -sh "$data/checkpoints" | cut -f1) (newest $(ls -s --block-size=M "$data/checkpoints"/*.ckpt | tail -1 | awk '{print $1}'))"

start_server "${cache[@]}"
echo "start-up from a checkpoint:    $(seconds "$started_ms") s to /healthz, RSS $(rss_mib "$server_pid") MiB ($(grep -o 'from the checkpoint of [0-9-]*; [0-9]* events folded' "$work/server.log" || echo 'no checkpoint'))"


python3 - "$plans" <<'PY' >"$work/asof.txt"
import random, sys, datetime
random.seed(18)
plans = int(sys.argv[1])
first, last = datetime.date(2024, 2, 15), datetime.date(2026, 12, 30)
for _ in range(50):
    d = first + datetime.timedelta(days=random.randrange((last - first).days))
    print(f"/v1/plans/kh-{random.randrange(plans)}/report?as_of={d}")
PY
timed <"$work/asof.txt" | stats "report as_of (50 past dates)"
echo "/v1/plans/kh-1/report/series?from=2024-01-01&to=2026-12-31&step=month&by_lead=false" | timed | stats "36-month series (totals)"
echo "/v1/plans/kh-1/report/series?from=2024-01-01&to=2026-12-31&step=month" | timed | stats "36-month series (+ 8,000 leads)"
python3 -c "
import random; random.seed(7)
for _ in range(5): print(f'/v1/agencies/dv-{random.randrange($agencies)}/tasks?as_of=2025-0{random.randrange(1, 10)}-15')" |
  timed | stats "agency list as_of (all plans)"
python3 -c "
import random; random.seed(8)
for i in range(200): print(f'/v1/agencies/dv-{random.randrange($agencies)}/tasks?limit={20 + i % 80}')" |
  timed | stats "agency tasks (fresh render)"
echo "server RSS now $(rss_mib "$server_pid") MiB, peak $(hwm_mib "$server_pid") MiB"

# Mixed load: durable comments on random tasks, and agencies' lists, side by side.
cat >"$work/write.lua" <<LUA
request = function()
  local t = math.random(0, ${tasks} - 1)
  local code = (t % 9 + 1) .. "." .. (math.floor(t / ${plans}) + 1)
  return wrk.format("POST", "/v1/tasks/kh-" .. (t % ${plans}) .. ":" .. code .. "/comments",
    {["Authorization"] = "Bearer ${token}", ["Content-Type"] = "application/json"},
    '{"text": "Đôn đốc tiến độ, lần đo hiệu năng"}')
end
LUA
cat >"$work/read.lua" <<LUA
request = function()
  return wrk.format("GET", "/v1/agencies/dv-" .. math.random(0, ${agencies} - 1) .. "/tasks",
    {["Authorization"] = "Bearer ${token}"})
end
LUA
mixed() {  # label [quiet: without the lock figures]
  wrk -t1 -c64 -d"${duration}s" --latency -s "$work/write.lua" "$base" >"$work/w.txt" &
  local w=$!
  wrk -t1 -c64 -d"${duration}s" --latency -s "$work/read.lua" "$base" >"$work/r.txt"
  wait $w
  printf "%-32s writers %7.0f cmd/s p99 %9s | readers %7.0f req/s p99 %9s | non-2xx %s/%s\n" "$1" \
    "$(awk '/^Requests\/sec:/ {print $2}' "$work/w.txt")" "$(awk '$1 == "99%" {print $2}' "$work/w.txt")" \
    "$(awk '/^Requests\/sec:/ {print $2}' "$work/r.txt")" "$(awk '$1 == "99%" {print $2}' "$work/r.txt")" \
    "$(awk '/Non-2xx/ {print $NF}' "$work/w.txt")" "$(awk '/Non-2xx/ {print $NF}' "$work/r.txt")"
  wrk_ok "$1: writers" "$work/w.txt"
  wrk_ok "$1: readers" "$work/r.txt"
  # How long folds (each answering a group of commands) waited for the readers' shared lock.
  [[ -n "${2:-}" ]] && return 0
  curl -sS --fail-with-body -H "$auth" "$base/metrics" | awk '
    /^taskledger_folds_total/ {n = $2} /^taskledger_fold_lock_wait_seconds_total/ {s = $2}
    /^taskledger_fold_lock_wait_max_seconds/ {m = $2}
    END {if (n) printf "  folds waited for readers: %d folds, mean %.1f us, max %.1f ms\n", n, s / n * 1e6, m * 1e3}'
}
# Commands first on their own, which also warms what a restarted server has cold (the block
# cache, the stream-version cache): the mixed figures are a server's steady state.
wrk -t1 -c64 -d"${duration}s" --latency -s "$work/write.lua" "$base" >"$work/w.txt"
printf "%-32s writers %7.0f cmd/s p99 %9s\n" "commands alone (64)" \
  "$(awk '/^Requests\/sec:/ {print $2}' "$work/w.txt")" "$(awk '$1 == "99%" {print $2}' "$work/w.txt")"
wrk_ok "commands alone" "$work/w.txt"
mixed "mixed load (64 + 64)"
stop_server

# The same while a checkpoint is being written: with the newest removed under a warm server, its
# next pass (every 60 s) writes it again, under the load. Ten-second windows, each with its time,
# beside the line that says when the checkpoint was written.
start_server "${cache[@]}"
wrk -t1 -c64 -d"${duration}s" -s "$work/write.lua" "$base" >"$work/w.txt"  # warm, as above
wrk_ok "warming" "$work/w.txt"
rm -f "$(ls "$data/checkpoints"/*.ckpt | tail -1)"
saved_duration="$duration"
duration=10
for window in 1 2 3 4 5 6 7; do mixed "$(date +%T) window $window" quiet; done
duration="$saved_duration"
grep -o "^\[[^]]*\] \[info\] checkpoint of [0-9-]* written.*" "$work/server.log" | sed 's/^/  server: /' ||
  echo "  (no checkpoint written during the run)"
echo "server peak RSS $(hwm_mib "$server_pid") MiB"
stop_server
