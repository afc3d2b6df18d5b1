"""Fixtures of the outbox engine tests: a manual clock, the scripted gateway kind,
and engines whose dispatcher passes the test drives itself."""

from __future__ import annotations

import asyncio

import pytest

from app.engine.clock import ManualClock
from app.gateways import registry

from .scripted_gateway import KIND, TARGET


@pytest.fixture(autouse=True)
def scripted_kind(monkeypatch):
    monkeypatch.setitem(registry.KINDS, KIND, TARGET)


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
async def engine_with(make_engine, clock):
    """``await engine_with("A", "B")``: a started engine on the manual clock with scripted gateways.

    The dispatcher task is stopped: tests call ``tick()`` and ``drain()``.
    """
    started = []

    async def make(*names: str, window: int = 10, **kwargs):
        engine = make_engine(clock=clock, **kwargs)
        for name in names:
            engine.add_gateway(name, KIND, {"window": window})
        await engine.start()
        await engine.dispatcher.stop()
        started.append(engine)
        return engine

    yield make
    for engine in started:
        await engine.stop()


async def drain(engine, rounds: int = 200) -> None:
    """Let the gateways answer everything handed to them and the answers be recorded."""
    for _ in range(rounds):
        await asyncio.sleep(0)
        if not any(g.busy for g in engine.gateways.values()):
            await engine.outbox.settle()  # the answers committed and announced
            return
    raise AssertionError("gateways did not finish their work")


async def run_until_settled(engine, passes: int = 50) -> None:
    """Dispatcher passes and gateway answers until nothing more goes out at the current time."""
    for _ in range(passes):
        engine.dispatcher.tick()
        if not any(g.busy for g in engine.gateways.values()):
            return
        await drain(engine)
    raise AssertionError("the queue did not settle")


def count_store_passes(engine) -> list[int]:
    """Count the dispatcher's store passes from now on: the one-element list holds the count."""
    passes = [0]
    real = engine.dispatcher._store_pass

    def counted(snapshot):
        passes[0] += 1
        return real(snapshot)

    engine.dispatcher._store_pass = counted
    return passes
