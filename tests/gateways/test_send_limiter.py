"""Send limits are one piece every gateway kind can use: a kind that declares them (here a simulated
gateway that does, as the modem does) holds what is over its per-minute limit with the reason, and
reset-send-limit lets it go on."""

from __future__ import annotations

import asyncio

import pytest

from app.engine.requests import OutboundRequest
from app.gateways import registry
from app.gateways.send_limiter import LIMIT_SETTINGS, SendLimiter
from app.gateways.simulator import SimulatorGateway
from app.store import models as m


class LimitedSimulator(SimulatorGateway):
    """The simulated gateway with the limit settings declared, as any kind may."""

    kind = "limited-simulator"
    SETTINGS = (*LIMIT_SETTINGS, *SimulatorGateway.SETTINGS)


@pytest.fixture(autouse=True)
def limited_kind(monkeypatch):
    monkeypatch.setitem(registry.KINDS, LimitedSimulator.kind, f"{__name__}:LimitedSimulator")


def test_the_limiter_counts_a_minute_and_a_day():
    limiter = SendLimiter(per_minute=3, per_day=5)
    assert limiter.room(busy=0) == 3 and limiter.room(busy=2) == 1
    for _ in range(3):
        limiter.count()
    assert limiter.room(busy=0) == 0 and limiter.info() == {"sent_last_minute": "3/3", "sent_today": "3/5"}
    limiter._sent_times.clear()  # a minute later
    assert limiter.room(busy=0) == 2  # the day's limit is what is left
    limiter.reset()
    assert limiter.room(busy=0) == 3 and SendLimiter().room(busy=100) is None


async def test_a_simulated_gateway_holds_what_is_over_its_limit_until_reset(make_engine):
    engine = make_engine()
    engine.add_gateway("Sim", LimitedSimulator.kind, {"send_delay": 0.0, "report_delay": 0.0, "per_minute": 2})
    await engine.start()
    try:
        assert engine.gateways["Sim"].has_send_limits()
        msgs = engine.queue_messages([OutboundRequest([f"+1555000000{i}" for i in range(3)], "x")]).accepted
        for _ in range(300):
            await asyncio.sleep(0.01)
            if sum(engine.message(v.id).status == m.SENT for v in msgs) == 2:
                break
        engine.dispatcher._annotate_at = None  # the waiting reasons are written with the next pass
        engine.dispatcher.wake()
        await asyncio.sleep(0.05)
        await engine.dispatcher.idle()
        statuses = [engine.message(v.id) for v in msgs]
        assert [v.status for v in statuses].count(m.SENT) == 2
        [waiting] = [v for v in statuses if v.status == m.QUEUED]
        assert "Sim is at its sending limit" in waiting.reason
        assert engine.gateway_view(engine.gateways["Sim"]).info["sent_last_minute"] == "2/2"
        engine.reset_send_limit("Sim")
        for _ in range(300):
            await asyncio.sleep(0.01)
            if engine.message(waiting.id).status == m.SENT:
                break
        assert engine.message(waiting.id).status == m.SENT
    finally:
        await engine.stop()
