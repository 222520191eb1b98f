#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Goldens from the reference itself (issue 20, item 5): runs the counting, routing,
importance and fitting functions of allenai/hybrid-preferences at commit 7a17ed3 on a
fixture this script writes, and stores what they return. tests/core/tst_reference.cpp
compares the workbench's reference mode with these outputs.

Getting the reference's code (it is read from that checkout, never copied here):

    git clone https://github.com/allenai/hybrid-preferences /tmp/hybrid-preferences
    git -C /tmp/hybrid-preferences checkout 7a17ed3

Running (Debian 12 packages only, no PyPI):

    apt-get install python3-pandas python3-sklearn python3-tqdm python3-joblib python3-tabulate
    /usr/bin/python3 tests/data/reference/make_reference_golden.py --reference /tmp/hybrid-preferences

The reference's modules import packages that the functions run here never use (spacy,
torch, transformers, sentence-transformers, rouge-score, evaluate, lightgbm); they are
replaced by empty modules. Debian's scikit-learn 1.2 lacks root_mean_squared_error, which
train_regressor.py imports; it is provided as sqrt(mean_squared_error). Two things are
made deterministic, without changing what the functions compute: generate_instances'
thread pool runs its budgets one after another (its threads share Python's global random
state, so their interleaving would decide the draws), and uuid4 names come from a counter.

Writes, next to this script:
  fixture.jsonl   the instances: scores, tags (some spelled so that strict and lenient
                  matching differ), human and GPT-4 labels (ties among them)
  golden.json     features (get_all_features order), the PPMs used, and per call its
                  inputs and outputs: the whole-data feature map (get_instances), counts
                  (generate_instances), simulated plans
                  (simulated_sampling), top-k and optimal plans (topk_sampling), feature
                  importance (simulate.py sim_actual) and the fit (train_regressor.main)
  collect.csv     the counts of the generate_instances collection, with a synthetic
                  "Overall" score: the file the fits ran on
