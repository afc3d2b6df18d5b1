"""The loop `smsconsole serve` runs on: uvloop's when installed, asyncio's when asked for; the interpreter
handed between the store lane and the loop every millisecond."""

from __future__ import annotations

import asyncio
import sys

import pytest

from app.engine.engine import SWITCH_INTERVAL, Engine
from app.serve import run
from app.store.database import Database


async def _loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


def _run(monkeypatch, env: str | None) -> list[str]:
    if env is None:
        monkeypatch.delenv("SMSCONSOLE_LOOP", raising=False)
    else:
        monkeypatch.setenv("SMSCONSOLE_LOOP", env)
    found: list[str] = []

    async def main() -> None:
        found.append(await _loop_module())

    run(main())
    return found


def test_serve_runs_on_uvloop_when_it_is_installed(monkeypatch):
    pytest.importorskip("uvloop")
    (module,) = _run(monkeypatch, None)
    assert module.startswith("uvloop")


def test_smsconsole_loop_asyncio_chooses_the_standard_loop(monkeypatch):
    (module,) = _run(monkeypatch, "asyncio")
    assert module.startswith("asyncio")


def test_the_store_lane_gets_the_interpreter_back_to_the_loop_within_a_millisecond(tmp_path):
    before = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)  # Python's default
        engine = Engine(Database(f"sqlite:///{tmp_path}/s.db"))
        engine.store_lane  # noqa: B018 - the lane starts on first use
        assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL)
    finally:
        sys.setswitchinterval(before)
