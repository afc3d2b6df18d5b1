"""The writer of gateways' news when the store refuses one item for good: the others are not held back."""

from __future__ import annotations

import logging

from sqlalchemy import exc as sa_exc

from app.engine import outbox as outbox_module
from app.engine.requests import OutboundRequest
from app.store import models as m

from .conftest import run_until_settled


def _refuse_sends_of(engine, poison_id: int, error: Exception) -> list[int]:
    """Make every run of news that holds the send outcome of ``poison_id`` fail with ``error``."""
    writer = engine.outbox.writer
    real = writer._sent
    runs: list[int] = []

    def sent(conn, outcomes, now):
        runs.append(len(outcomes))
        if any(o.sms.message_id == poison_id for o in outcomes):
            raise error
        return real(conn, outcomes, now)

    writer._sent = sent
    return runs


async def test_an_outcome_the_store_refuses_for_good_is_set_aside_and_the_others_are_written(engine_with, caplog):
    engine = await engine_with("A")
    engine.set_setting("interrupted_rule", "fail")
    views = engine.queue_messages([OutboundRequest([f"+1555000{i}"], f"hello {i}") for i in range(3)]).accepted
    poison = views[1].id
    runs = _refuse_sends_of(engine, poison, ValueError("a value the store refuses"))
    with caplog.at_level(logging.ERROR):
        await run_until_settled(engine)
    statuses = {v.id: engine.message(v.id) for v in views}
    assert statuses[views[0].id].status == m.SENT and statuses[views[2].id].status == m.SENT
    # not left "sending" for ever: the interrupted-send rule settled it, flagged for the operator
    assert statuses[poison].status == m.FAILED and statuses[poison].possible_duplicate
    assert poison not in engine.dispatcher.inflight
    assert runs.count(3) == outbox_module.SPLIT_AFTER  # tried whole, then one at a time
    assert f"the outcome of sending message {poison} through A cannot be recorded and is set aside: " \
           "ValueError: a value the store refuses" in caplog.text
    # and the writer is back to whole runs: later news is written as before
    later = engine.queue_messages([OutboundRequest(["+15550009"], "later")]).accepted[0]
    await run_until_settled(engine)
    assert engine.message(later.id).status == m.SENT
    assert runs[-1] == 1 and engine.outbox._failures == 0


async def test_an_error_that_may_pass_never_sets_news_aside(engine_with):
    engine = await engine_with("A")
    [view] = engine.queue_messages([OutboundRequest(["+15550001"], "hello")]).accepted
    failures = [outbox_module.SPLIT_AFTER + 2]  # locked for longer than the split takes
    writer = engine.outbox.writer
    real = writer._sent

    def sent(conn, outcomes, now):
        if failures[0] > 0:
            failures[0] -= 1
            raise sa_exc.OperationalError("UPDATE message", {}, Exception("database is locked"))
        return real(conn, outcomes, now)

    writer._sent = sent
    await run_until_settled(engine)
    assert failures == [0]
    assert engine.message(view.id).status == m.SENT  # written once the lock was gone, not set aside
    assert not engine.message(view.id).possible_duplicate
