"""The event bus: events published together reach every listener, in order, on the loop's thread."""

from __future__ import annotations

import asyncio
import threading

from app.engine.events import EventBus, MessageStored
from app.engine.requests import OutboundRequest


async def test_events_published_together_from_another_thread_arrive_in_order_on_the_loop():
    bus = EventBus()
    bus.attach(asyncio.get_running_loop())
    seen: list[tuple[str, int, int]] = []
    bus.subscribe(lambda e: seen.append(("first", e, threading.get_ident())))
    bus.subscribe(lambda e: seen.append(("second", e, threading.get_ident())))
    await asyncio.to_thread(bus.publish_all, [1, 2, 3])
    await asyncio.sleep(0)
    here = threading.get_ident()
    # delivered on the loop's thread, not the worker's, each event to every listener before the next
    assert seen == [(who, n, here) for n in (1, 2, 3) for who in ("first", "second")]


def test_a_failing_listener_does_not_keep_the_others_from_the_events():
    bus = EventBus()
    seen: list[int] = []
    bus.subscribe(lambda e: 1 / 0)
    bus.subscribe(seen.append)
    bus.publish_all([1, 2])
    assert seen == [1, 2]


def test_a_job_is_announced_message_by_message_and_counted_once_stored(make_engine):
    engine = make_engine()
    with engine.db.session() as s:
        engine.counts.advance(s.connection())  # counted once: the engine follows from here
    stored: list[str] = []
    engine.events.subscribe(lambda e: isinstance(e, MessageStored) and stored.append(e.message.recipient))
    result = engine.queue_messages([OutboundRequest(["+15550001", "+15550002", "+15550003"], "hello")])
    assert stored == ["+15550001", "+15550002", "+15550003"]
    assert [it.message.recipient for it in result.items] == stored
    assert engine.counts.snapshot() == {"queued": 3}
