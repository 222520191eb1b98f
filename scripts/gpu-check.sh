#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# GPU checks of the reward-model engine on a machine with a CUDA PyTorch (docs/TRAINING.md
# "GPU"): builds hyper_ml + hyper-train against that machine's LibTorch (-DHYPER_ML_ONLY=ON,
# the torch.utils.cmake_prefix_path of its python3), then trains, saves and scores the two
# bundles in BUNDLE_DIR on CUDA and on the CPU, and checks from Python that the bundles load
# with torch.load(weights_only=True) and the saved models with safetensors / score_rm.py.
#
#   scripts/gpu-check.sh BUNDLE_DIR OUT_DIR
#
# BUNDLE_DIR holds bag.bundle, transformer.bundle (hyper train-rm --bundle-out) and
# pairs.jsonl (a few pairs for score_rm.py). Every step runs even when one before failed;
# OUT_DIR gets log.txt and one JSON file per measurement.
set -u
B=${1:?BUNDLE_DIR}
OUT=${2:?OUT_DIR}
mkdir -p "$OUT"
exec > >(tee "$OUT/log.txt") 2>&1
step() { echo; echo "== $*"; }

step machine
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv || true
nproc
python3 -c 'import torch, numpy; print("torch", torch.__version__, "cuda", torch.version.cuda, torch.cuda.is_available(), "numpy", numpy.__version__)'
TP=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
ABI=$(python3 -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')

step build hyper-train against "$TP" "(cxx11 abi $ABI)"
G=()
command -v ninja > /dev/null && G=(-G Ninja)
T=/tmp/hml/app/train/hyper-train
start=$(date +%s)
cmake -S . -B /tmp/hml "${G[@]}" -DHYPER_ML_ONLY=ON -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$TP" \
    -DCMAKE_CXX_FLAGS="-D_GLIBCXX_USE_CXX11_ABI=$ABI" > "$OUT/cmake.txt" 2>&1 || tail -40 "$OUT/cmake.txt"
cmake --build /tmp/hml -j "$(nproc)" --target hyper-train > "$OUT/build.txt" 2>&1 || grep -m 20 -B 2 -A 6 'error' "$OUT/build.txt"
echo "build: $(( $(date +%s) - start )) s"
$T --info || true

for m in bag transformer; do
    step "$m: train on cuda, save the model"
    /usr/bin/time -f "%e s wall, %M KB max RSS" $T "$B/$m.bundle" --out "$OUT/$m-train-cuda.json" \
        --model-out "/tmp/$m-cuda.safetensors" --device cuda
    head -c 600 "$OUT/$m-train-cuda.json"; echo
    ls -l "/tmp/$m-cuda.safetensors"
    for d in cuda cpu; do
        step "$m: score the train split on $d"
        $T --model "/tmp/$m-cuda.safetensors" --eval "$B/$m.bundle" --split train --device $d | tee "$OUT/$m-score-train-$d.json"
        $T --model "/tmp/$m-cuda.safetensors" --eval "$B/$m.bundle" --split eval --device $d | tee "$OUT/$m-score-eval-$d.json"
    done
done

step "python: bundles with weights_only=True, models with safetensors and score_rm.py"
python3 - "$B" <<'PY'
import sys, torch
b = sys.argv[1]
for m in ("bag", "transformer"):
    try:
        d = torch.load(f"{b}/{m}.bundle", weights_only=True)
        print(m, "bundle weights_only=True: OK", d["format"], d["version"], len(d["train_ids"]), dict(d["info"]))
    except Exception as e:
        print(m, "bundle weights_only=True: FAILED", type(e).__name__, str(e)[:400])
try:
    from safetensors.numpy import load_file
    for m in ("bag", "transformer"):
        t = load_file(f"/tmp/{m}-cuda.safetensors")
        print(m, "safetensors.numpy.load_file: OK,", len(t), "tensors")
except ImportError:
    print("safetensors: not installed here")
except Exception as e:
    print("safetensors: FAILED", type(e).__name__, e)
PY
for m in bag transformer; do
    /usr/bin/time -f "%e s wall" python3 scripts/score_rm.py --model "/tmp/$m-cuda.safetensors" "$B/pairs.jsonl" > "$OUT/$m-py.jsonl" \
        && head -2 "$OUT/$m-py.jsonl"
done
step "all steps ran"
