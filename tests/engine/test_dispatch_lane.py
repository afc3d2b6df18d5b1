"""Where the dispatcher's passes run: beside the store lane on a shared store (PostgreSQL), so a pass claims
messages while the lane is busy writing; in the store lane itself on SQLite (one writer at a time)."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import text

from app.engine.requests import OutboundRequest


def _statuses(engine, ids) -> list[str]:
    with engine.db.engine.connect() as conn:
        rows = dict(conn.execute(text("SELECT id, status FROM message WHERE id = ANY(:ids)" if not engine.db.is_sqlite
                                      else f"SELECT id, status FROM message WHERE id IN ({','.join(map(str, ids))})"),
                                 {"ids": list(ids)} if not engine.db.is_sqlite else {}).all())
    return [rows[i] for i in ids]


async def _until(check, seconds: float = 10.0) -> bool:
    for _ in range(int(seconds / 0.05)):
        if check():
            return True
        await asyncio.sleep(0.05)
    return False


async def _engine(make_engine, url):
    engine = make_engine(url=url)
    engine.add_gateway("Sim", "simulator", {"send_delay": 0.0, "report_delay": 0.0, "window": 50})
    await engine.start()
    return engine


async def _queued_while_the_lane_is_busy(engine, numbers: list[str], meanwhile) -> None:
    """Queue messages while the store lane is held busy (a long write, say) and wake the dispatcher;
    ``await meanwhile(ids)`` checks them then. Once the lane is free they are all sent."""
    release = threading.Event()
    held = engine.store_lane.submit(release.wait, 30)
    try:
        ids = [v.id for v in engine.queue_messages([OutboundRequest(numbers, "text")]).accepted]
        engine.dispatcher.wake()
        await meanwhile(ids)
    finally:
        release.set()
    held.result(5)
    assert await _until(lambda: set(_statuses(engine, ids)) == {"sent"}), _statuses(engine, ids)


@pytest.mark.postgres
async def test_a_pass_claims_messages_while_the_store_lane_is_busy_on_a_shared_store(make_engine, pg_url):
    engine = await _engine(make_engine, pg_url)

    async def claimed(ids):  # claimed and handed to the gateway; their outcomes wait for the lane
        assert await _until(lambda: set(_statuses(engine, ids)) == {"sending"}), _statuses(engine, ids)

    try:
        await _queued_while_the_lane_is_busy(engine, [f"+1555000{i:04d}" for i in range(20)], claimed)
    finally:
        await engine.stop()
    assert engine._dispatch_lane is None  # stopped with the engine


async def test_on_sqlite_a_pass_waits_for_the_store_lane(make_engine, db_url):
    engine = await _engine(make_engine, db_url)

    async def still_queued(ids):  # one writer: the pass waits its turn
        await asyncio.sleep(0.5)
        assert _statuses(engine, ids) == ["queued", "queued"]

    try:
        await _queued_while_the_lane_is_busy(engine, ["+15550001", "+15550002"], still_queued)
    finally:
        await engine.stop()
