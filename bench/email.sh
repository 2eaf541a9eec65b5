#!/usr/bin/env bash
# The email benchmark of issue 19: 10,000 open tasks due on one day, led by 1,000 agencies (10
# each), each agency with one confirmed address on a local relay (bench/smtp_sink.py). The
# server is started at 07:59:50 of the day a week before they are due (--clock-start), so at
# 08:00:00 all 10,000 "7 days left" reminders fall due at once — everyone's reminder at the
# hour. Prints messages/s and the delay from 08:00 to the relay's acceptance.
#   bench/email.sh
#   RATE=500 SESSIONS=4 bench/email.sh      # the relay's limit and the SMTP sessions
#   TASKS=2000 AGENCIES=200 bench/email.sh
#   KIND=digest bench/email.sh              # instead: each address's daily digest at 07:30
# Each mail is built whole (GMime) when planned, kept in the durable outbox, sent over its own
# SMTP session (libcurl), and its outcome appended to its task's stream in the log
# (task.notification_delivered, channel email), as in production. Server and relay share this
# machine's cores.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/bench/lib.sh"
tasks="${TASKS:-10000}"
agencies="${AGENCIES:-1000}"
day="${DAY:-2027-03-01}"
rate="${RATE:-1000}"
sessions="${SESSIONS:-8}"
kind="${KIND:-reminders}"
[[ "$kind" == reminders || "$kind" == digest ]] || { echo "KIND is reminders or digest" >&2; exit 2; }
due="$(date -d "$day +7 days" +%F)"

"$root/deploy/install-deps.sh" python3 curl
build_dir="${TASKLEDGER_BUILD_DIR:-$root/build-release}"
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" -j2 --target taskledger >/dev/null 2>&1 ||
  cmake --build "$build_dir" -j2 --target taskledger
bin="$build_dir/server/taskledger"

work="$(mktemp -d /tmp/taskledger-email-bench-XXXXXX)"
server_pid="" sink_pid=""
cleanup() {
  for pid in $server_pid $sink_pid; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

start_server() {  # clock-start, then flags
  local clock="$1"; shift
  "$bin" serve --data-dir "$data" --listen 127.0.0.1:0 --rate-limit 0 --clock-start "$clock" \
    --smtp-url "smtp://127.0.0.1:$sink_port" --smtp-from "nhac-han@sogddt.gov.vn" \
    --public-url "https://taskledger.example.vn" --mail-rate "$rate" --mail-sessions "$sessions" \
    "$@" >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 300); do grep -q "^listening on" "$work/server.log" && break; sleep 0.05; done
  port="$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/server.log")"
  [[ -n "$port" ]] || { echo "the server did not start:" >&2; cat "$work/server.log" >&2; exit 1; }
  base="http://127.0.0.1:$port"
}

data="$work/data"
expect="$tasks"; [[ "$kind" == digest ]] && expect="$agencies"
python3 "$root/bench/smtp_sink.py" --expect "$expect" --timeout-s 600 --port-file "$work/sink.port" \
  --due-file "$work/due" >"$work/sink.out" 2>&1 &
sink_pid=$!
sink_port="$(port_from_file "$work/sink.port")"

# Days before: agencies, a plan with the tasks, one confirmed address per agency (no digest, no
# notices of changes: the reminders alone).
token="$(demo_coordinator_token "$bin" "$data")"
auth="Authorization: Bearer $token"
start_server "$(date -d "$day -3 days" +%F)"
echo "setting up $agencies agencies with an address each, $tasks tasks due $due ..."
python3 - "$base" "$token" "$agencies" "$tasks" "$due" "$kind" <<'PY'
import json, sys, urllib.request
base, token, agencies, tasks, due, kind = (sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]),
                                           sys.argv[5], sys.argv[6])
def call(method, path, body, ctype="application/json"):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Authorization": "Bearer " + token, "Content-Type": ctype})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
for i in range(1, agencies + 1):
    call("POST", "/v1/agencies", {"id": f"truong-{i}", "name": f"Trường Tiểu học số {i}", "kind": "institution"})
call("POST", "/v1/plans", {"id": "bench-mail", "title": "Kế hoạch đo hiệu năng thư", "authority": "ubnd-hp",
                           "period": {"start": "2026-01-01", "end": "2027-12-31"}})
rows = ["TT;Nhiệm vụ;Cơ quan chủ trì;Cơ quan phối hợp;Kết quả/ Sản phẩm;Thời gian hoàn thành", "I;Báo cáo;;;;"]
rows += [f"{i + 1};Nộp báo cáo số {i + 1};truong-{i % agencies + 1};;Báo cáo;{due}" for i in range(tasks)]
call("POST", "/v1/plans/bench-mail/import", ("\n".join(rows) + "\n").encode(), "text/csv")
for i in range(1, agencies + 1):
    call("POST", "/v1/email-subscriptions", {"agency": f"truong-{i}", "address": f"vanthu@truong-{i}.edu.vn",
                                             "confirmed": True, "changes": False,
                                             "reminders": kind == "reminders",
                                             "digest": "daily" if kind == "digest" else "none"})
PY
kill -TERM "$server_pid"; wait "$server_pid" || true; server_pid=""

# The morning a week before: 10 s before 08:00 (Vietnam; 07:30 for digests). That instant on the
# server's clock is the spawn + 10 s on this machine's; the server's clock starts a little after the spawn, so delays
# are overstated by that much, never under.
at="08:00"; [[ "$kind" == digest ]] && at="07:30"
spawn_ms="$(date +%s%3N)"
start_server "${day}T$(date -u -d "@$(( $(date -u -d "$day $at" +%s) - 10 ))" +%H:%M:%S)"
echo "$((spawn_ms + 10000))" > "$work/due"
echo "waiting for $at:00 on the server's clock ($kind; rate limit $rate/s, $sessions SMTP sessions) ..."
wait "$sink_pid" || true
sink_pid=""
cat "$work/sink.out"
# The sink stops at --expect messages or at its timeout; fewer means the figures are of a part.
received="$(sed -n 's/^received \([0-9]*\) of .*/\1/p' "$work/sink.out")"
if [[ "${received:-0}" -lt "$expect" ]]; then
  echo "FAILED: the SMTP sink received ${received:-0} of $expect messages" >&2
  exit 1
fi
sleep 2  # the last outcomes reach the log
curl -sS --fail-with-body -H "$auth" "$base/metrics" | grep -E '^taskledger_mail' || true
if [[ "$kind" == reminders ]]; then
  recorded="$(curl -sS --fail-with-body -H "$auth" "$base/v1/plans/bench-mail/report" |
    python3 -c 'import json,sys; r=json.load(sys.stdin); print(sum(l.get("notified",{}).get("delivered",0) for l in r["lines"]))')"
  echo "outcomes recorded on the tasks (task.notification_delivered): $recorded"
else
  recorded="$(curl -sS --fail-with-body -H "$auth" "$base/v1/events?limit=1000&after=$(( $(curl -sS --fail-with-body -H "$auth" "$base/v1/audit/head" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["position"])') - 1000 ))" |
    python3 -c 'import json,sys; print(sum(e["type"] == "email.digest_sent" for e in json.load(sys.stdin)["items"]))')"
  echo "digests recorded on the addresses' streams (email.digest_sent, in the last 1,000 events): $recorded"
fi
