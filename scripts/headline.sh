#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The headline check of issue 5 (docs/ROUTING.md, "Headline check"), end to end on the
# bundled sample project, with no tuning per run:
#   1. write the sample and compute its features;
#   2. collect PPM training data: K candidate mixes (Algorithm 1), each measured by a proxy
#      reward model (bag, 4 epochs) trained on it: eval Overall;
#   3. fit the quadratic PPM (10-fold CV) twice: as the issue specifies (minimum-norm least
#      squares, scikit-learn's LinearRegression) and with the ridge chosen by k-fold CV
#      (`--ridge auto`, a fixed procedure, not a hand-picked value); the linear PPM for
#      reference;
#   4. per seed (1..3) and budget (25/50/75 %): route with the simulated strategy (500
#      candidates) with each quadratic PPM, train a final RM on each plan and one on a
#      random mix of the same budget; per seed also 100 % human and 100 % LM;
#   5. print the table (mean and std of eval Overall over the seeds) and the PPM's feature
#      importance (top and bottom 8).
# Usage: scripts/headline.sh [BUILD_DIR] [CANDIDATES]   (HYPER_HEADLINE_DIR: work folder)
set -euo pipefail
BUILD=${1:-build/release}
K=${2:-300}
WORK=${HYPER_HEADLINE_DIR:-out/headline}
HYPER="$BUILD/app/cli/hyper"
P="$WORK/headline.hyper"
mkdir -p "$WORK"
echo "== machine: $(nproc) cores; candidates K=$K; work folder $WORK"
if [[ ! -f "$P" ]]; then
  "$HYPER" sample --project "$P" --seed 1 > /dev/null
  "$HYPER" features --project "$P" --json > "$WORK/features.json"
fi
start=$(date +%s)
# Resumable: rerunning the script measures only the candidates not stored yet.
"$HYPER" ppm collect --project "$P" --candidates "$K" --seed 1 --metric rm --json | tee "$WORK/collect.json"
"$HYPER" ppm fit --project "$P" --model quadratic --folds 10 --json | tee "$WORK/fit.json"
"$HYPER" ppm fit --project "$P" --model quadratic --ridge auto --folds 10 --json | tee "$WORK/fit-ridge.json"
"$HYPER" ppm fit --project "$P" --model linear --folds 10 --json | tee "$WORK/fit-linear.json"
modelid() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["id"])' "$1"; }
QID=$(modelid "$WORK/fit.json")
RID=$(modelid "$WORK/fit-ridge.json")
: > "$WORK/runs.jsonl"
: > "$WORK/plans.jsonl"
train() { # mix seed label budget
  local out
  out=$("$HYPER" train-rm --project "$P" --mix "$1" --seed "$2" --json)
  python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(json.dumps({"label":sys.argv[2],"budget":sys.argv[3],"seed":int(sys.argv[4]),"overall":r["overall"],"mix":sys.argv[5]}))' \
    "$out" "$3" "$4" "$2" "$1" >> "$WORK/runs.jsonl"
}
for seed in 1 2 3; do
  train human "$seed" "100% human" 1.0
  train lm "$seed" "100% LM" 0.0
  for b in 0.25 0.5 0.75; do
    for variant in "quadratic:$QID" "quadratic ridge auto:$RID"; do
      plan=$("$HYPER" route --project "$P" --budget "$b" --strategy simulated --candidates 500 \
               --seed "$seed" --model-id "${variant##*:}" --json)
      echo "$plan" >> "$WORK/plans.jsonl"
      id=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["plan"])' "$plan")
      train "plan:$id" "$seed" "HyPER simulated (${variant%:*})" "$b"
    done
    train "random:$b" "$seed" "random" "$b"
  done
done
"$HYPER" ppm importance --project "$P" --model-id "$QID" --json > "$WORK/importance.json"
"$HYPER" ppm importance --project "$P" --model-id "$RID" --json > "$WORK/importance-ridge.json"
end=$(date +%s)
python3 - "$WORK" <<'PY'
import json, statistics, sys, collections
work = sys.argv[1]
runs = [json.loads(l) for l in open(f"{work}/runs.jsonl")]
fit = json.load(open(f"{work}/fit.json")); lin = json.load(open(f"{work}/fit-linear.json"))
rid = json.load(open(f"{work}/fit-ridge.json"))
print(f"\nPPM quadratic: n={fit['n']} terms={fit['terms']} 10-fold CV Spearman {fit['spearman']:.3f} RMSE {fit['rmse']:.4f}")
print(f"PPM quadratic, ridge auto ({rid['ridge']:.3g}): 10-fold CV Spearman {rid['spearman']:.3f} RMSE {rid['rmse']:.4f}")
print(f"PPM linear:    n={lin['n']} terms={lin['terms']} 10-fold CV Spearman {lin['spearman']:.3f} RMSE {lin['rmse']:.4f}\n")
groups = collections.OrderedDict()
for r in runs:
    groups.setdefault((r["label"], r["budget"]), []).append(r["overall"])
plans = [json.loads(l) for l in open(f"{work}/plans.jsonl")]
print("| mix | human budget | eval Overall mean | std | seeds |")
print("|---|---|---|---|---|")
order = sorted(groups, key=lambda k: (float(k[1]), k[0]))
for k in order:
    v = groups[k]
    sd = statistics.stdev(v) if len(v) > 1 else 0.0
    print(f"| {k[0]} | {float(k[1])*100:.0f}% | {statistics.mean(v):.4f} | {sd:.4f} | {', '.join(f'{x:.3f}' for x in v)} |")
print("\nplans (PPM, budget, seed order): " + "; ".join(f"PPM {p['model']} {p['human']} human, predicted {p['predicted']:.4f}" for p in plans))
for name in ("importance", "importance-ridge"):
    imp = json.load(open(f"{work}/{name}.json"))["importance"]
    print(f"\n{name} (PPM {json.load(open(f'{work}/{name}.json'))['model']}): gain of 100 carriers to humans vs all-LM, top 8:")
    for f in imp[:8]: print(f"  {f['gain']:+.5f}  {f['feature']} ({f['carriers']})")
    print("bottom 8:")
    for f in imp[-8:]: print(f"  {f['gain']:+.5f}  {f['feature']} ({f['carriers']})")
PY
echo "headline wall time: $((end - start)) s"
