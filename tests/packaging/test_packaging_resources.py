"""app.resources finds the shipped files in a checkout, a wheel and a bundle."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from app import APP_ID, resources
from app.resources import (
    ACTION_ICONS,
    APP_ICON_SIZES,
    RESOURCES_ENV,
    ResourcesNotFoundError,
    app_icon_png_paths,
    icon_path,
    resource_path,
    resources_dir,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _fresh_lookup(monkeypatch):
    monkeypatch.delenv(RESOURCES_ENV, raising=False)
    resources_dir.cache_clear()
    yield
    resources_dir.cache_clear()


@pytest.fixture
def copied_resources(tmp_path) -> Path:
    target = tmp_path / "elsewhere" / "resources"
    shutil.copytree(REPO / "resources", target)
    return target


def test_a_checkout_uses_the_top_level_resources_folder():
    assert resources_dir().resolve() == (REPO / "resources").resolve()
    assert resource_path("icons", "actions").is_dir()


def test_every_declared_icon_has_a_file():
    for name in ACTION_ICONS:
        assert icon_path(name).is_file()
    assert icon_path(APP_ID).name == f"{APP_ID}.svg"
    assert icon_path("app") == icon_path(APP_ID)
    assert sorted(app_icon_png_paths()) == list(APP_ICON_SIZES)


def test_an_unknown_icon_is_refused_with_the_known_names():
    with pytest.raises(FileNotFoundError, match="known icons: new-message, send"):
        icon_path("no-such-icon")


def test_the_environment_variable_overrides_the_search(monkeypatch, copied_resources):
    monkeypatch.setenv(RESOURCES_ENV, str(copied_resources))
    assert resources_dir() == copied_resources
    assert icon_path("send") == copied_resources / "icons" / "actions" / "send.svg"


def test_a_pyinstaller_bundle_uses_its_own_resources(monkeypatch, copied_resources):
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(copied_resources.parent), raising=False)
    assert resources_dir() == copied_resources


def test_a_folder_without_the_icon_set_is_skipped(monkeypatch, tmp_path):
    monkeypatch.setenv(RESOURCES_ENV, str(tmp_path))
    assert resources_dir().resolve() == (REPO / "resources").resolve()


def test_missing_resources_are_reported_in_words(monkeypatch, tmp_path):
    monkeypatch.setattr(resources, "_candidates", lambda: [tmp_path])
    with pytest.raises(ResourcesNotFoundError, match=f"Reinstall SMS Console, or set {RESOURCES_ENV}"):
        resources_dir()
