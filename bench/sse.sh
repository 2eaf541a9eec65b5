#!/usr/bin/env bash
# Live updates for a province (issue 17): a Release `taskledger serve` with the demo, 5,000 event
# streams held open by bench/sse_fanout (as 5,000 open dashboards), one comment appended: how
# long until every stream had it, how many were refused, and the server's memory.
#   bench/sse.sh                  # 5,000 streams
#   STREAMS=6000 bench/sse.sh     # past the default limit: the extra ones are refused (503)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
streams="${STREAMS:-5000}"
build_dir="${TASKLEDGER_BUILD_DIR:-$root/build-release}"
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build_dir" -j2 --target taskledger sse_fanout >/dev/null
bin="$build_dir/server/taskledger"

work="$(mktemp -d /tmp/taskledger-sse-bench-XXXXXX)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

"$bin" load-demo --data-dir "$work/data" >/dev/null
token="$("$bin" token create --role coordinator --name bench --data-dir "$work/data" | awk '{print $NF}')"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
"$bin" serve --data-dir "$work/data" --listen 127.0.0.1:0 --rate-limit 0 >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 100); do grep -q "listening on" "$work/server.log" && break; sleep 0.1; done
port="$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/server.log")"
"$build_dir/bench/sse_fanout" --port "$port" --token "$token" --streams "$streams" --pid "$server_pid"
