#!/usr/bin/env bash
# HTTP figures on a demo city (default 1,000,000 subjects, about 5M records):
#  - profile lookup by code (keep-alive, wrk -c64) as a ratio of the same server's /healthz
#    throughput measured in the same run, with its p99 latency;
#  - name search p99 over the whole city;
#  - the server's resident memory once loaded and after the load.
# Usage: bench/http_bench.sh [SUBJECTS] [DATA_DIR]   (the city is created once and reused)
set -euo pipefail
cd "$(dirname "$0")/.."
subjects="${1:-1000000}"
data="${2:-/tmp/credence-bench-${subjects}}"
binary="${CREDENCE_BINARY:-build/credence}"
duration="${BENCH_SECONDS:-10}"
port="${BENCH_PORT:-18080}"

command -v wrk >/dev/null || { echo "wrk is missing: scripts/install-deps.sh test"; exit 1; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is missing: scripts/install-deps.sh test"; exit 1; }

if [ ! -f "$data/credence.db" ]; then
  echo "creating a ${subjects}-subject demo city in $data ..."
  /usr/bin/time -f "demo: %e s, max RSS %M KB" "$binary" demo --data "$data" --subjects "$subjects" --seed 1
fi

# Inputs: random legal-person codes, and name fragments (2-4 characters) of random subjects.
sqlite3 "$data/credence.db" \
  "SELECT code FROM subjects WHERE code_kind = 1 ORDER BY random() LIMIT 20000" > "$data/codes.txt"
sqlite3 "$data/credence.db" \
  "SELECT name FROM subjects WHERE code_kind = 1 ORDER BY random() LIMIT 5000" |
  python3 -c '
import sys, random, urllib.parse
random.seed(7)
for name in sys.stdin:
    name = name.strip()
    n = random.choice([2, 3, 4])
    if len(name) <= n: continue
    i = random.randrange(0, len(name) - n)
    print(urllib.parse.quote(name[i:i+n]))' > "$data/queries.txt"

"$binary" serve --data "$data" --port "$port" --address 127.0.0.1 2> "$data/serve.log" &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
# Profiles are served from the in-memory subject cache once its background fill is done.
for _ in $(seq 1 1200); do
  grep -q '"subject_cache.filled"' "$data/serve.log" && break
  sleep 0.5
done
grep '"subject_cache.filled"' "$data/serve.log" >&2 || echo "warning: the subject cache is not filled yet" >&2
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
anon_kb() { awk '/RssAnon/ {print $2}' "/proc/$server/status"; }
echo "server RSS after loading: $(( $(rss_kb) / 1024 )) MB"

lua_dir=$(mktemp -d)
cat > "$lua_dir/list.lua" <<'LUA'
-- Requests PREFIX .. a random line of FILE .. SUFFIX.
local items = {}
function init(args)
  for line in io.lines(args[1]) do items[#items + 1] = line end
  prefix, suffix = args[2], args[3] or ""
  math.randomseed(os.time() + (tonumber(tostring({}):sub(8)) or 0))
end
function request()
  return wrk.format("GET", prefix .. items[math.random(#items)] .. suffix)
end
LUA

run_wrk() {  # name, connections, then wrk arguments; prints "rps p99"
  local name=$1 connections=$2; shift 2
  local out
  out=$(wrk -t1 -c"$connections" -d"${duration}s" --latency "$@")
  local rps p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  local errors
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
wrk -t1 -c64 -d2s "$base/healthz" >/dev/null  # warm-up
# Throughput at 64 connections; name-search latency with 2 clients (at 64 connections its
# p99 would measure the queue, not the search).
read -r health_rps health_p99 < <(run_wrk healthz 64 "$base/healthz")
read -r profile_rps profile_p99 < <(run_wrk profile 64 -s "$lua_dir/list.lua" "$base" -- "$data/codes.txt" "/api/v1/subjects/")
read -r search_rps search_p99 < <(run_wrk search 2 -s "$lua_dir/list.lua" "$base" -- "$data/queries.txt" "/api/v1/subjects?limit=20&q=")
rss_after=$(( $(rss_kb) / 1024 ))
anon_after=$(( $(anon_kb) / 1024 ))
rm -rf "$lua_dir"

echo
echo "subjects: $subjects"
echo "RESULT healthz_rps=$health_rps"
awk -v p="$profile_rps" -v h="$health_rps" -v l="$(to_ms "$profile_p99")" 'BEGIN {
  printf "RESULT profile_rps=%s ratio_to_healthz=%.2f target=0.50 p99_ms=%.2f target_ms=10\n", p, p / h, l }'
awk -v s="$search_rps" -v l="$(to_ms "$search_p99")" 'BEGIN {
  printf "RESULT name_search_rps=%s p99_ms=%.2f target_ms=20\n", s, l }'
echo "RESULT serve_rss_mb=$rss_after anon_mb=$anon_after target_mb=1024"
