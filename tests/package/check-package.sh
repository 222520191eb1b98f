#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ctest label "package" (issue 18): builds the .deb from this build tree with CPack and
# checks it as a user's machine would see it: its Depends, the files it must carry (MIME
# types, man pages, copyright, changelog, completion, the ML module), stripped binaries,
# the debug-symbols package (.ddeb: one debug file per binary, by build id, with line
# tables), and lintian with no error on both. lintian's warnings are printed (docs/DEVELOPING.md lists
# them with reasons).
#
#   tests/package/check-package.sh BUILD_DIR [CPACK]
set -euo pipefail
# No "producer | grep -q" below: with pipefail, grep -q leaving early can kill the producer
# with SIGPIPE and fail the check at random; outputs are taken whole first.
B=${1:?BUILD_DIR}
CPACK=${2:-cpack}
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v lintian > /dev/null || fail "lintian is not installed (scripts/install-deps.sh installs it)"
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
(cd "$B" && "$CPACK" -G DEB -B "$OUT" > "$OUT/cpack.log" 2>&1) || { cat "$OUT/cpack.log"; fail "cpack failed"; }
DEB=$(ls "$OUT"/hyper-workbench_*.deb)
echo "package: $(basename "$DEB"), $(stat -c %s "$DEB") bytes"

depends=$(dpkg-deb -f "$DEB" Depends)
for d in libqt6sql6-sqlite libqt6svg6 libopenblas0-pthread libtorch; do
    [[ $depends == *"$d"* ]] || fail "Depends lacks $d: $depends"
done
[[ $(dpkg-deb -f "$DEB" Recommends) == *python3-numpy* ]] || fail "Recommends lacks python3-numpy"
[[ $(dpkg-deb -f "$DEB" Suggests) == *slurm-client* ]] || fail "Suggests lacks slurm-client"
[[ $(dpkg-deb -f "$DEB" Description | wc -l) -gt 3 ]] || fail "no extended description"
version=$(dpkg-deb -f "$DEB" Version)
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+(\+git[0-9]{8}\.[0-9a-f]+)?$ ]] || fail "unexpected version $version"
echo "version: $version"

files=$(dpkg-deb -c "$DEB" | awk '{print $6}')
for f in ./usr/bin/hyper ./usr/bin/hyper-workbench ./usr/bin/hyper-train \
         ./usr/lib/hyper-workbench/libhyper-ml.so \
         ./usr/share/mime/packages/hyper-workbench.xml \
         ./usr/share/man/man1/hyper.1.gz ./usr/share/man/man1/hyper-workbench.1.gz \
         ./usr/share/man/man1/hyper-train.1.gz \
         ./usr/share/doc/hyper-workbench/copyright ./usr/share/doc/hyper-workbench/changelog.gz \
         ./usr/share/bash-completion/completions/hyper ./usr/share/applications/hyper-workbench.desktop \
         ./usr/share/icons/hicolor/scalable/apps/hyper-workbench.svg \
         ./usr/share/icons/hicolor/16x16/apps/hyper-workbench.png \
         ./usr/share/icons/hicolor/48x48/apps/hyper-workbench.png \
         ./usr/share/icons/hicolor/256x256/apps/hyper-workbench.png; do
    grep -qxF "$f" <<< "$files" || fail "the package lacks $f"
done

X="$OUT/x"
dpkg-deb -x "$DEB" "$X"
grep -q 'application/x-hyper-project' "$X/usr/share/mime/packages/hyper-workbench.xml" || fail "MIME type missing"
grep -q '^MimeType=application/x-hyper-project;' "$X/usr/share/applications/hyper-workbench.desktop" || fail "desktop MimeType"
grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' \
    "$X/usr/share/doc/hyper-workbench/copyright" || fail "copyright is not DEP-5"
grep -q '48 x 48' <<< "$(file "$X/usr/share/icons/hicolor/48x48/apps/hyper-workbench.png")" || fail "48 px icon"
grep -q 'import a preference data file' <<< "$(zcat "$X/usr/share/man/man1/hyper.1.gz")" || fail "hyper.1 lacks the subcommands"
for b in usr/bin/hyper usr/bin/hyper-workbench usr/bin/hyper-train usr/lib/hyper-workbench/libhyper-ml.so; do
    grep -q 'not stripped' <<< "$(file "$X/$b")" && fail "$b is not stripped"
