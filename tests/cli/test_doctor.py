"""The window says which system libraries Qt lacks before Qt starts, and `smsconsole doctor`
finds each problem of the machine with its fix."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys

import keyring
import pytest
from keyring.backends import fail

from app import doctor, qt_libraries
from app.config import Config

needs_cc = pytest.mark.skipif(not (shutil.which("cc") and shutil.which("ldd")), reason="needs a C compiler and ldd")


def plugin_lacking(tmp_path, soname: str):
    """A platform plugin (a real shared object) that links a library which is not on the machine."""
    build = tmp_path / "build"
    build.mkdir()
    (build / "gone.c").write_text("int gone(void) { return 1; }\n")
    (build / "plugin.c").write_text("int gone(void);\nint plugin(void) { return gone(); }\n")
    subprocess.run(["cc", "-shared", "-fPIC", f"-Wl,-soname,{soname}", "-o", build / soname, build / "gone.c"],
                   check=True)
    plugins = tmp_path / "platforms"
    plugins.mkdir()
    subprocess.run(["cc", "-shared", "-fPIC", "-o", plugins / "libqxcb.so", build / "plugin.c", build / soname],
                   check=True)
    shutil.rmtree(build)
    return plugins


@needs_cc
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux platform plugins")
def test_a_missing_library_is_named_in_one_line_before_qt_starts(tmp_path):
    plugins = plugin_lacking(tmp_path, "libsmsconsole-gone.so.4")
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb", "QT_QPA_PLATFORM_PLUGIN_PATH": str(plugins), "DISPLAY": ":99"}
    missing = qt_libraries.missing_libraries(env=env)
    assert missing is not None and "libsmsconsole-gone.so.4" in missing.libraries
    done = subprocess.run([sys.executable, "-m", "app.cli"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2  # not SIGABRT (-6, or 134 from a shell)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "libsmsconsole-gone.so.4" in lines[0] and "sudo apt install" in lines[0]
    assert "smsconsole doctor" in lines[0]


def test_libraries_are_named_with_their_packages_for_debian_and_fedora():
    missing = qt_libraries.Missing("xcb", ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-cursor.so.0"])
    assert missing.install_commands() == (
        "sudo apt install libxcb-icccm4 libxcb-keysyms1 libxcb-cursor0 (Debian/Ubuntu) or "
        "sudo dnf install xcb-util-wm xcb-util-keysyms xcb-util-cursor (Fedora)")


def test_no_display_is_said_before_qt_starts():
    assert "DISPLAY is not set" in qt_libraries.display_problem(env={"QT_QPA_PLATFORM": "xcb"})
    assert qt_libraries.display_problem(env={"QT_QPA_PLATFORM": "xcb", "DISPLAY": ":0"}) is None
    assert qt_libraries.display_problem(env={"QT_QPA_PLATFORM": "offscreen"}) is None
    assert qt_libraries.chosen_platform({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}) == "wayland"


def test_doctor_finds_a_taken_api_port_and_says_how_to_free_it():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        cfg = Config()
        cfg.api["listen"] = f"127.0.0.1:{s.getsockname()[1]}"
        finding = doctor.check_api_port(cfg)
    assert not finding.ok and "taken" in finding.detail and "[api] listen" in finding.fix
    assert doctor.check_api_port(cfg).ok  # free again


def test_doctor_refuses_a_store_of_a_newer_schema(tmp_path):
    path = tmp_path / "console.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE schemaversion (id INTEGER PRIMARY KEY, version INTEGER)")
        conn.execute("INSERT INTO schemaversion VALUES (1, 999)")
    finding = doctor.check_store(Config(), f"sqlite:///{path}")
    assert not finding.ok and "999" in finding.detail and finding.fix == "update SMS Console"
    assert doctor.check_store(Config(), f"sqlite:///{tmp_path / 'new' / 'console.db'}").ok


def test_doctor_tells_modem_manager_and_keyring_problems_with_their_fix():
    finding = doctor.check_modem_manager(running=True)
    assert not finding.ok and "ID_MM_DEVICE_IGNORE" in finding.fix
    assert doctor.check_modem_manager(running=False).ok
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        finding = doctor.check_keyring()
    finally:
        keyring.set_keyring(before)
    assert not finding.ok and "password_env" in finding.fix


@pytest.mark.skipif(os.getuid() == 0, reason="root opens every port")
def test_doctor_names_the_group_that_opens_serial_ports(tmp_path):
    port = tmp_path / "ttyUSB0"
    port.write_text("")
    port.chmod(0)
    finding = doctor.check_serial_ports([str(port)])
    assert not finding.ok and ("usermod -aG" in finding.fix or "log out and in again" in finding.fix)


def test_doctor_command_prints_each_check_and_exits_1_on_a_problem(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb"}
    env.pop("DISPLAY", None)
    done = subprocess.run([sys.executable, "-m", "app.cli", "doctor", "--db", f"sqlite:///{tmp_path / 'c.db'}"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    for check in ("Qt libraries", "Display", "Serial ports", "ModemManager", "Keyring", "API port", "Store"):
        assert check in done.stdout
    assert "DISPLAY is not set" in done.stdout
