#!/usr/bin/env python3
"""Smoke-test a built SMS Console program (the bundle, or any `smsconsole` command).

    python packaging/pyinstaller/smoke_test.py [--no-gui] dist/smsconsole/smsconsole
    python packaging/pyinstaller/smoke_test.py python -m app.cli    # from a checkout

Checks, each in a fresh temporary home so nothing of the user's is touched:
  1. `--version` prints "smsconsole <version>";
  2. `serve` with a minimal configuration answers HTTP on a free loopback port,
     and stops cleanly (exit status 0) on SIGTERM;
  3. the console window starts on Qt's offscreen platform (or --platform) with
     a fresh store (--db) and its API on a free port, opens that store, is still
     running after a few seconds and has reported no error (Qt, its plugins and
     every module load); --no-gui skips it.
Exit status 0 when every check passed. Uses only the standard library.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO))
from app import __version__  # noqa: E402

SERVE_START_TIMEOUT = 30.0
STOP_TIMEOUT = 20.0


def _env(home: Path, platform: str = "offscreen") -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_STATE_HOME=str(home / "state"),
        XDG_CACHE_HOME=str(home / "cache"),
        # Qt's local sockets live in the temporary folder: the window's single-instance
        # socket then cannot meet a console that is already running for this user.
        TMPDIR=str(home),
        QT_QPA_PLATFORM=platform,
        PYTHONUNBUFFERED="1",
    )
    # Use a desktop-less keyring so nothing asks for an unlock prompt.
    env.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_version(exe: list[str], home: Path) -> None:
    out = subprocess.run(
        exe + ["--version"], env=_env(home), capture_output=True, text=True, timeout=60
    )
    text = (out.stdout + out.stderr).strip()
    expected = f"smsconsole {__version__}"
    if out.returncode != 0 or text != expected:
        raise AssertionError(
            f"--version: exit {out.returncode}, printed {text!r}, expected {expected!r}"
        )
    print(f"ok  --version -> {text}")


def _http_get(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().status
    finally:
        conn.close()


def check_serve(exe: list[str], home: Path) -> None:
    port = free_port()
    config = home / "smsconsole.toml"
    config.write_text(f'[api]\nlisten = "127.0.0.1:{port}"\n', encoding="utf-8")
    db = f"sqlite:///{home / 'smoke.db'}"
    log = home / "serve.log"
    with log.open("w") as log_file:
        proc = subprocess.Popen(
            exe + ["serve", "--config", str(config), "--db", db],
            env=_env(home),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        problems = []
        try:
            deadline = time.monotonic() + SERVE_START_TIMEOUT
            status = None
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    raise AssertionError(
                        f"serve exited with {proc.returncode} before answering:\n{log.read_text()}"
                    )
                try:
                    status = _http_get(port, "/http/request-server-status")
                    break
                except OSError:
                    time.sleep(0.2)
            if status is None:
                problems.append(
                    f"serve did not answer on 127.0.0.1:{port} within {SERVE_START_TIMEOUT:.0f} s"
                )
            elif status >= 500:
                problems.append(f"serve answered HTTP {status}")
            else:
                print(f"ok  serve answers on 127.0.0.1:{port} (HTTP {status})")
            # Stopping cleanly is checked even when the API did not answer.
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                code = None
                problems.append(f"serve did not stop within {STOP_TIMEOUT:.0f} s of SIGTERM")
            if code == 0:
                print("ok  serve stops on SIGTERM with exit status 0")
            elif code is not None:
                problems.append(f"serve exited with {code} on SIGTERM")
            if problems:
                raise AssertionError("; ".join(problems) + f"\nserve's output:\n{log.read_text()}")
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


GUI_ERRORS = ("traceback", "error", "could not load", "cannot load", "failed to")


def check_gui(exe: list[str], home: Path, platform: str = "offscreen", seconds: float = 5.0) -> None:
    log = home / "gui.log"
    store = home / "gui.db"
    config = home / "smsconsole.toml"  # the window's HTTP API on a free port, not the default one
    config.write_text(f'[api]\nlisten = "127.0.0.1:{free_port()}"\n', encoding="utf-8")
    with log.open("w") as log_file:
        proc = subprocess.Popen(
            exe + ["--config", str(config), "--db", f"sqlite:///{store}"], env=_env(home, platform),
            stdout=log_file, stderr=subprocess.STDOUT,
        )
        try:
            try:
                code = proc.wait(seconds)
            except subprocess.TimeoutExpired:
                code = None
            text = log.read_text()
            if code is not None:
                raise AssertionError(f"the console window exited with {code} within {seconds:.0f} s:\n{text}")
            errors = [line for line in text.splitlines() if any(word in line.lower() for word in GUI_ERRORS)]
            if errors:
                raise AssertionError("the console window reported errors:\n" + text)
            if not store.is_file():
                raise AssertionError(f"the console window did not open its store {store}:\n{text}")
            print(f"ok  the console window runs ({platform}, {seconds:.0f} s) with its store")
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-gui", dest="gui", action="store_false",
                        help="skip starting the console window")
    parser.add_argument("--platform", default="offscreen",
                        help="Qt platform for the window: offscreen (default), xcb (needs DISPLAY, e.g. "
                             "under xvfb-run), wayland (needs WAYLAND_DISPLAY)")
    parser.add_argument("program", nargs=argparse.REMAINDER,
                        help="the program to test, with any leading arguments")
    args = parser.parse_args(argv)
    if not args.program:
        parser.error("name the program to test")
    failures = 0
    checks = [("version", check_version), ("serve", check_serve)]
    if args.gui:
        checks.append(("gui", lambda exe, home: check_gui(exe, home, args.platform)))
    for name, check in checks:
        with tempfile.TemporaryDirectory(prefix="smsconsole-smoke-") as tmp:
            try:
                check(args.program, Path(tmp))
            except (AssertionError, OSError, subprocess.SubprocessError) as exc:
                failures += 1
                print(f"FAIL {name}: {exc}", file=sys.stderr)
    passed = len(checks) - failures
    print(f"smoke test: {passed} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