done
# The debug symbols: a -dbgsym .ddeb beside the .deb, for exactly this version, with one
# .debug file per program and module under /usr/lib/debug/.build-id, named by the build id
# of the stripped file, and carrying line tables of the project's own sources.
DDEB=$(ls "$OUT"/hyper-workbench-dbgsym_*.ddeb 2> /dev/null) || fail "no debug-symbols package (-dbgsym .ddeb)"
echo "debug symbols: $(basename "$DDEB"), $(stat -c %s "$DDEB") bytes"
[[ $(dpkg-deb -f "$DDEB" Package) == hyper-workbench-dbgsym ]] || fail "dbgsym package name"
[[ $(dpkg-deb -f "$DDEB" Depends) == "hyper-workbench (= $version)" ]] || fail "dbgsym Depends: $(dpkg-deb -f "$DDEB" Depends)"
D="$OUT/d"
dpkg-deb -x "$DDEB" "$D"
# Each binary with a source file of its own that its line table must name.
declare -A source=([usr/bin/hyper]=cmd_export.cpp [usr/bin/hyper-workbench]=mainwindow.cpp
                   [usr/bin/hyper-train]=app/train [usr/lib/hyper-workbench/libhyper-ml.so]=trainer.cpp)
for b in usr/bin/hyper usr/bin/hyper-workbench usr/bin/hyper-train usr/lib/hyper-workbench/libhyper-ml.so; do
    id=$(readelf -n "$X/$b" | sed -n 's/.*Build ID: \([0-9a-f]*\).*/\1/p')
    [[ -n $id ]] || fail "$b has no build id"
    dbg="$D/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug"
    [[ -f $dbg ]] || fail "no debug file for $b ($id)"
    grep -q '.gnu_debuglink' <<< "$(readelf -S "$X/$b")" || fail "$b has no debug link"
    readelf -p .debug_line_str "$dbg" > "$OUT/lines.txt" 2> /dev/null || readelf -p .debug_str "$dbg" > "$OUT/lines.txt"
    grep -q "${source[$b]}" "$OUT/lines.txt" || fail "the debug file of $b has no line table naming ${source[$b]}"
done
# A backtrace can name the line: hyper's main() maps to app/cli/main.cpp.
id=$(readelf -n "$X/usr/bin/hyper" | sed -n 's/.*Build ID: \([0-9a-f]*\).*/\1/p')
dbg="$D/usr/lib/debug/.build-id/${id:0:2}/${id:2}.debug"
addr=$(nm "$dbg" | awk '$3 == "main" { print $1 }')
[[ -n $addr ]] || fail "no symbol main in hyper's debug file"
where=$(addr2line -e "$dbg" "0x$addr")
[[ $where == */app/cli/main.cpp:* ]] || fail "main() maps to $where, not app/cli/main.cpp"
echo "hyper main() at ${where##*/}"
[[ -L $D/usr/share/doc/hyper-workbench-dbgsym ]] || fail "the dbgsym doc folder is not a link to the main package's"

# The installed programs find the installed module.
grep -q "\"module\": \"$X/usr/lib/hyper-workbench/libhyper-ml.so\"" <<< "$(env -u HYPER_ML_MODULE "$X/usr/bin/hyper-train" --info)" \
    || fail "hyper-train does not load the packaged module"

rc=0
lintian --fail-on error --tag-display-limit 0 "$DEB" "$DDEB" > "$OUT/lintian.txt" 2>&1 || rc=$?
errors=$(grep -c '^E: ' "$OUT/lintian.txt" || true)
warnings=$(grep -c '^W: ' "$OUT/lintian.txt" || true)
cat "$OUT/lintian.txt"
echo "lintian: $errors errors, $warnings warnings"
((rc == 0 && errors == 0)) || fail "lintian reports errors"
echo "package OK"
