"""Gateways have owners when several consoles share one PostgreSQL store (SMSCONSOLE_TEST_PG_URL)."""

from __future__ import annotations

import asyncio

import pytest

from app.engine import instances
from app.engine.engine import Engine
from app.engine.requests import EngineError, OutboundRequest
from app.engine.routing import RoutingRule
from app.store import models as m

from .consoles import console, needs_postgres, until
from .scripted_gateway import KIND

pytestmark = needs_postgres


@pytest.fixture(autouse=True)
def quick_heartbeat(monkeypatch):
    monkeypatch.setattr(instances, "HEARTBEAT", 0.2)
    monkeypatch.setattr(instances, "STALE", 1.0)


def running(engine: Engine) -> set[str]:
    return {g.name for g in engine.gateways.values() if g.running}


def die(engine: Engine) -> None:
    """The console is killed: no clean stop, no more heartbeats, leases or answers."""
    engine.cluster._task.cancel()
    engine.dispatcher._task.cancel()
    for gw in engine.gateways.values():
        if gw._worker is not None:
            gw._worker.cancel()
    engine.db.engine.dispose()


async def test_each_console_runs_its_own_gateways_and_one_runs_a_shared_one(pg_url):
    a, b = console(pg_url, "a"), console(pg_url, "b")
    a.add_gateway("MA", KIND, {"owner": "a", "window": 10})
    a.add_gateway("MB", KIND, {"owner": "b", "window": 10})
    a.add_gateway("P", KIND, {"window": 10})  # any one console
    await a.start()
    await b.start()
    try:
        assert running(a) == {"MA", "P"} and running(b) == {"MB"}
        with pytest.raises(EngineError, match="belongs to instance 'a'"):
            await b.start_gateway("MA")
        with pytest.raises(EngineError, match="runs on instance 'a'"):
            await b.start_gateway("P")
        queued = a.queue_messages([OutboundRequest([f"+1555{i:07d}" for i in range(60)], "x")]).accepted
        await until(lambda: a.status_counts() == {m.SENT: 60}, "every message sent")
        sends = [s.message_id for e in (a, b) for g in e.gateways.values() for s in g.sent]
        assert sorted(sends) == sorted(v.id for v in queued), "each sent once"
        assert {g for e in (a, b) for g in running(e)} == {"MA", "MB", "P"}
        # the owner changes in one console; the other follows at its next heartbeat
        await a.cluster.owners.set_owner("P", "b")
        await until(lambda: "P" in running(b) and "P" not in running(a), "P moved to b")
    finally:
        await asyncio.gather(a.stop(), b.stop())


async def test_a_dead_owners_messages_follow_the_rules_failover(pg_url):
    a = console(pg_url, "a")
    a.settings["lease_seconds"] = 1
    a.add_gateway("MA", KIND, {"owner": "a", "window": 5})
    a.add_gateway("MB", KIND, {"owner": "b", "window": 5})
    a.add_gateway("P", KIND, {"window": 5})
    a.set_routing_rules([RoutingRule(("MA", "MB"), name="modems", destination="+1555"),
                         RoutingRule(("MA",), name="only MA", destination="+1666")])
    await a.start()
    await a.stop_gateway("P")  # P stays with "a" (its run), but sends nothing: MA takes the +1555 messages
    a.gateways["MA"].hold = asyncio.Event()  # "a" never answers: it dies while sending
    queued = a.queue_messages([OutboundRequest([f"+1555{i:07d}" for i in range(20)], "x")]).accepted
    await until(lambda: a.status_counts().get(m.SENDING) == 5, "a sending")
    # handed to MA, not only claimed: a pass cut short by the kill would hand its claims back untried
    await until(lambda: a.gateways["MA"].busy == 5, "a's claims handed to MA")
    die(a)
    only_ma = console(pg_url, "x").queue_messages([OutboundRequest(["+16660000001"], "y")]).accepted[0]

    b = console(pg_url, "b")
    await b.start()
    b.settings["lease_seconds"] = 1
    try:
        assert running(b) == {"MB"}, "P's run is a's until a's heartbeat is stale"
        await until(lambda: "P" in running(b), "the shared gateway taken over by b")
        await until(lambda: all(b.message(v.id).status == m.SENT for v in queued), "a's messages sent by b")
        assert {b.message(v.id).gateway for v in queued} == {"MB"}
        assert sum(b.message(v.id).possible_duplicate for v in queued) == 5, "a's interrupted claims flagged"
        await until(lambda: "belongs to instance 'a', which is gone" in b.message(only_ma.id).reason,
                    "the reason of a message only a's modem may carry")
        assert b.message(only_ma.id).status == m.QUEUED
    finally:
        await b.stop()
