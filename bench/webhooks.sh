#!/usr/bin/env bash
# The webhook benchmark of issue 5: 10,000 open occurrences due on one day, led by 100 agencies
# (100 each), each agency with an endpoint on a local receiver (bench/webhook_sink.cpp). The
# server is started at 07:59:55 of the due date (--clock-start), so at 08:00:00 all 10,000
# "due today" reminders fall due at the same instant, the hardest case: everyone's reminder goes
# out at the hour. Prints deliveries/s and the delay from the due instant to the receiver.
#   bench/webhooks.sh
#   TASKS=2000 AGENCIES=20 bench/webhooks.sh
# Each delivery also appends its outcome to the log (task.notification_delivered), as in
# production. Server and receiver share this machine's cores.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/lib.sh"
tasks="${TASKS:-10000}"
agencies="${AGENCIES:-100}"
day="${DAY:-2026-12-01}"

"$root/deploy/install-deps.sh" python3 curl
build_dir="${TASKLEDGER_BUILD_DIR:-$root/build-release}"
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" -j2 --target taskledger webhook_sink >/dev/null 2>&1 ||
  cmake --build "$build_dir" -j2 --target taskledger webhook_sink
bin="$build_dir/server/taskledger"
sink="$build_dir/bench/webhook_sink"

work="$(mktemp -d /tmp/taskledger-webhook-bench-XXXXXX)"
server_pid="" sink_pid=""
cleanup() {
  for pid in $server_pid $sink_pid; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  cp "$work/server.log" /tmp/wh-server.log 2>/dev/null; rm -rf "$work"
}
trap cleanup EXIT

start_server() {  # clock-start, then flags
  local clock="$1"; shift
  "$bin" serve --data-dir "$data" --listen 127.0.0.1:0 --rate-limit 0 --clock-start "$clock" \
    --webhook-addresses loopback "$@" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 300); do grep -q "^listening on" "$work/server.log" && break; sleep 0.05; done
  port="$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/server.log")"
  base="http://127.0.0.1:$port"
}

data="$work/data"
"$sink" --expect "$tasks" --timeout-s 600 --port-file "$work/sink.port" \
  --offset-file "$work/offset" >"$work/sink.out" 2>&1 &
sink_pid=$!
sink_port="$(port_from_file "$work/sink.port")"

# The day before: agencies, a plan with the tasks, and one endpoint per agency.
token="$(demo_coordinator_token "$bin" "$data")"
auth="Authorization: Bearer $token"
prev="$(date -d "$day -1 day" +%F)"
start_server "$prev"
echo "setting up $agencies agencies, $tasks tasks due $day, $agencies endpoints ..."
for i in $(seq "$agencies"); do
  curl -sS --fail-with-body -H "$auth" -H 'Content-Type: application/json' "$base/v1/agencies" \
    -d "{\"id\": \"truong-$i\", \"name\": \"Trường Tiểu học số $i\", \"kind\": \"institution\"}" >/dev/null
done
curl -sS --fail-with-body -H "$auth" -H 'Content-Type: application/json' "$base/v1/plans" -d '{
  "id": "bench-wh", "title": "Kế hoạch đo hiệu năng webhook", "authority": "ubnd-hp",
  "period": {"start": "2026-01-01", "end": "2027-12-31"}}' >/dev/null
python3 - "$tasks" "$agencies" "$day" > "$work/matrix.csv" <<'PY'
import sys
n, a, day = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
print("TT;Nhiệm vụ;Cơ quan chủ trì;Cơ quan phối hợp;Kết quả/ Sản phẩm;Thời gian hoàn thành")
print("I;Báo cáo;;;;")
for i in range(n):
    print(f"{i + 1};Nộp báo cáo số {i + 1};truong-{i % a + 1};;Báo cáo;{day}")
PY
curl -sS --fail-with-body -H "$auth" -H 'Content-Type: text/csv' --data-binary @"$work/matrix.csv" \
  "$base/v1/plans/bench-wh/import" >/dev/null
for i in $(seq "$agencies"); do
  curl -sS --fail-with-body -H "$auth" -H 'Content-Type: application/json' "$base/v1/webhooks" \
    -d "{\"url\": \"http://127.0.0.1:$sink_port/e/$i\", \"agency\": \"truong-$i\", \"types\": [\"task.deadline.today\"]}" >/dev/null
done
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""

# The morning of the due date: 5 s before 08:00 (Vietnam).
origin_server_ms=$(( $(date -d "${day}T07:59:55+07:00" +%s) * 1000 ))
spawn_ms="$(date +%s%3N)"
start_server "${day}T07:59:55"
# The sink maps the server's clock to its own: wall = server + (spawn - origin). The server's
# clock starts a little after the spawn, so delays are overstated by that much, never under.
echo "$((spawn_ms - origin_server_ms))" > "$work/offset"
echo "waiting for 08:00:00 on the server's clock ..."
sink_status=0
wait "$sink_pid" || sink_status=$?
sink_pid=""
sed -n '/^received/,$p' "$work/sink.out"
curl -sS --fail-with-body -H "$auth" "$base/metrics" | grep -E '^taskledger_webhook' || true
# The sink exits non-zero when fewer than the expected notifications arrived in time: the
# figures above are then of a part of them.
if ((sink_status != 0)); then
  echo "FAILED: the sink did not receive all $tasks notifications (exit $sink_status; see above)" >&2
  exit 1
fi
