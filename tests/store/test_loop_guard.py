"""The loop guard under the test suite's rule: a test may reach the store itself, the application may not."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from app.store import loop_guard

APP = Path(__file__).resolve().parents[2] / "app"


def test_the_application_never_lets_itself_reach_the_store_on_the_loop():
    uses = [f"{p.relative_to(APP)}:{n}" for p in APP.rglob("*.py") if p.name != "loop_guard.py"
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
            if re.search(r"\ballowed\(\)|\bexempt\s*=", line)]
    assert uses == []


def test_a_test_calling_the_engine_is_its_own_access_the_window_calling_it_is_not(strict_loop, make_engine):
    from app.ui.first_run import _store_choices  # a window function that belongs in the store lane

    engine = make_engine()

    async def on_the_loop():
        engine.set_setting("default_country", "49")  # the test's own call: allowed
        with pytest.raises(loop_guard.LoopStoreAccess):
            _store_choices(engine, "44", None, False, None)  # the window's code on the loop: refused
        await engine.in_lane(_store_choices, engine, "44", None, False, None)  # in the store lane: fine

    asyncio.run(on_the_loop())
    assert engine.settings["default_country"] == "44"
    assert any("first_run" in v or "set_setting" in v for v in loop_guard.violations)

