#!/usr/bin/env bash
# The readers-and-commands benchmark of issue 29 ("readers never wait"): a Release `taskledger
# serve` with the demo plus a plan of 10,000 tasks (imported through the API), durable comments
# on its tasks driven by wrk (16 connections), and beside them, in the same run:
#   1. commands alone, then the same while four clients fetch that plan's report in a loop,
#      one each: JSON, ?format=xlsx, ?format=docx, ?as_of=<a past day> (cycling over 13 days, so
#      the server's cache of four past ledgers never answers);
#   2. commands alone, then the same while agencies' task lists are fetched open-loop at a fixed
#      rate (bench/open_loop.cpp, 2,000 requests/s), which a closed-loop client on two cores
#      could not do: it would only measure its own share of the CPU.
# Prints each phase's figures, a table, and the ratios against the targets (commands' p99 with
# the heavy readers <= 1.25x alone; commands' throughput with the list readers >= 0.9x alone).
# Exits 1, saying which, if any request of any phase was answered other than 2xx (or not at all).
#   bench/readers.sh                             # ~1.5 minutes here
#   TASKS=10000 DURATION=10 RATE=2000 bench/readers.sh
#   BIN=/path/to/taskledger bench/readers.sh     # another build of the server (OPEN_LOOP=
#                                                # the client's, else both are built here)
#   BREAK=heavy bench/readers.sh                 # a wrong token for one phase's readers
#                                                # (heavy|lists|commands): the run must fail
#
# The history: the store is made on 2026-09-01 (demo, plan, import) on the server's clock
# (--clock-start), and measured on 2026-09-15, so a past day's report (as it stood at the end of
# 2026-09-02 .. 09-14) has the whole plan in it and is folded from the 1st's checkpoint, written
# offline before the measured server starts (so no checkpoint is written under the load).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tasks="${TASKS:-10000}"
duration="${DURATION:-10}"
conns="${CONNECTIONS:-16}"
rate="${RATE:-2000}"
reader_conns="${READER_CONNECTIONS:-64}"
break_phase="${BREAK:-}"

