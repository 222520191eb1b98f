#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Score preference pairs with a reward model saved by HyPER Workbench, without it.

This is the documented way to use a saved reward model (``hyper train-rm --model-out``)
outside the workbench: it needs only Python 3 and numpy (Debian: python3-numpy), not
LibTorch or the safetensors package, and it gives the same scores as ``hyper score
--model MODEL --input PAIRS --out SCORES``, up to float32 rounding (the workbench computes
in float32, this script in float64: a few parts in a million of a score's size).

Usage::

    scripts/score_rm.py --model MODEL.safetensors PAIRS [--out SCORES.jsonl]
                        [--format NAME] [--map FIELD=COLUMN ...]
                        [--id COL] [--prompt COL] [--a COL] [--b COL]
                        [--skip-bad-rows] [--batch N]

Output: one JSON line per pair, in input order, on stdout (or written atomically to
--out): ``{"id": "<string>", "score_a": <float>, "score_b": <float>}``. score_a is
r(prompt, response A), score_b is r(prompt, response B); for chosen/rejected data A is
the chosen and B the rejected response. Scores are float32 values printed with 9
significant digits, as the workbench prints them.

Input (PAIRS): the files the workbench importer reads -- JSON Lines (.jsonl, .ndjson;
blank lines skipped), a .json file holding one array of objects, or CSV with a header
row, each optionally gzip-compressed -- and the same columns, found the same way: the
format is detected from the first record's keys (--format forces one), and a field is
taken from the first of its candidate columns that is present and not null:

    id          id, idx, comparison_id, prompt_id, question_id, uid
                (absent or empty: the line number where the record starts)
    prompt      prompt, instruction, query, question, text, input
                ("pairs" data: prompt, instruction, query, question)
    input       input (generic only: appended to the prompt after a blank line when it
                is not the prompt's own column)
    response_a  response_a, response1, response_1, output_1, answer_1, answer_a, completion_a
    response_b  response_b, response2, response_2, output_2, answer_2, answer_b, completion_b
    chosen, rejected
                "pairs" data (any record with chosen and rejected): A = chosen,
                B = rejected. Each may be text, or a list of chat messages
                ({"role", "content"}): the response is the last assistant message and the
                prompt the turns before it ("Role: content" joined by blank lines, or the
                lone user message's content). Without a prompt column, HH-RLHF style
                transcripts are split after their last shared "\\n\\nAssistant:".

The workbench's presets for known data sets (multipref, pandalm, llmbar, prd, llmeval2,
lfqa, evalbiasbench, hhh) are detected too and use their own columns. ``--map
FIELD=COLUMN`` (repeatable; FIELD one of id, prompt, input, response_a, response_b,
model_a, model_b, source, category, chosen, rejected, split) reads FIELD from COLUMN
only; an empty COLUMN switches the field off. --id, --prompt, --a and --b are short
for --map id=, prompt=, response_a=, response_b=. Label columns are not read: a row the
workbench would reject only for a bad label value is scored here.

The model file is a safetensors file: an 8-byte little-endian header length N, N bytes
of JSON naming each tensor's dtype (F32), shape and byte range in the data area that
follows, then the raw little-endian float32 tensors, row-major. Its "__metadata__" (all
strings, several holding JSON) describes everything needed to score:

    format, format_version   "hyper-reward-model", "1" (anything else is refused)
    model                     "bag" or "transformer"
    config                    the training config: buckets, char_ngram, max_tokens, ...
    architecture              the network's sizes (see BagModel, TransformerModel)
    tokenizer                 the hashing tokenizer's spec (see Tokenizer)
    tokenizer_tests           [{"text", "ids"}]: checked before scoring; a mismatch stops
    checksum                  "sum-u32:0x...": the sum of the data's 32-bit words mod 2^64
    mix, seed, overall, ...   provenance, not used here

Exit status: 0 on success, 1 on an error (the message names the file, and the line for
PAIRS; with --skip-bad-rows bad rows are reported on stderr and skipped), 2 on a usage
error.
"""

import argparse
import gzip
import json
import math
import os
import re
import struct
import sys
import tempfile

import numpy as np

PROG = "score_rm.py"


class ScoreError(Exception):
    """An error fit for the user; str() starts with the file (and line) it is about."""


class RowError(Exception):
    """A record that cannot be scored (the message has no file or line)."""


class UsageError(Exception):
    """A bad option (exit status 2)."""


def located(path, line, message):
    return ScoreError(f"{path}:{line}: {message}" if line > 0 else f"{path}: {message}")


# --------------------------------------------------------------------------------------
# Tokenizer: core/ml/tokenizer.cpp, byte for byte.
# --------------------------------------------------------------------------------------

MASK64 = 0xFFFFFFFFFFFFFFFF
FNV_OFFSET = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
UNIGRAM_SALT = 0x9E3779B97F4A7C15
BIGRAM_SALT = 0xC2B2AE3D27D4EB4F
CHAR_SALT = 0x165667B19E3779F9

# ASCII A-Z lower-cased, every other byte kept.
_LOWER = bytes(b + 32 if 65 <= b <= 90 else b for b in range(256))
# Words: runs of bytes a-z, 0-9 or >= 0x80 (UTF-8 stays whole); anything else separates.
_WORD = re.compile(rb"[a-z0-9\x80-\xff]+")


def hash_feature(data, salt):
    """FNV-1a 64 of the bytes from (offset XOR salt), then an avalanche step."""
    h = FNV_OFFSET ^ salt
    for c in data:
        h = ((h ^ c) * FNV_PRIME) & MASK64
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & MASK64
    h ^= h >> 33
    return h


class Tokenizer:
    """The workbench's hashing tokenizer: no vocabulary, every feature hashed into
    1..buckets-1 (0 is padding). Bag features (model "bag"): word unigrams, then word
    bigrams "w1 w2", then character n-grams of "<word>" (the whole marked word when it is
    not longer than n), keeping the first max_tokens. Sequence features (model
    "transformer"): one unigram id per word, at most max_tokens. Per-word results are
    cached: words repeat a lot, and hashing is pure Python."""

    _CACHE_LIMIT = 1 << 20

    def __init__(self, features, buckets, char_ngram, max_ids):
        self.features = features
        self.modulus = buckets - 1
        self.n = char_ngram
        self.cap = max_ids
        self._unigrams = {}
        self._bigrams = {}
        self._chars = {}

    def _bucket(self, data, salt):
        return 1 + hash_feature(data, salt) % self.modulus

    def _unigram(self, w):
        i = self._unigrams.get(w)
        if i is None:
            if len(self._unigrams) >= self._CACHE_LIMIT:
                self._unigrams.clear()
            i = self._unigrams[w] = self._bucket(w, UNIGRAM_SALT)
        return i

    def _bigram(self, pair):
        i = self._bigrams.get(pair)
        if i is None:
            if len(self._bigrams) >= self._CACHE_LIMIT:
                self._bigrams.clear()
            i = self._bigrams[pair] = self._bucket(pair, BIGRAM_SALT)
        return i

    def _char_ngrams(self, w):
        ids = self._chars.get(w)
        if ids is None:
            if len(self._chars) >= self._CACHE_LIMIT:
                self._chars.clear()
            n = self.n
            marked = b"<" + w + b">"
            if len(marked) <= n:
                ids = (self._bucket(marked, CHAR_SALT),)
            else:
                ids = tuple(self._bucket(marked[i:i + n], CHAR_SALT) for i in range(len(marked) - n + 1))
            self._chars[w] = ids
        return ids

    @staticmethod
    def words(text):
        data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
        return _WORD.findall(data.translate(_LOWER))

    def bag_ids(self, text):
        # bagIds() drops whatever comes after the cap: the first `cap` of unigrams +
        # bigrams + char n-grams, in that order (generated only as far as needed).
        words = self.words(text)
        cap = self.cap
        ids = [self._unigram(w) for w in words[:cap]]
        if len(ids) < cap:
            for i in range(1, len(words)):
                ids.append(self._bigram(words[i - 1] + b" " + words[i]))
                if len(ids) >= cap:
                    break
        if self.n > 0 and len(ids) < cap:
            for w in words:
                ids.extend(self._char_ngrams(w))
                if len(ids) >= cap:
                    break
            del ids[cap:]
        return ids

    def sequence_ids(self, text):
        return [self._unigram(w) for w in self.words(text)[:self.cap]]

    def ids(self, text):
        return self.bag_ids(text) if self.features == "bag" else self.sequence_ids(text)


# --------------------------------------------------------------------------------------
# Model files: core/ml/modelfile.cpp (readModelFile).
# --------------------------------------------------------------------------------------

FORMAT = "hyper-reward-model"
FORMAT_VERSION = "1"
MAX_HEADER = 16 << 20  # a real header is a few KB


def _whole(v):
    """A JSON whole number (not a boolean), else None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return None


class ModelFile:
    """A checked model file: metadata, config, architecture, tokenizer and tensors."""

    def __init__(self, path):
        self.path = path
        data = self._read(path)
        size = len(data)
        if size < 8:
            self._fail(f"not a model file ({size} bytes; a safetensors file starts with an 8-byte header length)")
        (n,) = struct.unpack_from("<Q", data, 0)
        if n > MAX_HEADER or n > size - 8:
            self._fail(f"not a model file, or truncated (its header length {n} does not fit the file's {size} bytes)")
        try:
            root = json.loads(bytes(data[8:8 + n]).decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as e:
            self._fail(f"not a model file (its header is not JSON: {e})")
        meta = root.get("__metadata__") if isinstance(root, dict) else None
        if not isinstance(meta, dict):
            self._fail("not a HyPER reward model (a safetensors file without __metadata__)")
        for k, v in meta.items():
            if not isinstance(v, str):
                self._fail(f"metadata entry '{k}' is not a string")
        self.metadata = meta
        if meta.get("format", "") != FORMAT:
            self._fail(f"not a HyPER reward model (metadata format '{meta.get('format', '')}', expected '{FORMAT}')")
        if meta.get("format_version", "") != FORMAT_VERSION:
            self._fail(f"model format version '{meta.get('format_version', '')}' is not supported "
                       f"(this script reads version {FORMAT_VERSION})")
        self._read_config()
        self._read_architecture()
        self._read_tokenizer()
        self._check_tokenizer_tests()
        self.tensors = self._read_tensors(root, data, 8 + n)
        self._check_tensor_set()

    @staticmethod
    def _read(path):
        try:
            with open(path, "rb") as f:
                return memoryview(f.read())
        except FileNotFoundError:
            raise ScoreError(f"{path}: no such file") from None
        except OSError as e:
            raise ScoreError(f"{path}: cannot be read ({e.strerror or e})") from None

    def _fail(self, message):
        raise ScoreError(f"{self.path}: {message}")

    def _json_meta(self, key, kind):
        text = self.metadata.get(key)
        if text is None:
            self._fail(f"metadata lacks '{key}'")
        try:
            value = json.loads(text)
        except (ValueError, RecursionError) as e:
            self._fail(f"bad {key} metadata (not JSON: {e})")
        if not isinstance(value, kind):
            self._fail(f"bad {key} metadata (not a JSON {'object' if kind is dict else 'list'})")
        return value

    def _read_config(self):
        c = self._json_meta("config", dict)
        model = c.get("model")
        if model not in ("bag", "transformer"):
            self._fail(f"bad model config: unknown model '{model}' (expected bag or transformer)")
        ints = {}
        for key in ("buckets", "char_ngram", "max_tokens"):
            if key not in c:
                self._fail(f"bad model config: config lacks '{key}'")
            ints[key] = _whole(c[key])
            if ints[key] is None:
                self._fail(f"bad model config: config '{key}' is not a whole number")
        if not 2 <= ints["buckets"] <= (1 << 26):
            self._fail("bad model config: hash buckets must be between 2 and 2^26")
        if not 0 <= ints["char_ngram"] <= 8:
            self._fail("bad model config: char n-gram length must be between 0 and 8")
        if ints["max_tokens"] < 1:
            self._fail("bad model config: max tokens must be positive")
        if self.metadata.get("model", "") != model:
            self._fail(f"metadata model '{self.metadata.get('model', '')}' disagrees with its config")
        self.model = model
        self.config = c
        self.buckets = ints["buckets"]
        self.char_ngram = ints["char_ngram"]
        self.max_tokens = ints["max_tokens"]

    def _read_architecture(self):
        a = self._json_meta("architecture", dict)
        if self.model == "bag":
            keys = ("dim", "hidden")
        else:
            keys = ("dim", "heads", "layers", "feed_forward", "max_tokens", "prompt_share", "layer_norm_eps")
        for key in keys:
            v = a.get(key)
            if key in ("prompt_share", "layer_norm_eps"):
                ok = isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and v >= 0
            else:
                ok = _whole(v) is not None and _whole(v) > 0
            if not ok:
                self._fail(f"bad architecture metadata: '{key}' is missing or not a valid number")
        if self.model == "transformer":
            if a.get("activation", "relu") != "relu":
                self._fail(f"architecture activation '{a.get('activation')}' is not supported (only relu)")
            if a.get("norm_first", False) is not False:
                self._fail("architecture norm_first true is not supported (only post-norm layers)")
            if _whole(a["dim"]) % _whole(a["heads"]) != 0:
                self._fail("bad architecture metadata: dim is not a multiple of heads")
            if _whole(a["max_tokens"]) != max(2, self.max_tokens):
                self._fail(f"architecture max_tokens {a['max_tokens']} disagrees with the config's "
                           f"max_tokens {self.max_tokens}")
        self.architecture = a

    def _read_tokenizer(self):
        # The spec is informational (the tests below are the proof), but it must describe
        # the tokenizer that the config implies.
        spec = self._json_meta("tokenizer", dict) if "tokenizer" in self.metadata else {}
        features = "bag" if self.model == "bag" else "sequence"
        expected = {"features": features, "buckets": self.buckets, "max_tokens": self.max_tokens,
                    "char_ngram": self.char_ngram if features == "bag" else 0}
        for key, want in expected.items():
            if key in spec and spec[key] != want:
                self._fail(f"tokenizer metadata '{key}' is {spec[key]!r}, but the config implies {want!r}")
        self.tokenizer = Tokenizer(features, self.buckets, self.char_ngram, self.max_tokens)

    def _check_tokenizer_tests(self):
        tests = self._json_meta("tokenizer_tests", list)
        if not tests:
            self._fail("bad tokenizer_tests metadata (no test vectors)")
        for t in tests:
            text = t.get("text") if isinstance(t, dict) else None
            ids = t.get("ids") if isinstance(t, dict) else None
            if not isinstance(text, str) or not isinstance(ids, list) or any(_whole(i) is None for i in ids):
                self._fail("bad tokenizer_tests metadata (an entry lacks text or ids)")
            if [_whole(i) for i in ids] != self.tokenizer.ids(text):
                self._fail(f"this script's tokenizer does not reproduce the file's test vectors (text {text!r}): "
                           "the model was written by an incompatible version")

    def _read_tensors(self, root, data, data_start):
        data_bytes = len(data) - data_start
        tensors = {}
        checksum = 0
        for name, t in root.items():
            if name == "__metadata__":
                continue
            if not isinstance(t, dict):
                self._fail(f"tensor '{name}' has a malformed header entry")
            dtype, shape, offsets = t.get("dtype"), t.get("shape"), t.get("data_offsets")
            if not isinstance(shape, list) or not isinstance(offsets, list) or len(offsets) != 2 or dtype is None:
                self._fail(f"tensor '{name}' has a malformed header entry")
            if dtype != "F32":
                kind = dtype if isinstance(dtype, str) else "?"
                self._fail(f"tensor '{name}' is {kind}; model files hold F32 tensors")
            dims = [_whole(d) for d in shape]
            begin, end = (_whole(o) for o in offsets)
            if any(d is None or d < 0 or d > (1 << 32) for d in dims) or begin is None or end is None \
                    or begin < 0 or end < begin:
                self._fail(f"tensor '{name}' has a malformed shape or byte range")
            numel = math.prod(dims)
            if end - begin != 4 * numel:
                self._fail(f"tensor '{name}' has {end - begin} bytes for its shape")
            if end > data_bytes:
                self._fail(f"truncated: tensor '{name}' ends at byte {data_start + end} of a {len(data)}-byte file")
            raw = data[data_start + begin:data_start + end]
            checksum += int(np.frombuffer(raw, dtype="<u4").sum(dtype=np.uint64))
            tensors[name] = np.frombuffer(raw, dtype="<f4").reshape(dims)
        # The data's checksum catches a damaged byte, which the header alone cannot.
        if "checksum" in self.metadata:
            if self.metadata["checksum"] != f"sum-u32:0x{checksum & MASK64:016x}":
                self._fail("corrupt: the weights do not match the file's checksum")
        return tensors

    def expected_shapes(self):
        """Tensor name -> shape, as the workbench's modules name their parameters."""
        a = self.architecture
        if self.model == "bag":
            dim, hidden = _whole(a["dim"]), _whole(a["hidden"])
            return {"table": [self.buckets, dim], "hidden.weight": [hidden, 3 * dim + 1], "hidden.bias": [hidden],
                    "out.weight": [1, hidden], "out.bias": [1]}
        dim, ff = _whole(a["dim"]), _whole(a["feed_forward"])
        shapes = {"tokens.weight": [self.buckets, dim], "positions.weight": [_whole(a["max_tokens"]), dim],
                  "segments.weight": [2, dim]}
        for layer in range(_whole(a["layers"])):
            p = f"encoder.layers.{layer}."
            shapes.update({
                p + "self_attn.in_proj_weight": [3 * dim, dim], p + "self_attn.in_proj_bias": [3 * dim],
                p + "self_attn.out_proj.weight": [dim, dim], p + "self_attn.out_proj.bias": [dim],
                p + "linear1.weight": [ff, dim], p + "linear1.bias": [ff],
                p + "linear2.weight": [dim, ff], p + "linear2.bias": [dim],
                p + "norm1.weight": [dim], p + "norm1.bias": [dim],
                p + "norm2.weight": [dim], p + "norm2.bias": [dim],
            })
        shapes.update({"out.weight": [1, dim], "out.bias": [1]})
        return shapes

    def _check_tensor_set(self):
        expected = self.expected_shapes()
        missing = [n for n in expected if n not in self.tensors]
        if missing:
            self._fail(f"tensor{'s' if len(missing) > 1 else ''} missing for a {self.model} model: "
                       + ", ".join(missing))
        extra = [n for n in self.tensors if n not in expected]
        if extra:
            self._fail(f"tensor{'s' if len(extra) > 1 else ''} not part of a {self.model} model: " + ", ".join(extra))
        for name, shape in expected.items():
            got = list(self.tensors[name].shape)
            if got != shape:
                self._fail(f"tensor '{name}' has shape {got}, expected {shape} for this model's config")


# --------------------------------------------------------------------------------------
# The models' forward passes: core/ml/models.cpp, in eval mode (no dropout).
# --------------------------------------------------------------------------------------

def _f64(a):
    return np.asarray(a, dtype=np.float64)


class BagModel:
    """r(prompt, response) = out(relu(hidden([p, r, p*r, log1p(n)]))), where p and r are
    the means of the embedding-table rows of the prompt's and response's bag ids (a zero
    vector for no ids) and n is the number of the response's ids."""

    def __init__(self, f):
        t = f.tensors
        self.table = t["table"]  # float32, rows gathered on demand
        self.dim = self.table.shape[1]
        self.w1, self.b1 = _f64(t["hidden.weight"]), _f64(t["hidden.bias"])
        self.w2, self.b2 = _f64(t["out.weight"]), _f64(t["out.bias"])

    def _mean(self, ids):
        if not ids:
            return np.zeros(self.dim)
        return self.table[np.asarray(ids, dtype=np.int64)].astype(np.float64).mean(axis=0)

    def score(self, prompts, responses):
        """prompts, responses: lists of id lists (one pair each); returns the scores."""
        p = np.stack([self._mean(ids) for ids in prompts])
        r = np.stack([self._mean(ids) for ids in responses])
        n = np.log1p(np.array([len(ids) for ids in responses], dtype=np.float64))[:, None]
        x = np.concatenate([p, r, p * r, n], axis=1)
        h = np.maximum(x @ self.w1.T + self.b1, 0.0)
        return (h @ self.w2.T + self.b2)[:, 0]


class TransformerModel:
    """A post-norm transformer encoder (PyTorch's TransformerEncoderLayer, ReLU) over
    [prompt; response] word ids with token + segment (0 prompt, 1 response) + position
    embeddings, mean-pooled over the non-padding positions, then a linear head. The
    prompt gets at most max(1, int(prompt_share * max_tokens)) positions, the response
    the rest. An empty sequence is one padding position (id 0, segment 0)."""

    # Attention weights per group of sequences, at most (float64: 32 MB).
    ATTENTION_BUDGET = 1 << 22

    def __init__(self, f):
        a, t = f.architecture, f.tensors
        self.dim = _whole(a["dim"])
        self.heads = _whole(a["heads"])
        self.max_tokens = _whole(a["max_tokens"])
        self.prompt_cap = max(1, int(float(a["prompt_share"]) * self.max_tokens))
        self.eps = float(a["layer_norm_eps"])
        self.tokens = t["tokens.weight"]  # float32, rows gathered on demand
        self.segments = _f64(t["segments.weight"])
        self.positions = _f64(t["positions.weight"])
        self.layers = []
        for layer in range(_whole(a["layers"])):
            p = f"encoder.layers.{layer}."
            self.layers.append({k: _f64(t[p + k]) for k in (
                "self_attn.in_proj_weight", "self_attn.in_proj_bias", "self_attn.out_proj.weight",
                "self_attn.out_proj.bias", "linear1.weight", "linear1.bias", "linear2.weight", "linear2.bias",
                "norm1.weight", "norm1.bias", "norm2.weight", "norm2.bias")})
        self.out_w, self.out_b = _f64(t["out.weight"]), _f64(t["out.bias"])

    def _norm(self, x, w, b):
        mean = x.mean(axis=-1, keepdims=True)
        var = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * w + b

    def _attention(self, x, key_bias, n, s, L):
        """Multi-head self-attention of x (n*s rows of width d), PyTorch's
        MultiheadAttention: q, k, v from one in_proj, softmax(q k^T / sqrt(head_dim) +
        key_bias) v per head, then out_proj. key_bias is -inf on padding keys."""
        d = x.shape[1]
        h, hd = self.heads, d // self.heads
        qkv = (x @ L["self_attn.in_proj_weight"].T + L["self_attn.in_proj_bias"]).reshape(n, s, 3, h, hd)
        q, k, v = qkv.transpose(2, 0, 3, 1, 4)  # each (n, heads, s, head_dim)
        scores = q @ k.transpose(0, 1, 3, 2)  # (n, heads, s, s)
        scores *= 1.0 / math.sqrt(hd)
        scores += key_bias[:, None, None, :]
        scores -= scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        o = (scores @ v).transpose(0, 2, 1, 3).reshape(n * s, d)
        return o @ L["self_attn.out_proj.weight"].T + L["self_attn.out_proj.bias"]

    def score(self, prompts, responses):
        """prompts, responses: lists of id lists (one pair each); returns the scores."""
        seqs = []
        for p, r in zip(prompts, responses):
            p_len = min(len(p), self.prompt_cap)
            r_len = min(len(r), self.max_tokens - p_len)
            seqs.append((p[:p_len] + r[:r_len], p_len))
        # Each sequence is scored on its own (padding positions are masked as keys and
        # left out of the pooling, as in the workbench), so the sequences can be grouped
        # by length: little padding, and a bounded attention matrix per group.
        order = sorted(range(len(seqs)), key=lambda i: len(seqs[i][0]))
        scores = np.empty(len(seqs))
        start = 0
        while start < len(order):
            end = start + 1
            while end < len(order):
                s = max(1, len(seqs[order[end]][0]))
                if (end + 1 - start) * self.heads * s * s > self.ATTENTION_BUDGET:
                    break
                end += 1
            group = order[start:end]
            scores[group] = self._encode([seqs[i] for i in group])
            start = end
        return scores

    def _encode(self, seqs):
        """Scores of (ids, prompt length) sequences, padded to the longest."""
        n = len(seqs)
        s = max(1, max(len(ids) for ids, _ in seqs))
        tok = np.zeros((n, s), dtype=np.int64)
        seg = np.zeros((n, s), dtype=np.int64)
        for b, (ids, p_len) in enumerate(seqs):
            tok[b, :len(ids)] = ids
            seg[b, p_len:len(ids)] = 1
        # Id 0 is padding; position 0 always stays visible (an empty sequence is one
        # padding position).
        keep = tok != 0
        keep[:, 0] = True
        key_bias = np.where(keep, 0.0, -np.inf)
        x = self.tokens[tok].astype(np.float64) + self.segments[seg] + self.positions[:s][None]
        x = x.reshape(n * s, -1)  # position-wise layers see rows
        for L in self.layers:
            # Post-norm (norm_first false): x = norm1(x + SA(x)); x = norm2(x + FF(x)).
            x = self._norm(x + self._attention(x, key_bias, n, s, L), L["norm1.weight"], L["norm1.bias"])
            ff = np.maximum(x @ L["linear1.weight"].T + L["linear1.bias"], 0.0) @ L["linear2.weight"].T \
                + L["linear2.bias"]
            x = self._norm(x + ff, L["norm2.weight"], L["norm2.bias"])
        # Mean over the positions that are not padding.
        k = keep.astype(np.float64)[..., None]
        pooled = (x.reshape(n, s, -1) * k).sum(axis=1) / np.maximum(k.sum(axis=1), 1.0)
        return (pooled @ self.out_w.T + self.out_b)[:, 0]


# --------------------------------------------------------------------------------------
# Reading pairs: core/io (rowsource.cpp, csvsource.cpp, formatspec.cpp, rowconverter.cpp,
# shapes.cpp, presets.cpp), without the label columns.
# --------------------------------------------------------------------------------------

class JsonNumber(str):
    """A JSON number kept as the literal text of the file (the workbench reads an id 7
    as "7" and 7.0 as "7.0")."""


def _reject_constant(name):
    raise ValueError(f"invalid literal {name}")


def _first_wins(pairs):
    obj = {}
    for k, v in pairs:
        obj.setdefault(k, v)
    return obj


_DECODER = json.JSONDecoder(object_pairs_hook=_first_wins, parse_int=JsonNumber, parse_float=JsonNumber,
                            parse_constant=_reject_constant)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_surrogate(v):
    """True when a string holds a lone surrogate: an invalid UTF-8 byte (decoded with
    surrogateescape) or an unpaired \\u escape, which the workbench's parser rejects."""
    if isinstance(v, str):
        return not isinstance(v, JsonNumber) and _SURROGATE.search(v) is not None
    if isinstance(v, list):
        return any(_has_surrogate(x) for x in v)
    if isinstance(v, dict):
        return any(_SURROGATE.search(k) or _has_surrogate(x) for k, x in v.items())
    return False


def _type_name(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "a boolean"
    if isinstance(v, JsonNumber):
        return "a number"
    if isinstance(v, str):
        return "a string"
    return "an array" if isinstance(v, list) else "an object"


def parse_json(text):
    """One strict JSON value; raises ValueError with a message."""
    try:
        value, end = _DECODER.raw_decode(text, len(text) - len(text.lstrip(" \t\r\n")))
    except json.JSONDecodeError as e:
        raise ValueError(f"malformed JSON at column {e.pos + 1}: {e.msg}") from None
    except RecursionError:
        raise ValueError("malformed JSON: nested too deeply") from None
    if text[end:].strip(" \t\r\n"):
        raise ValueError(f"malformed JSON at column {end + 1}: unexpected data after the value")
    if _has_surrogate(value):
        raise ValueError("invalid UTF-8 (or an unpaired surrogate in a \\u escape)")
    return value


def _object_row(value):
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object, got {_type_name(value)}")
    return value


class Row:
    """One record: value (a dict) when good, else error; line is where it starts."""

    __slots__ = ("line", "value", "error", "error_line")

    def __init__(self, line, value=None, error=None, error_line=None):
        self.line, self.value, self.error = line, value, error
        self.error_line = error_line if error_line is not None else line


def _open_content(path):
    """The file's bytes, gunzipped when it starts with the gzip magic (any name)."""
    try:
        with open(path, "rb") as f:
            magic = f.read(2)
        if magic == b"\x1f\x8b":
            return gzip.open(path, "rb")
        return open(path, "rb")
    except FileNotFoundError:
        raise ScoreError(f"{path}: no such file") from None
    except OSError as e:
        raise ScoreError(f"{path}: cannot be read ({e.strerror or e})") from None


def _lines(path):
    """(line number, bytes) for each line, without "\\n" or "\\r\\n"; a UTF-8 BOM at the
    start is dropped."""
    try:
        with _open_content(path) as f:
            for number, line in enumerate(f, start=1):
                if line.endswith(b"\n"):
                    line = line[:-1]
                if line.endswith(b"\r"):
                    line = line[:-1]
                if number == 1 and line.startswith(b"\xef\xbb\xbf"):
                    line = line[3:]
                yield number, line
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise ScoreError(f"{path}: cannot be read (corrupt or truncated gzip? {e})") from None


def _read_all(path):
    try:
        with _open_content(path) as f:
            data = f.read()
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise ScoreError(f"{path}: cannot be read (corrupt or truncated gzip? {e})") from None
    return data[3:] if data.startswith(b"\xef\xbb\xbf") else data


def _utf8_error(data):
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError as e:
        return f"invalid UTF-8 at byte {e.start + 1}"


def json_lines_rows(path):
    for number, line in _lines(path):
        if not line.strip(b" \t\r"):
            continue
        bad = _utf8_error(line)
        if bad:
            yield Row(number, error=bad)
            continue
        try:
            yield Row(number, _object_row(parse_json(line.decode("utf-8"))))
        except ValueError as e:
            yield Row(number, error=str(e))


def json_array_rows(path):
    """The elements of a top-level JSON array, each with the line it starts on. A
    malformed element is reported and skipped when its brackets balance, as the
    workbench does; a broken array structure is fatal."""
    text = _read_all(path).decode("utf-8", "surrogateescape")
    ws = " \t\r\n"
    i, n, line, counted = 0, len(text), 1, 0

    def line_at(pos):
        # Lines are counted incrementally: positions only move forward.
        nonlocal line, counted
        if pos > counted:
            line += text.count("\n", counted, pos)
            counted = pos
        return line

    def skip(pos):
        while pos < n and text[pos] in ws:
            pos += 1
        return pos

    def fatal(pos, message):
        raise located(path, line_at(pos), message)

    i = skip(i)
    if i >= n:
        return
    if text[i] != "[":
        fatal(i, "expected '[' at the start: a .json file must hold an array of objects")
    i = skip(i + 1)
    if i < n and text[i] == "]":
        i = skip(i + 1)
    else:
        while True:
            if i >= n:
                fatal(i, "unexpected end of file: the array is not closed")
            start_line = line_at(i)
            try:
                value, end = _DECODER.raw_decode(text, i)
                error = None
            except (ValueError, RecursionError) as e:
                # Skip the element by its brackets, as the workbench's scanner does.
                end = _scan_element(text, i)
                if end is None:
                    fatal(i, f"unexpected end of file inside the element that starts on line {start_line}")
                value = None
                if isinstance(e, json.JSONDecodeError):
                    error = (f"malformed JSON: {e.msg}", line_at(min(max(e.pos, i), end)))
                elif isinstance(e, ValueError):
                    error = (f"malformed JSON: {e}", start_line)
                else:
                    error = ("malformed JSON: nested too deeply", start_line)
            if error is None and not isinstance(value, dict):
                error = (f"expected a JSON object, got {_type_name(value)}", start_line)
            if error is None and _has_surrogate(value):
                error = ("invalid UTF-8 (or an unpaired surrogate in a \\u escape)", start_line)
            row = Row(start_line, value) if error is None else Row(start_line, error=error[0], error_line=error[1])
            yield row
            i = skip(end)
            if i < n and text[i] == ",":
                i = skip(i + 1)
                if i < n and text[i] == "]":
                    fatal(i, "expected a value after ','")
                continue
            if i < n and text[i] == "]":
                i = skip(i + 1)
                break
            if i >= n:
                fatal(i, "unexpected end of file: the array is not closed")
            fatal(i, f"expected ',' or ']' after the element that starts on line {start_line}")
    if i < n:
        fatal(i, "unexpected data after the closing ']'")


def _scan_element(text, i):
    """The end of the element starting at i by strings and bracket depth only (the
    workbench's resynchronising scanner), or None at the end of the text."""
    n = len(text)
    if text[i] not in "{[\"":
        j = i
        while j < n and text[j] not in ",] \t\r\n":
            j += 1
        return j
    depth, in_string, escape = 0, False, False
    for j in range(i, n):
        c = text[j]
        if in_string:
            if escape:
                escape = False
            elif c == "\\":
                escape = True
            elif c == '"':
                in_string = False
                if depth == 0:
                    return j + 1
        elif c == '"':
            in_string = True
        elif c in "{[":
            depth += 1
        elif c in "}]" and depth > 0:
            depth -= 1
            if depth == 0:
                return j + 1
    return None


def sniff_delimiter(line):
    """The delimiter of a header line, as the workbench picks it: the most frequent of
    tab, comma and semicolon outside quotes (ties prefer tab, then comma)."""
    counts = {0x09: 0, 0x2C: 0, 0x3B: 0}
    in_quotes = False
    for c in line:
        if c == 0x22:
            in_quotes = not in_quotes
        elif not in_quotes and c in counts:
            counts[c] += 1
    tabs, commas, semicolons = counts[0x09], counts[0x2C], counts[0x3B]
    if tabs > 0 and tabs >= commas and tabs >= semicolons:
        return 0x09
    if semicolons > commas:
        return 0x3B
    return 0x2C


def csv_rows(path):
    """Delimited text with a header row, as the workbench reads it: tab, comma or
    semicolon (sniffed from the header line), every cell a string, quoted fields may span
    lines, a doubled quote inside quotes is one quote."""
    delimiter = 0x2C
    for _, first_line in _lines(path):
        if first_line.strip(b" \t\r"):
            delimiter = sniff_delimiter(first_line)
            break
    lines = _lines(path)

    def record():
        for number, line in lines:
            if line:
                break
        else:
            return None
        row = Row(number)
        fields, field = [], bytearray()
        in_quotes = quoted = after_close = False
        while True:
            if row.error is None and _utf8_error(line):
                row.error, row.error_line = _utf8_error(line), number
            i, size = 0, len(line)
            while i < size:
                c = line[i]
                if in_quotes:
                    if c != 0x22:
                        q = line.find(b'"', i)
                        stop = size if q < 0 else q
                        field += line[i:stop]
                        i = stop
                        continue
                    if i + 1 < size and line[i + 1] == 0x22:
                        field.append(0x22)
                        i += 1
                    else:
                        in_quotes, after_close = False, True
                elif c == delimiter:
                    fields.append(bytes(field))
                    field = bytearray()
                    quoted = after_close = False
                elif c == 0x22 and not field and not quoted:
                    in_quotes = quoted = True
                else:
                    if after_close and row.error is None:
                        row.error = f"unexpected character after a closing quote at column {i + 1}"
                        row.error_line = number
                    field.append(c)
                i += 1
            if not in_quotes:
                break
            nxt = next(lines, None)
            if nxt is None:
                raise located(path, row.line,
                              "unterminated quoted field (the quote opened on this line is never closed)")
            number, line = nxt
            field.append(0x0A)
        fields.append(bytes(field))
        return row, [f.decode("utf-8", "surrogateescape") for f in fields]

    first = record()
    if first is None:
        return
    header_row, names = first
    if header_row.error:
        raise located(path, header_row.error_line, header_row.error)
    header, seen = [], set()
    for i, name in enumerate(names):
        name = name or f"column_{i + 1}"
        unique, k = name, 2
        while unique in seen:
            unique, k = f"{name}_{k}", k + 1
        seen.add(unique)
        header.append(unique)
    while (rec := record()) is not None:
        row, fields = rec
        if row.error is None and len(fields) != len(header):
            row.error = f"expected {len(header)} fields as in the header, got {len(fields)}"
            row.error_line = row.line
        if row.error is None:
            row.value = dict(zip(header, fields))
        yield row


def open_rows(path):
    """Chooses the reader as the workbench does: by the name (.csv, .jsonl, .ndjson,
    each with or without .gz), else by the first non-blank character ('[': a JSON
    array; '{' or a .json name: JSON Lines; else CSV)."""
    name = path.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith(".csv") or name.endswith(".tsv") or name.endswith(".tab"):
        return csv_rows(path)
    if name.endswith(".jsonl") or name.endswith(".ndjson"):
        return json_lines_rows(path)
    head = _read_head(path)
    if head == "[":
        return json_array_rows(path)
    if head == "{" or name.endswith(".json"):
        return json_lines_rows(path)
    return csv_rows(path)


def _read_head(path):
    try:
        with _open_content(path) as f:
            chunk = f.read(1 << 16)
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise ScoreError(f"{path}: cannot be read (corrupt or truncated gzip? {e})") from None
    if chunk.startswith(b"\xef\xbb\xbf"):
        chunk = chunk[3:]
    stripped = chunk.lstrip(b" \t\r\n")
    return chr(stripped[0]) if stripped else ""


# --- Formats and fields (formatspec.cpp) ---------------------------------------------

FIELDS = ("id", "prompt", "input", "response_a", "response_b", "model_a", "model_b",
          "source", "category", "chosen", "rejected", "split")

GENERIC_COLUMNS = {
    "id": ["id", "idx", "comparison_id", "prompt_id", "question_id", "uid"],
    "prompt": ["prompt", "instruction", "query", "question", "text", "input"],
    "input": ["input"],
    "response_a": ["response_a", "response1", "response_1", "output_1", "answer_1", "answer_a", "completion_a"],
    "response_b": ["response_b", "response2", "response_2", "output_2", "answer_2", "answer_b", "completion_b"],
    "model_a": ["model_a", "model_1", "model1"],
    "model_b": ["model_b", "model_2", "model2"],
    "source": ["source"],
    "category": ["category", "subset"],
    "chosen": ["chosen"],
    "rejected": ["rejected"],
    "split": [],
}

# Each preset narrows the generic columns. "pairs" is the chosen/rejected shape.
PRESETS = {
    "multipref": {"id": ["comparison_id", "prompt_id"], "prompt": ["text", "prompt"], "input": [],
                  "response_a": ["completion_a"], "response_b": ["completion_b"],
                  "model_a": ["model_a"], "model_b": ["model_b"]},
    "pandalm": {"id": ["idx"], "prompt": ["instruction"], "response_a": ["response1"], "response_b": ["response2"],
                "category": ["motivation_app"]},
    "llmbar": {"id": [], "prompt": ["input"], "input": [], "response_a": ["output_1"], "response_b": ["output_2"]},
    "prd": {"id": [], "prompt": ["question"], "response_a": ["answer_1"], "response_b": ["answer_2"],
            "model_a": ["model_1"], "model_b": ["model_2"]},
    "llmeval2": {"id": ["idx"], "prompt": ["query"], "response_a": ["response1"], "response_b": ["response2"],
                 "category": ["dataset"]},
    "lfqa": {"prompt": ["question"], "response_a": ["answer_a"], "response_b": ["answer_b"],
             "model_a": ["answer_a_type"], "model_b": ["answer_b_type"]},
    "evalbiasbench": {"prompt": ["instruction"], "response_a": ["response1"], "response_b": ["response2"],
                      "category": ["bias"]},
    "hhh": {"id": ["idx"], "prompt": ["prompt"], "input": [], "category": ["subset"]},
    "pairs": {"prompt": ["prompt", "instruction", "query", "question"], "input": []},
    "generic": {},
}
PAIRS_SHAPED = ("pairs", "hhh")


def _has_all(row, keys):
    return all(k in row for k in keys)


def detect_format(row, mapping):
    """The format whose key signature the first record matches ("" when none does)."""
    if "chosen" in mapping or "rejected" in mapping:
        return "pairs"
    if "normal_worker_annotations" in row or "expert_worker_annotations" in row:
        return "multipref"
    if _has_all(row, ("instruction", "response1", "response2", "human_labels")):
        return "pandalm"
    if _has_all(row, ("input", "output_1", "output_2", "gold_label")):
        return "llmbar"
    if _has_all(row, ("question", "answer_1", "answer_2")) and ("human_scores" in row or "llm_scores" in row):
        return "prd"
    if _has_all(row, ("query", "response1", "response2", "label")):
        return "llmeval2"
    if _has_all(row, ("question", "answer_a", "answer_b", "overall_preference")):
        return "lfqa"
    if _has_all(row, ("instruction", "response1", "response2", "label")):
        return "evalbiasbench"
    if _has_all(row, ("prompt", "chosen", "rejected", "subset")):
        return "hhh"
    if _has_all(row, ("chosen", "rejected")):
        return "pairs"
    for f in ("prompt", "response_a", "response_b"):
        if f not in mapping and not any(c in row for c in GENERIC_COLUMNS[f]):
            return ""
    return "generic"


def file_stem(path):
    """"data/hh.jsonl.gz" -> "hh" (the default source of generic and pairs data)."""
    name = os.path.basename(path)
    if name.lower().endswith(".gz"):
        name = name[:-3]
    dot = name.rfind(".")
    return name[:dot] if dot > 0 else name


class FormatSpec:
    """The candidate columns of each field for one format, with --map applied."""

    def __init__(self, name, mapping, stem):
        if name not in PRESETS:
            raise UsageError(f"unknown format '{name}' (known: auto, {', '.join(PRESETS)})")
        self.name = name
        self.pairs = name in PAIRS_SHAPED
        self.columns = {f: list(c) for f, c in GENERIC_COLUMNS.items()}
        self.columns.update({f: list(c) for f, c in PRESETS[name].items()})
        self.default_source = stem if name in ("generic", "pairs") else name
        self.mapped = set()
        self.label_columns = []  # label columns named by --map: only checked to exist
        for key, column in mapping.items():
            if key == "human" or key.startswith("human:") or key.startswith("lm:"):
                if key.startswith("lm:") and not key[3:]:
                    raise UsageError("--map lm:JUDGE=COLUMN needs a judge name")
                if not column:
                    raise UsageError(f"--map {key}= needs a column")
                self.label_columns.append(column)
                continue
            if key not in FIELDS:
                raise UsageError(f"unknown --map field '{key}' (known: {', '.join(FIELDS)}, "
                                 "human, human:ANNOTATOR, lm:JUDGE)")
            if key in ("chosen", "rejected") and not self.pairs:
                raise UsageError(f"--map {key} applies only to the formats pairs and hhh, not {name}")
            self.columns[key] = [column] if column else []
            self.mapped.add(key)

    def missing_mapped_columns(self, row):
        missing = [c for f in FIELDS if f in self.mapped for c in self.columns[f] if c not in row]
        return missing + [c for c in self.label_columns if c not in row]


# --- Record conversion (rowconverter.cpp, shapes.cpp, presets.cpp) --------------------

def compact_json(v):
    """v as compact JSON, numbers as written in the file (jsonvalue.cpp appendJson)."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, JsonNumber):
        return str.__str__(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ",".join(compact_json(x) for x in v) + "]"
    return "{" + ",".join(json.dumps(k, ensure_ascii=False) + ":" + compact_json(x) for k, x in v.items()) + "}"


def scalar_text(v):
    """Strings as they are, numbers as written, true/false, null as "", arrays and
    objects as compact JSON."""
    if v is None:
        return ""
    if isinstance(v, str):
        return str.__str__(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    return compact_json(v)


def take_first(row, columns):
    """(column, value) of the first column present and not null, or (None, None)."""
    for c in columns:
        if row.get(c) is not None:
            return c, row[c]
    return None, None


def _trimmed(s):
    return s.strip(" \t\r\n")


def _looked_for(columns):
    return ", ".join(columns)


def as_array(v):
    """v when it is a list; a string holding a JSON array (as CSV cells do) parsed."""
    if isinstance(v, list):
        return v
    if not isinstance(v, str) or isinstance(v, JsonNumber):
        return None
    stripped = v.lstrip(" \t")
    if not stripped.startswith("["):
        return None
    try:
        parsed = parse_json(v)
    except ValueError:
        return None
    return parsed if isinstance(parsed, list) else None


def message_list(v):
    """v as a list of chat messages, or None when it is text. A string is a message list
    only when it holds a JSON array of {"role", ...} objects."""
    if isinstance(v, list):
        return v
    items = as_array(v)
    if not items or not all(isinstance(m, dict) and "role" in m for m in items):
        return None
    return items


def _role(m):
    r = m.get("role")
    return scalar_text(r).translate(_LOWER_STR) if r is not None else ""


_LOWER_STR = {c: c + 32 for c in range(65, 91)}


def content_text(c):
    """A message's content: a string, or a list of parts ({"type":"text","text":...} or
    strings) joined by newlines."""
    if c is None:
        return ""
    if not isinstance(c, list):
        return scalar_text(c)
    out = ""
    for part in c:
        t = part.get("text") if isinstance(part, dict) else part
        if isinstance(t, str) and not isinstance(t, JsonNumber):
            out += ("" if not out else "\n") + t
    return out


def split_messages(items, column):
    """(prompt, response): the turns before the last assistant message, and its content."""
    last = None
    for i in range(len(items) - 1, -1, -1):
        if not isinstance(items[i], dict):
            raise RowError(f"'{column}' is a list whose items are not {{\"role\", \"content\"}} objects")
        if last is None and _role(items[i]) == "assistant":
            last = i
    if last is None:
        raise RowError(f"'{column}' has no assistant message")
    response = content_text(items[last].get("content"))
    if last == 1 and _role(items[0]) == "user":
        return content_text(items[0].get("content")), response
    prompt = ""
    for m in items[:last]:
        role = _role(m)
        if role:  # the first byte upper-cased as the workbench does it ('a'..'z' -> 'A'..'Z')
            raw = role.encode("utf-8", "surrogateescape")
            role = (bytes([(raw[0] - 0x61 + 0x41) & 0xFF]) + raw[1:]).decode("utf-8", "surrogateescape")
        if prompt:
            prompt += "\n\n"
        prompt += role + ": " + content_text(m.get("content"))
    return prompt, response


ASSISTANT_TURN = "\n\nAssistant:"


class Record:
    __slots__ = ("line", "id", "prompt", "a", "b")


class Converter:
    """Turns a record into (id, prompt, response A, response B) as the importer does."""

    def __init__(self, spec):
        self.spec = spec

    def _text(self, row, field, required):
        cols = self.spec.columns[field]
        _, v = take_first(row, cols)
        if v is None:
            if not required:
                return ""
            looked = f"looked for: {_looked_for(cols)}" if cols else "no column is mapped to it"
            raise RowError(f"missing field '{field}' ({looked})")
        return scalar_text(v)

    def _pairs(self, row):
        spec = self.spec

        def missing(field):
            return RowError(f"missing field '{field}' (looked for: {_looked_for(spec.columns[field])})")

        chosen_col, chosen = take_first(row, spec.columns["chosen"])
        rejected_col, rejected = take_first(row, spec.columns["rejected"])
        if chosen is None:
            raise missing("chosen")
        if rejected is None:
            raise missing("rejected")
        chosen_list, rejected_list = message_list(chosen), message_list(rejected)
        derived = None
        if chosen_list is not None or rejected_list is not None:
            if chosen_list is None or rejected_list is None:
                raise RowError(f"'{chosen_col}' and '{rejected_col}' must both be message lists or both be text")
            derived, a = split_messages(chosen_list, chosen_col)
            _, b = split_messages(rejected_list, rejected_col)
        else:
            a, b = scalar_text(chosen), scalar_text(rejected)
        _, p = take_first(row, spec.columns["prompt"])
        if p is not None:
            return scalar_text(p), a, b
        if derived is not None:
            return derived, a, b
        if ASSISTANT_TURN in a:
            # HH-RLHF: both texts are whole dialogues; the prompt is their shared prefix up
            # to and including the last "\n\nAssistant:" inside it.
            common = 0
            limit = min(len(a), len(b))
            while common < limit and a[common] == b[common]:
                common += 1
            at = a.rfind(ASSISTANT_TURN, 0, common)
            if at < 0:
                raise RowError(f"cannot split the transcripts: '{chosen_col}' and '{rejected_col}' "
                               "share no \"\\n\\nAssistant:\" turn")
            cut = at + len(ASSISTANT_TURN)
            return a[:cut], a[cut:].lstrip(" \n\t\r"), b[cut:].lstrip(" \n\t\r")
        raise missing("prompt")

    def convert(self, row, line):
        spec = self.spec
        rec = Record()
        rec.line = line
        if spec.pairs:
            rec.prompt, rec.a, rec.b = self._pairs(row)
        else:
            rec.prompt = self._text(row, "prompt", True)
            rec.a = self._text(row, "response_a", True)
            rec.b = self._text(row, "response_b", True)
        prompt_column, _ = take_first(row, spec.columns["prompt"])
        # instruction + input, as Alpaca-style data sets split a prompt.
        for c in spec.columns["input"]:
            if c == prompt_column:
                continue
            if c in row:
                s = scalar_text(row[c])
                if _trimmed(s):
                    rec.prompt += "\n\n" + s
                break
        # As the importer: an empty row is no pair.
        if not _trimmed(rec.prompt) and not _trimmed(rec.a) and not _trimmed(rec.b):
            raise RowError("empty row (no prompt and no responses)")
        rec.id = self._text(row, "id", False) or str(line)
        model_a = self._text(row, "model_a", False)
        model_b = self._text(row, "model_b", False)
        source = self._text(row, "source", False) or spec.default_source
        split = _trimmed(self._text(row, "split", False)).translate(_LOWER_STR)
        if split and split not in ("train", "eval", "test", "validation", "dev"):
            raise RowError(f"unknown split value '{split}' (expected train or eval)")
        if "id" not in spec.mapped:
            if spec.name == "llmbar" and "idx" in row:
                # idx restarts in every subset, so the subset makes it unique.
                rec.id = (source + "/" if source else "") + scalar_text(row["idx"])
            elif spec.name == "prd" and "question_id" in row:
                rec.id = scalar_text(row["question_id"]) + "/" + model_a + "/" + model_b
        return rec


def check_options(fmt, mapping):
    """Refuses a bad --format or --map before anything is read (raises UsageError)."""
    requested = fmt.strip().lower()
    if requested in ("", "auto"):
        requested = "pairs" if detect_format({}, mapping) == "pairs" else "generic"
    FormatSpec(requested, mapping, "")


def read_records(path, fmt, mapping, skip_bad, report):
    """Yields Records in file order. Bad records raise ScoreError, or with skip_bad are
    passed to report(line, message) and skipped."""
    requested = fmt.strip().lower()
    automatic = requested in ("", "auto")
    stem = file_stem(path)
    check_options(fmt, mapping)
    rows = open_rows(path)
    pending = []
    first = None
    for row in rows:
        if row.error is None:
            first = row
            break
        if not skip_bad:
            raise located(path, row.error_line, row.error)
        pending.append(row)
    if first is None and not pending:
        raise located(path, 1, "file is empty (no rows)")
    if first is None and automatic:
        raise located(path, pending[0].error_line,
                      f"no readable row to detect the format from (first error: {pending[0].error})")
    if automatic:
        name = detect_format(first.value, mapping)
        if not name:
            raise located(path, first.line,
                          f"cannot detect the format from the keys of the first record ({', '.join(first.value)}); "
                          f"use --format (one of: {', '.join(PRESETS)}) or --map prompt=, response_a=, response_b=")
    else:
        name = requested
    spec = FormatSpec(name, mapping, stem)
    if first is not None:
        missing = spec.missing_mapped_columns(first.value)
        if missing:
            raise located(path, first.line, f"column '{missing[0]}' named in --map is not in the file "
                                             f"(columns: {', '.join(first.value)})")
        pending.append(first)
    converter = Converter(spec)

    def handle(row):
        if row.error is not None:
            if not skip_bad:
                raise located(path, row.error_line, row.error)
            report(row.error_line, row.error)
            return None
        try:
            return converter.convert(row.value, row.line)
        except RowError as e:
            if not skip_bad:
                raise located(path, row.line, str(e)) from None
            report(row.line, str(e))
            return None

    for row in pending:
        rec = handle(row)
        if rec is not None:
            yield rec
    for row in rows:
        rec = handle(row)
        if rec is not None:
            yield rec


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------

def format_score(v):
    """A float32 score with 9 significant digits (round-trips exactly), as the workbench
    writes it; non-finite values as Python's json writes them."""
    v = float(np.float32(v))
    if math.isfinite(v):
        return f"{v:.9g}"
    return "NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity")


def score_batch(model, tokenizer, records):
    """The output lines of some records: {"id", "score_a", "score_b"}, compact, in
    this key order (as hyper score writes them)."""
    prompts = [tokenizer.ids(r.prompt) for r in records]  # shared by both responses
    a = model.score(prompts, [tokenizer.ids(r.a) for r in records])
    b = model.score(prompts, [tokenizer.ids(r.b) for r in records])
    return [f'{{"id":{json.dumps(r.id, ensure_ascii=False)},'
            f'"score_a":{format_score(x)},"score_b":{format_score(y)}}}\n'
            for r, x, y in zip(records, a, b)]


def parse_args(argv):
    p = argparse.ArgumentParser(
        prog=PROG,
        allow_abbrev=False,
        description="Score preference pairs with a reward model saved by HyPER Workbench (hyper train-rm "
                    "--model-out), with Python and numpy only. Writes one JSON line per pair: "
                    '{"id", "score_a", "score_b"}, the same as hyper score --input.',
        epilog="The pairs file is read as the workbench importer reads it (JSON Lines, a JSON array, CSV, "
               "optionally gzip; format detection; --map). See the docstring at the top of this script for "
               "the columns and the model file format.")
    p.add_argument("pairs", metavar="PAIRS", help="the pairs file (.jsonl, .json, .csv, optionally .gz)")
    p.add_argument("--model", required=True, metavar="MODEL", help="the model file (.safetensors)")
    p.add_argument("--out", metavar="SCORES", help="write the scores here (atomically: not created on an "
                                                     "error) instead of to stdout")
    p.add_argument("--batch", type=int, metavar="N",
                   help="pairs read and scored at a time (default 512, as the workbench's evaluation batch); "
                        "the scores do not depend on it")
    p.add_argument("--format", default="auto", metavar="NAME",
                   help=f"auto (default) or one of: {', '.join(PRESETS)}")
    p.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                   help="take FIELD from COLUMN (repeatable); FIELD: " + ", ".join(FIELDS))
    p.add_argument("--id", metavar="COLUMN", help="short for --map id=COLUMN")
    p.add_argument("--prompt", metavar="COLUMN", help="short for --map prompt=COLUMN")
    p.add_argument("--a", metavar="COLUMN", help="short for --map response_a=COLUMN")
    p.add_argument("--b", metavar="COLUMN", help="short for --map response_b=COLUMN")
    p.add_argument("--skip-bad-rows", action="store_true",
                   help="score the good rows, report the bad ones on stderr")
    args = p.parse_args(argv)
    if args.batch is not None and args.batch < 1:
        p.error("--batch must be at least 1")
    mapping = {}
    for m in args.map:
        key, eq, column = m.partition("=")
        if not eq or not key.strip():
            p.error(f"--map needs FIELD=COLUMN, got '{m}'")
        mapping[key.strip()] = column.strip()
    for field, column in (("id", args.id), ("prompt", args.prompt), ("response_a", args.a), ("response_b", args.b)):
        if column is not None:
            if field in mapping and mapping[field] != column:
                p.error(f"--map {field}= and its short option disagree")
            mapping[field] = column
    args.mapping = mapping
    return p, args


def main(argv=None):
    parser, args = parse_args(sys.argv[1:] if argv is None else argv)
    skipped = 0

    def report(line, message):
        nonlocal skipped
        skipped += 1
        print(f"{PROG}: {args.pairs}:{line}: skipped: {message}", file=sys.stderr)

    out = None
    tmp_path = None
    try:
        check_options(args.format, args.mapping)
        model_file = ModelFile(args.model)
        model = BagModel(model_file) if model_file.model == "bag" else TransformerModel(model_file)
        tokenizer = model_file.tokenizer
        batch_size = args.batch or 512
        if not os.path.exists(args.pairs):
            raise ScoreError(f"{args.pairs}: no such file")
        records = read_records(args.pairs, args.format, args.mapping, args.skip_bad_rows, report)
        if args.out:
            # Written next to the target and renamed over it at the end: on an error the
            # scores file is neither created nor replaced.
            try:
                fd, tmp_path = tempfile.mkstemp(prefix=".score_rm.", suffix=".part",
                                                dir=os.path.dirname(os.path.abspath(args.out)))
            except OSError as e:
                raise ScoreError(f"{args.out}: cannot write ({e.strerror or e})") from None
            out = os.fdopen(fd, "wb")
        else:
            out = sys.stdout.buffer
        batch = []
        for rec in records:
            batch.append(rec)
            if len(batch) >= batch_size:
                out.write("".join(score_batch(model, tokenizer, batch)).encode("utf-8", "surrogateescape"))
                batch = []
        if batch:
            out.write("".join(score_batch(model, tokenizer, batch)).encode("utf-8", "surrogateescape"))
        out.flush()
        if tmp_path:
            out.close()
            os.replace(tmp_path, args.out)
            tmp_path = None
    except UsageError as e:
        parser.print_usage(sys.stderr)
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except ScoreError as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        raise
    except OSError as e:
        print(f"{PROG}: {args.out or 'stdout'}: cannot write ({e.strerror or e})", file=sys.stderr)
        return 1
    finally:
        if tmp_path:
            try:
                out.close()
            finally:
                os.unlink(tmp_path)
    if skipped:
        print(f"{PROG}: {args.pairs}: {skipped} bad row{'s' if skipped > 1 else ''} skipped", file=sys.stderr)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except BrokenPipeError:
        # The reader went away (e.g. | head): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(1)
