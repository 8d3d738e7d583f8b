#!/usr/bin/env bash
# Installs the Debian 12 packages Credence needs to build, run and test.
# Idempotent: when everything is present it returns in well under a second.
# Usage: scripts/install-deps.sh [build|test]
set -euo pipefail

profile="${1:-build}"

build_pkgs=(
  build-essential cmake ninja-build pkg-config clang-format
  librestinio-dev libasio-dev libhttp-parser-dev libfmt-dev
  libsimdjson-dev rapidjson-dev libsqlite3-dev libpq-dev
  libsodium-dev libssl-dev zlib1g-dev libtomlplusplus-dev libcli11-dev
  libspdlog-dev libexpected-dev libutf8proc-dev libopencc-dev
  libqrcodegencpp-dev libpng-dev libgtest-dev libgmock-dev libbenchmark-dev
)
test_pkgs=(postgresql wrk zbar-tools chromium fonts-wqy-microhei curl sqlite3 libc-bin)

want=("${build_pkgs[@]}")
# Node.js may come from another package that bundles npm; only ask for what is absent.
command -v node >/dev/null 2>&1 || want+=(nodejs)
command -v npm >/dev/null 2>&1 || want+=(npm)
if [ "$profile" = "test" ]; then want+=("${test_pkgs[@]}"); fi

missing=()
for p in "${want[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