"$root/deploy/install-deps.sh" wrk python3 curl >/dev/null
build_dir="${TASKLEDGER_BUILD_DIR:-$root/build-release}"
targets=()
[[ -z "${BIN:-}" ]] && targets+=(taskledger)
[[ -z "${OPEN_LOOP:-}" ]] && targets+=(taskledger-open-loop)
if (( ${#targets[@]} )); then
  cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$build_dir" -j2 --target "${targets[@]}" >/dev/null
fi
bin="${BIN:-$build_dir/server/taskledger}"
open_loop="${OPEN_LOOP:-$build_dir/bench/taskledger-open-loop}"

work="$(mktemp -d /tmp/taskledger-readers-XXXXXX)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
source "$root/bench/lib.sh"

data="$work/data"
made="2026-09-01"
clock="${made}T09:00"
"$bin" load-demo --data-dir "$data" --clock-start "$clock" >/dev/null
token="$("$bin" token create --role coordinator --name bench --data-dir "$data" --clock-start "$clock" |
  awk '{print $NF}')"
auth="Authorization: Bearer $token"
wrong="tl_not-a-token-$RANDOM"
token_for() { [[ "$break_phase" == "$1" ]] && echo "$wrong" || echo "$token"; }

# The plan, made on the 1st: 10,000 tasks imported through the API in CSV chunks under the 1 MiB
# body limit, led by three of Hải Phòng's departments, coordinated by four others.
start_server
curl -sSf -H "$auth" -H 'Content-Type: application/json' "$base/v1/plans" -d '{
  "id": "bench", "title": "Kế hoạch sinh cho đo hiệu năng", "authority": "ubnd-hp",
  "period": {"start": "2025-01-01", "end": "2030-12-31"}}' >/dev/null
plan_chunks "$tasks" "$work"
began=$(now_ms)
for f in "$work"/chunk-*.csv; do
  curl -sS --fail-with-body -H "$auth" -H 'Content-Type: text/csv' --data-binary "@$f" \
    "$base/v1/plans/bench/import" >/dev/null
done
echo "imported $tasks tasks on $made in $(seconds $(( $(now_ms) - began ))) s"
stop_server

# Two weeks later: the 1st's checkpoint written offline, then the measured server.
clock="2026-09-15T09:00"
"$bin" checkpoint --data-dir "$data" --clock-start "$clock" >"$work/checkpoint.txt" 2>&1
start_server
echo "server on $clock (start-up $(seconds "$started_ms") s), log head $(curl -sSf -H "$auth" "$base/v1/audit/head" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["position"])')"

# Durable comments on random tasks of the plan, each answered after fsync.
comment_lua() {  # token
  cat <<LUA
local n = ${tasks}
request = function()
  local i = math.random(1, n)
  local code = (math.floor((i - 1) / 5000) + 1) .. "." .. ((i - 1) % 5000 + 1)
  return wrk.format("POST", "/v1/tasks/bench:" .. code .. "/comments",
    {["Authorization"] = "Bearer $1", ["Content-Type"] = "application/json"},
    '{"text": "Đôn đốc tiến độ, lần đo hiệu năng"}')
end
LUA
}
comment_lua "$token" >"$work/warm.lua"
comment_lua "$(token_for commands)" >"$work/comment.lua"
# The plan's report as of past days, cycling over more days than the server keeps.
past_days="$(python3 -c "
import datetime
d = datetime.date(2026, 9, 2)
print(' '.join(f'\"{d + datetime.timedelta(days=i)}\",' for i in range(13)))")"
cat >"$work/asof.lua" <<LUA
local days = {${past_days}}
local i = 0
request = function()
  i = i % #days + 1
  return wrk.format("GET", "/v1/plans/bench/report?as_of=" .. days[i],
    {["Authorization"] = "Bearer $(token_for heavy)"})
end
LUA
# Agencies' task lists as dashboards poll them: seven agencies, four kinds of page. The ledger
# moves with every command, so pages are rendered afresh rather than reused.
for a in so-gddt-hp so-tc-hp so-nv-hp so-khcn-hp so-vhttdl-hp so-ngv-hp thpt-tran-phu-hp; do
  printf '/v1/agencies/%s/tasks\n/v1/agencies/%s/tasks?plan=bench&limit=50\n' "$a" "$a"
  printf '/v1/agencies/%s/tasks?role=lead\n/v1/agencies/%s/tasks?overdue=true\n' "$a" "$a"
done >"$work/urls.txt"

# Each heavy URL once, to see it answers and what it weighs; the past day's report must count the
# whole plan, as today's does.
for q in "" "?format=xlsx" "?format=docx" "?as_of=2026-09-08"; do
  curl -sSf -o "$work/report.out" -H "$auth" -w "  report${q:-" (JSON)"}: %{size_download} bytes in %{time_total} s" \
    "$base/v1/plans/bench/report$q"
  if [[ "$q" != *format* ]]; then
    python3 -c "import json; print(f', {len(json.load(open(\"$work/report.out\"))[\"lines\"]):,} occurrences', end='')"
  fi
  echo
done
# A few seconds of commands first, to warm what a new server has cold.
wrk -t1 -c"$conns" -d3s -s "$work/warm.lua" "$base" >/dev/null

failures=()
ms() { python3 -c "v='$1'; print(float(v[:-2]) if v.endswith('ms') else float(v[:-2]) / 1000 if v.endswith('us') else float(v[:-1]) * 1000)"; }
# Checks wrk's output $1 (a phase's client named $2): any non-2xx or socket error fails the run.
check_wrk() {
  local bad errors
  bad="$(awk '/Non-2xx/ {print $NF}' "$1")"
  errors="$(grep -o 'Socket errors:.*' "$1" || true)"
  [[ -n "$bad" ]] && failures+=("$2: $bad non-2xx answers")
  [[ -n "$errors" ]] && failures+=("$2: $errors")
  return 0
}
# Sets <name>_rps, _p50, _p99 (ms) from the commands' wrk output $2.
commands_figures() {
  local name="$1" out="$2"
  eval "${name}_rps=$(awk '/^Requests\/sec:/ {print $2}' "$out")"
  eval "${name}_p50=$(ms "$(awk '$1 == "50%" {print $2}' "$out")")"
  eval "${name}_p99=$(ms "$(awk '$1 == "99%" {print $2}' "$out")")"
  printf "  commands: %8.0f /s   p50 %7.2f ms   p99 %7.2f ms\n" "$(eval echo "\$${name}_rps")" \
    "$(eval echo "\$${name}_p50")" "$(eval echo "\$${name}_p99")"
  [[ -s "$work/$name.waits" ]] && cat "$work/$name.waits"
  return 0
}
# wrk's comments for one phase, into $work/<name>.txt. The timeout is long so that a command held
# back for seconds is counted at its latency rather than dropped from the figures as a timeout.
commands() {  # name
  local before; before="$(fold_waits)"
  wrk -t1 -c"$conns" -d"${duration}s" --timeout 60s --latency -s "$work/comment.lua" "$base" \
    >"$work/$1.txt"
  # How long the phase's folds (each answering a group of commands) waited for the readers' lock,
  # while the server still reports it (a server whose readers take no lock needs no such line).
  read -r f0 w0 <<<"$before"
  read -r f1 w1 <<<"$(fold_waits)"
  if [[ -n "$f1" ]] && (( f1 > f0 )); then
    python3 -c "print(f'  folds waited for readers: {$f1 - $f0} folds, mean {($w1 - $w0) / ($f1 - $f0) * 1e6:.1f} us, total {$w1 - $w0:.2f} s')" \
      >"$work/$1.waits"
  fi
}
fold_waits() {  # "folds wait_seconds" from /metrics, or nothing
  curl -sf -H "$auth" "$base/metrics" | awk '/^taskledger_folds_total/ {n = $2}
    /^taskledger_fold_lock_wait_seconds_total/ {s = $2} END {if (n != "") print n, s}'
}

echo
echo "commands: $conns connections, ${duration}s per phase; server and clients on the same $(nproc) cores"
echo "phase 1a: commands alone"
commands alone1
check_wrk "$work/alone1.txt" "phase 1a commands"
commands_figures alone1 "$work/alone1.txt"

echo "phase 1b: commands + 4 report readers (JSON, xlsx, docx, as_of a past day), one connection each"
heavy_pids=()
heavy_auth="Authorization: Bearer $(token_for heavy)"
wrk -t1 -c1 -d"${duration}s" --timeout 60s -H "$heavy_auth" "$base/v1/plans/bench/report" >"$work/h-json.txt" &
heavy_pids+=($!)
wrk -t1 -c1 -d"${duration}s" --timeout 60s -H "$heavy_auth" "$base/v1/plans/bench/report?format=xlsx" >"$work/h-xlsx.txt" &
heavy_pids+=($!)
wrk -t1 -c1 -d"${duration}s" --timeout 60s -H "$heavy_auth" "$base/v1/plans/bench/report?format=docx" >"$work/h-docx.txt" &
heavy_pids+=($!)
wrk -t1 -c1 -d"${duration}s" --timeout 60s -s "$work/asof.lua" "$base" >"$work/h-asof.txt" &
heavy_pids+=($!)
commands heavy
wait "${heavy_pids[@]}"
check_wrk "$work/heavy.txt" "phase 1b commands"
commands_figures heavy "$work/heavy.txt"
heavy_n=0
heavy_sum_ms=0
for kind in json xlsx docx asof; do
  f="$work/h-$kind.txt"
  check_wrk "$f" "phase 1b report reader ($kind)"
  n="$(awk '/requests in/ {print $1}' "$f")"
  avg=0
  (( n > 0 )) && avg="$(ms "$(awk '$1 == "Latency" {print $2}' "$f")")"
  printf "  report %-5s %5d done, mean %8.1f ms\n" "$kind" "$n" "$avg"
  heavy_n=$(( heavy_n + n ))
  heavy_sum_ms="$(python3 -c "print($heavy_sum_ms + $n * $avg)")"
done
heavy_mean="$(python3 -c "print(f'{$heavy_sum_ms / max(1, $heavy_n):.1f}')")"

echo "phase 2a: commands alone"
commands alone2
check_wrk "$work/alone2.txt" "phase 2a commands"
commands_figures alone2 "$work/alone2.txt"

echo "phase 2b: commands + agencies' task lists, open loop at $rate requests/s"
"$open_loop" --port "$port" --token "$(token_for lists)" --urls "$work/urls.txt" --rate "$rate" \
  --duration "$duration" --connections "$reader_conns" >"$work/lists-out.txt" 2>&1 &
lists_pid=$!
commands lists
lists_rc=0
wait "$lists_pid" || lists_rc=$?
check_wrk "$work/lists.txt" "phase 2b commands"
commands_figures lists "$work/lists.txt"
sed -n '/^sent/p; /^latency/p' "$work/lists-out.txt" | sed 's/^/  lists: /'
# 1: requests failed; 3: the rate was not kept (a figure, not a broken run: said beside the ratio).
case "$lists_rc" in
  0 | 3) ;;
  *) failures+=("phase 2b list reader: $(sed -n 's/^FAILED: \([0-9]* non-2xx\)/\1/p' "$work/lists-out.txt" |
       grep . || echo "exit $lists_rc: $(tail -1 "$work/lists-out.txt")")") ;;
