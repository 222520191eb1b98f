#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# ctest label "package" (issue 18): builds the .deb from this build tree with CPack and
# checks it as a user's machine would see it: its Depends, the files it must carry (MIME
# types, man pages, copyright, changelog, completion, the ML module), stripped binaries,
# and lintian with no error. lintian's warnings are printed (docs/DEVELOPING.md lists
# them with reasons).
#
#   tests/package/check-package.sh BUILD_DIR [CPACK]
set -euo pipefail
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
file "$X/usr/share/icons/hicolor/48x48/apps/hyper-workbench.png" | grep -q '48 x 48' || fail "48 px icon"
zcat "$X/usr/share/man/man1/hyper.1.gz" | grep -q 'import a preference data file' || fail "hyper.1 lacks the subcommands"
for b in usr/bin/hyper usr/bin/hyper-workbench usr/bin/hyper-train usr/lib/hyper-workbench/libhyper-ml.so; do
    file "$X/$b" | grep -q 'not stripped' && fail "$b is not stripped"
done
# The installed programs find the installed module.
env -u HYPER_ML_MODULE "$X/usr/bin/hyper-train" --info | grep -q "\"module\": \"$X/usr/lib/hyper-workbench/libhyper-ml.so\"" \
    || fail "hyper-train does not load the packaged module"

rc=0
lintian --fail-on error --tag-display-limit 0 "$DEB" > "$OUT/lintian.txt" 2>&1 || rc=$?
errors=$(grep -c '^E: ' "$OUT/lintian.txt" || true)
warnings=$(grep -c '^W: ' "$OUT/lintian.txt" || true)
cat "$OUT/lintian.txt"
echo "lintian: $errors errors, $warnings warnings"
((rc == 0 && errors == 0)) || fail "lintian reports errors"
echo "package OK"
