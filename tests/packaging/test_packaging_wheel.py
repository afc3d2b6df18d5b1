"""The wheel carries the icon set, and app.resources finds it once installed."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from app import APP_ID
from app.resources import ACTION_ICONS, APP_ICON_SIZES

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    link = REPO / "app" / "_resources"
    if not (link.is_symlink() or link.is_dir()):
        pytest.fail(
            "app/_resources is missing: it is the link (ln -s ../resources app/_resources) "
            "through which the wheel carries the icon set"
        )
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    source.mkdir()
    # Build from a copy, so that the build leaves nothing in the checkout.
    shutil.copy2(REPO / "pyproject.toml", source)
    readme = REPO / "README.md"
    if readme.is_file():
        shutil.copy2(readme, source)
    else:
        (source / "README.md").write_text("SMS Console\n", encoding="utf-8")
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "app", source / "app", symlinks=True, ignore=ignore)
    shutil.copytree(REPO / "resources", source / "resources", ignore=ignore)
    out = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(work / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    (built,) = (work / "dist").glob("smsconsole-*.whl")
    return built


def test_the_wheel_contains_every_icon(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "app/resources.py" in names
    for name in ACTION_ICONS:
        assert f"app/_resources/icons/actions/{name}.svg" in names
    assert f"app/_resources/icons/hicolor/scalable/apps/{APP_ID}.svg" in names
    for size in APP_ICON_SIZES:
        assert f"app/_resources/icons/hicolor/{size}x{size}/apps/{APP_ID}.png" in names


def test_an_installed_wheel_finds_its_own_icons(wheel, tmp_path):
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    probe = (
        "import json; from app import resources as r; "
        "print(json.dumps([str(r.resources_dir()), str(r.icon_path('send')), "
        "sorted(r.app_icon_png_paths())]))"
    )
    # -E -s: no PYTHONPATH and no user site; the working directory is the
    # unpacked wheel, so `app` is imported from there and not from the checkout.
    out = subprocess.run(
        [sys.executable, "-E", "-s", "-c", probe], cwd=site, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    folder, send, sizes = json.loads(out.stdout)
    assert Path(folder) == site / "app" / "_resources"
    assert Path(send).is_file()
    assert sizes == list(APP_ICON_SIZES)
