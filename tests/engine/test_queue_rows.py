"""The dispatcher's fast read of due messages gives the rows SQLAlchemy's own processing would."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.engine import shared_queue
from app.engine.requests import OutboundRequest


def test_due_messages_read_fast_equal_the_processed_rows(make_engine):
    engine = make_engine()
    engine.queue_messages([
        OutboundRequest(["+15550001", "+15550002"], "hello", flash=True, status_report=True, validity_seconds=600,
                        priority=2, customer_ref="ref"),
        OutboundRequest(["+15550003"], "plain"),
    ])
    now = engine.clock.now() + timedelta(seconds=1)
    with engine.db.session() as s:
        fast = shared_queue.queued_batch(s, now, 250, after=None, skip_locked=False)
        processed = [dict(r) for r in s.connection().execute(
            select(shared_queue.T).order_by(shared_queue.T.c.priority.desc(), shared_queue.T.c.id)).mappings()]
    assert fast == processed
    for a, b in zip(fast, processed):
        assert {k: type(v) for k, v in a.items()} == {k: type(v) for k, v in b.items()}
    assert fast[0]["flash"] is True and fast[0]["expires_at"].tzinfo is not None
