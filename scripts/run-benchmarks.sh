#!/usr/bin/env bash
# Runs every benchmark and prints its RESULT lines (docs/PERFORMANCE.md records them).
# BENCH_SUBJECTS sets the city size for the HTTP figures (default 1,000,000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
echo "== import (bench/import_bench.cc)"
build/import_bench --subjects "${IMPORT_SUBJECTS:-200000}"
echo "== incremental re-rating (bench/rerate_bench.cc)"
build/bench/rerate_bench --subjects "${RERATE_SUBJECTS:-20000}"
echo "== HTTP (bench/http_bench.sh)"
bench/http_bench.sh "${BENCH_SUBJECTS:-1000000}"
echo "== accounts (bench/accounts_bench.sh)"
bench/accounts_bench.sh
