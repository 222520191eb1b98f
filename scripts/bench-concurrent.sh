#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Save latency of the Label tab alone and with other programs on the same project
# (issue 12, docs/BENCHMARKS.md "Several programs on one project"). Usage:
#   scripts/bench-concurrent.sh [BUILD_DIR] [CYCLES] [SIZE]
# Makes a sample project of SIZE train instances, then runs the Label tab's harness
# (hyper-workbench --bench-label CYCLES, offscreen) twice on it, with fresh annotators:
#   alone, and with a reader (python3's sqlite3: open, count, close, every 20 ms) and a
#   `hyper label` writer (one call after the other, other instances) beside it.
# Prints both JSON lines of the harness, what the others did, and the ratio of medians.
set -euo pipefail
BUILD=${1:-build/release}
CYCLES=${2:-1000}
SIZE=${3:-4000}
WORK=${HYPER_BENCH_DIR:-out/bench}
mkdir -p "$WORK"
P="$WORK/concurrent.hyper"
HYPER="$BUILD/app/cli/hyper"
WB="$BUILD/app/gui/hyper-workbench"
rm -f "$P" "$P-wal" "$P-shm"
echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$HYPER" sample --project "$P" --size "$SIZE" --eval-size 500 > /dev/null
"$HYPER" route --project "$P" --budget "$SIZE" --strategy random --seed 1 --json > /dev/null

echo "== Label tab alone: $CYCLES save-and-advance cycles"
alone=$(QT_QPA_PLATFORM=offscreen "$WB" "$P" --bench-label "$CYCLES" --annotator bench-alone 2>/dev/null)
echo "$alone"

echo "== the same beside a reader and a hyper label writer"
/usr/bin/python3 -c '
import signal, sqlite3, sys, time
n = 0
def stop(*_):
    print("reader: %d open-read-close cycles" % n, flush=True)
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
while True:
    c = sqlite3.connect(sys.argv[1], timeout=30)
    c.execute("select count(*) from human_labels").fetchone()
    c.close()
    n += 1
    time.sleep(0.02)
' "$P" &
reader=$!
(
  i=0
  trap 'echo "writer: $i hyper label calls"; exit 0' TERM
  while true; do
    "$HYPER" label --project "$P" --instance $((SIZE + 1 + i % 500)) --annotator "bench-writer-$i" \
      --overall A-is-clearly-better --json > /dev/null
    i=$((i + 1))
  done
) &
writer=$!
sleep 1
beside=$(QT_QPA_PLATFORM=offscreen "$WB" "$P" --bench-label "$CYCLES" --annotator bench-beside 2>/dev/null)
kill -TERM "$reader" "$writer"; wait "$reader" "$writer" 2>/dev/null || true
echo "$beside"
/usr/bin/python3 -c '
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for k in ("median_ms", "p95_ms", "max_ms", "save_median_ms", "save_p95_ms", "save_max_ms"):
    print("%-15s alone %8.3f  beside %8.3f  ratio %.2f" % (k, a[k], b[k], b[k] / a[k] if a[k] else float("nan")))
print("busy retries beside: %d, checkpoints (alone / beside): %d / %d" % (b["busy_retries"], a["checkpoints"], b["checkpoints"]))
' "$alone" "$beside"
