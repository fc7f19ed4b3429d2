#!/bin/sh
# Install test: `meson install --destdir` the build tree into a temporary
# folder and check that every file a desktop user needs is there and works.
#
# Usage: test-install.sh BUILDDIR SOURCE_ROOT PREFIX BINDIR DATADIR MANDIR LOCALEDIR APP(true|false)
# (BUILDDIR defaults to $MESON_BUILD_ROOT; the directories are absolute, as
# meson computes them.)
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
builddir=${1:-${MESON_BUILD_ROOT:-}}
srcdir=${2:?source root}
prefix=${3:?prefix}
bindir=${4:?bindir}
datadir=${5:?datadir}
mandir=${6:?mandir}
localedir=${7:?localedir}
app=${8:-true}
app_id=io.github.timearcs.TimeArcs

[ -n "$builddir" ] || { echo "FAIL: no build dir (argument or MESON_BUILD_ROOT)"; exit 1; }
dest=$(mktemp -d "${TMPDIR:-/tmp}/timearcs-install.XXXXXX") || exit 1
trap 'rm -rf "$dest"' EXIT

if ! meson install -C "$builddir" --destdir "$dest" --no-rebuild > "$dest.log" 2>&1; then
  cat "$dest.log"; rm -f "$dest.log"
  echo "FAIL: meson install failed"
  exit 1
fi
rm -f "$dest.log"

fail=0
expect () {
  if [ -f "$dest$1" ] && [ -s "$dest$1" ]; then
    echo "ok   $1"
  else
    echo "FAIL missing or empty: $1"
    fail=1
  fi
}

expect "$bindir/timearcs-cli"
expect "$mandir/man1/timearcs-cli.1"
for lang in $(grep -v '^#' "$srcdir/po/LINGUAS"); do
  expect "$localedir/$lang/LC_MESSAGES/timearcs.mo"
done

if [ "$app" = true ]; then
  if [ -f "$srcdir/src/app/main.c" ]; then
    expect "$bindir/timearcs"
  else
    echo "note $bindir/timearcs: not built yet (src/app/main.c missing)"
  fi
  expect "$datadir/applications/$app_id.desktop"
  expect "$datadir/metainfo/$app_id.metainfo.xml"
  expect "$datadir/dbus-1/services/$app_id.service"
  expect "$datadir/icons/hicolor/scalable/apps/$app_id.svg"
  expect "$datadir/icons/hicolor/symbolic/apps/$app_id-symbolic.svg"
  if [ -f "$srcdir/data/$app_id.gschema.xml" ]; then
    expect "$datadir/glib-2.0/schemas/$app_id.gschema.xml"
  else
    echo "note schema: not in the source tree yet"
  fi

  desktop="$dest$datadir/applications/$app_id.desktop"
  if [ -f "$desktop" ]; then
    # file managers run Exec with the folder's URI; the binary must be on PATH
    # as installed (bindir) and take URIs
    grep -qx 'Exec=timearcs %U' "$desktop" || { echo "FAIL: Exec line is not 'timearcs %U'"; fail=1; }
    grep -q '^MimeType=.*inode/directory;' "$desktop" || { echo "FAIL: MimeType lacks inode/directory"; fail=1; }
    grep -qx 'DBusActivatable=true' "$desktop" || { echo "FAIL: not DBusActivatable"; fail=1; }
    grep -q '^Name\[de\]=' "$desktop" || grep -q '^Comment\[de\]=' "$desktop" \
      || { echo "FAIL: desktop file has no German translation merged"; fail=1; }
    if command -v desktop-file-validate > /dev/null; then
      desktop-file-validate "$desktop" || { echo "FAIL: installed desktop file is invalid"; fail=1; }
    fi
  fi
  service="$dest$datadir/dbus-1/services/$app_id.service"
  if [ -f "$service" ]; then
    grep -qx "Name=$app_id" "$service" || { echo "FAIL: D-Bus service Name is not $app_id"; fail=1; }
    grep -qx "Exec=$bindir/timearcs --gapplication-service" "$service" \
      || { echo "FAIL: D-Bus service Exec is not $bindir/timearcs --gapplication-service"; fail=1; }
  fi
  metainfo="$dest$datadir/metainfo/$app_id.metainfo.xml"
  if [ -f "$metainfo" ] && command -v appstreamcli > /dev/null; then
    appstreamcli validate --no-net "$metainfo" > /dev/null \
      || { echo "FAIL: installed metainfo is invalid"; fail=1; }
  fi
fi

# The installed CLI runs (nothing of ours is a shared library, so it needs no
# build tree) and prints its usage.
cli="$dest$bindir/timearcs-cli"
if [ -x "$cli" ]; then
  out=$("$cli" --help 2>&1); rc=$?
  if [ "$rc" -ne 0 ] || ! printf '%s\n' "$out" | grep -q 'timearcs-cli COMMAND'; then
    echo "FAIL: installed timearcs-cli --help (exit $rc):"; printf '%s\n' "$out"
    fail=1
  else
    echo "ok   timearcs-cli --help"
  fi
  "$cli" --version | grep -q '^timearcs-cli ' || { echo "FAIL: timearcs-cli --version"; fail=1; }
fi

# The German catalogue translates the CLI's usage line.
mo="$dest$localedir/de/LC_MESSAGES/timearcs.mo"
if [ -f "$mo" ] && command -v msgunfmt > /dev/null; then
  if msgunfmt "$mo" | grep -q '"Aufruf: timearcs-cli BEFEHL'; then
    echo "ok   German catalogue"
  else
    echo "FAIL: $mo does not translate the usage line"; fail=1
  fi
fi

if [ "$fail" -eq 0 ]; then echo "OK: installed tree complete under $prefix"; fi
exit "$fail"
