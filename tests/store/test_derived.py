"""The search index and conversation summary catch up with new messages by id mark,
and stay right through deletes, written-back messages and reused ids."""

from __future__ import annotations

from sqlalchemy import text

from app.engine.requests import OutboundRequest
from app.store import derived
from app.store import models as m
from app.store.search import MessageFilter


def marks(engine) -> dict[str, int]:
    with engine.db.engine.connect() as conn:
        return dict(conn.execute(text("SELECT name, last_id FROM derived_mark")).all())


def fts_rows(engine) -> int:
    with engine.db.engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM message_fts WHERE message_fts MATCH 'hello*'")).scalar()


def test_new_messages_are_indexed_by_the_catch_up_not_on_insert(make_engine):
    engine = make_engine()
    engine.db.derived.close()  # no background indexing: only the query's own catch-up
    engine.queue_messages([OutboundRequest([f"+1555000{i:04d}" for i in range(2500)], "hello there")])
    assert marks(engine) == {"message_fts": 0, "conversation": 0}
    assert len(engine.search_messages(MessageFilter(text="hello"), limit=5000)) == 2500
    assert len(engine.conversations(limit=5000)) == 2500
    assert set(marks(engine).values()) == {2500}


def test_background_catch_up_reaches_the_newest_message(make_engine):
    engine = make_engine()
    result = engine.queue_messages([OutboundRequest(["+15550001", "+15550002"], "hello")])
    engine.db.derived.wait(timeout=30)
    newest = max(item.message.id for item in result.items)
    assert set(marks(engine).values()) == {newest}
    assert fts_rows(engine) == 2


def test_deletes_above_and_below_the_mark_and_reused_ids(make_engine):
    engine = make_engine()
    engine.db.derived.close()
    ids = [it.message.id for it in engine.queue_messages([OutboundRequest(["+15550001"] * 1, "hello one")]).items]
    engine.search_messages(MessageFilter(text="hello"))  # catches up: the first message is below the mark
    later = [it.message.id for it in engine.queue_messages(
        [OutboundRequest(["+15550001", "+15550002"], "hello two")]).items]
    engine.delete_messages([later[-1]])  # above the mark: never indexed, nothing to remove
    engine.delete_messages(ids)  # below the mark: removed by the triggers
    again = engine.queue_messages([OutboundRequest(["+15550003"], "hello three")]).items[0].message
    assert sorted(v.text for v in engine.search_messages(MessageFilter(text="hello"))) == ["hello three",
                                                                                            "hello two"]
    assert fts_rows(engine) == 2
    assert {(r.number, r.total, r.last_id) for r in engine.conversations()} == {
        ("+15550001", 1, later[0]), ("+15550003", 1, again.id)}


def test_written_back_messages_below_the_mark_are_indexed_at_once(make_engine):
    engine = make_engine()
    engine.db.derived.close()
    ids = [it.message.id for it in engine.queue_messages([OutboundRequest(["+15550001", "+15550002", "+15550003"],
                                                                          "hello back")]).items]
    derived.catch_up(engine.db.engine)
    batch = engine.delete_for_undo(ids[:2])  # below the newest message: the marks stay
    assert fts_rows(engine) == 1 and {r.number for r in engine.conversations()} == {"+15550003"}
    assert set(marks(engine).values()) == {ids[2]}
    engine.undo_delete(batch)
    assert fts_rows(engine) == 3  # by the undo itself, before any catch-up
    assert {r.number for r in engine.conversations()} == {"+15550001", "+15550002", "+15550003"}
    assert all(v.status == m.QUEUED for v in engine.search_messages(MessageFilter(text="back")))
    assert engine.conversations(unread_only=True) == []


def test_deleting_the_newest_messages_lowers_the_marks_so_their_ids_are_indexed_again(make_engine):
    engine = make_engine()
    engine.db.derived.close()
    ids = [it.message.id for it in engine.queue_messages([OutboundRequest(["+15550001", "+15550002", "+15550003"],
                                                                          "hello top")]).items]
    derived.catch_up(engine.db.engine)
    batch = engine.delete_for_undo(ids[1:])
    assert set(marks(engine).values()) == {ids[0]}
    engine.undo_delete(batch)  # written back above the mark: the catch-up's
    assert sorted(v.id for v in engine.search_messages(MessageFilter(text="top"))) == ids
    engine.delete_messages([ids[2]])
    reused = engine.queue_messages([OutboundRequest(["+15550009"], "hello again")]).items[0].message
    assert reused.id == ids[2]  # SQLite gives the id again
    assert [v.text for v in engine.search_messages(MessageFilter(text="again"))] == ["hello again"]
    assert engine.conversation("+15550009").total == 1 and engine.conversation("+15550003") is None


def test_messages_stored_in_quick_succession_are_indexed_by_one_background_pass(make_engine, monkeypatch):
    from app.store import derived

    engine = make_engine()
    chunks = []
    real = derived._chunk
    monkeypatch.setattr(derived, "_chunk", lambda e: chunks.append(1) or real(e))
    for i in range(20):  # twenty commits, each announcing its message
        engine.queue_messages([OutboundRequest([f"+155500{i:04d}"], "hello")])
    engine.db.derived.wait(timeout=30)
    assert fts_rows(engine) == 20
    assert len(chunks) == 1  # one transaction of the write lock, not one after each commit


def test_the_background_pass_leaves_a_busy_store_longer_pauses_unless_it_trails_far():
    from app.store import derived

    # idle: as long as the chunk took (the writers get the lock at least half the time)
    assert derived.pause(0.02, busy=False, behind=500) == 0.02
    # messages keep being added: the writers get the lock BUSY_FACTOR times as long
    assert derived.pause(0.02, busy=True, behind=500) == 0.02 * derived.BUSY_FACTOR
    # ... unless the index trails by more than BUSY_LAG messages
    assert derived.pause(0.02, busy=True, behind=derived.BUSY_LAG + 1) == 0.02
    assert derived.pause(0.0001, busy=True, behind=1) == derived.PAUSE  # never shorter than PAUSE


def test_a_chunk_says_how_many_messages_remain_to_index(make_engine):
    from app.store import derived

    engine = make_engine()
    engine.db.derived.close()  # no background pass: the chunks below are the only ones
    engine.queue_messages([OutboundRequest([f"+155501{i:04d}" for i in range(derived.CHUNK + 50)], "hello")])
    assert derived._chunk(engine.db.engine) == 50
    assert derived._chunk(engine.db.engine) == 0
    assert fts_rows(engine) == derived.CHUNK + 50