"""
import argparse
import contextlib
import io
import json
import logging
import math
import os
import random
import re
import sys
import tempfile
import types
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
N = 240
SUBJECTS_SOME = ["Physics", "Law", "History", "Biology", "Mathematics", "Computer sciences", "Economics"]


def stub_modules():
    """Empty stand-ins for the packages the reference imports but these calls never use."""

    def module(name, **attrs):
        m = types.ModuleType(name)
        for k, v in attrs.items():
            setattr(m, k, v)
        sys.modules[name] = m
        return m

    class Unused:
        def __init__(self, *a, **k):
            raise RuntimeError("not used by the goldens")

    module("evaluate", load=Unused)
    module("spacy", load=Unused)
    torch = module("torch", cuda=types.SimpleNamespace(is_available=lambda: False))
    torch.device = Unused
    module("rouge_score")
    module("rouge_score.rouge_scorer", RougeScorer=Unused)
    sys.modules["rouge_score"].rouge_scorer = sys.modules["rouge_score.rouge_scorer"]
    module("sentence_transformers", SentenceTransformer=Unused, util=types.SimpleNamespace())
    module("transformers", AutoTokenizer=Unused)
    module("lightgbm", LGBMRegressor=Unused)
    if "nltk" not in sys.modules:
        try:
            import nltk  # noqa: F401  (python3-nltk, when installed)
        except ImportError:
            module("nltk", word_tokenize=Unused)
            module("nltk.stem", WordNetLemmatizer=Unused)
    import sklearn.metrics

    if not hasattr(sklearn.metrics, "root_mean_squared_error"):
        sklearn.metrics.root_mean_squared_error = lambda a, b: math.sqrt(sklearn.metrics.mean_squared_error(a, b))


def write_fixture(path):
    """N instances. Lengths are small integers (ties), similarities include the bin edges
    0, 0.33, 0.67 and 1 and values outside [0, 1]; tags mix the spellings that strict and
    lenient matching read differently."""
    rng = np.random.RandomState(20)
    labels = ["A-is-slightly-better", "A-is-clearly-better", "B-is-slightly-better", "B-is-clearly-better", "Tie"]
    label_p = [0.22, 0.2, 0.22, 0.2, 0.16]
    edges = [0.0, 0.33, 0.67, 1.0]
    rows = []
    for i in range(N):
        r = {"id": f"i{i:04d}", "prompt": f"Prompt {i}: explain item {i * 7 + 3}.",
             "completion_a": f"Answer A to prompt {i}.", "completion_b": f"Answer B to prompt {i}, longer."}
        r["pref_human"] = labels[rng.choice(5, p=label_p)]
        r["pref_gpt4"] = labels[rng.choice(5, p=label_p)]
        r["prompt_len"] = int(rng.randint(3, 40))
        r["token_len_diff"] = int(rng.randint(0, 25))
        r["len_shorter"] = int(rng.randint(5, 60))
        r["len_longer"] = int(rng.randint(20, 90))
        for s in ("bertscore", "bertscore_length", "cosine_sim", "entity_sim", "rouge"):
            u = rng.rand()
            if u < 0.08:
                v = float(edges[rng.randint(4)])
            elif u < 0.1:
                v = float(rng.choice([-0.05, 1.02]))
            else:
                v = round(float(rng.rand()), 6)
            r[s] = v
        k = rng.randint(1, 4)
        subj = list(rng.choice(SUBJECTS_SOME, size=k, replace=False))
        u = rng.rand()
        if u < 0.08:
            subj = [subj[0].lower()]               # lenient: a match; strict: none
        elif u < 0.14:
            subj = ", ".join(subj)                 # a string: strict tests substrings
        elif u < 0.18:
            subj = [subj[0] + " "]                 # trailing blank: lenient trims
        r["subject_of_expertise"] = subj
        u = rng.rand()
        r["languages"] = ["English"] if u < 0.75 else (["english"] if u < 0.83 else (["English", "French"] if u < 0.92 else ["French"]))
        for col, values in (("expertise_level", ["general public", "basic domain knowledge", "expert domain knowledge"]),
                            ("open_endedness", ["no", "low", "moderate", "high"]),
                            ("safety_concern", ["safe", "low", "moderate", "high"]),
                            ("complexity_of_intents", ["simple", "moderate", "complex"])):
            v = str(rng.choice(values))
            u = rng.rand()
            if u < 0.07:
                v = v.capitalize() if v[0].islower() else v.lower()
            elif u < 0.12:
                v = " " + v
            elif u < 0.17:
                v = [v]                             # a one-element list: lenient reads it
            r[col] = v
        for col in ("type_of_in_context_material", "format_constraints"):
            choice = rng.randint(8)
            r[col] = [[], ["code"], ["a table", "json"], "None", "", None, "[]", "nan"][choice]
        rows.append(r)
    with open(path, "w") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")


class SerialExecutor:
    """ThreadPoolExecutor's interface, running each call at once, in order."""

    def __init__(self, *a, **k):
        self._max_workers = 1

    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False

    def submit(self, fn, *args):
        from concurrent.futures import Future

        f = Future()
        f.set_result(fn(*args))
        return f


class CounterUuid:
    def __init__(self):
        self.k = 0

    def uuid4(self):
        self.k += 1
        return types.SimpleNamespace(hex=f"u{self.k:031d}")


