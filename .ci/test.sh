#!/usr/bin/env bash
# The test command of README.md: configure (once) and run the whole suite.
# Usage: .ci/test.sh [BUILDDIR] [extra meson setup options...]
set -u
builddir=${1:-build}; shift || true
cd "$(dirname "$0")/.."
if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" "$@" || exit 1
fi
meson test -C "$builddir" --print-errorlogs --num-processes 2
