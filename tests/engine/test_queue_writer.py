"""The queue writer: queued jobs stored by a process of their own, with the results the store lane gives,
and nothing lost or stored twice when that process stops in the middle of a group."""

from __future__ import annotations

import asyncio
import logging
import os
import signal

import pytest
from sqlalchemy import text

from app.engine.queue_group import Terms, store_group, stored_jobs
from app.engine.ids import new_job_id
from app.engine.requests import EngineError, OutboundRequest
from app.store import models as m


async def _started_writer(make_engine, **kwargs):
    """A started engine whose queue writer is up (the first job queued starts it; the lane stores that one)."""
    engine = make_engine(queue_process=True, **kwargs)
    await engine.start()
    engine.pause_all()
    first = await engine.queue_messages_async([OutboundRequest(["+15550000"], "first")])
    assert first.accepted
    writer = engine.queue_writer
    for _ in range(600):
        if writer.ready:
            break
        await asyncio.sleep(0.1)
    assert writer.ready, "the queue writer did not start"
    assert writer.pid not in (None, os.getpid())
    return engine, writer


def _stored(engine, sql: str, **params):
    with engine.db.engine.connect() as conn:
        return conn.execute(text(sql), params).all()


async def test_jobs_queued_meanwhile_are_stored_by_the_writer_with_their_own_results(make_engine):
    engine, writer = await _started_writer(make_engine)
    try:
        answered = writer.groups_answered
        results = await asyncio.gather(*(engine.queue_messages_async(
            [OutboundRequest([f"+1555100{i:04d}"], f"n{i}", customer_ref=f"ref{i}")], user="api", source="diafaan")
            for i in range(200)))
        assert writer.groups_answered > answered  # the process answered them, not the lane
        assert len({r.job_id for r in results}) == 200
        for i, r in enumerate(results):
            (item,) = r.items
            assert item.message.recipient == f"+1555100{i:04d}"
            stored = engine.message(item.message.id)
            assert (stored.text, stored.job_id, stored.status, stored.user, stored.customer_ref) == (
                f"n{i}", r.job_id, m.QUEUED, "api", f"ref{i}")
            assert stored.uid == item.message.uid
        assert _stored(engine, "SELECT count(*) FROM job WHERE source = 'diafaan'")[0][0] == 200
        assert engine.queue_length() == 201
    finally:
        await engine.stop()


async def test_refusals_duplicates_and_atomic_jobs_are_answered_as_the_lane_answers_them(make_engine):
    engine, writer = await _started_writer(make_engine)
    try:
        answered = writer.groups_answered
        calls = [
            engine.queue_messages_async([OutboundRequest(["+15550001"], "fine")], atomic=True),
            engine.queue_messages_async([OutboundRequest(["+15550002", "not a number"], "half")], atomic=True),
            engine.queue_messages_async([OutboundRequest(["+15550003", "+15550004"], "x", uid="S.same")]),
            engine.queue_messages_async([OutboundRequest(["+15550005"], "y", uid="S.taken")]),
            engine.queue_messages_async([OutboundRequest(["+15550006"], "z", uid="S.taken")]),
            engine.queue_messages_async([OutboundRequest(["+15550007", "12"], "partly")]),
        ]
        results = await asyncio.gather(*calls, return_exceptions=True)
        assert writer.groups_answered > answered
        assert results[0].accepted and not results[1].accepted
        assert results[1].refused[0].code == "invalid-number"
        assert isinstance(results[2], EngineError)
        assert "single recipient" in str(results[2])
        assert results[3].accepted
        assert results[4].refused[0].code == "duplicate-id"
        assert [it.recipient for it in results[5].accepted] == ["+15550007"]
        assert results[5].refused[0].code == "invalid-number"
        assert engine.queue_length() == 4  # first, fine, S.taken, +15550007
        # a later group sees the earlier ones: the same text to the same number within the window
        engine.settings["duplicate_window_seconds"] = 600
        again = await engine.queue_messages_async([OutboundRequest(["+15550007"], "partly",
                                                                   duplicate_detection=True)])
        assert again.refused[0].code == "duplicate"
    finally:
        await engine.stop()


async def test_the_settings_of_the_moment_a_group_is_formed_are_the_ones_it_is_checked_with(make_engine):
    engine, writer = await _started_writer(make_engine)
    try:
        national = OutboundRequest(["0301234567"], "national")
        before = await engine.queue_messages_async([national])
        assert [v.recipient for v in before.accepted] == ["0301234567"]  # no country: kept as given
        engine.settings["default_country"] = "49"
        after = await engine.queue_messages_async([national])
        assert [v.recipient for v in after.accepted] == ["+49301234567"]
    finally:
        await engine.stop()


async def test_a_call_failing_in_the_writer_fails_alone_and_what_the_writer_logs_reaches_the_console(
        make_engine, caplog):
    engine, writer = await _started_writer(make_engine)
    try:
        taken = (await engine.queue_messages_async([OutboundRequest(["+15550001"], "one")])).job_id
        caplog.set_level(logging.INFO)
        # a job id already stored: the group's shared transaction fails, each call is then stored alone
        clash, fine = await asyncio.gather(
            engine.queue_messages_async([OutboundRequest(["+15550002"], "two")], job_id=taken),
            engine.queue_messages_async([OutboundRequest(["+15550003"], "three")]), return_exceptions=True)
        assert isinstance(clash, Exception) and not isinstance(clash, EngineError)
        assert "UNIQUE" in str(clash) or "unique" in str(clash)
        assert fine.accepted and engine.message(fine.accepted[0].id).text == "three"
        assert any("storing 2 jobs together failed" in r.getMessage() for r in caplog.records
                   if r.name == "app.engine.queue_group")
        assert _stored(engine, "SELECT count(*) FROM message WHERE text = 'two'")[0][0] == 0
    finally:
        await engine.stop()


