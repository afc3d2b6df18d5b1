"""Views of stored messages: however they are read, they are the same."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from app.engine.requests import OutboundRequest
from app.engine.views import MESSAGE_VIEW_COLUMNS, view_of, views_of
from app.store.models import Message


def test_views_read_by_the_driver_equal_views_of_the_stored_rows(make_engine):
    engine = make_engine()
    at = datetime(2026, 3, 1, 12, 30, 45, 123456, tzinfo=timezone.utc)
    ids = [v.id for v in engine.queue_messages([
        OutboundRequest(["+15550001"], "plain"),
        OutboundRequest(["+15550002"], "flash, scheduled", flash=True, scheduled_at=at, status_report=False),
    ]).accepted]
    with engine.db.session() as s:  # values of every kind: times, true and false, NULL
        s.get(Message, ids[0]).possible_duplicate = True
        s.get(Message, ids[0]).sent_at = at
        s.commit()
    with engine.db.engine.connect() as conn:
        fast = views_of(conn, ids + [ids[0], 999_999])  # duplicates and unknown ids are no views
        table = Message.__table__
        typed = [view_of(r) for r in conn.execute(
            select(*(table.c[c] for c in MESSAGE_VIEW_COLUMNS)).where(table.c.id.in_(ids)).order_by(table.c.id)
        ).mappings()]
    assert [v.id for v in fast] == sorted(ids)
    assert fast == typed
    for f, t in zip(fast, typed):
        for column in MESSAGE_VIEW_COLUMNS:  # the same types, not only equal values
            assert type(getattr(f, column)) is type(getattr(t, column)), column
    assert fast[0].sent_at == at and fast[0].possible_duplicate is True
    assert fast[1].scheduled_at == at and fast[1].flash is True and fast[1].status_report is False


def test_a_time_written_with_an_offset_of_its_own_is_read_as_utc(make_engine):
    engine = make_engine()
    [view] = engine.queue_messages([OutboundRequest(["+15550001"], "hello")]).accepted
    with engine.db.engine.begin() as conn:  # as a hand-written statement might store it
        conn.exec_driver_sql("UPDATE message SET sent_at = '2026-03-01 14:30:45.000000+02:00', "
                             "finished_at = '2026-03-01 12:30:45' WHERE id = ?", (view.id,))
    with engine.db.engine.connect() as conn:
        [read] = views_of(conn, [view.id])
    assert read.sent_at == datetime(2026, 3, 1, 12, 30, 45, tzinfo=timezone.utc)
    assert read.finished_at == datetime(2026, 3, 1, 12, 30, 45, tzinfo=timezone.utc)
    assert read.sent_at.tzinfo is timezone.utc and read.finished_at.tzinfo is timezone.utc
