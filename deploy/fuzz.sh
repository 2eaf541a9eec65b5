#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz) with clang, ASan and UBSan, and runs each for a while
# from its seed corpus, printing executions and crashes per target. Exits non-zero on a crash;
# the input that crashed is kept under <build>/fuzz-artifacts/<target>/ — make it a unit test.
#
#   deploy/fuzz.sh              # 20 s a target (deploy/test.sh's smoke run)
#   deploy/fuzz.sh 600          # longer runs
#   deploy/fuzz.sh 60 deadline  # one target
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-20}"
only="${2:-}"
"$root/deploy/install-deps.sh" clang libclang-rt-14-dev >/dev/null

build="${TASKLEDGER_FUZZ_BUILD_DIR:-$root/build-fuzz}"
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTASKLEDGER_FUZZ=ON >/dev/null
cmake --build "$build" -j"${TASKLEDGER_JOBS:-2}" --target fuzzers >/dev/null

targets=(deadline matrix json_body multipart record request_target export office)
[[ -n "$only" ]] && targets=("$only")
printf '%-16s %12s %10s %8s %8s\n' target executions exec/s corpus crashes
failed=0
for t in "${targets[@]}"; do
  corpus="$build/fuzz-corpus/$t"
  artifacts="$build/fuzz-artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  log="$build/fuzz-$t.log"
  # New inputs go to the working corpus; the committed seeds are read, never written.
  if "$build/tests/fuzz/${t}_fuzz" "$corpus" "$root/tests/fuzz/corpus/$t" \
      -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
      -artifact_prefix="$artifacts/" >"$log" 2>&1; then
    crashes=0
  else
    crashes=1
    failed=1
  fi
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
  size=$(find "$corpus" -type f | wc -l)
  printf '%-16s %12s %10s %8s %8s\n' "$t" "${runs:-0}" "${speed:-0}" "$size" "$crashes"
  if ((crashes)); then
    echo "--- $t crashed; its log: $log; the input: $(ls "$artifacts" | head -1)"
    grep -m 20 -E 'ERROR|SUMMARY|#[0-9]+ 0x' "$log" || true
  fi
done
exit "$failed"
