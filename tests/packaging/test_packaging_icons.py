"""The icon set renders with Qt's SVG renderer and reads on light and dark backgrounds."""

from __future__ import annotations

import os
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from app import APP_ID  # noqa: E402
from app.resources import ACTION_ICONS, app_icon_path, icon_path  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
ACTIONS = REPO / "resources" / "icons" / "actions"
LIGHT, DARK = "#ffffff", "#1e1e1e"
COLOUR = re.compile(r"#[0-9a-fA-F]{6}\b")

sys.path.insert(0, str(REPO / "packaging"))
import render_icons  # noqa: E402


@pytest.fixture
def qt_app(qapp):
    """pytest-qt's QApplication, shared with the widget tests of the session."""
    return qapp


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    low, high = sorted((_luminance(a), _luminance(b)))
    return (high + 0.05) / (low + 0.05)


def _opaque_fraction(image) -> float:
    opaque = sum(
        1
        for y in range(image.height())
        for x in range(image.width())
        if image.pixelColor(x, y).alpha() > 128
    )
    return opaque / (image.width() * image.height())


def test_the_action_icon_set_is_exactly_the_declared_one():
    assert {p.stem for p in ACTIONS.glob("*.svg")} == set(ACTION_ICONS)
    assert sorted(p.name for p in ACTIONS.iterdir()) == sorted(f"{n}.svg" for n in ACTION_ICONS)


@pytest.mark.parametrize("name", ACTION_ICONS)
def test_action_icon_is_a_24px_svg_with_fixed_colours(name):
    path = icon_path(name)
    root = ET.parse(path).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 24 24"
    text = path.read_text(encoding="utf-8")
    assert "currentColor" not in text, "icons carry their own colours"
    assert COLOUR.findall(text), "icons name their colours explicitly"


@pytest.mark.parametrize("name", ACTION_ICONS)
def test_action_icon_colours_stand_out_on_light_and_dark_backgrounds(name):
    # Non-text contrast (WCAG 1.4.11): at least 3:1 against both a white and a
    # dark window background, so one icon set serves both themes.
    for colour in set(COLOUR.findall(icon_path(name).read_text(encoding="utf-8"))):
        assert _contrast(colour, LIGHT) >= 3.0, f"{name}: {colour} too pale on white"
        assert _contrast(colour, DARK) >= 3.0, f"{name}: {colour} too dark on a dark background"


@pytest.mark.parametrize("name", ACTION_ICONS)
def test_action_icon_renders_at_toolbar_sizes(qt_app, name):
    for size in (16, 24, 48):
        image = render_icons.render(icon_path(name), size)
        assert image.width() == size
        fraction = _opaque_fraction(image)
        assert 0.04 < fraction < 0.9, f"{name} at {size}px covers {fraction:.0%}"


def test_app_icon_renders_and_fills_its_tile(qt_app):
    image = render_icons.render(app_icon_path(), 64)
    assert 0.6 < _opaque_fraction(image) < 0.95
    assert app_icon_path().name == f"{APP_ID}.svg"


def test_app_icon_pngs_are_up_to_date_with_the_svg(qt_app):
    assert render_icons.check_all() == [], "run: python packaging/render_icons.py"


def test_icons_load_as_qicons(qt_app):
    from PySide6.QtGui import QIcon

    for name in (*ACTION_ICONS, APP_ID):
        icon = QIcon(str(icon_path(name)))
        assert not icon.isNull(), name
        assert not icon.pixmap(32, 32).isNull(), name
