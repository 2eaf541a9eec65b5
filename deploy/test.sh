#!/usr/bin/env bash
# Installs what is missing, configures and builds TaskLedger, and runs every test.
# Exits non-zero on any failure. `.ci/run` calls this on a clean clone.
#
#   deploy/test.sh                       # RelWithDebInfo build in ./build
#   TASKLEDGER_SANITIZE=address,undefined deploy/test.sh   # sanitizer build in ./build-asan
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

"$root/deploy/install-deps.sh" python3 python3-icalendar  # the example webhook receiver's test; calendar feeds read back independently

sanitize="${TASKLEDGER_SANITIZE:-}"
build_dir="${TASKLEDGER_BUILD_DIR:-$root/build}"
if [[ -n "$sanitize" && -z "${TASKLEDGER_BUILD_DIR:-}" ]]; then build_dir="$root/build-asan"; fi
jobs="${TASKLEDGER_JOBS:-2}"

cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTASKLEDGER_SANITIZE="$sanitize"
cmake --build "$build_dir" -j"$jobs"
ctest --test-dir "$build_dir" --output-on-failure -j"$jobs"
