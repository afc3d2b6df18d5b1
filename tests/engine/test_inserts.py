"""New outbound messages are written in order with every value they were given, whether a run
of recipients shares its values (written in two steps on SQLite) or each differs."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from app.engine import inserts
from app.engine.requests import OutboundRequest
from app.store import models as m
from app.store.models import Message


def stored(engine, job_id):
    with engine.db.session() as s:
        return s.exec(select(Message).where(Message.job_id == job_id).order_by(Message.id)).all()


def test_a_large_job_keeps_order_and_every_value(make_engine, monkeypatch):
    engine = make_engine()
    runs = []
    original = inserts._insert_run
    monkeypatch.setattr(inserts, "_insert_run", lambda conn, run, *a: runs.append(len(run)) or original(conn, run, *a))
    numbers = [f"+1555{i:07d}" for i in range(500)]
    refs = [f"ref-{i}" if i % 3 else "" for i in range(500)]  # a reference of their own for most
    blackout: list[list[str]] = [[] for _ in range(500)]
    blackout[250] = blackout[251] = ["2030-01-01T02:00:00Z/2030-01-01T03:00:00Z"]  # these break the run
    result = engine.queue_messages([
        OutboundRequest(numbers, "Grüße from the shop", sender="Shop", priority=2, validity_seconds=600,
                        recipient_refs=refs, recipient_blackout=blackout, message_info="campaign",
                        status_report=True, flash=True),
        OutboundRequest(numbers[:3], "second text", sender="Other"),
    ])
    rows = stored(engine, result.job_id)
    assert runs == [250, 248]  # written in two steps; the two with a blackout period of their own one by one
    assert [r.recipient for r in rows] == numbers + numbers[:3]
    assert [r.id for r in rows] == sorted(r.id for r in rows)
    assert [r.uid for r in rows] == [it.message.uid for it in result.items]
    first = rows[:500]
    assert {(r.text, r.sender, r.priority, r.message_info, r.status_report, r.flash, r.status, r.encoding)
            for r in first} == {("Grüße from the shop", "Shop", 2, "campaign", True, True, m.QUEUED, "gsm")}
    assert [r.customer_ref for r in first] == refs
    assert {r.expires_at - r.created_at for r in first} == {timedelta(seconds=600)}
    assert {(r.text, r.sender) for r in rows[500:]} == {("second text", "Other")}
    views = {it.message.id: it.message for it in result.items}
    for r in rows:
        v = views[r.id]
        assert (v.recipient, v.text, v.customer_ref, v.created_at, v.expires_at) == (
            r.recipient, r.text, r.customer_ref, r.created_at, r.expires_at)


def test_the_two_step_write_is_used_for_runs_and_leaves_nothing_behind(make_engine, monkeypatch):
    engine = make_engine()
    runs = []
    original = inserts._insert_run
    monkeypatch.setattr(inserts, "_insert_run", lambda conn, run, *a: runs.append(len(run)) or original(conn, run, *a))
    engine.queue_messages([OutboundRequest([f"+1555{i:07d}" for i in range(300)], "hello")])
    engine.queue_messages([OutboundRequest([f"+1666{i:07d}" for i in range(10)], "few")])
    assert runs == [300]  # ten recipients: one statement each, as before
    with engine.db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM message").scalar() == 310
