#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes tests/data/stem/porter_golden.tsv: English words with the stems NLTK's
PorterStemmer gives them in its default mode (NLTK_EXTENSIONS, the one rouge_score uses)
and in ORIGINAL_ALGORITHM mode (the 1980 paper). tst_features checks
hyper::features::porterStem against both, word by word (issue 20, item 4).

Run once, from the repository root, with Debian's NLTK (apt install python3-nltk; no
PyPI) and the shared real data beside the repository (../shared/data/real):

    /usr/bin/python3 tests/data/stem/make_golden.py

The words: the tokens longer than three characters (the ones rouge_score stems), but
those of digits only (which no rule changes),
of the real data's texts, tokenized as rouge_score does (lower case, runs of a-z0-9):
those that occur at least 20 times, and those that occur twice or more and that the two
modes stem differently; plus the paper's examples and NLTK's irregular forms.
"""
import collections
import gzip
import json
import pathlib
import re

from nltk.stem.porter import PorterStemmer

HERE = pathlib.Path(__file__).resolve().parent
REAL = HERE.parents[3] / "shared" / "data" / "real"

# The paper's examples and words that exercise each rule of either mode.
EXTRA = """caresses ponies ties caress cats feed agreed plastered bled motoring sing conflated
troubled sized hopping tanned falling hissing fizzed failing filing happy sky relational
conditional rational valenci hesitanci digitizer conformabli radicalli differentli vileli
analogousli vietnamization predication operator feudalism decisiveness hopefulness
callousness formaliti sensitiviti sensibiliti triplicate formative formalize electriciti
electrical hopeful goodness revival allowance inference airliner gyroscopic adjustable
defensible irritant replacement adjustment dependent adoption homologou communism activate
angulariti homologous effective bowdlerize probate rate cease controll roll skies dying
lying tying news innings inning outings outing cannings canning howe proceed exceed
succeed dies died tied lied spied cried enjoy enjoyment biology archaeology hopefulli
generalli using owed anew 1990s mp3s covid19 abc123ing x86s 4ever 2023""".split()


def texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from texts(v)
    elif isinstance(value, list):
        for v in value:
            yield from texts(v)


def main():
    counts = collections.Counter()
    for path in sorted(REAL.glob("*.jsonl*")):
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as f:
            for line in f:
                for text in texts(json.loads(line)):
                    for token in re.sub(r"[^a-z0-9]+", " ", text.lower()).split():
                        if len(token) > 3 and not token.isdigit():
                            counts[token] += 1
    nltk = PorterStemmer()  # mode NLTK_EXTENSIONS
    original = PorterStemmer(PorterStemmer.ORIGINAL_ALGORITHM)
    # Every word the two modes stem differently, and the common ones (at least 20 times).
    words = sorted({w for w, n in counts.items() if n >= 20 or (n >= 2 and nltk.stem(w) != original.stem(w))}
                   | set(EXTRA))
    out = HERE / "porter_golden.tsv"
    differ = 0
    with open(out, "w", encoding="ascii") as f:
        f.write("# word\tNLTK_EXTENSIONS\tORIGINAL_ALGORITHM (nltk 3.8, tests/data/stem/make_golden.py)\n")
        for w in words:
            a, b = nltk.stem(w), original.stem(w)
            differ += a != b
            f.write(f"{w}\t{a}\t{b}\n")
    print(f"{out}: {len(words)} words, {differ} stemmed differently by the two modes")


if __name__ == "__main__":
    main()
