#!/usr/bin/env bash
# Installs the Debian 12 packages TaskLedger builds and runs with. Safe to run any number of times:
# it asks apt only for what is missing, and runs `apt-get update` only when something is.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libboost1.81-dev librocksdb-dev nlohmann-json3-dev libspdlog-dev catch2 libssl-dev
  libsimdjson-dev libcli11-dev
  libzstd-dev zlib1g-dev libzip-dev libpugixml-dev libicu-dev libxlsxwriter-dev libqrencode-dev
  libgmime-3.0-dev libcurl4-openssl-dev libpq-dev
)
packages+=("$@")  # callers add what they need besides (bench/http.sh: wrk)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -q
"${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
