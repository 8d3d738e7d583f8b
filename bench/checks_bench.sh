#!/usr/bin/env bash
# Credit check figures on a demo city (default 20,000 subjects):
#  - single checks per second over HTTP (POST /api/v1/checks, keep-alive, wrk) as a ratio of the
#    same server's /healthz throughput measured in the same run, with the p99 latency;
#  - a batch check of 10,000 subjects in one call (seconds, against the 1 s target).
# Every check is recorded, so this writes to the city's database.
# Usage: bench/checks_bench.sh [SUBJECTS] [DATA_DIR]   (the city is created once and reused)
set -euo pipefail
cd "$(dirname "$0")/.."
subjects="${1:-20000}"
data="${2:-/tmp/credence-checks-bench-${subjects}}"
binary="${CREDENCE_BINARY:-build/credence}"
duration="${BENCH_SECONDS:-10}"
connections="${BENCH_CONNECTIONS:-16}"
port="${BENCH_PORT:-18081}"

command -v wrk >/dev/null || { echo "wrk is missing: scripts/install-deps.sh test"; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is missing: scripts/install-deps.sh test"; exit 1; }

if [ ! -f "$data/credence.db" ]; then
  echo "creating a ${subjects}-subject demo city in $data ..."
  "$binary" demo --data "$data" --subjects "$subjects" --seed 1 >/dev/null
fi
sqlite3 "$data/credence.db" \
  "SELECT code FROM subjects WHERE code_kind = 1 ORDER BY random() LIMIT 10000" > "$data/codes.txt"
token=$("$binary" token create --data "$data" --role department --department finance | tail -1)

"$binary" serve --data "$data" --port "$port" --address 127.0.0.1 2> "$data/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done

lua_dir=$(mktemp -d)
cat > "$lua_dir/check.lua" <<'LUA'
-- POSTs a check of a random code of FILE in a random scenario.
local codes = {}
local scenarios = {"public_resource_trading", "administrative_approval", "financing", "law_enforcement"}
function init(args)
  for line in io.lines(args[1]) do codes[#codes + 1] = line end
  token = args[2]
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end
function request()
  local body = '{"subject":"' .. codes[math.random(#codes)] .. '","scenario":"' ..
      scenarios[math.random(#scenarios)] .. '"}'
  return wrk.format("POST", "/api/v1/checks",
      {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end
LUA

run_wrk() {  # name, then wrk arguments; prints "rps p99"
  local name=$1; shift
  local out rps p99 errors
  out=$(wrk -t1 -c"$connections" -d"${duration}s" --latency "$@")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx/ {print $4}')
  echo "$name rps=$rps p99=$p99 non2xx=${errors:-0}" >&2
  echo "$rps $p99"
}
to_ms() {  # wrk prints 1.23ms, 850.00us or 1.02s
  awk -v v="$1" 'BEGIN { if (v ~ /us$/) { sub(/us$/, "", v); print v / 1000 }
    else if (v ~ /ms$/) { sub(/ms$/, "", v); print v + 0 }
    else if (v ~ /s$/) { sub(/s$/, "", v); print v * 1000 } }'
}

base="http://127.0.0.1:$port"
wrk -t1 -c"$connections" -d2s "$base/healthz" >/dev/null  # warm-up
read -r health_rps health_p99 < <(run_wrk healthz "$base/healthz")
read -r check_rps check_p99 < <(run_wrk check -s "$lua_dir/check.lua" "$base" -- "$data/codes.txt" "$token")

python3 -c 'import json,sys; print(json.dumps({"scenario": "public_resource_trading", "subjects": [l.strip() for l in open(sys.argv[1])][:10000]}))' \
  "$data/codes.txt" > "$lua_dir/batch.json"
batch_s=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -X POST "$base/api/v1/checks" \
  -H "Authorization: Bearer $token" -H 'Content-Type: application/json' --data-binary "@$lua_dir/batch.json")
rm -rf "$lua_dir"
read -r batch_status batch_seconds <<< "$batch_s"
[ "$batch_status" = "201" ] || { echo "batch check answered $batch_status"; exit 1; }

echo
echo "subjects: $subjects, connections: $connections"
echo "RESULT healthz_rps=$health_rps"
awk -v c="$check_rps" -v h="$health_rps" -v l="$(to_ms "$check_p99")" 'BEGIN {
  printf "RESULT check_rps=%s ratio_to_healthz=%.3f p99_ms=%.2f target_ms=2\n", c, c / h, l }'
awk -v s="$batch_seconds" 'BEGIN { printf "RESULT batch_check_10000_s=%.2f target_s=1\n", s }'
