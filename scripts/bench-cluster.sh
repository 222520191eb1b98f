#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Figures of issue 14 (docs/BENCHMARKS.md, "Collection on a cluster"). Usage:
#   scripts/bench-cluster.sh [BUILD_DIR] [SIZE] [TASKS]
# On a sample project of SIZE train instances (default 10,000): the job folder of 300
# candidates against one training bundle of today's --bundle-out times 300; then TASKS
# candidates (default 20) on a one-node Slurm cluster (scripts/slurm-local.sh) against
# the same collection run here (--workers = cores), with each task's load overhead.
set -euo pipefail
BUILD=${1:-build/release}
SIZE=${2:-10000}
TASKS=${3:-20}
WORK=$(realpath -m "${HYPER_BENCH_DIR:-out/bench}/cluster")
HYPER="$BUILD/app/cli/hyper"
rm -rf "$WORK"; mkdir -p "$WORK"
echo "== machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
"$HYPER" sample --project "$WORK/p.hyper" --size "$SIZE" --eval-size 1000 > /dev/null
"$HYPER" features --project "$WORK/p.hyper" > /dev/null
cp "$WORK/p.hyper" "$WORK/local.hyper"

echo "== job folder for 300 candidates vs 300 training bundles"
"$HYPER" ppm collect --project "$WORK/p.hyper" --candidates 300 --seed 1 --slurm-dir "$WORK/job300" --json \
  | python3 -c 'import json,sys; j=json.load(sys.stdin); print("job folder: %d tasks, %.1f MB" % (j["tasks"], j["bytes"]/1e6))'
"$HYPER" train-rm --project "$WORK/p.hyper" --mix random:0.5 --epochs 1 --bundle-out "$WORK/one.bundle" --json > /dev/null
python3 -c 'import os,sys; b=os.path.getsize(sys.argv[1]); print("one bundle: %.1f MB; 300 bundles: %.1f GB" % (b/1e6, 300*b/1e9))' "$WORK/one.bundle"

echo "== $TASKS candidates on a one-node Slurm cluster"
conf=$(bash scripts/slurm-local.sh start "$WORK/cluster")
eval "$conf"
trap 'bash scripts/slurm-local.sh stop "$WORK/cluster"' EXIT
"$HYPER" ppm collect --project "$WORK/p.hyper" --candidates "$TASKS" --seed 7 --slurm-dir "$WORK/job" > /dev/null
start=$(date +%s.%N)
id=$(sbatch --parsable "$WORK/job/collect.sbatch")
while [[ -n "$(squeue -h -j "$id" 2>/dev/null)" ]]; do sleep 0.2; done
end=$(date +%s.%N)
"$HYPER" ppm collect --project "$WORK/p.hyper" --import-results "$WORK/job" --json > /dev/null
python3 - "$WORK/job/results" "$start" "$end" <<'PY'
import glob, json, sys
r = [json.load(open(f)) for f in glob.glob(sys.argv[1] + "/*.json")]
load = sum(x["load_seconds"] for x in r) / len(r)
train = sum(x["seconds"] for x in r) / len(r)
print("cluster: %d tasks in %.1f s wall; per task: load %.2f s, training %.2f s (overhead %.0f%%)"
      % (len(r), float(sys.argv[3]) - float(sys.argv[2]), load, train, 100 * load / train))
PY
echo "== the same $TASKS candidates here (--workers $(nproc))"
start=$(date +%s.%N)
"$HYPER" ppm collect --project "$WORK/local.hyper" --candidates "$TASKS" --seed 7 --json > /dev/null
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "local: %.1f s wall\n", e - s }'
python3 - "$WORK/p.hyper" "$WORK/local.hyper" <<'PY'
import sqlite3, sys
a, b = ([r for r in sqlite3.connect(f).execute(
    "select idx, score from ppm_rows r join ppm_datasets d on d.id = r.dataset_id where d.seed = 7 order by idx")]
    for f in sys.argv[1:3])
print("rows equal to the local collection: %s (%d rows)" % (a == b, len(a)))
PY
