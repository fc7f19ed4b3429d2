#!/bin/sh
# POTFILES completeness: every source file with a translatable string and
# every .ui with translatable="yes" must be listed in po/POTFILES.in, every
# listed file must exist, and the list must stay sorted. Also catches
# translatable strings that xgettext cannot extract whole (a G_*_FORMAT macro
# inside _() cuts the msgid short, so the string is never translated).
#
# Usage: test-potfiles.sh SOURCE_ROOT
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
top=${1:?usage: test-potfiles.sh SOURCE_ROOT}
potfiles="$top/po/POTFILES.in"
fail=0

[ -f "$potfiles" ] || { echo "FAIL: $potfiles does not exist"; exit 1; }

listed=$(mktemp)
trap 'rm -f "$listed"' EXIT
grep -v -e '^#' -e '^[[:space:]]*$' "$potfiles" | sed 's/[[:space:]]*$//' > "$listed"

head -n 1 "$potfiles" | grep -qx '# Please keep this file sorted alphabetically.' || {
  echo "FAIL: POTFILES.in must start with '# Please keep this file sorted alphabetically.'"
  fail=1
}

if ! LC_ALL=C sort -c "$listed" 2>/dev/null; then
  echo "FAIL: POTFILES.in is not sorted (LC_ALL=C sort): first out of order:"
  LC_ALL=C sort -c "$listed" 2>&1 | sed 's/^/  /'
  fail=1
fi
dups=$(sort "$listed" | uniq -d)
if [ -n "$dups" ]; then
  echo "FAIL: listed more than once in POTFILES.in:"; echo "$dups" | sed 's/^/  /'
  fail=1
fi

while IFS= read -r f; do
  if [ ! -f "$top/$f" ]; then
    echo "FAIL: POTFILES.in lists $f, which does not exist"
    fail=1
  fi
done < "$listed"

is_listed () {
  grep -qxF "$1" "$listed"
}

# gettext calls: _( N_( C_( NC_( Q_( ngettext( g_dngettext( g_dpgettext2( ...
call_re='(^|[^A-Za-z0-9_])(_|N_|C_|NC_|Q_|ngettext|g_dngettext|g_dpgettext2?|g_dcgettext|dgettext)[[:space:]]*\('

checked=0
cd "$top" || exit 1
for dir in src ui data; do
  [ -d "$dir" ] || continue
  for f in $(find "$dir" -type f \( -name '*.c' -o -name '*.h' -o -name '*.ui' \) | LC_ALL=C sort); do
    checked=$((checked + 1))
    case "$f" in
      *.ui) grep -qE 'translatable="(yes|true|1)"' "$f" || continue ;;
      *)    grep -qE "$call_re" "$f" || continue ;;
    esac
    if ! is_listed "$f"; then
      echo "FAIL: $f has translatable strings but is missing from po/POTFILES.in"
      fail=1
    fi
  done
done

# Desktop, metainfo and schema files carry translatable text too.
for f in $(find data -maxdepth 1 -type f \( -name '*.desktop.in' -o -name '*.desktop.in.in' \
             -o -name '*.metainfo.xml.in' -o -name '*.metainfo.xml.in.in' -o -name '*.gschema.xml' \) 2>/dev/null | LC_ALL=C sort); do
  checked=$((checked + 1))
  if ! is_listed "$f"; then
    echo "FAIL: $f is missing from po/POTFILES.in"
    fail=1
  fi
done

# A format macro right after a string inside a gettext call: xgettext stops
# the msgid at the macro, so the runtime string never matches a translation.
macro_hits=$(grep -rnE '(^|[^A-Za-z0-9_])(_|N_|C_|NC_)[[:space:]]*\([^)]*"[[:space:]]*G_G[A-Z0-9]*_(FORMAT|MODIFIER)' \
               --include='*.c' --include='*.h' src 2>/dev/null)
if [ -n "$macro_hits" ]; then
  echo "FAIL: G_*_FORMAT inside a translatable string (xgettext truncates the msgid;"
  echo "      cast to a standard type such as (unsigned long long) and use %llu):"
  echo "$macro_hits" | sed 's/^/  /'
  fail=1
fi

echo "checked $checked files, $(wc -l < "$listed") listed in POTFILES.in"
[ "$fail" -eq 0 ] && echo "OK"
exit "$fail"