async def test_a_writer_killed_while_storing_a_group_loses_nothing_and_stores_nothing_twice(make_engine, caplog):
    engine, writer = await _started_writer(make_engine)
    try:
        caplog.set_level(logging.WARNING)
        pid = writer.pid
        big = [f"+1555{i:07d}" for i in range(30000)]  # long enough to be killed while it is stored
        job = asyncio.ensure_future(engine.queue_messages_async([OutboundRequest(big, "big")]))
        others = [asyncio.ensure_future(engine.queue_messages_async([OutboundRequest([f"+1666000{i:04d}"], "o")]))
                  for i in range(20)]
        await asyncio.sleep(0.3)
        os.kill(pid, signal.SIGKILL)
        result = await asyncio.wait_for(job, 60)
        rest = await asyncio.wait_for(asyncio.gather(*others), 60)
        assert len(result.accepted) == 30000
        assert _stored(engine, "SELECT count(*) FROM message WHERE text = 'big'")[0][0] == 30000
        ids = {v.id for v in result.accepted}
        assert {r[0] for r in _stored(engine, "SELECT id FROM message WHERE text = 'big'")} == ids
        assert all(r.accepted for r in rest)
        assert _stored(engine, "SELECT count(*) FROM message WHERE text = 'o'")[0][0] == 20
        assert any("the queue writer stopped" in r.getMessage() for r in caplog.records)
        assert not writer.ready
        # the console goes on queueing without it
        later = await engine.queue_messages_async([OutboundRequest(["+15559999"], "later")])
        assert later.accepted and engine.message(later.accepted[0].id).text == "later"
    finally:
        await engine.stop()


def test_a_group_stored_before_its_writer_stopped_is_answered_from_the_store_and_not_stored_again(make_engine):
    engine = make_engine()
    now = engine.clock.now()
    terms = Terms(now, None, 0)
    first = [([OutboundRequest(["+15550001", "+15550002"], "kept")], {"job_id": new_job_id(now), "user": "api"}),
             ([OutboundRequest(["nope"], "refused")], {"job_id": new_job_id(now)})]
    committed = store_group(engine.db, first, terms)  # the writer committed this, then died before answering
    second = [([OutboundRequest(["+15550003"], "new")], {"job_id": new_job_id(now), "user": "api"})]
    outcomes = stored_jobs(engine.db, first + second, terms)
    (job_a, batch_a), (job_b, batch_b), (job_c, batch_c) = outcomes
    assert job_a == committed[0][0]
    assert [r["id"] for r in batch_a.rows] == [r["id"] for r in committed[0][1].rows]
    assert [r["recipient"] for r in batch_a.rows] == ["+15550001", "+15550002"]
    assert batch_a.items == [0, 1]
    assert batch_b.rows == [] and batch_b.items[0].code == "invalid-number"  # checked again: refused again
    assert [r["recipient"] for r in batch_c.rows] == ["+15550003"] and batch_c.rows[0]["id"]
    assert _stored(engine, "SELECT count(*) FROM message")[0][0] == 3
    assert _stored(engine, "SELECT count(*) FROM job")[0][0] == 2


async def test_the_writer_stops_with_the_console(make_engine):
    engine, writer = await _started_writer(make_engine)
    proc = writer._proc
    await engine.queue_messages_async([OutboundRequest(["+15550001"], "before stop")])
    await engine.stop()
    assert proc.exitcode == 0
    assert engine.queue_writer is None


async def test_a_store_no_other_process_can_open_is_written_by_the_lane(make_engine):
    engine = make_engine(url="sqlite://", queue_process=True)
    await engine.start()
    try:
        assert not engine.db.shareable
        assert engine.queue_writer is None
        result = await engine.queue_messages_async([OutboundRequest(["+15550001"], "in memory")])
        assert result.accepted
    finally:
        await engine.stop()


def test_the_configuration_says_whether_a_console_has_a_queue_writer(tmp_path):
    from app.config import load_config
    from app.runtime import engine_for

    url = f"sqlite:///{tmp_path / 'c.db'}"
    on = tmp_path / "on.toml"
    on.write_text("[store]\nqueue_process = true\n")
    assert engine_for(load_config(str(on)), url)._queue_process is True
    default = tmp_path / "default.toml"
    default.write_text("[store]\n")
    assert engine_for(load_config(str(default)), url)._queue_process is False  # off unless asked for


@pytest.mark.postgres
async def test_the_writer_stores_jobs_on_a_shared_store(make_engine, pg_url):
    engine, writer = await _started_writer(make_engine, url=pg_url)
    try:
        answered = writer.groups_answered
        results = await asyncio.gather(*(engine.queue_messages_async([OutboundRequest([f"+1555200{i:04d}"], f"p{i}")])
                                         for i in range(50)))
        assert writer.groups_answered > answered
        assert all(engine.message(r.items[0].message.id).text == f"p{i}" for i, r in enumerate(results))
    finally:
        await engine.stop()
