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

# A benchmark measures work only while its requests succeed: a refusal is cheap and would flatter
# the figures. These helpers print a line starting "FAILED:" and return non-zero (set -e then
# stops the script) when any request got a non-2xx answer.

# wrk's report in file $2 (run $1): fails when it counts a non-2xx answer (wrk counts status >= 400
# as "Non-2xx or 3xx responses") or a socket error other than a timeout.
wrk_ok() {
  local bad total sock
  bad="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$2")"
  total="$(awk '/ requests in / {print $1}' "$2")"
  sock="$(awk '/Socket errors:/ {gsub(",", ""); print $4 + $6 + $8}' "$2")"
  if [[ -n "$bad" && "$bad" != 0 ]]; then
    echo "FAILED: $1: $bad of $total requests got a non-2xx answer; its figures are of refusals" >&2
    return 1
  fi
  if [[ -n "$sock" && "$sock" != 0 ]]; then
    echo "FAILED: $1: $sock connect/read/write errors in $total requests" >&2
    return 1
  fi
}

# curl's time for each URL (a path under $base, sent with header $auth) on stdin, in ms, one per
# line. A non-2xx answer prints FAILED with the status and the start of the body on stderr, and
# "FAILED" on stdout for `stats` to see, and returns 1.
timed() {
  local url out
  while read -r url; do
    if ! out="$(curl -sS -o "$work/timed.body" -H "$auth" -w '%{http_code} %{time_total}' "$base$url")" ||
      [[ "${out%% *}" != 2?? ]]; then
      echo "FAILED: GET $url answered ${out%% *}: $(head -c 300 "$work/timed.body" 2>/dev/null)" >&2
      echo FAILED
      return 1
    fi
    awk -v t="${out#* }" 'BEGIN {printf "%.1f\n", t * 1000}'
  done
}

# Name $1 (padded to $2 columns, default 32): p50, p99 and max of the ms on stdin, or nothing and
# exit 1 when `timed` failed.
stats() {
  python3 -c "
import sys
lines = [x.strip() for x in sys.stdin if x.strip()]
if 'FAILED' in lines: sys.exit(1)
v = sorted(float(x) for x in lines)
p = lambda q: v[min(len(v) - 1, int(q * len(v)))]
print(sys.argv[1].ljust(int(sys.argv[2])) + f'n={len(v):4}  p50 {p(0.5):8.1f} ms  p99 {p(0.99):8.1f} ms  max {v[-1]:8.1f} ms')" \
    "$1" "${2:-32}"
}

# A generated plan of $1 tasks as CSV chunks of 5,000 rows, $2/chunk-NNN.csv, for the import:
# leads and coordinating agencies spread over Hải Phòng's departments and schools, deadlines of
# every kind the phrase table reads.
plan_chunks() {
python3 - "$1" "$2" <<'PY'
import sys
n, work = int(sys.argv[1]), sys.argv[2]
agencies = ["Sở Giáo dục và Đào tạo", "Sở Tài chính", "Sở Nội vụ", "so-khcn-hp", "so-vhttdl-hp",
            "so-ngv-hp", "thpt-tran-phu-hp"]
deadlines = ["Quý I/2026", "Quý II/2026", "Quý III/2026", "Quý IV/2026", "Năm 2027",
             "tháng 6/2026", "31/12/2026", "Hàng năm", "Năm 2026-2027", "Thường xuyên"]
chunk = 5000
for c in range(0, n, chunk):
    sec = c // chunk + 1
    rows = ["TT;Nhiệm vụ;Cơ quan chủ trì;Cơ quan phối hợp;Kết quả/ Sản phẩm;Thời gian hoàn thành",
            f"{sec};Phần {sec};;;;"]
    for i in range(c, min(n, c + chunk)):
        lead = agencies[i % 3 if i % 5 else 0]
        coord = agencies[3 + i % 4]
        rows.append(f"{sec}.{i - c + 1};Nhiệm vụ sinh số {i + 1};{lead};{coord};Báo cáo;{deadlines[i % 10]}")
    open(f"{work}/chunk-{sec:03}.csv", "w", encoding="utf-8").write("\n".join(rows) + "\n")
PY
}
