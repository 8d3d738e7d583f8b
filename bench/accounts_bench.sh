#!/usr/bin/env bash
# Account figures on a small demo city (default 2,000 subjects), measured in one run:
#  - password login (argon2id, libsodium's interactive limits: 2 passes over 64 MiB): logins per
#    second with 2 clients, and the milliseconds one costs;
#  - session-authenticated requests (GET /api/v1/me and GET /api/v1/auth/session with the session
#    cookie, keep-alive, wrk -c64) as a ratio of the same server's /healthz throughput.
# Usage: bench/accounts_bench.sh [SUBJECTS] [DATA_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
subjects="${1:-2000}"
data="${2:-/tmp/credence-accounts-bench-${subjects}}"
binary="${CREDENCE_BINARY:-build/credence}"
duration="${BENCH_SECONDS:-8}"
port="${BENCH_PORT:-18081}"

command -v wrk >/dev/null || { echo "wrk is missing: scripts/install-deps.sh test"; exit 1; }

if [ ! -f "$data/credence.db" ]; then
  "$binary" demo --data "$data" --subjects "$subjects" --seed 1 >/dev/null 2>&1
fi
login=$(awk -F'\t' '$1 == "account" && $2 == "auditor" {print $3}' "$data/demo-tokens.txt")
password=$(awk -F'\t' '$1 == "account" && $2 == "auditor" {print $4}' "$data/demo-tokens.txt")

# No per-session rate limit here: the figure is the cost of a request, not the limit.
"$binary" serve --data "$data" --port "$port" --address 127.0.0.1 --rate-limit 0 \
  2> "$data/serve.log" &
server=$!
lua_dir=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$lua_dir"' EXIT
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
base="http://127.0.0.1:$port"
body="{\"login\":\"$login\",\"password\":\"$password\"}"
cookie=$(curl -s -i -X POST "$base/api/v1/auth/login" -d "$body" |
  awk -F'[ ;]' 'tolower($1) == "set-cookie:" {print $2}')
[ -n "$cookie" ] || { echo "login failed"; exit 1; }

cat > "$lua_dir/login.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
LUA

run_wrk() {  # name, connections, then wrk arguments; prints "rps"
  local name=$1 connections=$2; shift 2
  local out rps errors
  out=$(wrk -t1 -c"$connections" -d"${duration}s" "$@")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/ {print $4}')
  echo "$name rps=$rps non2xx=${errors:-0}" >&2
  echo "$rps"
}

wrk -t1 -c64 -d2s "$base/healthz" >/dev/null  # warm-up
health=$(run_wrk healthz 64 "$base/healthz")
me=$(run_wrk session_me 64 -H "Cookie: $cookie" "$base/api/v1/me")
session=$(run_wrk session_info 64 -H "Cookie: $cookie" "$base/api/v1/auth/session")
logins=$(run_wrk login 2 -s "$lua_dir/login.lua" "$base/api/v1/auth/login")

echo "RESULT healthz_rps=$health"
awk -v m="$me" -v h="$health" 'BEGIN {
  printf "RESULT session_me_rps=%s ratio_to_healthz=%.2f target=0.50\n", m, m / h }'
awk -v s="$session" -v h="$health" 'BEGIN {
  printf "RESULT session_info_rps=%s ratio_to_healthz=%.2f\n", s, s / h }'
awk -v l="$logins" 'BEGIN {
  printf "RESULT login_per_s=%s ms_per_login_2_clients=%.0f target_ms=500\n", l, 2000 / l }'
