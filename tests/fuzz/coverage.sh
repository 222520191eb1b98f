#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Replays each target's seeds and what the fuzz runs added (WORK/corpus/TARGET) through
# the coverage build and prints llvm-cov's line coverage of the readers (core/io and the
# PPM's CSV reader), per file and in total (ctest -L fuzz; make fuzz).
#   coverage.sh SOURCE_DIR WORK "TARGETS" COV_BINARY...
set -euo pipefail
src=$1 work=$2
read -r -a targets <<<"$3"
shift 3
bins=("$@")
prof="$work/profiles"
rm -rf "$prof"
mkdir -p "$prof"
for i in "${!targets[@]}"; do
  t=${targets[$i]}
  mkdir -p "$work/corpus/$t"
  # -runs=0: run every input of the folders once, then stop.
  LLVM_PROFILE_FILE="$prof/$t.profraw" "${bins[$i]}" -runs=0 "$work/corpus/$t" "$src/tests/fuzz/corpus/$t" \
    >"$prof/$t.log" 2>&1
done
llvm-profdata merge -sparse "$prof"/*.profraw -o "$prof/merged.profdata"
objects=()
for b in "${bins[@]:1}"; do objects+=(-object "$b"); done
report=$(llvm-cov report "${bins[0]}" "${objects[@]}" -instr-profile="$prof/merged.profdata" \
  "$src/core/io" "$src/core/routing/scorecsv.cpp")
sed "s|$src/||" <<<"$report"
# Columns: regions (3), functions (3), lines (3), branches (3).
total=$(awk '$1 == "TOTAL" { print $8, $9, $10 }' <<<"$report")
[[ -n $total ]] || { echo "coverage.sh: no TOTAL row in llvm-cov's report" >&2; exit 1; }
read -r lines missed cover <<<"$total"
echo "FUZZ coverage of core/io and scorecsv.cpp: lines $cover ($((lines - missed)) of $lines), by the seeds and the runs' corpus" \
  | tee "$work/coverage.summary"
