#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the fuzz targets' seed corpus (tests/fuzz/corpus/TARGET) from the test fixtures
in tests/data. Run it again after adding fixtures; it replaces the corpus folders.
Each file is named by the SHA-1 of its bytes, so the same seed is never kept twice.

    /usr/bin/python3 tests/fuzz/make_corpus.py
"""
import gzip
import hashlib
import json
import pathlib
import shutil

HERE = pathlib.Path(__file__).resolve().parent
DATA = HERE.parent / "data"
IMPORT = DATA / "import"
PPM = DATA / "ppm"
# Seeds stay small: libFuzzer's inputs grow from them (its default -max_len follows the
# largest seed).
MAX_SEED = 4096


def write(target, data):
    if len(data) > MAX_SEED:
        return
    folder = HERE / "corpus" / target
    folder.mkdir(parents=True, exist_ok=True)
    (folder / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def fixtures(*suffixes):
    return sorted(p for p in IMPORT.iterdir() if p.name.endswith(suffixes))


def lines_of(path):
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError):
            return []
    return [line for line in data.split(b"\n") if line.strip()]


def score_csv(path, rows=12):
    """A PPM CSV fixture cut to a few rows, with its target column named Overall."""
    lines = path.read_text().splitlines()[: rows + 1]
    header = lines[0].split(",")
    header = ["Overall" if h == "y" else h for h in header]
    return ("\n".join([",".join(header)] + lines[1:]) + "\n").encode()


def main():
    for target in ("json", "lines", "csv", "rows", "converter", "scorecsv"):
        shutil.rmtree(HERE / "corpus" / target, ignore_errors=True)

    # json: every record of the JSON Lines fixtures, each JSON array fixture whole.
    for p in fixtures(".jsonl", ".jsonl.gz"):
        for line in lines_of(p):
            write("json", line)
    for p in fixtures(".json"):
        write("json", p.read_bytes())

    # lines: every fixture as it is (gzip ones included), and the PPM CSVs cut short.
    for p in fixtures(".jsonl", ".json", ".csv", ".gz"):
        write("lines", p.read_bytes())
    write("lines", b"a\r\nb\n\xef\xbb\xbfc\rd")

    # csv: the delimited fixtures and the PPM CSVs, also with tabs and semicolons.
    for p in fixtures(".csv"):
        write("csv", p.read_bytes())
    for p in sorted(PPM.glob("*.csv")):
        text = score_csv(p, 6)
        write("csv", text)
        write("csv", text.replace(b",", b"\t"))
        write("csv", text.replace(b",", b";"))

    # rows: the JSON Lines and JSON array fixtures (gzip ones included).
    for p in fixtures(".jsonl", ".json", ".jsonl.gz"):
        write("rows", p.read_bytes())

    # converter: every record of the JSON Lines fixtures that is an object.
    for p in fixtures(".jsonl", ".jsonl.gz"):
        for line in lines_of(p):
            try:
                if isinstance(json.loads(line), dict):
                    write("converter", line)
            except ValueError:
                pass

    # scorecsv: the PPM fixtures cut short, with and without the Overall column.
    for p in sorted(PPM.glob("*.csv")):
        write("scorecsv", score_csv(p))
        write("scorecsv", b"\n".join(p.read_bytes().splitlines()[:8]) + b"\n")

    for target in sorted((HERE / "corpus").iterdir()):
        print(f"{target.name}: {len(list(target.iterdir()))} seeds")


if __name__ == "__main__":
    main()
