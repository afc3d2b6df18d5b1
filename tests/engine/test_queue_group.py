"""queue_messages_async: the jobs of one loop turn share one transaction, each
keeping its own job, atomicity and result."""

from __future__ import annotations

import asyncio

from sqlalchemy import event

from app.engine.requests import EngineError, OutboundRequest

import pytest


async def test_concurrent_jobs_are_committed_together_each_with_its_own_result(make_engine):
    engine = make_engine()
    engine.open_store()
    commits = []
    event.listen(engine.db.engine, "commit", lambda conn: commits.append(1))
    results = await asyncio.gather(*(engine.queue_messages_async([OutboundRequest([f"+1555000{i:04d}"], f"n{i}")],
                                                                 user="api", source="retarus")
                                     for i in range(64)))
    assert len(commits) == 1
    assert len({r.job_id for r in results}) == 64
    for i, r in enumerate(results):
        assert [it.message.recipient for it in r.items] == [f"+1555000{i:04d}"]
        assert engine.message(r.items[0].message.id).text == f"n{i}"
        assert engine.message(r.items[0].message.id).job_id == r.job_id


async def test_a_refused_job_does_not_affect_its_neighbours(make_engine):
    engine = make_engine()
    engine.open_store()
    good = engine.queue_messages_async([OutboundRequest(["+15550001"], "fine")], atomic=True)
    atomic = engine.queue_messages_async([OutboundRequest(["+15550002", "not a number"], "half")], atomic=True)
    wrong = engine.queue_messages_async([OutboundRequest(["+15550003", "+15550004"], "x", uid="S.same")])
    reused = engine.queue_messages_async([OutboundRequest(["+15550005"], "y", uid="S.taken")])
    again = engine.queue_messages_async([OutboundRequest(["+15550006"], "z", uid="S.taken")])
    results = await asyncio.gather(good, atomic, wrong, reused, again, return_exceptions=True)
    assert results[0].accepted and not results[1].accepted and results[1].refused[0].code == "invalid-number"
    assert isinstance(results[2], EngineError)
    assert results[3].accepted
    assert results[4].refused[0].code == "duplicate-id"  # sees the id stored earlier in the same transaction
    assert engine.queue_length() == 2


async def test_a_caller_that_gives_up_before_its_turn_stores_nothing(make_engine):
    engine = make_engine()
    engine.open_store()
    task = asyncio.ensure_future(engine.queue_messages_async([OutboundRequest(["+15550001"], "late")]))
    await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await engine.queue_messages_async([OutboundRequest(["+15550002"], "next")])
    assert engine.queue_length() == 1


async def test_duplicate_detection_sees_the_earlier_jobs_of_the_same_group(make_engine):
    engine = make_engine()
    engine.open_store()
    first = engine.queue_messages_async([OutboundRequest(["+15550001", "+15550002"], "same")])
    second = engine.queue_messages_async([OutboundRequest(["+15550002", "+15550003"], "same",
                                                          duplicate_detection=True)])
    a, b = await asyncio.gather(first, second)
    assert len(a.accepted) == 2
    assert [i.code for i in b.items] == ["duplicate", ""] and b.accepted[0].recipient == "+15550003"
    ids = [v.id for v in a.accepted + b.accepted]
    assert [engine.message(i).job_id for i in ids] == [a.job_id, a.job_id, b.job_id]
