"""Fixtures of the SMPP gateway tests: the scripted SMSC (fake_smsc.py) and a console whose gateway "Up"
binds to it."""

from __future__ import annotations

import pytest

from app.gateways.base import GatewayState
from tests.engine.consoles import until
from tests.gateways.fake_smsc import FakeSmsc


@pytest.fixture
async def smsc():
    fake = await FakeSmsc().start()
    yield fake
    await fake.stop()


@pytest.fixture
async def console(make_engine):
    started = []

    async def make(smsc: FakeSmsc, **settings):
        engine = make_engine()
        engine.settings["retry_base_seconds"] = settings.pop("retry_base", 0.05)
        engine.settings["max_attempts"] = 10
        engine.add_gateway("Up", "smpp", {"host": "127.0.0.1", "port": smsc.port, "system_id": "esme",
                                          "password": "secret", "reconnect_backoff": 0.05,
                                          "throttle_backoff": 0.05, **settings})
        await engine.start()
        started.append(engine)
        gw = engine.gateways["Up"]
        await until(lambda: gw.state == GatewayState.RUNNING, "the bind")
        return engine, gw

    yield make
    for engine in started:
        await engine.stop()
