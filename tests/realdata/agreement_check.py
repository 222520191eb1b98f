#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Independent cross-check of `hyper agreement` (docs/AGREEMENT.md) on the raw files.

Reads the public PandaLM or LLMBar JSONL directly (not the project store) and prints
one JSON object {"values": {PATH: number}} whose paths name the same statistics in
`hyper agreement --json` output:

  pairs/A|B/{n,percent,kappa,percent5,kappa5,kappa5_quadratic}
  krippendorff_alpha/{ordinal,interval,nominal5,nominal3,units,values}
  judges/NAME/{labels,unusable,n,agree,agreement,judge_ties,n3,agreement3,kappa3}
  judges/NAME/position/{both,consistent,inconsistent,favour_first,consistency,first_share,p_value}

Python 3 standard library only. Kappas, percentages and p-values are computed in exact
rational arithmetic (fractions.Fraction); Krippendorff's alpha from its pairwise
definition (sums over the pairs of values inside each unit), not from a coincidence
matrix as the C++ code does. When scikit-learn happens to be installed, its
cohen_kappa_score is asked as a third opinion (--sklearn); the check never needs it.

usage: agreement_check.py pandalm|llmbar FILE [--sklearn]
"""

import json
import sys
from fractions import Fraction
from math import comb

# The 5-point scale as integers (A clearly better = -2 ... B clearly better = 2).
# PandaLM: 1 = response1 (A), 2 = response2 (B), 0 = tie. LLMBar: 1 = output_1, 2 = output_2.
CODE = {1: -2, 2: 2, 0: 0}


def sign(v):
    return (v > 0) - (v < 0)


def kappa(pairs):
    """Percent agreement and Cohen's kappa, exact: (p_o - p_e) / (1 - p_e)."""
    n = len(pairs)
    if n == 0:
        return 0, None, None
    cats = sorted({x for p in pairs for x in p})
    agree = sum(1 for x, y in pairs if x == y)
    p_o = Fraction(agree, n)
    p_e = sum(Fraction(sum(1 for x, _ in pairs if x == c), n) * Fraction(sum(1 for _, y in pairs if y == c), n)
              for c in cats)
    k = None if p_e == 1 else (p_o - p_e) / (1 - p_e)
    return n, p_o, k


def quadratic_kappa(pairs):
    """Weighted kappa with weights (x - y)^2 on the scale values, exact."""
    n = len(pairs)
    if n == 0:
        return None
    xs = [x for x, _ in pairs]
    ys = [y for _, y in pairs]
    observed = Fraction(sum((x - y) ** 2 for x, y in pairs), n)
    expected = Fraction(sum((x - y) ** 2 for x in xs for y in ys), n * n)
    return None if expected == 0 else 1 - observed / expected


def alpha(units, metric):
    """Krippendorff's alpha from the pairwise definition:
    D_o = 1/n * sum_u 1/(m_u - 1) * sum_{i != j in u} d(v_i, v_j)
    D_e = 1/(n (n - 1)) * sum_{i != j over all pairable values} d(v_i, v_j)."""
    units = [u for u in units if len(u) >= 2]
    values = [v for u in units for v in u]
    n = len(values)
    if n < 2:
        return None, len(units), n
    freq = {}
    for v in values:
        freq[v] = freq.get(v, 0) + 1
    order = sorted(freq)

    def d(a, b):
        if a == b:
            return Fraction(0)
        if metric == "nominal":
            return Fraction(1)
        if metric == "interval":
            return Fraction((a - b) ** 2)
        lo, hi = min(a, b), max(a, b)
        s = sum(freq[g] for g in order if lo <= g <= hi) - Fraction(freq[lo] + freq[hi], 2)
        return s * s

    observed = Fraction(0)
    for u in units:
        m = len(u)
        within = sum(d(u[i], u[j]) for i in range(m) for j in range(m) if i != j)
        observed += Fraction(within, m - 1)
    # Pairs of distinct values across all pairable values (value-count products).
    expected = sum(freq[a] * freq[b] * d(a, b) for a in order for b in order)
    if expected == 0:
        return None, len(units), n
    return 1 - (n - 1) * observed / expected, len(units), n


def binomial_p(k, n):
    """Two-sided exact binomial test against 1/2: outcomes no more likely than k."""
    if n == 0:
        return Fraction(1)
    pk = comb(n, k)
    return min(Fraction(1), Fraction(sum(comb(n, j) for j in range(n + 1) if comb(n, j) <= pk), 2 ** n))


def majority(votes):
    """Folded majority: strict plurality of A/tie/B, tie when the top counts are equal."""
    a = sum(1 for v in votes if v < 0)
    b = sum(1 for v in votes if v > 0)
    t = len(votes) - a - b
    if a > b and a > t:
        return -1
    if b > a and b > t:
        return 1
    return 0


