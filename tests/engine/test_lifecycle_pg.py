"""The lifecycle's writes on PostgreSQL, where a transition over many messages is one statement over arrays
(SMSCONSOLE_TEST_PG_URL): the same behaviour as on SQLite, whose tests are run here again on PostgreSQL,
the claim's fence checked row by row within one statement, and the journal written by the same statement for
the messages whose status it changed, from the status each had when the statement locked it."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text

from app.engine import lifecycle as lc
from app.engine.requests import OutboundRequest
from app.store import journal
from app.store import models as m

from .test_lifecycle import (  # noqa: F401 - collected again here, on PostgreSQL
    test_a_message_sent_again_is_matched_by_its_new_parts_only,
    test_a_multipart_message_is_delivered_when_its_last_part_is,
    test_a_reused_reference_finds_the_newest_message_waiting_for_it,
    test_a_transition_leaves_a_message_in_another_state_alone_and_journals_the_others,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def db_url(pg_url):
    return pg_url


async def test_one_statement_writes_each_message_under_its_own_claim(engine_with, clock):
    engine = await engine_with("A", window=10)
    msgs = engine.queue_messages([OutboundRequest([f"+1555000{i}" for i in range(4)], "x")]).accepted
    engine.dispatcher.tick()  # all four claimed by this console
    T = m.Message.__table__
    with engine.db.engine.connect() as conn:
        claims = dict(conn.execute(select(T.c.id, T.c.claim_seq).where(T.c.id.in_([v.id for v in msgs]))).all())
    now = clock.now()
    rows = [{"b_id": v.id, "b_by": engine.instance_id, "b_seq": claims[v.id], "sent_at": now, "updated_at": now,
             "reference": f"r{i}", "parts": 1, "gateway": "A"} for i, v in enumerate(msgs)]
    rows[1]["b_seq"] += 1  # a claim made after the one this answer was sent under
    rows[2]["b_by"] = "another"  # another console's claim
    rows[3]["reference"] = None  # no reference: stored as NULL
    with engine.db.engine.begin() as conn:
        assert lc.apply(conn, lc.SENT, rows) == 2
    stored = {v.id: engine.message(v.id) for v in msgs}
    assert [stored[v.id].status for v in msgs] == [m.SENT, m.SENDING, m.SENDING, m.SENT]
    with engine.db.engine.connect() as conn:
        refs = dict(conn.execute(select(T.c.id, T.c.reference).where(T.c.id.in_(list(stored)))).all())
        assert [refs[v.id] for v in msgs] == ["r0", None, None, None]
        assert [(e.from_status, e.to_status) for e in journal.timeline(conn, msgs[0].id)] == [
            (m.QUEUED, m.SENDING), (m.SENDING, m.SENT)]


async def test_a_change_expecting_a_status_leaves_a_message_now_in_another_alone(engine_with, clock):
    engine = await engine_with("A")
    a, b = engine.queue_messages([OutboundRequest(["+15550001", "+15550002"], "x")]).accepted
    engine.cancel([b.id])
    rows = [{"b_id": v.id, "reason": "waiting for a gateway", "scheduled_at": None} for v in (a, b)]
    with engine.db.engine.begin() as conn:
        assert lc.apply(conn, lc.NOTE, rows, expect=m.QUEUED) == 1
    assert engine.message(a.id).reason == "waiting for a gateway"
    with engine.db.engine.connect() as conn:  # a change that keeps the status is not journalled
        assert [(e.from_status, e.to_status) for e in journal.timeline(conn, a.id)] == []
        assert [(e.from_status, e.to_status) for e in journal.timeline(conn, b.id)] == [(m.QUEUED, m.CANCELLED)]
    assert engine.message(b.id).status == m.CANCELLED and engine.message(b.id).reason != "waiting for a gateway"
    with pytest.raises(Exception, match="too long"):  # a value too long for its column is refused, not cut
        with engine.db.engine.begin() as conn:
            lc.apply(conn, lc.NOTE, [{"b_id": a.id, "reason": "x" * 600, "scheduled_at": None}], expect=m.QUEUED)


async def test_the_journal_says_the_status_a_message_had_when_the_change_locked_it(engine_with, clock):
    """A change whose statement began while another transaction moved the message on (queued to scheduled)
    waits for it, then changes the message as it is and journals it from the state it really left."""
    engine = await engine_with("A")
    (a,) = engine.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
    now = clock.now()
    holding = engine.db.engine.connect()
    tx = holding.begin()
    assert lc.apply_all(holding, lc.HOLD, [a.id], scheduled_at=now, reason="later", updated_at=now) == [a.id]
    changed: list = []

    def cancel() -> None:  # its statement starts before the hold commits, and waits for the row's lock
        with engine.db.engine.begin() as conn:
            changed.extend(lc.apply_all(conn, lc.CANCEL, [a.id], reason="cancelled", finished_at=now,
                                        updated_at=now))

    worker = threading.Thread(target=cancel)
    worker.start()
    worker.join(0.5)
    assert worker.is_alive()  # waiting for the lock
    tx.commit()
    holding.close()
    worker.join(10)
    assert changed == [a.id]
    with engine.db.engine.connect() as conn:
        assert [(e.from_status, e.to_status) for e in journal.timeline(conn, a.id)] == [
            (m.QUEUED, m.SCHEDULED), (m.SCHEDULED, m.CANCELLED)]


async def test_a_store_of_the_previous_version_loses_its_journal_trigger(engine_with, clock, pg_url):
    """A store written while a trigger journaled the changes (schema 11) is migrated: the trigger goes, so a
    change is journaled once, by its statement."""
    engine = await engine_with("A")
    (a,) = engine.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
    with engine.db.engine.begin() as conn:  # the trigger of the previous version, as it installed it
        conn.execute(text("""CREATE OR REPLACE FUNCTION message_journal() RETURNS trigger AS $$
            BEGIN
              INSERT INTO message_event (message_id, at, from_status, to_status, part, reason, gateway, instance)
              SELECT n.id, n.updated_at, o.status, n.status, 0, n.reason, n.gateway, coalesce(n.claimed_by, o.claimed_by)
              FROM message_journal_new n JOIN message_journal_old o ON o.id = n.id
              WHERE o.status IS DISTINCT FROM n.status ORDER BY n.id;
              RETURN NULL;
            END $$ LANGUAGE plpgsql"""))
        conn.execute(text("""CREATE TRIGGER message_journal AFTER UPDATE ON message
            REFERENCING OLD TABLE AS message_journal_old NEW TABLE AS message_journal_new
            FOR EACH STATEMENT EXECUTE FUNCTION message_journal()"""))
        conn.execute(text("UPDATE schema_version SET version = 11"))
    from app.store.database import SCHEMA_VERSION, Database

    db = Database(pg_url)
    db.create()  # as the next start does
    try:
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT version FROM schema_version")).scalar() == SCHEMA_VERSION
            assert conn.execute(text("SELECT count(*) FROM pg_trigger WHERE tgname = 'message_journal'")).scalar() == 0
        now = clock.now()
        with db.engine.begin() as conn:
            lc.apply_all(conn, lc.CANCEL, [a.id], reason="cancelled", finished_at=now, updated_at=now)
        with db.engine.connect() as conn:
            assert [(e.from_status, e.to_status) for e in journal.timeline(conn, a.id)] == [
                (m.QUEUED, m.CANCELLED)]
    finally:
        db.close()


async def test_the_journal_names_the_console_holding_the_claim_whichever_statement_writes_it(engine_with, clock):
    """The claim and the send's outcome (whose source state and claim the statement's condition fixes) and a
    report (from either of two states, read from the locked row) each name the console of the claim."""
    engine = await engine_with("A", window=10)
    (a,) = engine.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
    engine.dispatcher.tick()  # claimed
    T = m.Message.__table__
    with engine.db.engine.connect() as conn:
        seq = conn.execute(select(T.c.claim_seq).where(T.c.id == a.id)).scalar()
    now = clock.now()
    with engine.db.engine.begin() as conn:
        assert lc.apply(conn, lc.SENT, [{"b_id": a.id, "b_by": engine.instance_id, "b_seq": seq, "sent_at": now,
                                         "updated_at": now, "reference": "r", "parts": 1, "gateway": "A"}]) == 1
        assert lc.apply_all(conn, lc.DELIVERED, [a.id], reason="", finished_at=now, updated_at=now) == [a.id]
    with engine.db.engine.connect() as conn:
        entries = journal.timeline(conn, a.id)
    assert [(e.from_status, e.to_status, e.gateway) for e in entries] == [
        (m.QUEUED, m.SENDING, "A"), (m.SENDING, m.SENT, "A"), (m.SENT, m.DELIVERED, "A")]
    # the claim's holder while it held one; a delivered message is no longer claimed by anyone
    assert [e.instance for e in entries] == [engine.instance_id, engine.instance_id, None]
