"""Search and filters over the store, and the conversation summary the triggers keep."""

from __future__ import annotations

import itertools
import threading
from datetime import datetime, timedelta, timezone

import pytest

from app.store import models as m
from app.store.models import Message
from app.store.search import MessageFilter, match_expression

T0 = datetime(2030, 5, 1, 12, 0, tzinfo=timezone.utc)
_uids = itertools.count()


def add(engine, direction, number, text, *, gateway="Demo", status=None, read=False, at=None) -> int:
    row = Message(uid=f"u{next(_uids)}", direction=direction,
                  status=status or (m.RECEIVED if direction == m.IN else m.SENT),
                  sender=number if direction == m.IN else "", recipient="" if direction == m.IN else number,
                  text=text, gateway=gateway, read=read, created_at=at or T0, updated_at=at or T0)
    with engine.db.session() as s:
        s.add(row)
        s.commit()
        return row.id


@pytest.fixture
def engine(make_engine):
    return make_engine()


def texts(views):
    return [v.text for v in views]


def test_words_match_as_prefixes_in_any_order_and_without_accents(engine):
    add(engine, m.IN, "+4917611111111", "Grüße aus München, bis später")
    add(engine, m.IN, "+4917622222222", "Your order is ready")
    add(engine, m.OUT, "+4915133333333", "Order shipped")
    assert texts(engine.search_messages(MessageFilter(text="ord"))) == ["Order shipped", "Your order is ready"]
    assert texts(engine.search_messages(MessageFilter(text="ready your"))) == ["Your order is ready"]
    assert texts(engine.search_messages(MessageFilter(text="muenchen"))) == []
    assert texts(engine.search_messages(MessageFilter(text="munchen GRUSSE".replace("GRUSSE", "grü")))) == [
        "Grüße aus München, bis später"]
    assert texts(engine.search_messages(MessageFilter(text="+49 1762"))) == ["Your order is ready"]
    assert texts(engine.search_messages(MessageFilter(text="order", direction=m.IN))) == ["Your order is ready"]
    assert engine.search_messages(MessageFilter(text="--- !!")) == []


def test_match_expression_quotes_every_word():
    assert match_expression('say "hi" OR NOT x') == '"say"* "hi"* "OR"* "NOT"* "x"*'


def test_index_follows_edits_and_deletes(engine):
    mid = add(engine, m.IN, "+15550001", "first text")
    with engine.db.session() as s:
        row = s.get(Message, mid)
        row.text = "second words"
        s.add(row)
        s.commit()
    assert engine.search_messages(MessageFilter(text="first")) == []
    assert texts(engine.search_messages(MessageFilter(text="second"))) == ["second words"]
    engine.delete_messages([mid])
    assert engine.search_messages(MessageFilter(text="second")) == []


def test_filters_unread_gateway_status_and_date(engine):
    a = add(engine, m.IN, "+15550001", "a", gateway="Modem1", at=T0)
    b = add(engine, m.IN, "+15550002", "b", gateway="Modem2", read=True, at=T0 + timedelta(days=1))
    c = add(engine, m.IN, "+15550003", "c", gateway="Modem2", at=T0 + timedelta(days=2))
    d = add(engine, m.OUT, "+15550004", "d", status=m.FAILED, at=T0 + timedelta(days=3))

    def ids(**kw):
        return [v.id for v in engine.search_messages(MessageFilter(**kw))]

    assert ids(unread=True) == [c, a]
    assert ids(direction=m.IN, gateway="Modem2") == [c, b]
    assert ids(statuses=(m.FAILED, m.DELIVERED)) == [d]
    assert ids(since=T0 + timedelta(hours=12), until=T0 + timedelta(days=2, hours=12)) == [c, b]
    assert ids(since=T0 + timedelta(days=30)) == []
    assert ids(until=T0 - timedelta(days=1)) == []
    assert ids(direction=m.IN, unread=True, gateway="Modem2", since=T0 + timedelta(days=1)) == [c]


def test_pages_newest_first(engine):
    made = [add(engine, m.IN, "+15550001", f"hello {i}") for i in range(7)]
    first = engine.search_messages(MessageFilter(text="hello"), limit=3)
    rest = engine.search_messages(MessageFilter(text="hello"), before_id=first[-1].id, limit=10)
    assert [v.id for v in first + rest] == made[::-1]


