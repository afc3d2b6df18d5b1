"""Several instances sharing one PostgreSQL store and queue (SMSCONSOLE_TEST_PG_URL)."""

from __future__ import annotations

import asyncio
import os

import pytest

from app.engine import events as ev
from app.engine.engine import Engine
from app.engine.requests import OutboundRequest
from app.store import models as m
from app.store.database import Database

from .scripted_gateway import KIND

PG_URL = os.environ.get("SMSCONSOLE_TEST_PG_URL")
pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="SMSCONSOLE_TEST_PG_URL is not set: no PostgreSQL server "
                                 "to test the shared queue against")]


def instance(url: str, name: str, gateway: str, clock=None) -> Engine:
    engine = Engine(Database(url), instance_id=name, clock=clock)
    engine.open_store()
    build = engine._build  # each instance runs its own gateway, as with its own modems
    engine._build = lambda rec: build(rec.model_copy(update={"enabled": rec.name == gateway}))
    return engine


async def test_two_instances_send_every_message_exactly_once(pg_url):
    one = instance(pg_url, "one", "G1")
    one.add_gateway("G1", KIND, {"window": 20})
    one.add_gateway("G2", KIND, {"window": 20})
    two = instance(pg_url, "two", "G2")
    queued = one.queue_messages([OutboundRequest([f"+1555{i:07d}" for i in range(400)], "shared")]).accepted
    done = asyncio.get_running_loop().create_future()
    sent = set()

    def on_event(e):
        if isinstance(e, ev.MessageChanged) and e.message.status == m.SENT:
            sent.add(e.message.id)
            if len(sent) == len(queued) and not done.done():
                done.set_result(None)

    for engine in (one, two):
        engine.events.subscribe(on_event)
    await asyncio.gather(one.start(), two.start())
    try:
        await asyncio.wait_for(done, 60)
        sends = [s.message_id for e, g in ((one, "G1"), (two, "G2")) for s in e.gateways[g].sent]
        assert sorted(sends) == sorted(v.id for v in queued), "each message sent once, by one instance"
        assert one.status_counts() == {m.SENT: 400}
    finally:
        await asyncio.gather(one.stop(), two.stop())


async def test_a_dead_instances_claims_are_sent_by_the_other(pg_url):
    from app.engine.clock import ManualClock

    clock = ManualClock()
    one = instance(pg_url, "one", "G1", clock)
    one.add_gateway("G1", KIND, {"window": 5})
    one.add_gateway("G2", KIND, {"window": 5})
    await one.start()
    await one.dispatcher.stop()
    one.gateways["G1"].hold = asyncio.Event()  # "one" never gets an answer: it dies while sending
    queued = one.queue_messages([OutboundRequest([f"+1555{i:07d}" for i in range(8)], "x")]).accepted
    one.dispatcher.tick()
    assert one.status_counts() == {m.SENDING: 5, m.QUEUED: 3}
    for task in (one.gateways["G1"]._worker,):
        task.cancel()
    one.db.close()

    two = instance(pg_url, "two", "G2", clock)
    await two.start()
    try:
        clock.advance(two.settings["lease_seconds"] + 1)
        two.dispatcher.wake()
        done = asyncio.get_running_loop().create_future()
        two.events.subscribe(lambda e: isinstance(e, ev.MessageChanged) and two_done(two, done))
        two.dispatcher.wake()
        await asyncio.wait_for(done, 30)
        views = [two.message(v.id) for v in queued]
        assert all(v.status == m.SENT and v.gateway == "G2" for v in views)
        assert sum(v.possible_duplicate for v in views) == 5, "the interrupted claims are flagged"
    finally:
        await two.stop()


def two_done(engine, fut):
    if not fut.done() and engine.status_counts() == {m.SENT: 8}:
        fut.set_result(None)
