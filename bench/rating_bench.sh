#!/usr/bin/env bash
# Bulk rating throughput: `credence rate --all` over a demo city, as records/s and as a ratio to
# a plain in-memory scan over the same records (read into memory, then a loop summing a field).
# Usage: bench/rating_bench.sh [BINARY] [SUBJECTS] [SEED]
set -euo pipefail
binary=${1:-build/credence}
subjects=${2:-20000}
seed=${3:-1}
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
now=2026-11-22T04:00:00Z
"$binary" demo --data "$data" --subjects "$subjects" --seed "$seed" --now "$now" >/dev/null
echo "RESULT subjects=$subjects"
"$binary" rate --data "$data" --all --at 2026-11-22 --now "$now" --bench
