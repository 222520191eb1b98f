#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs one fuzz target for SECONDS on its seed corpus (ctest -L fuzz; make fuzz).
#   run_target.sh BINARY TARGET SEEDS WORK SECONDS
# New inputs go to WORK/corpus/TARGET (kept between runs), findings to
# WORK/findings/TARGET, libFuzzer's output to WORK/TARGET.log. Prints one line of
# figures; exits non-zero on a finding (a crash, a sanitizer report or a broken rule).
set -euo pipefail
bin=$1 target=$2 seeds=$3 work=$4 seconds=$5
mkdir -p "$work/corpus/$target" "$work/findings/$target"
log="$work/$target.log"
set +e
ASAN_OPTIONS=abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  "$bin" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$work/findings/$target/" "$work/corpus/$target" "$seeds" >"$log" 2>&1
rc=$?
set -e
stat() { awk -v k="stat::$1:" '$1 == k { print $2; exit }' "$log"; }
last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -n 1 || true)
cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
corp=$(sed -n 's/.* corp: \([0-9]*\).*/\1/p' <<<"$last")
printf 'FUZZ %-10s %ss: %s execs, %s exec/s, coverage %s edges, %s features, corpus %s, peak %s MB\n' \
  "$target" "$seconds" "$(stat number_of_executed_units)" "$(stat average_exec_per_sec)" \
  "${cov:-?}" "${ft:-?}" "${corp:-?}" "$(stat peak_rss_mb)" | tee "$work/$target.summary"
if ((rc != 0)); then
  echo "fuzz $target: finding (libFuzzer exit $rc); the input is in $work/findings/$target/" >&2
  grep -E 'ERROR|broken rule|unexpected exception|SUMMARY|runtime error' "$log" | head -n 20 >&2 || true
  tail -n 40 "$log" >&2
  exit 1
fi
