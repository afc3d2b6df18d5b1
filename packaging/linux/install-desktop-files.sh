#!/bin/sh
# Install (or remove) the SMS Console menu entry, AppStream metainfo and icons.
#
#   packaging/linux/install-desktop-files.sh              # for you: ~/.local/share
#   sudo packaging/linux/install-desktop-files.sh --prefix /usr/local
#   packaging/linux/install-desktop-files.sh --uninstall [--prefix DIR]
#
# Use it after `pip install` or with the bundle: the menu entry runs
# `smsconsole`, which must be on PATH (for the bundle, link it:
#   ln -s /opt/smsconsole/smsconsole ~/.local/bin/smsconsole).
# The Flatpak installs these files itself.
set -eu

APP_ID=org.smsconsole.SMSConsole
SIZES="16 22 24 32 48 64 128 256 512"
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
prefix="${XDG_DATA_HOME:-$HOME/.local/share}"
action=install

while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) prefix="$2/share"; shift 2 ;;
        --uninstall) action=uninstall; shift ;;
        -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
        *) echo "unknown option: $1" >&2; exit 2 ;;
    esac
done

files="applications/$APP_ID.desktop metainfo/$APP_ID.metainfo.xml icons/hicolor/scalable/apps/$APP_ID.svg"
for size in $SIZES; do
    files="$files icons/hicolor/${size}x${size}/apps/$APP_ID.png"
done

source_of() {
    case "$1" in
        applications/*) echo "$here/$APP_ID.desktop" ;;
        metainfo/*) echo "$here/$APP_ID.metainfo.xml" ;;
        icons/*) echo "$repo/resources/$1" ;;
    esac
}

for f in $files; do
    if [ "$action" = install ]; then
        install -D -m 0644 "$(source_of "$f")" "$prefix/$f"
    else
        rm -f "$prefix/$f"
    fi
    echo "$action: $prefix/$f"
done

# Refresh the caches the desktop reads, where the tools exist.
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$prefix/applications" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t -f "$prefix/icons/hicolor" || true
