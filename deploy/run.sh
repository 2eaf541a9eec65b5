#!/usr/bin/env bash
# Installs what is missing, builds TaskLedger (Release) and its web dashboard, loads the demo
# agencies and plans on first start, prints tokens for a coordinator, one agency and an auditor,
# and serves the API and the dashboard.
#   TASKLEDGER_DATA_DIR (default ./data), TASKLEDGER_LISTEN (default 127.0.0.1:8080)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

"$root/deploy/install-deps.sh"

build_dir="${TASKLEDGER_BUILD_DIR:-$root/build-release}"
cmake -S "$root" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build_dir" -j"${TASKLEDGER_JOBS:-2}" --target taskledger
"$root/deploy/build-web.sh"

bin="$build_dir/server/taskledger"
data="${TASKLEDGER_DATA_DIR:-$root/data}"
listen="${TASKLEDGER_LISTEN:-127.0.0.1:8080}"
mkdir -p "$data"

# Offline, before the server holds the store: the demo (a no-op once loaded), then tokens.
"$bin" load-demo --data-dir "$data"
tokens="$data/tokens-$(date +%Y%m%d-%H%M%S).txt"
(
  umask 077
  for args in "--role coordinator" "--role agency --agency so-gddt-hp" "--role auditor"; do
    # shellcheck disable=SC2086
    "$bin" token create $args --data-dir "$data" --name "run.sh"
  done
) | tee "$tokens"
echo "(tokens also in $tokens, readable only by you; only their hashes are in the store)"
echo "open http://$listen/ in a browser and sign in with one of the tokens above"
echo "or: curl -H \"Authorization: Bearer <token>\" http://$listen/v1/agencies/so-gddt-hp/tasks"

exec "$bin" serve --data-dir "$data" --listen "$listen" --demo "$@"
