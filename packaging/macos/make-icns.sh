#!/bin/sh
# Make packaging/macos/smsconsole.icns from the application icon's SVG.
# NOT YET RUN ON A MAC: iconutil exists only on macOS. The .iconset is
# rendered with Qt (PySide6), so it can also be made elsewhere and copied over.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
iconset="$here/build/smsconsole.iconset"
python3 "$repo/packaging/render_icons.py" --iconset "$iconset"
iconutil --convert icns --output "$here/smsconsole.icns" "$iconset"
echo "$here/smsconsole.icns"
