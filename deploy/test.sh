#!/usr/bin/env bash
# Installs what is missing, checks that clang-format would change no C++ file (deploy/check-format.sh,
# first: seconds, before minutes of building), configures and builds TaskLedger and its web
# dashboard, and runs every test: the Catch2 suites, the dashboard end to end in headless
# Chromium, and a fuzz smoke run of every parser that reads outside input (deploy/fuzz.sh;
# TASKLEDGER_FUZZ_SECONDS a target, default 15; 0 skips it).
# Exits non-zero on any failure. `.ci/run` calls this on a clean clone.
#
#   deploy/test.sh                       # RelWithDebInfo build in ./build
#   TASKLEDGER_SANITIZE=address,undefined deploy/test.sh   # sanitizer build in ./build-asan
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# python3: the example webhook receiver's test; python3-icalendar: calendar feeds read back by an
# independent implementation; python3-docx, python3-openpyxl: the Word and Excel files the import
# tests send, written by independent writers; libreoffice-writer-nogui: old .doc files converted
# on import; chromium: the dashboard's end-to-end test; python3-aiosmtpd: the SMTP server the
# email tests send to (read back with Python's own email package); clang-format: the layout check;
# postgresql-15: the servers the PostgreSQL store's tests start in temporary directories (as the
# `postgres` user the package creates; the package's own cluster is not used).
"$root/deploy/install-deps.sh" python3 python3-icalendar python3-docx python3-openpyxl python3-aiosmtpd \
  libreoffice-writer-nogui chromium clang-format postgresql-15
"$root/deploy/check-format.sh"
"$root/deploy/build-web.sh"

sanitize="${TASKLEDGER_SANITIZE:-}"
build_dir="${TASKLEDGER_BUILD_DIR:-$root/build}"
if [[ -n "$sanitize" && -z "${TASKLEDGER_BUILD_DIR:-}" ]]; then build_dir="$root/build-asan"; fi
jobs="${TASKLEDGER_JOBS:-2}"

cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTASKLEDGER_SANITIZE="$sanitize"
cmake --build "$build_dir" -j"$jobs"
ctest --test-dir "$build_dir" --output-on-failure -j"$jobs"

# The dashboard in headless Chromium against the real server; screenshots are kept as artefacts.
export TASKLEDGER_E2E_ARTIFACTS="${TASKLEDGER_E2E_ARTIFACTS:-$build_dir/e2e-artifacts}"
node "$root/clients/web/e2e/run.mjs" --bin "$build_dir/server/taskledger"
node "$root/clients/web/e2e/setup.mjs" --bin "$build_dir/server/taskledger"
node "$root/clients/web/e2e/parts.mjs" --bin "$build_dir/server/taskledger"
node "$root/clients/web/e2e/clerk.mjs" --bin "$build_dir/server/taskledger"
node "$root/clients/web/e2e/inspector.mjs" --bin "$build_dir/server/taskledger"
echo "e2e screenshots: $TASKLEDGER_E2E_ARTIFACTS"

# libFuzzer on every parser of outside input, briefly; longer runs: deploy/fuzz.sh 600.
fuzz_seconds="${TASKLEDGER_FUZZ_SECONDS:-15}"
if ((fuzz_seconds > 0)); then "$root/deploy/fuzz.sh" "$fuzz_seconds"; fi
