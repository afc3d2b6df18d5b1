"""The packaging files pass the standard validators, where those are installed.

The validators come from Debian's packages desktop-file-utils
(desktop-file-validate), appstream (appstreamcli) and systemd (systemd-analyze);
a test whose tool is missing is skipped and says which package to install.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from app import APP_ID

REPO = Path(__file__).resolve().parents[2]
LINUX = REPO / "packaging" / "linux"


def _tool(name: str, package: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (Debian package {package})")
    return path


def test_desktop_file_validates():
    tool = _tool("desktop-file-validate", "desktop-file-utils")
    out = subprocess.run([tool, str(LINUX / f"{APP_ID}.desktop")], capture_output=True, text=True)
    assert out.returncode == 0 and not out.stdout.strip(), out.stdout + out.stderr


def test_metainfo_validates():
    tool = _tool("appstreamcli", "appstream")
    out = subprocess.run(
        [tool, "validate", "--no-net", "--no-color", str(LINUX / f"{APP_ID}.metainfo.xml")],
        capture_output=True,
        text=True,
    )
    # Infos are allowed (older appstreamcli does not know <developer> yet);
    # warnings and errors are not.
    assert out.returncode == 0, out.stdout + out.stderr
    assert not re.search(r"^[EW]: ", out.stdout, re.M), out.stdout


@pytest.mark.parametrize("scope", ["system", "user"])
def test_systemd_units_verify(scope, tmp_path):
    tool = _tool("systemd-analyze", "systemd")
    source = (LINUX / "systemd" / scope / "smsconsole.service").read_text(encoding="utf-8")
    # systemd-analyze also checks that the program exists: point it at one that does.
    unit = tmp_path / "smsconsole.service"
    unit.write_text(
        re.sub(r"^ExecStart=\S+", "ExecStart=/bin/true", source, flags=re.M), encoding="utf-8"
    )
    cmd = [tool, "verify", str(unit)]
    env = dict(os.environ)
    if scope == "user":
        cmd.insert(1, "--user")
        runtime = tmp_path / "runtime"
        runtime.mkdir(mode=0o700)
        env["XDG_RUNTIME_DIR"] = str(runtime)
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    report = (out.stdout + out.stderr).strip()
    if out.returncode != 0 and "Failed to initialize manager" in report:
        pytest.skip(f"systemd-analyze cannot run here: {report.splitlines()[-1]}")
    assert out.returncode == 0 and not report, report


RULE_KEY = re.compile(
    r'^(?P<key>[A-Z_]+)(\{(?P<attr>[^}]+)\})?(?P<op>==|!=|\+=|-=|:=|=)"(?P<value>[^"]*)"$'
)
UDEV_KEYS = {"ACTION", "SUBSYSTEM", "SUBSYSTEMS", "KERNEL", "ATTRS", "ENV", "TAG", "GOTO", "LABEL", "GROUP", "MODE"}


def test_udev_rule_is_well_formed():
    text = (LINUX / "udev" / "70-smsconsole-modems.rules").read_text(encoding="utf-8")
    labels, gotos = set(), set()
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        for pair in (p.strip() for p in line.split(",")):
            match = RULE_KEY.match(pair)
            assert match, f"line {number}: cannot read {pair!r}"
            assert match["key"] in UDEV_KEYS, f"line {number}: unexpected key {match['key']}"
            if match["key"] == "LABEL":
                labels.add(match["value"])
            if match["key"] == "GOTO":
                gotos.add(match["value"])
            if match["key"] == "ATTRS" and match["attr"] in ("idVendor", "idProduct"):
                assert re.fullmatch(r"[0-9a-f]{4}", match["value"]), f"line {number}"
    assert gotos <= labels, f"GOTO without LABEL: {gotos - labels}"
    assert 'TAG+="uaccess"' in text
    assert 'ENV{ID_MM_DEVICE_IGNORE}="1"' in text


def test_shell_scripts_parse():
    scripts = [
        ("bash", REPO / "packaging" / "pyinstaller" / "build.sh"),
        ("sh", LINUX / "install-desktop-files.sh"),
        ("sh", REPO / "packaging" / "macos" / "make-icns.sh"),
    ]
    for shell, script in scripts:
        out = subprocess.run([shell, "-n", str(script)], capture_output=True, text=True)
        assert out.returncode == 0, f"{script}: {out.stderr}"
        assert os.access(script, os.X_OK), f"{script} is not executable"


def test_desktop_file_installer_installs_and_removes(tmp_path):
    script = LINUX / "install-desktop-files.sh"
    env = dict(os.environ, PATH="/usr/bin:/bin")  # the cache tools are optional
    subprocess.run(["sh", str(script), "--prefix", str(tmp_path)], check=True,
                   capture_output=True, env=env)
    share = tmp_path / "share"
    assert (share / "applications" / f"{APP_ID}.desktop").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (share / "icons" / "hicolor" / "256x256" / "apps" / f"{APP_ID}.png").is_file()
    subprocess.run(["sh", str(script), "--prefix", str(tmp_path), "--uninstall"], check=True,
                   capture_output=True, env=env)
    left = [p for p in share.rglob(f"{APP_ID}*") if p.is_file()]
    assert left == []


def test_pyinstaller_spec_and_scripts_compile():
    for path in (
        REPO / "packaging" / "pyinstaller" / "smsconsole.spec",
        REPO / "packaging" / "pyinstaller" / "smoke_test.py",
        REPO / "packaging" / "flatpak" / "update_python_deps.py",
        REPO / "packaging" / "render_icons.py",
    ):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
