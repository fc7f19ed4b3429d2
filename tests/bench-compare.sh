#!/usr/bin/env bash
# Runs every benchmark of two builds interleaved (old, new, old, new …) on
# the same generated inputs and prints each BENCH figure of both with the
# ratio new/old. For comparing a change against its base on a shared,
# noisy machine: both binaries see the same load.
#
# Usage: tests/bench-compare.sh OLD_BUILDDIR NEW_BUILDDIR [ROUNDS] [BENCH...]
#   ROUNDS (default 2): runs of each binary; the best figure of each is kept
#   (highest for rates, units ending in /s; lowest otherwise).
#   BENCH: benchmark names (default: every tests/bench-* of NEW_BUILDDIR).
# Inputs come from each build's own `timearcs-cli generate`.
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
old=$(cd "${1:?usage: bench-compare.sh OLD NEW [ROUNDS] [BENCH...]}" && pwd)
new=$(cd "${2:?usage: bench-compare.sh OLD NEW [ROUNDS] [BENCH...]}" && pwd)
rounds=${3:-2}
shift 3 2>/dev/null || shift $#
src=$(cd "$(dirname "$0")/.." && pwd)
benches=("$@")
if ((${#benches[@]} == 0)); then
  for f in "$new"/tests/bench-*; do
    [ -x "$f" ] && benches+=("$(basename "$f")")
  done
fi
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

run () { # BUILD BENCH OUT
  env TA_CLI="$1/src/cli/timearcs-cli" TZ=UTC \
    GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 GSK_RENDERER=cairo \
    "$1/tests/$2" >"$3" 2>&1
}

printf '%-40s %14s %14s %8s %s\n' BENCH old new new/old unit
for b in "${benches[@]}"; do
  [ -x "$old/tests/$b" ] || { echo "# $b: not in the old build"; continue; }
  for r in $(seq "$rounds"); do
    run "$old" "$b" "$log/$b.old.$r"
    run "$new" "$b" "$log/$b.new.$r"
  done
  cat "$log/$b".old.* | awk '$1=="BENCH"{print $2, $3, $4}' > "$log/o"
  cat "$log/$b".new.* | awk '$1=="BENCH"{print $2, $3, $4}' > "$log/n"
  awk '
    function better(u, a, b) { return (u ~ /\/s$/) ? (a > b) : (a < b) }
    FNR == NR { if (!($1 in o) || better($3, $2, o[$1])) o[$1] = $2; unit[$1] = $3; next }
    { unit[$1] = $3; if (!($1 in n) || better($3, $2, n[$1])) n[$1] = $2; if (!($1 in seen)) { seen[$1] = 1; order[++k] = $1 } }
    END {
      for (i = 1; i <= k; i++) {
        m = order[i]
        ratio = (m in o && o[m] != 0) ? sprintf("%.3f", n[m] / o[m]) : "-"
        printf "%-40s %14s %14s %8s %s\n", m, (m in o) ? o[m] : "-", n[m], ratio, unit[m]
      }
    }' "$log/o" "$log/n"
done