class Identity:
    """sim_actual calls feat_ext.transform for every model; a linear model has none."""

    def transform(self, x):
        return x


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reference", required=True, type=Path, help="a checkout of hybrid-preferences at 7a17ed3")
    args = ap.parse_args()
    stub_modules()
    sys.path.insert(0, str(args.reference))
    logging.disable(logging.WARNING)
    import joblib
    from sklearn.linear_model import LinearRegression, Ridge
    from sklearn.preprocessing import PolynomialFeatures

    import scripts.get_count_feats as gcf
    import scripts.sample_best_subset as sbs
    import scripts.simulate as sim
    import scripts.train_regressor as trainreg
    from src.feature_extractor import get_all_features

    gcf.ThreadPoolExecutor = SerialExecutor
    gcf.as_completed = lambda fs: list(fs)
    counter = CounterUuid()
    gcf.uuid = counter
    sbs.uuid = counter

    knapsacks = []
    real_knapsack = gcf.run_knapsack

    def recording_knapsack(capacity, items):
        out = real_knapsack(capacity=capacity, items=items)
        knapsacks.append(list(out))
        return out

    gcf.run_knapsack = recording_knapsack

    fixture = HERE / "fixture.jsonl"
    write_fixture(fixture)
    features = get_all_features()
    ids = [json.loads(line)["id"] for line in open(fixture)]
    index = {x: k for k, x in enumerate(ids)}

    def indices(id_list):
        return sorted(index[x] for x in id_list)

    def load():
        return pd.read_json(fixture, lines=True)

    golden = {"reference": "allenai/hybrid-preferences@7a17ed3", "features": features, "instances": N}

    # 0. Python's generator itself, which the reference's draws come from.
    golden["pyrandom"] = []
    for seed in (0, 1, 42, 2**40 + 3):
        r = random.Random(seed)
        entry = {"seed": seed, "bits32": [r.getrandbits(32) for _ in range(5)], "bits40": r.getrandbits(40),
                 "below": [r.randrange(n) for n in (1, 2, 3, 1000, 2**31 + 5)], "random": r.random()}
        x = list(range(12))
        r.shuffle(x)
        entry["shuffle12"] = x
        entry["sample_100_10"] = r.sample(range(100), 10)
        entry["sample_30_7"] = r.sample(range(30), 7)
        entry["sample_500_40"] = r.sample(range(500), 40)
        entry["sample_8_8"] = r.sample(range(8), 8)
        golden["pyrandom"].append(entry)

    # The whole-data feature map (generate_instances' feat_instance_map): per feature the
    # instances get_instances finds in the fixture.
    whole = load()
    golden["feature_map"] = [indices(gcf.get_instances(whole, f)) for f in features]

    # 1. A collection as the reference makes one (generate_instances, random budgets,
    #    seed 5), with a synthetic score: the fit's data and the PPMs' training rows.
    tmp = Path(tempfile.mkdtemp())
    random.seed(5)
    knapsacks.clear()
    counts = gcf.generate_instances(load(), n_samples=7000, output_dir=tmp / "collect", n_train_instances=150)
    frame = pd.DataFrame(counts).transpose()[features]
    rng = np.random.RandomState(3)
    w = rng.normal(size=len(features)) / N
    y = 0.6 + frame.values @ w + 0.02 * (frame.values[:, 0] / N) * (frame.values[:, 30] / N) + rng.normal(scale=0.01, size=len(frame))
    frame = frame.reset_index(drop=True)
    frame["Overall"] = y
    frame.to_csv(HERE / "collect.csv", index=False, float_format="%.17g")
    golden["collect"] = {"seed": 5, "n_samples": 7000, "candidates": [
        {"budget": int(tag.split("SWAPS_")[1]), "human": indices(k), "counts": [int(c[f]) for f in features]}
        for (tag, c), k in zip(counts.items(), knapsacks)]}

    # 2. The fit: train_regressor.main on that file, its logged MSE/RMSE and curve.
    fits = {}
    for model_name in ("linear", "quadratic"):
        out_dir = tmp / f"fit_{model_name}"
        records = []

        class Capture(logging.Handler):
            def emit(self, record):
                records.append(record.getMessage())

        logging.disable(logging.NOTSET)
        root = logging.getLogger()
        handler = Capture()
        root.addHandler(handler)
        old_argv = sys.argv
        sys.argv = ["train_regressor.py", "--input_path", str(HERE / "collect.csv"), "--output_dir", str(out_dir),
                    "--model", model_name, "--log_level", "INFO"]
        with contextlib.redirect_stdout(io.StringIO()):
            trainreg.main()
        sys.argv = old_argv
        root.removeHandler(handler)
        logging.disable(logging.WARNING)
        num = r"([-+0-9.e]+|nan|inf)"

        def parse(msg):
            m = re.search(r"'mse': (?:np\.float64\()?" + num + r"\)?, 'rmse': (?:np\.float64\()?" + num, msg)
            return float(m.group(1)), float(m.group(2))

        full = [parse(m) for m in records if m.startswith("Regression results")]
        curve = [parse(m) for m in records if m.startswith("Performance at")]
        sizes = [int(m.split("Training size: ")[1].split(",")[0]) for m in records if m.startswith("Training size")]
        train_n = sizes[0]
        fits[model_name] = {"mse": full[0][0], "rmse": full[0][1], "train": train_n,
                            "curve": [{"train_size": int(train_n * p), "mse": c[0], "rmse": c[1]}
                                      for p, c in zip((0.25, 0.5, 0.75, 1.0), curve)]}
        if model_name == "linear":
            linear = joblib.load(out_dir / "model.pkl")
    golden["fit"] = fits

    # The PPMs the routing goldens use: train_regressor's linear model, and a quadratic one
    # fitted as Ridge(1.0) on PolynomialFeatures(2) of the same rows (the reference's own
    # quadratic fit is numerically fragile, docs/ROUTING.md), set into a LinearRegression
    # so the reference's code sees the model type it expects.
    data = pd.read_csv(HERE / "collect.csv").dropna()
    X = data[features]
    poly = PolynomialFeatures(degree=2).fit(X)
    ridge = Ridge(alpha=1.0).fit(poly.transform(X), data["Overall"])
    quadratic = LinearRegression()
    quadratic.coef_ = ridge.coef_.copy()
    quadratic.intercept_ = float(ridge.intercept_)
    quadratic.n_features_in_ = ridge.n_features_in_
    models = {"linear": (linear, None), "quadratic": (quadratic, poly)}
    golden["models"] = {
        "linear": {"intercept": float(linear.intercept_), "coef": [float(c) for c in linear.coef_]},
        # PolynomialFeatures(2) with its bias column first: coef[0] multiplies 1.
        "quadratic": {"intercept": float(quadratic.intercept_), "coef": [float(c) for c in quadratic.coef_]},
    }

    def predict(name, count_rows):
        model, fe = models[name]
        df = pd.DataFrame(count_rows, columns=features)
        return [float(v) for v in model.predict(fe.transform(df) if fe else df)]

    def read_counts(out_dir):
        files = sorted((out_dir / "counts").glob("regressor_feats_*.json"))
        return [json.load(open(f)) for f in files]

    def read_swapped(out_dir):
        files = sorted((out_dir / "swaps").glob("*.jsonl"))
        return [indices(json.loads(line)["id"] for line in open(f) if json.loads(line)["is_swapped"]) for f in files]

    # 3. Top-k and the optimal strategies (topk_sampling), with and without the subsample.
    gains_seen = []
    real_gain_linear, real_gain_quadratic = sbs.compute_gain_linear, sbs.compute_gain_quadratic

    def gain_linear(df, model):
        g = real_gain_linear(df, model)
        gains_seen.append(g)
        return g

    def gain_quadratic(df, model, feat_ext):
        g = real_gain_quadratic(df, model, feat_ext)
        gains_seen.append(g)
        return g

    sbs.compute_gain_linear, sbs.compute_gain_quadratic = gain_linear, gain_quadratic
    optimal_seen = []
    real_optimal = sbs.get_optimal_subset

    def optimal(df, method, gain_col="gain", optimal_grad_epsilon=1e-4):
        ids_ = real_optimal(df, method, gain_col=gain_col, optimal_grad_epsilon=optimal_grad_epsilon)
        optimal_seen.append(ids_)
        return ids_

    sbs.get_optimal_subset = optimal
    golden["topk"] = []
    golden["optimal"] = []
    for name in ("linear", "quadratic"):
        model, fe = models[name]
        for n_samples, seed in ((7000, 11), (150, 12)):
            out_dir = tmp / f"topk_{name}_{n_samples}"
            gains_seen.clear()
            random.seed(seed)
            budgets = [0.1, 0.25, 0.5, 100]
            sbs.topk_sampling(load(), model, feat_ext=fe, budgets=budgets, n_samples=n_samples, optimal=None,
                              output_dir=out_dir)
            g = gains_seen[0]
            gain_by_index = [0.0] * N
            for x, v in zip(g["id"], g["gain"]):
                gain_by_index[index[x]] = float(v)
            order = [index[x] for x in g["id"]]
            plans = []
            for b, c, swapped in zip(budgets, read_counts(out_dir), read_swapped(out_dir)):
                k = int(N * b) if 0 <= b <= 1 else int(b)
                row = [int(c[f]) for f in features]
                plans.append({"budget_arg": b, "budget": k, "human": sorted(order[:k]), "counted": swapped,
                              "counts": row, "predicted": predict(name, [row])[0]})
            golden["topk"].append({"model": name, "n_samples": n_samples, "seed": seed, "gains": gain_by_index,
                                   "plans": plans})
        for method in ("optimal_grad", "optimal_pos"):
            out_dir = tmp / f"{method}_{name}"
            optimal_seen.clear()
            random.seed(13)
            sbs.topk_sampling(load(), model, feat_ext=fe, budgets=[1.0], n_samples=7000, optimal=method,
                              output_dir=out_dir)
            c = read_counts(out_dir)[0]
            row = [int(c[f]) for f in features]
            golden["optimal"].append({"model": name, "method": method,
                                      "epsilon": 1e-4 if fe is None else 1e-5,
                                      "human": indices(optimal_seen[0]), "counted": read_swapped(out_dir)[0],
                                      "counts": row, "predicted": predict(name, [row])[0]})

    # 4. Simulated plans (simulated_sampling): every candidate of a seed, and the best.
    golden["simulated"] = []
    real_generate = sbs.generate_instances
    generated = []

    def generate(*a, **k):
        out = real_generate(*a, **k)
        generated.append(out)
        return out

    sbs.generate_instances = generate
    for name, budget, n, n_samples, seed in (("linear", 0.3, 25, 7000, 21), ("quadratic", 0.5, 20, 150, 22),
                                             ("linear", 60, 15, 100, 23)):
        model, fe = models[name]
        out_dir = tmp / f"sim_{name}_{seed}"
        knapsacks.clear()
        generated.clear()
        random.seed(seed)
        with contextlib.redirect_stdout(io.StringIO()):
            sbs.simulated_sampling(load(), model, feat_ext=fe, budgets=[budget], n_samples=n_samples,
                                   n_instances_per_budget=n, output_dir=out_dir)
        cands = []
        rows = [[int(c[f]) for f in features] for c in generated[0].values()]
        preds = predict(name, rows)
        for k, row, p in zip(knapsacks, rows, preds):
            cands.append({"human": indices(k), "counts": row, "predicted": p})
        k_budget = int(N * budget) if 0 <= budget <= 1 else int(budget)
        top = pd.read_csv(out_dir / f"sim_results_budget_{k_budget}.csv")
        golden["simulated"].append({"model": name, "budget_arg": budget, "budget": k_budget, "candidates_n": n,
                                    "n_samples": n_samples, "seed": seed, "candidates": cands,
                                    "best_predicted": float(top["predicted"].iloc[0])})

    # 5. Feature importance (simulate.py sim_actual): mean gain per feature over trials.
    golden["importance"] = []
    for name, flip, trials, seed in (("linear", 100, 3, 31), ("quadratic", 20, 3, 32), ("linear", 15, 2, 33)):
        model, fe = models[name]
        out_dir = tmp / f"imp_{name}_{seed}"
        out_dir.mkdir(parents=True)
        random.seed(seed)
        sim.sim_actual(input_path=fixture, output_dir=out_dir, features=features, model=model,
                       feat_ext=fe if fe is not None else Identity(), flip_size=flip, n_trials=trials, sort=False)
        gains = pd.read_csv(out_dir / f"gain_{flip}.csv")["gain"].tolist()
        golden["importance"].append({"model": name, "flip_size": flip, "trials": trials, "seed": seed,
                                     "gains": [float(v) for v in gains]})

    with open(HERE / "golden.json", "w") as f:
        json.dump(golden, f, indent=1)
        f.write("\n")
    print(f"wrote {fixture.name}, collect.csv and golden.json ({N} instances)")


if __name__ == "__main__":
    main()
