#!/usr/bin/env bash
# Build the SMS Console one-folder bundle with PyInstaller, then smoke-test it.
#
#   packaging/pyinstaller/build.sh            # build + smoke test (--version, serve)
#   packaging/pyinstaller/build.sh --gui      # also start the window offscreen
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
        --gui) smoke_args+=(--gui) ;;
        *) echo "usage: $0 [--gui]" >&2; exit 2 ;;
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

echo "== size"
du -sh "$bundle"
du -sh "$archive"
