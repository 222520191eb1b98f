#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Measures the figures the issues ask for and prints them. Usage:
#   scripts/bench.sh [BUILD_DIR] [--build-time]
# Figures: import rate vs SQLite's insert ceiling (100k pairs, ~2 KB each), peak memory,
# full-text index and search time, workbench start-up to first rows painted on that
# 100k project, the LM client's throughput against a local server with simulated latency;
# with --build-time also a cold build of the whole project with -j2.
set -euo pipefail
BUILD=${1:-build/release}
WORK=${HYPER_BENCH_DIR:-out/bench}
mkdir -p "$WORK"
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -m)"

echo "== import (100k pairs) against the SQLite ceiling"
"$BUILD/app/cli/hyper" bench import --pairs "${HYPER_BENCH_PAIRS:-100000}" --dir "$WORK" --keep --json \
  | tee "$WORK/import.json"

echo "== workbench start-up to first rows painted (offscreen), 3 runs"
for i in 1 2 3; do
  QT_QPA_PLATFORM=offscreen "$BUILD/app/gui/hyper-workbench" "$WORK/bench-import.hyper" --measure-startup
done

echo "== LM transport: 1,000 requests to the in-process test server, 100 ms latency, concurrency 16"
"$BUILD/app/cli/hyper" bench lm --items 1000 --latency-ms 100 --concurrency 16 --json

echo "== LM judge and tag jobs: 800 instances, 100 ms latency, concurrency 16"
"$BUILD/app/cli/hyper" bench lmjobs --instances 800 --latency-ms 100 --concurrency 16 --json

if [[ "${2:-}" == "--build-time" ]]; then
  echo "== cold build, -j2"
  rm -rf build/bench-cold
  cmake -S . -B build/bench-cold -G Ninja -DCMAKE_BUILD_TYPE=Release > /dev/null
  start=$(date +%s.%N)
  cmake --build build/bench-cold -j2 > /dev/null
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "cold build: %.0f s\n", e - s }'
fi
