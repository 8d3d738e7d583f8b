#!/usr/bin/env bash
# Runs the browser tests (tests/browser) against a real server: builds the portal if needed,
# creates a throwaway demo city, starts `credence serve` on a free port, makes a department
# token, and runs the tests in Debian's Chromium with node's test runner. The server is
# stopped and the data removed on exit, whether the tests pass or not.
# Usage: scripts/run-browser-tests.sh path/to/credence [node --test options...]
set -euo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 BINARY [node --test options...]" >&2
  exit 2
fi
binary="$(realpath "$1")"
shift
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tests="$root/tests/browser"
chromium="${CHROMIUM:-/usr/bin/chromium}"

[ -x "$binary" ] || { echo "run-browser-tests: $binary is not an executable" >&2; exit 1; }
[ -x "$chromium" ] || { echo "run-browser-tests: $chromium is missing; run scripts/install-deps.sh test" >&2; exit 1; }

# The portal the server serves (quick when web/dist is up to date).
"$root/scripts/build-web.sh"

# The tests' own dependencies; playwright-core never downloads a browser.
cd "$tests"
deps_stamp="node_modules/.credence-deps-stamp"
deps_hash="$(sha256sum package.json package-lock.json | sha256sum | cut -d' ' -f1)"
if [ ! -d node_modules ] || [ "$(cat "$deps_stamp" 2>/dev/null)" != "$deps_hash" ]; then
  echo "run-browser-tests: installing the tests' dependencies (npm ci)"
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
  echo "$deps_hash" >"$deps_stamp"
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/credence-browser.XXXXXX")"
server_pid=""
cleanup() {
  local status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "$status" -ne 0 ] && [ -f "$work/serve.log" ]; then
    echo "--- last lines of the server log ---" >&2
    tail -n 40 "$work/serve.log" >&2 || true
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The server finds web/dist relative to the working directory.
cd "$root"
echo "run-browser-tests: creating a demo city in $work/data"
if ! "$binary" demo --data "$work/data" --subjects 2000 --seed 7 >"$work/demo.log" 2>&1; then
  cat "$work/demo.log" >&2
  exit 1
fi

port="$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });")"
"$binary" serve --data "$work/data" --port "$port" >"$work/serve.log" 2>&1 &
server_pid=$!
base_url="http://127.0.0.1:$port"

ready=0
for _ in $(seq 1 150); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "run-browser-tests: the server exited before it was ready" >&2
    exit 1
  fi
  if node -e "fetch('$base_url/healthz').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; then
    ready=1
    break
  fi
  sleep 0.2
done
[ "$ready" = 1 ] || { echo "run-browser-tests: no answer from $base_url/healthz after 30 s" >&2; exit 1; }

if ! "$binary" token create --data "$work/data" --role department --department market_regulation \
  >"$work/token.log" 2>&1; then
  cat "$work/token.log" >&2
  exit 1
fi
dept_token="$(tail -n 1 "$work/token.log" | tr -d '[:space:]')"
[ -n "$dept_token" ] || { echo "run-browser-tests: token create printed no token" >&2; exit 1; }

if ! "$binary" token create --data "$work/data" --role operator >"$work/operator-token.log" 2>&1; then
  cat "$work/operator-token.log" >&2
  exit 1
fi
operator_token="$(tail -n 1 "$work/operator-token.log" | tr -d '[:space:]')"

echo "run-browser-tests: testing $base_url"
cd "$tests"
# The binary and data directory let a test make tokens of its own (e.g. a subject's).
BASE_URL="$base_url" DEPT_TOKEN="$dept_token" OPERATOR_TOKEN="$operator_token" CHROMIUM="$chromium" \
  CREDENCE_BINARY="$binary" CREDENCE_DATA="$work/data" DEMO_FILE="$work/data/demo-tokens.txt" \
  node --test --test-concurrency=1 "$@" ./*.test.mjs
