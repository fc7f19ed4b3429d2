#!/bin/sh
# Opening a subset folder from a file manager, end to end with the real
# binary, a private session bus and a virtual display:
#   1. D-Bus activation (DBusActivatable=true): with the desktop file
#      installed, `gapplication launch` sends org.freedesktop.Application.Open
#      for the folder to io.github.timearcs.TimeArcs, as a file manager does
#      for a DBusActivatable app,
#      the bus starts `timearcs --gapplication-service` through the .service
#      file, and the folder opens (without a desktop file: the Open call is
#      made directly);
#   2. a second launch as the desktop file's Exec line runs it
#      (`timearcs %U` with a file:// URI, here with a space in the name)
#      hands the folder to the running instance and exits; the folder opens
#      there, in the same process;
#   3. the same with a plain path.
# A folder counts as open when a window titled with its name is shown.
#
# Usage: test-dbus-open.sh TIMEARCS FOLDER|CAPTURE [DESKTOP_FILE]
# FOLDER is a subset folder; a CAPTURE (a pcap / pcapng file) is first
# extracted to one with $TA_CLI (timearcs-cli).
#
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
app_id=io.github.timearcs.TimeArcs
obj=/io/github/timearcs/TimeArcs

if [ "${1:-}" != --inner ]; then
  app=${1:?usage: test-dbus-open.sh TIMEARCS FOLDER|CAPTURE}
  folder=${2:?usage: test-dbus-open.sh TIMEARCS FOLDER|CAPTURE}
  desktop=${3:-}
  for t in xvfb-run dbus-run-session dbus-daemon gdbus xdotool; do
    command -v "$t" > /dev/null || { echo "FAIL: $t is missing (needed to run a session bus and a display)"; exit 1; }
  done
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/timearcs-dbus.XXXXXX") || exit 1
  trap 'rm -rf "$tmp"' EXIT
  if [ -f "$folder" ]; then
    [ -n "${TA_CLI:-}" ] || { echo "FAIL: TA_CLI is not set (needed to extract $folder)"; exit 1; }
    "$TA_CLI" extract -q -d "$folder" -o "$tmp/made" || { echo "FAIL: could not extract $folder"; exit 1; }
    folder=$tmp/made
  fi
  mkdir -p "$tmp/services"
  printf '[D-BUS Service]\nName=%s\nExec=%s --gapplication-service\n' "$app_id" "$app" \
    > "$tmp/services/$app_id.service"
  cat > "$tmp/session.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=$tmp</listen>
  <servicedir>$tmp/services</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
CONF
  for name in alpha beta "gamma delta"; do
    cp -r "$folder" "$tmp/subset $name" || exit 1
  done
  export GDK_BACKEND=x11 GSK_RENDERER=cairo GSETTINGS_BACKEND=memory NO_AT_BRIDGE=1 GTK_A11Y=none
  export XDG_RUNTIME_DIR="$tmp"
  xvfb-run -a -s "-screen 0 1280x800x24" \
    dbus-run-session --config-file="$tmp/session.conf" -- sh "$0" --inner "$app" "$tmp" "$desktop"
  exit $?
fi

app=$2
tmp=$3
desktop=${4:-}
fail=0

window_with () {  # wait up to 20 s for a window whose title contains $1
  i=0
  while [ $i -lt 40 ]; do
    if xdotool search --onlyvisible --name "$1" > /dev/null 2>&1; then
      return 0
    fi
    sleep 0.5; i=$((i + 1))
  done
  return 1
}

owner_pid () {
  gdbus call --session --dest org.freedesktop.DBus --object-path /org/freedesktop/DBus \
    --method org.freedesktop.DBus.GetConnectionUnixProcessID "$app_id" 2>/dev/null \
    | sed -n 's/^(uint32 \([0-9]*\),)$/\1/p'
}

uri_of () {  # file:// URI with percent-encoded spaces
  printf 'file://%s' "$1" | sed 's/ /%20/g'
}

# 1. D-Bus activation, as a file manager does with DBusActivatable=true
uri=$(uri_of "$tmp/subset alpha")
if [ -n "$desktop" ]; then
  # installed as applications/<id>.desktop; gapplication sends Open over
  # the bus (that the file says DBusActivatable=true is checked by the
  # install test and desktop-file-validate)
  mkdir -p "$tmp/share/applications"
  cp "$desktop" "$tmp/share/applications/$app_id.desktop"
  if ! PATH="$(dirname "$app"):$PATH" XDG_DATA_DIRS="$tmp/share" \
       gapplication launch "$app_id" "$tmp/subset alpha" > "$tmp/open.log" 2>&1; then
    cat "$tmp/open.log"; echo "FAIL: gapplication launch $app_id (from its desktop file) failed"
    exit 1
  fi
elif ! gdbus call --session --dest "$app_id" --object-path "$obj" \
       --method org.freedesktop.Application.Open "['$uri']" '{}' > "$tmp/open.log" 2>&1; then
  cat "$tmp/open.log"; echo "FAIL: org.freedesktop.Application.Open did not activate $app_id"
  exit 1
fi
if window_with "subset alpha"; then
  echo "ok   D-Bus activation${desktop:+ from the desktop file} opened “subset alpha”"
else
  echo "FAIL: D-Bus activation: no window shows “subset alpha”"; fail=1
fi
pid=$(owner_pid)
[ -n "$pid" ] || { echo "FAIL: $app_id is not on the bus after activation"; exit 1; }
# started by the bus through the .service file, not by running Exec
if tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -e '--gapplication-service'; then
  echo "ok   the bus started it as a D-Bus service"
else
  echo "FAIL: the instance was not started by D-Bus activation: $(tr '\0' ' ' < "/proc/$pid/cmdline")"
  fail=1
fi

# 2. second launch with a URI (the desktop file's Exec=timearcs %U)
uri=$(uri_of "$tmp/subset gamma delta")
if timeout 20 "$app" "$uri"; then
  echo "ok   second launch with a URI returned"
else
  echo "FAIL: second launch with $uri exited $?"; fail=1
fi
if window_with "subset gamma delta"; then
  echo "ok   second launch opened “subset gamma delta”"
else
  echo "FAIL: second launch: no window shows “subset gamma delta”"; fail=1
fi

# 3. second launch with a plain path
if timeout 20 "$app" "$tmp/subset beta" && window_with "subset beta"; then
  echo "ok   second launch with a path opened “subset beta”"
else
  echo "FAIL: second launch with a path: no window shows “subset beta”"; fail=1
fi

# every open went to the first instance
pid2=$(owner_pid)
if [ "$pid" = "$pid2" ]; then
  echo "ok   one instance ($pid) received every open"
else
  echo "FAIL: the bus name changed owner ($pid, then ${pid2:-none})"; fail=1
fi

# quit the instance we activated (its pid came from the bus)
gdbus call --session --dest "$app_id" --object-path "$obj" \
  --method org.gtk.Actions.Activate quit '[]' '{}' > /dev/null 2>&1 || kill "$pid" 2>/dev/null
i=0; while kill -0 "$pid" 2>/dev/null && [ $i -lt 20 ]; do sleep 0.25; i=$((i + 1)); done
kill "$pid" 2>/dev/null
exit "$fail"
