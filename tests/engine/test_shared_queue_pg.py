"""Several instances sharing one PostgreSQL store and queue (SMSCONSOLE_TEST_PG_URL)."""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta

import pytest

from app.engine import events as ev
from app.engine.clock import Clock
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
    one.add_gateway("G1", KIND, {"window": 20, "owner": "one"})
    one.add_gateway("G2", KIND, {"window": 20, "owner": "two"})
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
    # leases are measured by the store's clock: this one is short so that it really runs out
    one = instance(pg_url, "one", "G1")
    one.settings["lease_seconds"] = 1
    one.add_gateway("G1", KIND, {"window": 5, "owner": "one"})
    one.add_gateway("G2", KIND, {"window": 5, "owner": "two"})
    await one.start()
    await one.dispatcher.stop()
    one.gateways["G1"].hold = asyncio.Event()  # "one" never gets an answer: it dies while sending
    queued = one.queue_messages([OutboundRequest([f"+1555{i:07d}" for i in range(8)], "x")]).accepted
    one.dispatcher.tick()
    assert one.status_counts() == {m.SENDING: 5, m.QUEUED: 3}
    for task in (one.gateways["G1"]._worker, one.cluster._task):
        task.cancel()
    one.db.close()

    two = instance(pg_url, "two", "G2")
    await two.start()
    two.settings["lease_seconds"] = 1
    try:
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


class SkewedClock(Clock):
    """A host whose clock runs ``offset`` seconds ahead."""

    def __init__(self, offset: float):
        self.offset = timedelta(seconds=offset)

    def now(self):
        return super().now() + self.offset


async def test_a_clock_running_ahead_takes_over_no_healthy_claim(pg_url):
    """Lease times are the store's: 60 s of skew against a 30 s lease sends nothing twice."""
    one = instance(pg_url, "one", "G1")
    one.add_gateway("G1", KIND, {"window": 10, "owner": "one"})
    one.add_gateway("G2", KIND, {"window": 10, "owner": "two"})
    one.set_setting("lease_seconds", 30)
    two = instance(pg_url, "two", "G2", SkewedClock(60))
    await one.start()
    one.gateways["G1"].hold = asyncio.Event()
    queued = one.queue_messages([OutboundRequest([f"+1555{i:07d}" for i in range(10)], "skew")]).accepted
    while one.status_counts() != {m.SENDING: 10}:
        await asyncio.sleep(0.05)  # another pass of the running dispatcher
    await two.start()
    try:
        assert two.outbox.take_over_expired() == 0, "healthy claims stay with their console"
        for _ in range(3):
            await two.dispatcher.idle()
            two.dispatcher.wake()
            await asyncio.sleep(0.1)
        one.gateways["G1"].hold.set()
        while one.status_counts() != {m.SENT: 10}:
            await asyncio.sleep(0.05)
        sends = [s.message_id for e, g in ((one, "G1"), (two, "G2")) for s in e.gateways[g].sent]
        assert sorted(sends) == sorted(v.id for v in queued), "10 messages, 10 sends"
        assert not any(one.message(v.id).possible_duplicate for v in queued)
    finally:
        await asyncio.gather(one.stop(), two.stop())
