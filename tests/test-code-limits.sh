#!/bin/sh
# Code limits: no .c file under src/ over 900 lines, no function over 120
# lines. A function may be longer only when a comment within the eight
# lines before its opening brace says why it is a state machine (the words
# "state machine" in it). A function is a top-level body: a line starting
# with "{" up to the next line starting with "}".
#
# Usage: test-code-limits.sh SOURCE_ROOT
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
top=${1:?usage: test-code-limits.sh SOURCE_ROOT}
cd "$top" || exit 1
files=$(find src -name '*.c' | LC_ALL=C sort)
[ -n "$files" ] || { echo "FAIL: no .c files under $top/src"; exit 1; }
fail=0

for f in $files; do
  n=$(wc -l < "$f")
  if [ "$n" -gt 900 ]; then
    echo "FAIL: $f has $n lines (at most 900)"
    fail=1
  fi
done

long=$(awk '
  FNR == 1 { inb = 0; for (i = 0; i < 8; i++) ring[i] = "" }
  /^\{/ && !inb {
    inb = 1; start = FNR; excused = 0
    for (i = 0; i < 8; i++) if (ring[i] ~ /state machine/) excused = 1
  }
  /^\}/ && inb {
    inb = 0; len = FNR - start + 1
    if (len > 120 && !excused) print FILENAME ":" start ": function body of " len " lines (at most 120)"
  }
  !inb { ring[FNR % 8] = $0 }
' $files)
if [ -n "$long" ]; then
  echo "FAIL: functions over the limit:"
  echo "$long" | sed 's/^/  /'
  fail=1
fi

echo "checked $(echo "$files" | wc -l) files"
[ "$fail" -eq 0 ] && echo "OK"
exit "$fail"
