# Shared by the benchmark scripts (source it): starting a server, reading its memory, and a local
# receiver beside it.

# The port a helper wrote to file $1, once it is there (up to 5 s).
port_from_file() {
  for _ in $(seq 100); do [[ -s "$1" ]] && break; sleep 0.05; done
  cat "$1"
}

# Loads the demo plans into data dir $2 with the taskledger binary $1, and prints a coordinator
# token for it.
demo_coordinator_token() {
  "$1" load-demo --data-dir "$2" >/dev/null
  "$1" token create --role coordinator --name bench --data-dir "$2" | awk '{print $NF}'
}

# The clock in milliseconds; a process's resident memory now and at its peak, in MiB; milliseconds
# $1 as seconds with two decimals.
now_ms() { date +%s%3N; }
rss_mib() { awk '/^VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
hwm_mib() { awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
seconds() { python3 -c "print(f'{$1 / 1000:.2f}')"; }

# Starts `$bin serve` on store $data with clock $clock (extra flags appended), logging to
# $work/server.log; returns once /healthz answers, with server_pid, port, base and started_ms (how
# long it took) set. stop_server stops it.
start_server() {
  local began; began=$(now_ms)
  "$bin" serve --data-dir "$data" --listen 127.0.0.1:0 --rate-limit 0 --clock-start "$clock" "$@" \
    >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 6000); do grep -q "listening on" "$work/server.log" && break; sleep 0.05; done
  port="$(sed -n 's/^listening on 127.0.0.1:\([0-9]*\)$/\1/p' "$work/server.log")"
  base="http://127.0.0.1:$port"
  until curl -sf "$base/healthz" >/dev/null; do sleep 0.01; done
  started_ms=$(( $(now_ms) - began ))
}
stop_server() {
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}
