#!/usr/bin/env bash
# Builds the portal (web/) into web/dist for `credence serve` to serve.
# Quick when nothing changed: dependencies are installed (npm ci) only when node_modules is
# missing or package-lock.json changed, and the build runs only when a source file changed
# since the last successful build. Both checks compare content hashes kept in stamp files.
# Usage: scripts/build-web.sh [--force]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
web="$root/web"
force=0
[ "${1:-}" = "--force" ] && force=1

if ! command -v npm >/dev/null 2>&1; then
  echo "build-web: npm is missing; run scripts/install-deps.sh build" >&2
  exit 1
fi

cd "$web"
hash_files() { sha256sum "$@" | sha256sum | cut -d' ' -f1; }

deps_stamp="node_modules/.credence-deps-stamp"
deps_hash="$(hash_files package.json package-lock.json)"
if [ "$force" = 1 ] || [ ! -d node_modules ] || [ "$(cat "$deps_stamp" 2>/dev/null)" != "$deps_hash" ]; then
  echo "build-web: installing the portal's dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$deps_hash" >"$deps_stamp"
fi

# Everything the build reads. The stamp lives outside dist/ so that it is never served.
build_stamp="node_modules/.credence-build-stamp"
mapfile -d '' sources < <(find src public scripts index.html vite.config.ts tsconfig*.json \
  package.json package-lock.json -type f -print0 | sort -z)
build_hash="$(hash_files "${sources[@]}")"
if [ "$force" = 0 ] && [ -f dist/index.html ] && [ "$(cat "$build_stamp" 2>/dev/null)" = "$build_hash" ]; then
  echo "build-web: web/dist is up to date"
  exit 0
fi

echo "build-web: building the portal into web/dist"
rm -f "$build_stamp"
npm run build --silent
echo "$build_hash" >"$build_stamp"
