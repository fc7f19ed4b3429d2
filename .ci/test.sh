#!/usr/bin/env bash
# The test command of README.md: configure (once) and run the whole suite.
# Usage: .ci/test.sh [BUILDDIR] [extra meson setup options...]
set -u
builddir=${1:-build}; shift || true
cd "$(dirname "$0")/.."
if [ ! -f "$builddir/build.ninja" ]; then
  meson setup "$builddir" "$@" || exit 1
fi
# build everything first: the install test installs every target
ninja -C "$builddir" || exit 1

# GTK tests need a display: give them a virtual one when there is none
run=()
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && command -v xvfb-run >/dev/null; then
  run=(xvfb-run -a -s "-screen 0 1600x1000x24")
fi
"${run[@]}" meson test -C "$builddir" --print-errorlogs --num-processes 2
