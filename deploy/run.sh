#!/usr/bin/env bash
# Installs what is missing, builds TaskLedger (Release) and runs it.
# Until the server lands (issue 4) this runs the event-log benchmark, which prints figures.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

"$root/deploy/install-deps.sh"

build_dir="${TASKLEDGER_BUILD_DIR:-$root/build-release}"
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build_dir" -j"${TASKLEDGER_JOBS:-2}"

exec "$build_dir/bench/taskledger-bench" all "$@"