esac
read -r ol_sent ol_rate ol_p50 ol_p99 < <(awk '/^RESULT/ {
  for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
  print v["sent"], v["rate"], v["p50_ms"], v["p99_ms"] }' "$work/lists-out.txt")

python3 - <<PY
a1, h, a2, l = ($alone1_rps, $alone1_p50, $alone1_p99), ($heavy_rps, $heavy_p50, $heavy_p99), \
    ($alone2_rps, $alone2_p50, $alone2_p99), ($lists_rps, $lists_p50, $lists_p99)
print()
print("| phase | commands/s | p50 ms | p99 ms | readers |")
print("|---|---:|---:|---:|---|")
row = lambda name, c, r: print(f"| {name} | {c[0]:,.0f} | {c[1]:.2f} | {c[2]:.2f} | {r} |")
row("1a. commands alone", a1, "")
row("1b. + 4 report readers", h, "$heavy_n reports, mean $heavy_mean ms")
row("2a. commands alone", a2, "")
row("2b. + task lists, open loop", l,
    f"${ol_sent:-0} lists sent at {${ol_rate:-0}:,.0f}/s of {$rate:,}/s, p50 {${ol_p50:-0}:.1f} ms, "
    f"p99 {${ol_p99:-0}:.1f} ms (from schedule)")
print()
p99_ratio, rps_ratio = h[2] / a1[2], l[0] / a2[0]
print(f"commands' p99 with report readers / alone     {p99_ratio:5.2f}x  (target <= 1.25x)  "
      + ("met" if p99_ratio <= 1.25 else "MISSED"))
print(f"commands/s with open-loop list readers / alone {rps_ratio:5.2f}x  (target >= 0.9x)   "
      + ("met" if rps_ratio >= 0.9 else "MISSED"))
if ${ol_rate:-0} < 0.95 * $rate:
    print(f"  (the list readers were sent at {${ol_rate:-0}:,.0f}/s, not {$rate:,}/s: requests waited "
          f"for one of their $reader_conns connections, all waiting for answers, or for the client's "
          f"thread to get a core)")
PY

if (( ${#failures[@]} )); then
  echo
  for f in "${failures[@]}"; do echo "FAILED: $f"; done
  exit 1
fi