def test_conversations_count_unread_and_follow_reads_and_deletes(engine):
    a1 = add(engine, m.IN, "+15550001", "hi")
    add(engine, m.OUT, "+15550002", "to two")
    a2 = add(engine, m.IN, "+15550001", "again")
    reply = add(engine, m.OUT, "+15550001", "reply")
    engine.contacts.add("Alice", "+15550001")
    rows = engine.conversations()
    assert [(r.number, r.name, r.unread, r.total, r.last_text) for r in rows] == [
        ("+15550001", "Alice", 2, 3, "reply"), ("+15550002", "", 0, 1, "to two")]
    assert [v.id for v in engine.thread("+15550001")] == [reply, a2, a1]

    assert engine.mark_conversation_read("+15550001") == 2
    assert engine.conversation("+15550001").unread == 0
    engine.mark_read([a1], False)
    assert engine.conversation("+15550001").unread == 1

    engine.delete_messages([reply])
    row = engine.conversation("+15550001")
    assert (row.total, row.last_text, row.unread) == (2, "again", 1)
    engine.delete_messages([a1, a2])
    assert engine.conversation("+15550001") is None
    assert [r.number for r in engine.conversations(text="5550002")] == ["+15550002"]
    assert [r.number for r in engine.conversations(text="ali")] == []
    assert engine.conversations(unread_only=True) == []


def test_summary_is_built_for_a_store_that_had_messages_before(engine, db_url):
    add(engine, m.IN, "+15550001", "one")
    add(engine, m.IN, "+15550001", "two", read=True)
    with engine.db.engine.begin() as conn:
        from sqlalchemy import text
        for name in ("message_conversation_ai", "message_conversation_au", "message_conversation_ad",
                     "message_fts_ai", "message_fts_ad", "message_fts_au"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        conn.execute(text("DROP TABLE conversation"))
        conn.execute(text("DROP TABLE message_fts"))
    engine.db.create()
    assert [(r.number, r.unread, r.total) for r in engine.conversations()] == [("+15550001", 1, 2)]
    assert texts(engine.search_messages(MessageFilter(text="two"))) == ["two"]


def test_undo_restores_deleted_messages_in_place(engine):
    a = add(engine, m.IN, "+15550001", "keep me")
    b = add(engine, m.IN, "+15550001", "me too", read=True)
    unread_before = engine.unread_count()
    batch = engine.delete_for_undo([a, b])
    assert len(batch) == 2 and engine.message(a) is None and engine.unread_count() == unread_before - 1
    assert engine.undo_delete(batch) == 2
    assert engine.message(a).text == "keep me" and engine.message(b).read
    assert engine.unread_count() == unread_before
    assert engine.conversation("+15550001").total == 2
    assert texts(engine.search_messages(MessageFilter(text="keep"))) == ["keep me"]


def test_export_writes_csv_and_cancel_leaves_nothing(engine, tmp_path):
    for i in range(2500):
        add(engine, m.IN, "+15550001", f"line {i}, with comma")
    seen = []
    target = tmp_path / "all.csv"
    task = engine.export_messages(str(target), flt=MessageFilter(direction=m.IN),
                                  progress=lambda done, total: seen.append((done, total)))
    assert task.future.result(timeout=30) == 2500
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2501 and lines[0].startswith("id,direction,status")
    assert '"line 2499, with comma"' in lines[1]
    assert seen == [(0, 2500), (1000, 2500), (2000, 2500), (2500, 2500)]  # counted before the first row

    gate = threading.Event()
    started = threading.Event()  # the export's worker may report before export_messages has returned
    cancelled = tmp_path / "cancelled.csv"

    def progress(done, total):
        assert started.wait(10)
        task2.cancel()
        gate.set()

    task2 = engine.export_messages(str(cancelled), flt=MessageFilter(direction=m.IN), progress=progress)
    started.set()
    with pytest.raises(Exception) as info:
        task2.future.result(timeout=30)
    assert type(info.value).__name__ == "ExportCancelled" and gate.is_set()
    assert not cancelled.exists() and [p.name for p in tmp_path.iterdir() if p.name.startswith(".export")] == []


def test_export_of_a_selection(engine, tmp_path):
    ids = [add(engine, m.IN, "+15550001", f"t{i}") for i in range(5)]
    task = engine.export_messages(str(tmp_path / "sel.csv"), ids=[ids[1], ids[3]])
    assert task.future.result(timeout=10) == 2
    body = (tmp_path / "sel.csv").read_text(encoding="utf-8")
    assert "t3" in body and "t1" in body and "t2" not in body
