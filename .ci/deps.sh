#!/usr/bin/env bash
# Debian 12 packages needed to build, test and check TimeArcs. Idempotent.
set -eu
pkgs=(meson argus-server argus-client ninja-build pkg-config gcc clang libclang-rt-14-dev python3
      libglib2.0-dev libglib2.0-dev-bin libgtk-4-dev libjson-glib-dev zlib1g-dev
      gettext desktop-file-utils appstream xvfb xauth xdotool imagemagick dbus
      libgtk-4-bin tshark python3-sklearn)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
