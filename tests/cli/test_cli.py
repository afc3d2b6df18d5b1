"""The command line: help texts, a refused config, and `serve` from start to a clean stop."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from app.cli import build_parser


def smsconsole(*args, env=None, **kw):
    return subprocess.run([sys.executable, "-m", "app.cli", *args], capture_output=True, text=True,
                          env=env, timeout=60, **kw)


def clean_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["HOME"] = str(tmp_path)
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    env["XDG_STATE_HOME"] = str(tmp_path / "state")
    return env


@pytest.mark.parametrize("command", [[], ["gui"], ["serve"], ["count"], ["pdu"]])
def test_every_command_explains_itself(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args([*command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: smsconsole") and len(out.splitlines()) > 4


def test_version():
    result = smsconsole("--version")
    assert result.returncode == 0 and result.stdout.strip() == "smsconsole 0.1.0"


def test_options_before_the_command_are_kept():
    args = build_parser().parse_args(["--db", "sqlite:///a.db", "serve"])
    assert args.db == "sqlite:///a.db" and args.config is None
    args = build_parser().parse_args(["serve", "--config", "c.toml"])
    assert args.config == "c.toml" and args.db is None


def test_bad_config_is_one_line_and_exit_2(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[gateways]]\nname = 'A'\nkind = 'simulator'\ncolour = 'red'\n")
    result = smsconsole("serve", "--config", str(bad), env=clean_env(tmp_path))
    assert result.returncode == 2
    assert result.stderr.strip() == f"smsconsole: {bad}: gateways[0].colour: unknown key"
    assert "Traceback" not in result.stderr


def test_the_window_refuses_a_bad_config_before_it_opens(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[api]\nlisten = 9710\n")
    result = smsconsole("--config", str(bad), env=clean_env(tmp_path))  # no display needed: no window
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f"smsconsole: {bad}: api.listen")
    assert "Traceback" not in result.stderr


def test_serve_runs_without_a_display_and_stops_cleanly_on_sigterm(tmp_path):
    db = tmp_path / "console.db"
    cfg = tmp_path / "console.toml"
    cfg.write_text("[api]\nlisten = '127.0.0.1:0'\n[[gateways]]\nname = 'Demo'\nkind = 'simulator'\n"
                   "send_delay = 0.0\n")
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "serve", "--config", str(cfg),
                             "--db", f"sqlite:///{db}"], env=clean_env(tmp_path),
                            stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        for line in proc.stderr:  # the process tells when it is up
            lines.append(line)
            if "serving on store" in line:
                break
        assert any("serving on store" in line for line in lines), "".join(lines)
        proc.send_signal(signal.SIGTERM)
        rest = proc.stderr.read()
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "stopped cleanly" in rest
    assert "Traceback" not in "".join(lines) + rest
    # the store was closed cleanly: the WAL was checkpointed into the main file
    wal = tmp_path / "console.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0
