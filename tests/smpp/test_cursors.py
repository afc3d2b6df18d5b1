"""The delivery cursors: items recorded as a bind acknowledges them, the cursor held before anything not
acknowledged and moved only to safe ids, and one console at a time holding a user's lease."""

from __future__ import annotations

from sqlmodel import select

from app.smpp import cursors
from app.store import models as m
from app.store.models import Message, SmppCursor, SmppDelivered


def incoming(engine, count: int) -> list[int]:
    with engine.db.session() as s:
        rows = [Message(uid=f"in-{n}-{id(s)}", direction=m.IN, status=m.RECEIVED, sender="+4915112345678",
                        text=f"answer {n}") for n in range(count)]
        s.add_all(rows)
        s.commit()
        return [r.id for r in rows]


def state(engine, user: str = "root") -> tuple[int, list[int]]:
    with engine.db.session() as s:
        cur = s.get(SmppCursor, user)
        held = s.exec(select(SmppDelivered.item_id).where(SmppDelivered.user == user)
                      .order_by(SmppDelivered.item_id)).all()
        return cur.received_id, list(held)


def test_the_cursor_stops_before_an_item_not_acknowledged_and_moves_on_once_it_is(make_engine):
    engine = make_engine()
    cursors.open_cursor(engine, "root")
    ids = incoming(engine, 4)
    got = cursors.pending(engine, "root", True, 10)
    assert [i.message_id for i in got.incoming] == ids and got.top_message == ids[-1]
    # the second was refused by the bind; the others are acknowledged
    cursors.record(engine, "root", True, [], [ids[0], ids[2], ids[3]], got.top_event, got.top_message)
    assert state(engine) == (ids[0], [ids[2], ids[3]])
    again = cursors.pending(engine, "root", True, 10)
    assert [i.message_id for i in again.incoming] == [ids[1]]  # only what was not handed out
    cursors.record(engine, "root", True, [], [ids[1]], again.top_event, again.top_message)
    assert state(engine) == (ids[3], [])
    assert cursors.pending(engine, "root", True, 10).incoming == []


def test_the_cursor_moves_no_further_than_the_safe_id(make_engine):
    engine = make_engine()
    cursors.open_cursor(engine, "root")
    ids = incoming(engine, 3)
    cursors.record(engine, "root", True, [], ids, None, ids[0])  # only the first id is old enough
    assert state(engine) == (ids[0], ids[1:])
    assert cursors.pending(engine, "root", True, 10).incoming == []  # the others are not handed out again
    cursors.record(engine, "root", True, [], [], None, ids[-1])
    assert state(engine) == (ids[-1], [])


def test_an_item_recorded_twice_is_kept_once(make_engine):
    engine = make_engine()
    cursors.open_cursor(engine, "root")
    ids = incoming(engine, 2)
    cursors.record(engine, "root", True, [], [ids[1]], None, None)
    cursors.record(engine, "root", True, [], [ids[1]], None, None)
    assert state(engine) == (0, [ids[1]])


def test_one_console_at_a_time_holds_a_users_lease(make_engine):
    one = make_engine(instance_id="one")
    two = make_engine(instance_id="two")
    cursors.open_cursor(one, "alice")
    assert cursors.take_lease(one, "alice", 30.0, now=100.0)
    assert cursors.take_lease(one, "alice", 30.0, now=110.0)  # renewed by its holder
    assert not cursors.take_lease(two, "alice", 30.0, now=120.0)
    assert cursors.take_lease(two, "alice", 30.0, now=141.0)  # ran out: taken over
    assert not cursors.take_lease(one, "alice", 30.0, now=150.0)
    cursors.release_lease(two, "alice")
    assert cursors.take_lease(one, "alice", 30.0, now=151.0)


def test_a_version_6_store_gets_the_lease_columns_and_the_delivered_table(db_url):
    import sqlite3

    from app.store.database import SCHEMA_VERSION, Database

    db = Database(db_url)
    db.create()
    db.close()
    path = db_url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path)  # the store as version 6 wrote it
    conn.execute("ALTER TABLE smpp_cursor DROP COLUMN holder")
    conn.execute("ALTER TABLE smpp_cursor DROP COLUMN lease_until")
    conn.execute("DROP TABLE smpp_delivered")
    conn.execute("INSERT INTO smpp_cursor (user, event_id, received_id) VALUES ('alice', 7, 9)")
    conn.execute("UPDATE schema_version SET version = 6")
    conn.commit()
    conn.close()
    db = Database(db_url)
    db.create()
    assert db.schema_version() == SCHEMA_VERSION
    with db.session() as s:
        cur = s.get(SmppCursor, "alice")
        assert (cur.event_id, cur.received_id, cur.holder, cur.lease_until) == (7, 9, "", 0.0)
        assert s.exec(select(SmppDelivered)).all() == []
    db.close()
