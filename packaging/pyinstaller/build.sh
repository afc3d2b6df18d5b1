#!/usr/bin/env bash
# Build the SMS Console one-folder bundle with PyInstaller, then smoke-test it.
#
#   packaging/pyinstaller/build.sh            # build + smoke test (--version, serve, window offscreen,
#                                             # and on X11 too when xvfb-run is installed)
#   packaging/pyinstaller/build.sh --no-gui   # smoke test without the window
#
# Builds in a virtual environment under build/pyinstaller/ holding only the
# console's dependencies (from pyproject.toml) and PyInstaller, so nothing else
# ends up in the bundle; the console's own code is taken from this checkout. Result: dist/smsconsole/ (run dist/smsconsole/smsconsole) and
# dist/smsconsole-<version>-<os>-<arch>.tar.gz. Prints the bundle size.
# Environment: PYTHON (default python3), BUILD_DIR, DIST_DIR.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"
build_dir="${BUILD_DIR:-$repo/build/pyinstaller}"
dist_dir="${DIST_DIR:-$repo/dist}"
venv="$build_dir/venv"

smoke_args=()
for arg in "$@"; do
    case "$arg" in
        --no-gui) smoke_args+=(--no-gui) ;;
        --gui) ;;  # the default
        *) echo "usage: $0 [--no-gui]" >&2; exit 2 ;;
    esac
done

echo "== virtual environment: $venv"
mkdir -p "$build_dir"
if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" - "$repo/pyproject.toml" > "$build_dir/requirements.txt" <<'PY'
import sys, tomllib
with open(sys.argv[1], "rb") as f:
    print("\n".join(tomllib.load(f)["project"]["dependencies"]))
PY
"$venv/bin/python" -m pip install --quiet -r "$build_dir/requirements.txt" "pyinstaller>=6.10"

echo "== PyInstaller"
"$venv/bin/pyinstaller" --noconfirm --clean \
    --distpath "$dist_dir" --workpath "$build_dir/work" \
    "$here/smsconsole.spec"

bundle="$dist_dir/smsconsole"
version="$(cd "$repo" && "$venv/bin/python" -c 'import app; print(app.__version__)')"
archive="$dist_dir/smsconsole-$version-$(uname -s | tr 'A-Z' 'a-z')-$(uname -m).tar.gz"
tar -C "$dist_dir" -czf "$archive" smsconsole

echo "== smoke test"
"$venv/bin/python" "$here/smoke_test.py" "${smoke_args[@]}" "$bundle/smsconsole"
if [ ${#smoke_args[@]} -eq 0 ] && command -v xvfb-run > /dev/null; then
    echo "== smoke test on X11 (xvfb-run)"
    xvfb-run -a "$venv/bin/python" "$here/smoke_test.py" --platform xcb "$bundle/smsconsole"
fi

echo "== system requirements (the newest symbol versions the bundle asks of the system)"
find "$bundle" -type f \( -name '*.so*' -o -name smsconsole \) -exec objdump -T {} + 2>/dev/null \
    | grep -F '*UND*' | grep -oE '\b(GLIBC|GLIBCXX)_[0-9.]+' | sort -u -V \
    | awk -F_ '{ newest[$1] = $0 } END { print newest["GLIBC"] ", " newest["GLIBCXX"] }'

missing="$(find "$bundle" -type f -name '*.so*' -exec env LD_LIBRARY_PATH="$bundle/_internal" ldd {} + 2>/dev/null \
    | awk '/not found/ { print $1 }' | sort -u | tr '\n' ' ')"
if [ -n "$missing" ]; then
    echo "   taken from the system, not on this build machine: $missing"
fi

echo "== size"
du -sh "$bundle"
du -sh "$archive"
