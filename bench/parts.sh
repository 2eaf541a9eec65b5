#!/usr/bin/env bash
# The parts benchmark of issue 28: a plan of 500 tasks given to a group of 2,500 schools
# (1,250,000 parts) with a year of the schools' work on them (bench/parts_gen.cpp), then a Release
# `taskledger serve` on it, measured from outside:
#   store and checkpoint disk use; start-up to /healthz from the log and from a checkpoint;
#   resident memory; the plan's report today and as of 50 past dates (p50, p99); a school's list
#   and the department's (p99); a task's parts, all of them and the late ones.
# Prints figures; asserts only that answers were 2xx. Targets: reports < 300 ms p99, an agency's
# list < 20 ms p99, start-up from a checkpoint < 2 s.
#   bench/parts.sh                                   # ~5 minutes here
#   TASKS=50 SCHOOLS=500 bench/parts.sh              # a quick look
#   PARTS_DIR=/big/disk KEEP=1 bench/parts.sh        # keep (and reuse) the generated store
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tasks="${TASKS:-500}"
schools="${SCHOOLS:-2500}"
work="${PARTS_DIR:-/tmp/taskledger-parts}"

"$root/deploy/install-deps.sh" python3 curl >/dev/null
build_dir="${TASKLEDGER_BUILD_DIR:-$root/build-release}"
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" -j2 --target taskledger parts_gen >/dev/null
bin="$build_dir/server/taskledger"

data="$work/data-$tasks-$schools"
mkdir -p "$work"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  if [[ -z "${KEEP:-}" ]]; then rm -rf "$data"; fi
}
trap cleanup EXIT
source "$root/bench/lib.sh"

# The simulated year is 2026; the server's clock is the morning after.
clock="2027-01-01T10:00"
if [[ ! -d "$data" ]]; then
  echo "generating: $tasks tasks given to $schools schools, a year of their work ..."
  "$build_dir/bench/parts_gen" --data-dir "$data" --tasks "$tasks" --schools "$schools"
fi
token="$("$bin" token create --role coordinator --name parts --data-dir "$data" --clock-start "$clock" \
  --no-checkpoints | awk '{print $NF}')"
auth="Authorization: Bearer $token"
echo "store on disk: $(du -sh --exclude=checkpoints "$data" | cut -f1)"


start_server --no-checkpoints
echo "start-up from the log:         $(seconds "$started_ms") s to /healthz, RSS $(rss_mib "$server_pid") MiB"
stop_server

began=$(now_ms)
"$bin" checkpoint --data-dir "$data" --clock-start "$clock" >"$work/checkpoint.txt" 2>&1
echo "checkpoints written offline:   $(seconds $(( $(now_ms) - began ))) s, $(ls "$data/checkpoints"/*.ckpt | wc -l) files, $(du -sh "$data/checkpoints" | cut -f1) (newest $(ls -s --block-size=K "$data/checkpoints"/*.ckpt | tail -1 | awk '{print $1}'))"

start_server
echo "start-up from a checkpoint:    $(seconds "$started_ms") s to /healthz, RSS $(rss_mib "$server_pid") MiB"

plan=kh-truong-2026
curl -sS --fail-with-body -H "$auth" "$base/v1/plans/$plan/report" | python3 -c "
import json, sys
r = json.load(sys.stdin)
t, p = r['totals'], r['parts']['totals']
done = p['completed_on_time'] + p['completed_late']
print(f\"today's report: {len(r['lines'])} lines; parts {p['total']:,}: {done:,} done ({p['completed_late']:,} late), {p['overdue']:,} overdue, {p['cancelled']:,} exempt; tasks done {t['completed_on_time'] + t['completed_late']}\")"
for i in $(seq 50); do echo "/v1/plans/$plan/report"; done | timed | stats "report today (JSON)" 34
for i in $(seq 10); do echo "/v1/plans/$plan/report?format=docx"; done | timed | stats "report today (Word)" 34
python3 - <<'PY' >"$work/asof.txt"
import random, datetime
random.seed(28)
first = datetime.date(2026, 1, 10)
for _ in range(50):
    d = first + datetime.timedelta(days=random.randrange(350))
    print(f"/v1/plans/kh-truong-2026/report?as_of={d}")
PY
timed <"$work/asof.txt" | stats "report as_of (50 past dates)" 34
python3 -c "
import random; random.seed(8)
for i in range(200): print(f'/v1/agencies/truong-{random.randrange($schools):04d}/tasks?limit={20 + i % 80}')" |
  timed | stats "a school's list (fresh render)" 34
for i in $(seq 50); do echo "/v1/agencies/so-gddt/tasks?limit=$((20 + i))"; done | timed |
  stats "the department's list" 34
python3 -c "
import random; random.seed(9)
for i in range(50): print(f'/v1/tasks/kh-truong-2026:{random.randrange(1, 6)}.{random.randrange(1, $tasks // 5 + 1)}/parts?limit={50 + i}')" |
  timed | stats "a task's parts (page of ~75)" 34
python3 -c "
import random; random.seed(10)
for i in range(50): print(f'/v1/tasks/kh-truong-2026:{random.randrange(1, 6)}.{random.randrange(1, $tasks // 5 + 1)}/parts?state=late&limit={50 + i}')" |
  timed | stats "a task's late parts" 34
echo "server RSS now $(rss_mib "$server_pid") MiB, peak $(hwm_mib "$server_pid") MiB"
stop_server
