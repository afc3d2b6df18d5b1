"""One application id everywhere: desktop file, metainfo, icons, Flatpak, bundles."""

from __future__ import annotations

import configparser
import plistlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from app import APP_ID, APP_NAME, __version__
from app.resources import APP_ICON_SIZES

REPO = Path(__file__).resolve().parents[2]
LINUX = REPO / "packaging" / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
FLATPAK = REPO / "packaging" / "flatpak" / f"{APP_ID}.yml"


def desktop_entry() -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return parser["Desktop Entry"]


def test_desktop_file_is_named_for_the_app_id_and_names_its_icon():
    entry = desktop_entry()
    assert entry["Icon"] == APP_ID
    assert entry["Name"] == APP_NAME
    assert entry["Exec"].split()[0] == "smsconsole"
    assert entry["Type"] == "Application"


def test_metainfo_uses_the_app_id_version_and_desktop_file():
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("name") == APP_NAME
    assert root.find("launchable").text == DESKTOP.name
    assert root.find("provides/binary").text == "smsconsole"
    versions = [r.get("version") for r in root.findall("releases/release")]
    assert versions and versions[0] == __version__, "newest release first, matching app.__version__"
    assert root.find("developer/name").text
    assert root.find("content_rating").get("type") == "oars-1.1"
    assert root.find("description/p") is not None


def test_metainfo_screenshots_have_captions_and_name_the_committed_files():
    root = ET.parse(METAINFO).getroot()
    shots = root.findall("screenshots/screenshot")
    names = [s.findtext("image").rsplit("/", 1)[-1] for s in shots]
    assert names == ["main-window.png", "compose.png", "gateways.png"]
    assert all(s.findtext("caption") for s in shots)
    assert all(s.findtext("image").startswith("https://") for s in shots)
    assert [s.get("type") for s in shots].count("default") == 1


def test_hicolor_icons_are_named_for_the_app_id():
    hicolor = REPO / "resources" / "icons" / "hicolor"
    assert (hicolor / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    for size in APP_ICON_SIZES:
        assert (hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()
    names = {p.name for p in hicolor.rglob("*") if p.is_file()}
    assert names == {f"{APP_ID}.svg", f"{APP_ID}.png"}


def test_flatpak_manifest_uses_the_app_id_and_asks_for_what_the_console_needs():
    text = FLATPAK.read_text(encoding="utf-8")
    assert re.search(rf"^id: {re.escape(APP_ID)}$", text, re.M)
    assert re.search(r"^command: smsconsole$", text, re.M)
    assert re.search(r"^runtime: org\.kde\.Platform$", text, re.M)
    assert re.search(r"^base: io\.qt\.PySide\.BaseApp$", text, re.M)
    for arg in (
        "--device=all",
        "--share=network",
        "--socket=wayland",
        "--socket=fallback-x11",
        "--talk-name=org.kde.StatusNotifierWatcher",
        "--talk-name=org.freedesktop.Notifications",
        "--talk-name=org.freedesktop.secrets",
    ):
        assert re.search(rf"^\s+- {re.escape(arg)}$", text, re.M), arg
    sizes = re.search(r"for size in ([\d ]+); do", text).group(1).split()
    assert tuple(int(s) for s in sizes) == APP_ICON_SIZES


def test_desktop_file_installer_installs_every_icon_size():
    text = (LINUX / "install-desktop-files.sh").read_text(encoding="utf-8")
    assert f"APP_ID={APP_ID}" in text
    sizes = re.search(r'^SIZES="([\d ]+)"', text, re.M).group(1).split()
    assert tuple(int(s) for s in sizes) == APP_ICON_SIZES


def test_bundles_for_other_systems_use_the_app_id_and_version():
    plist = plistlib.loads((REPO / "packaging" / "macos" / "Info.plist").read_bytes())
    assert plist["CFBundleIdentifier"] == APP_ID
    assert plist["CFBundleShortVersionString"] == __version__
    iss = (REPO / "packaging" / "windows" / "smsconsole.iss").read_text(encoding="utf-8")
    assert f'#define AppId "{APP_ID}"' in iss
    assert f'#define AppVersion "{__version__}"' in iss
    spec = (REPO / "packaging" / "pyinstaller" / "smsconsole.spec").read_text(encoding="utf-8")
    assert "bundle_identifier=APP_ID" in spec


def test_systemd_units_run_serve_with_a_config_file():
    for unit in (LINUX / "systemd").rglob("*.service"):
        text = unit.read_text(encoding="utf-8")
        exec_start = re.search(r"^ExecStart=(.*)$", text, re.M).group(1)
        assert re.search(r"smsconsole serve --config \S+\.toml$", exec_start), unit
        assert "KillSignal=SIGTERM" in text


def test_the_window_announces_the_app_id_to_the_desktop():
    ui = REPO / "app" / "ui"
    sources = [p.read_text(encoding="utf-8") for p in ui.glob("*.py")]
    if not any("QApplication(" in s or "QGuiApplication(" in s for s in sources):
        pytest.skip("app/ui creates no QApplication yet")
    assert any("setDesktopFileName(APP_ID)" in s for s in sources), (
        "the GUI must call setDesktopFileName(APP_ID) so that the desktop matches "
        "its windows to the desktop file and icon"
    )
