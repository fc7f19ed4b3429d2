#!/usr/bin/env bash
# Fuzz the capture reader for a bounded time (FUZZ_SECONDS, default 60) with
# libFuzzer + ASan + UBSan. Seed corpus: tests/data/pcaps (good and bad;
# large captures cut to their first 64 KiB). Prints the number of executions;
# exits non-zero on a finding (the crashing input is kept in _fuzz_artifacts/).
set -u
cd "$(dirname "$0")/.."
builddir=${FUZZ_BUILDDIR:-_fuzz_build}
seconds=${FUZZ_SECONDS:-60}
seeds=tests/data/pcaps

if [ ! -f "$builddir/build.ninja" ]; then
  CC=clang meson setup "$builddir" -Dfuzzing=true -Dapp=false \
    -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized \
    -Dc_args=-fsanitize=fuzzer-no-link >/dev/null || { echo "fuzz: configure failed"; exit 1; }
fi
ninja -C "$builddir" tests/fuzz-capture >/dev/null || { echo "fuzz: build failed"; exit 1; }

corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
if [ -d "$seeds" ]; then
  for f in "$seeds"/good/* "$seeds"/bad/*; do
    [ -f "$f" ] || continue
    head -c 65536 "$f" > "$corpus/$(basename "$f")"
  done
else
  echo "fuzz: no seed corpus at $seeds; starting empty"
fi
mkdir -p _fuzz_artifacts
log=$(mktemp)
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
  "$builddir/tests/fuzz-capture" "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 \
  -max_len=65536 -timeout=10 -print_final_stats=1 -artifact_prefix=_fuzz_artifacts/ >"$log" 2>&1
rc=$?
execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
echo "fuzz-capture: ${execs:-?} executions in ${seconds} s, exit status $rc"
if [ "$rc" -ne 0 ]; then
  tail -40 "$log"
  rm -f "$log"
  exit 1
fi
rm -f "$log"
exit 0
