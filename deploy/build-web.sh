#!/usr/bin/env bash
# Builds the web dashboard (clients/web/dist), which `taskledger serve` serves at /. Installs
# Node.js if it is missing, and its npm packages from the committed lock file when they changed.
#   deploy/build-web.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
web="$root/clients/web"

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  "$root/deploy/install-deps.sh" nodejs npm
fi

cd "$web"
# npm ci only when the lock file is newer than what is installed (it reinstalls from scratch).
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npm run --silent build
