#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs, by name, the Debian 12 packages that building, running and testing need.
# Idempotent: packages already present are not reinstalled, and apt is not touched
# at all when everything is there.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build pkg-config
  qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite qt6-svg-dev libqt6svg6
  libqcustomplot-dev libtorch-dev libsqlite3-dev libopenblas0-pthread zlib1g-dev
  xvfb xauth imagemagick python3 python3-numpy help2man lintian file
  slurm-wlm munge
)
if [[ "${HYPER_WITH_SKLEARN:-0}" == 1 ]]; then PKGS+=(python3-sklearn); fi
# make fuzz: clang, its libFuzzer and sanitizer runtimes, llvm-profdata and llvm-cov.
if [[ "${HYPER_WITH_FUZZ:-0}" == 1 ]]; then PKGS+=(clang libclang-rt-14-dev llvm); fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
echo "install-deps: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
