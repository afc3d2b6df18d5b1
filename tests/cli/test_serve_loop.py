"""The loop `smsconsole serve` runs on: uvloop's when installed, asyncio's when asked for."""

from __future__ import annotations

import asyncio
import sys

import pytest

from app.serve import SWITCH_INTERVAL, run


async def _loop_module() -> str:
    return type(asyncio.get_running_loop()).__module__


def _run(monkeypatch, env: str | None) -> list[str]:
    if env is None:
        monkeypatch.delenv("SMSCONSOLE_LOOP", raising=False)
    else:
        monkeypatch.setenv("SMSCONSOLE_LOOP", env)
    before = sys.getswitchinterval()
    try:
        found: list[str] = []

        async def main() -> None:
            found.append(await _loop_module())
            found.append(str(sys.getswitchinterval()))

        run(main())
        return found
    finally:
        sys.setswitchinterval(before)


def test_serve_runs_on_uvloop_when_it_is_installed(monkeypatch):
    pytest.importorskip("uvloop")
    module, interval = _run(monkeypatch, None)
    assert module.startswith("uvloop")
    assert float(interval) == SWITCH_INTERVAL


def test_smsconsole_loop_asyncio_chooses_the_standard_loop(monkeypatch):
    module, _ = _run(monkeypatch, "asyncio")
    assert module.startswith("asyncio")