def judge_stats(out, name, items):
    """items: (human votes, judge overall or None, original or None, swapped or None)."""
    prefix = "judges/" + name + "/"
    labels = len(items)
    unusable = sum(1 for _, o, _, _ in items if o is None)
    three = []
    n = agree = ties = 0
    both = consistent = first = 0
    for votes, overall, orig, swapped in items:
        if orig is not None and swapped is not None:
            both += 1
            o, s = sign(orig), sign(swapped)
            if o == s:
                consistent += 1
            # First-shown response: A in the original order, B in the swapped one.
            elif (o < 0) + (s > 0) > (o > 0) + (s < 0):
                first += 1
        if overall is None or not votes:
            continue
        m, v = majority(votes), sign(overall)
        three.append((m, v))
        if m != 0:
            n += 1
            agree += v == m
            ties += v == 0
    n3, p3, k3 = kappa(three)
    out[prefix + "labels"] = labels
    out[prefix + "unusable"] = unusable
    out[prefix + "n"] = n
    out[prefix + "agree"] = agree
    out[prefix + "agreement"] = Fraction(agree, n) if n else None
    out[prefix + "judge_ties"] = ties
    out[prefix + "n3"] = n3
    out[prefix + "agreement3"] = p3
    out[prefix + "kappa3"] = k3
    if both:
        inconsistent = both - consistent
        p = prefix + "position/"
        out[p + "both"] = both
        out[p + "consistent"] = consistent
        out[p + "inconsistent"] = inconsistent
        out[p + "favour_first"] = first
        out[p + "consistency"] = Fraction(consistent, both)
        out[p + "first_share"] = Fraction(first, inconsistent) if inconsistent else None
        out[p + "p_value"] = binomial_p(first, inconsistent)


def pair_stats(out, names, humans, use_sklearn):
    """humans: one list per instance of (annotator name, value) with all present values."""
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            a, b = names[i], names[j]
            pairs = []
            for row in humans:
                d = dict(row)
                if a in d and b in d:
                    pairs.append((d[a], d[b]))
            p = "pairs/%s|%s/" % (a, b)
            n, p3, k3 = kappa([(sign(x), sign(y)) for x, y in pairs])
            _, p5, k5 = kappa(pairs)
            out[p + "n"] = n
            out[p + "percent"] = p3
            out[p + "kappa"] = k3
            out[p + "percent5"] = p5
            out[p + "kappa5"] = k5
            out[p + "kappa5_quadratic"] = quadratic_kappa(pairs)
            if use_sklearn:
                from sklearn.metrics import cohen_kappa_score
                x, y = zip(*pairs)
                sk = cohen_kappa_score([sign(v) for v in x], [sign(v) for v in y])
                if k3 is not None and abs(float(k3) - sk) > 1e-9:
                    raise SystemExit("sklearn disagrees on %s: %r vs %r" % (p, sk, float(k3)))


def alpha_stats(out, units):
    for metric, key, fold in (("ordinal", "ordinal", False), ("interval", "interval", False),
                              ("nominal", "nominal5", False), ("nominal", "nominal3", True)):
        us = [[sign(v) for v in u] for u in units] if fold else units
        a, nu, nv = alpha(us, metric)
        out["krippendorff_alpha/" + key] = a
        out["krippendorff_alpha/units"] = nu
        out["krippendorff_alpha/values"] = nv


def pandalm(path, use_sklearn):
    out = {}
    humans, units = [], []
    judges = {"gpt35": [], "pandalm7b": []}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            votes = [CODE[v] for v in r["human_labels"]]
            humans.append([("pandalm_human_%d" % (k + 1), v) for k, v in enumerate(votes)])
            units.append(votes)
            for name, col in (("gpt35", "gpt35_label"), ("pandalm7b", "pandalm7b_label")):
                v = r.get(col)
                overall = CODE[v] if isinstance(v, int) and not isinstance(v, bool) and v in CODE else None
                judges[name].append((votes, overall, None, None))
    names = sorted({a for row in humans for a, _ in row})
    pair_stats(out, names, humans, use_sklearn)
    alpha_stats(out, units)
    for name, items in judges.items():
        judge_stats(out, name, items)
    return out


def llmbar(path, use_sklearn):
    out = {}
    judges = {}

    def verdict(v):
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return None
        return {1: -2, 2: 2}.get(v)

    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            votes = [CODE[r["gold_label"]]]
            for name, j in (r.get("judges") or {}).items():
                o, s = verdict(j.get("orig_order")), verdict(j.get("swapped_order"))
                if o is not None and s is not None:
                    overall = o if o == s else 0
                else:
                    overall = o if o is not None else s
                judges.setdefault(name, []).append((votes, overall, o, s))
    for name, items in judges.items():
        judge_stats(out, name, items)
    return out


def main(argv):
    if len(argv) < 3 or argv[1] not in ("pandalm", "llmbar"):
        sys.stderr.write(__doc__)
        return 2
    use_sklearn = "--sklearn" in argv[3:]
    values = (pandalm if argv[1] == "pandalm" else llmbar)(argv[2], use_sklearn)
    printable = {k: (None if v is None else float(v) if isinstance(v, Fraction) else v) for k, v in values.items()}
    json.dump({"values": printable}, sys.stdout, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
