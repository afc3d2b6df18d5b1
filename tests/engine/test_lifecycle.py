"""The message lifecycle: one module writes a message's status, through declared transitions; every change
of status is journalled in its own transaction; parts are rows a report finds by (gateway, reference)."""

from __future__ import annotations

import ast
import pathlib

import pytest
from sqlalchemy import select

from app.engine import lifecycle as lc
from app.engine.requests import OutboundRequest
from app.gateways.base import DeliveryReport, SendResult
from app.store import journal
from app.store import models as m

from .conftest import run_until_settled

APP = pathlib.Path(__file__).resolve().parents[2] / "app"
LIFECYCLE = APP / "engine" / "lifecycle.py"


def _mentions_lifecycle(node: ast.AST) -> bool:
    return any(isinstance(n, ast.Name) and n.id in ("lifecycle", "lc", "initial_status") or
               isinstance(n, ast.Attribute) and n.attr == "initial_status" for n in ast.walk(node))


_STATES = ("QUEUED", "SCHEDULED", "SENDING", "SENT", "DELIVERED", "FAILED", "EXPIRED", "CANCELLED", "UNDELIVERED",
           "RECEIVED")


def _names_a_state(value: ast.AST) -> bool:
    """A value taken from the store's state names (``m.SENT``), not from the lifecycle module."""
    return not _mentions_lifecycle(value) and any(
        isinstance(n, ast.Attribute) and n.attr in _STATES or isinstance(n, ast.Constant) and n.value in
        [s.lower() for s in _STATES] for n in ast.walk(value))


def _status_writes(path: pathlib.Path) -> list[str]:
    """Places in a module that write a message's ``status`` to the store: an ORM row's ``.status = …``,
    ``.values(status=…)`` of an update, ``Message(status=…)`` or a row dict's ``"status"`` with a value that
    does not come from the lifecycle module, and SQL text that sets ``status``."""
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Attribute) and t.attr == "status" and not (
                        isinstance(t.value, ast.Name) and t.value.id == "self"):
                    found.append(f"{path.name}:{node.lineno} assigns .status")
                if (isinstance(t, ast.Subscript) and isinstance(t.slice, ast.Constant) and t.slice.value == "status"
                        and _names_a_state(node.value)):
                    found.append(f"{path.name}:{node.lineno} assigns ['status']")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            for kw in node.keywords:
                if kw.arg != "status":
                    continue
                if name == "values" or name == "Message" and not _mentions_lifecycle(kw.value):
                    found.append(f"{path.name}:{node.lineno} {name}(status=...)")
        elif isinstance(node, ast.Dict):
            for k, v in zip(node.keys, node.values):
                if isinstance(k, ast.Constant) and k.value == "status" and _names_a_state(v):
                    found.append(f"{path.name}:{node.lineno} row dict with a status")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = " ".join(node.value.lower().split())
            if "update message" in text and "status" in text.partition(" set ")[2].partition(" where ")[0]:
                found.append(f"{path.name}:{node.lineno} SQL sets status")
    return found


def test_only_the_lifecycle_module_writes_a_message_status():
    offenders = []
    for path in sorted(APP.rglob("*.py")):
        if path == LIFECYCLE:
            continue
        offenders += [f"{path.relative_to(APP)}: {place}" for place in _status_writes(path)]
    assert offenders == []


def test_the_source_check_finds_a_status_write(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('row.status = "sent"\nconn.exec_driver_sql("UPDATE message SET reason = ?, status = ?")\n'
                   'update(T).values(status="x")\nrow = {"status": m.QUEUED}\nMessage(status=m.SENT)\n'
                   'row["status"] = "failed"\n')
    assert len(_status_writes(bad)) == 6
    good = tmp_path / "good.py"
    good.write_text('Message(status=lifecycle.RECEIVED)\nrow = {"status": initial_status(False)}\n'
                    'self.status = 200\nweb.json_response(body, status=400)\nout["status"] = code\n'
                    'conn.exec_driver_sql("UPDATE message SET reason = ? WHERE status = ?")\n')
    assert _status_writes(good) == []


def test_every_transition_is_declared_once_and_compiles():
    names = [t.name for t in lc.TRANSITIONS]
    assert len(names) == len(set(names))
    described = {d["name"]: d for d in lc.describe()}
    assert described["claim"]["from"] == [m.QUEUED] and described["claim"]["to"] == m.SENDING
    assert described["sent"]["clears"][-2:] == ["claimed_by", "lease_until"]
    sql = lc._sql(lc.CANCEL, ("finished_at", "reason", "updated_at"), "sqlite", "?", False, 2)
    assert sql == ('UPDATE message SET status = \'cancelled\', "finished_at" = ?, "reason" = ?, "updated_at" = ? '
                   "WHERE id IN (?, ?) AND status IN ('queued', 'scheduled')")
    with pytest.raises(ValueError, match="does not set"):
        lc.CANCEL.check(["gateway"])


async def test_a_transition_leaves_a_message_in_another_state_alone_and_journals_the_others(engine_with, clock):
    engine = await engine_with("A")
    a, b = engine.queue_messages([OutboundRequest(["+15550001", "+15550002"], "x")]).accepted
    await run_until_settled(engine)  # both sent
    assert engine.cancel([a.id, b.id]) == []  # sent messages cannot be cancelled
    [c] = engine.queue_messages([OutboundRequest(["+15550003"], "y", scheduled_at=clock.now().replace(
        year=clock.now().year + 1))]).accepted
    assert [v.id for v in engine.cancel([c.id])] == [c.id]
    with engine.db.engine.connect() as conn:
        entries = journal.timeline(conn, c.id)
        sent = journal.timeline(conn, a.id)
    assert [(e.from_status, e.to_status, e.reason) for e in entries] == [
        (m.SCHEDULED, m.CANCELLED, "cancelled by the operator")]
    assert [(e.from_status, e.to_status, e.gateway) for e in sent] == [
        (m.QUEUED, m.SENDING, "A"), (m.SENDING, m.SENT, "A")]
    assert sent[0].instance == engine.instance_id


async def test_a_multipart_message_is_delivered_when_its_last_part_is(engine_with):
    engine = await engine_with("A")
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x" * 400)]).accepted
    engine.dispatcher.tick()
    gw = engine.gateways["A"]
    sms = gw._queue.get_nowait()
    engine.gateway_sent(gw, sms, SendResult(ok=True, references=("7", "8", "9"), parts=3))
    for ref in ("9", "7"):
        engine.gateway_report(gw, DeliveryReport(reference=ref, outcome="delivered", reason="ok"))
    await engine.outbox.settle()
    assert engine.message(msg.id).status == m.SENT
    engine.gateway_report(gw, DeliveryReport(reference="8", outcome="delivered", reason="all there"))
    await engine.outbox.settle()
    view = engine.message(msg.id)
    assert view.status == m.DELIVERED and view.reason == "all there"
    with engine.db.engine.connect() as conn:
        parts = conn.execute(select(m.MessagePart.__table__.c.part, m.MessagePart.__table__.c.state)
                             .where(m.MessagePart.__table__.c.message_id == msg.id)
                             .order_by(m.MessagePart.__table__.c.part)).all()
        events = [(e.part, e.to_status) for e in journal.timeline(conn, msg.id)]
    assert parts == [(1, m.PART_DELIVERED), (2, m.PART_DELIVERED), (3, m.PART_DELIVERED)]
    assert events == [(0, m.SENDING), (0, m.SENT), (3, m.PART_DELIVERED), (1, m.PART_DELIVERED),
                      (0, m.DELIVERED)]


async def test_a_reused_reference_finds_the_newest_message_waiting_for_it(engine_with):
    engine = await engine_with("A")
    gw = engine.gateways["A"]
    ids = []
    for text in ("first", "second"):
        [msg] = engine.queue_messages([OutboundRequest(["+15550001"], text)]).accepted
        engine.dispatcher.tick()
        engine.gateway_sent(gw, gw._queue.get_nowait(), SendResult(ok=True, references=("42",)))
        await engine.outbox.settle()
        ids.append(msg.id)
    engine.gateway_report(gw, DeliveryReport(reference="42", outcome="undelivered", reason="absent"))
    await engine.outbox.settle()
    assert [engine.message(i).status for i in ids] == [m.SENT, m.UNDELIVERED]
    engine.gateway_report(gw, DeliveryReport(reference="42", outcome="delivered"))
    await engine.outbox.settle()
    assert [engine.message(i).status for i in ids] == [m.DELIVERED, m.UNDELIVERED]


async def test_a_message_sent_again_is_matched_by_its_new_parts_only(engine_with):
    engine = await engine_with("A")
    gw = engine.gateways["A"]
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
    engine.dispatcher.tick()
    engine.gateway_sent(gw, gw._queue.get_nowait(), SendResult(ok=True, references=("5",)))
    engine.gateway_report(gw, DeliveryReport(reference="5", outcome="undelivered", reason="absent"))
    await engine.outbox.settle()
    engine.retry([msg.id])
    engine.dispatcher.tick()
    engine.gateway_sent(gw, gw._queue.get_nowait(), SendResult(ok=True, references=("6",)))
    engine.gateway_report(gw, DeliveryReport(reference="5", outcome="delivered"))  # of the first send
    await engine.outbox.settle()
    assert engine.message(msg.id).status == m.SENT
    engine.gateway_report(gw, DeliveryReport(reference="6", outcome="delivered"))
    await engine.outbox.settle()
    assert engine.message(msg.id).status == m.DELIVERED
    with engine.db.engine.connect() as conn:
        P = m.MessagePart.__table__
        assert conn.execute(select(P.c.reference).where(P.c.message_id == msg.id)).scalars().all() == ["6"]


def test_the_journal_is_pruned_oldest_first_by_age(make_engine, clock):
    from datetime import timedelta

    engine = make_engine(clock=clock)
    E = m.MessageEvent.__table__
    now = clock.now()
    with engine.db.engine.begin() as conn:
        conn.execute(E.insert(), [{"message_id": i, "at": now - timedelta(days=40 - i), "from_status": m.QUEUED,
                                   "to_status": m.SENDING} for i in range(20)])
    with engine.db.engine.begin() as conn:
        assert journal.prune(conn, now, 0) == 0
        assert journal.prune(conn, now, 30) == 10  # days 40..31 ago
        assert journal.prune(conn, now, 30) == 0
        left = conn.execute(select(E.c.message_id).order_by(E.c.id)).scalars().all()
    assert left == list(range(10, 20))


async def test_a_burst_of_requests_costs_a_few_dispatcher_passes_not_one_each(make_engine):
    import asyncio

    from .conftest import count_store_passes
    from .scripted_gateway import KIND

    engine = make_engine()
    engine.add_gateway("A", KIND, {"window": 1000})
    await engine.start()
    try:
        await engine.dispatcher.idle()
        passes = count_store_passes(engine)
        results = await asyncio.gather(*(engine.queue_messages_async([OutboundRequest([f"+1555{i:07d}"], "x")])
                                         for i in range(100)))
        assert all(r.accepted for r in results)
        for _ in range(200):
            await asyncio.sleep(0.01)
            await engine.dispatcher.idle()
            if len(engine.gateways["A"].sent) == 100:
                break
        assert len(engine.gateways["A"].sent) == 100
        assert passes[0] <= 10, passes  # each wake-up during a pass joins the next one
    finally:
        await engine.stop()


async def test_a_pass_planned_before_a_pause_claims_nothing_queued_after_it(engine_with):
    engine = await engine_with("A")
    snapshot = engine.dispatcher._snapshot(engine.clock.now())  # taken on the loop; the pass is slow to start
    engine.pause_gateway("A")
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
    done = engine.dispatcher._store_pass(snapshot)
    assert done.handed == [] and done.more  # nothing claimed on the stale view; the next pass looks again
    assert engine.message(msg.id).status == m.QUEUED
    engine.dispatcher.tick()  # a fresh snapshot: A is paused
    assert engine.message(msg.id).status == m.QUEUED
    engine.resume_gateway("A")
    engine.dispatcher.tick()
    assert engine.message(msg.id).status == m.SENDING


async def test_a_report_handed_over_before_its_send_answer_is_matched_once_the_answer_is_written(engine_with):
    engine = await engine_with("A")
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
    engine.dispatcher.tick()
    gw = engine.gateways["A"]
    sms = gw._queue.get_nowait()
    engine.gateway_report(gw, DeliveryReport(reference="91", outcome="delivered", reason="there"))  # first
    await engine.outbox.settle()
    assert engine.message(msg.id).status == m.SENDING and engine.outbox.writer.unmatched
    engine.gateway_sent(gw, sms, SendResult(ok=True, references=("91",)))
    await engine.outbox.settle()
    view = engine.message(msg.id)
    assert view.status == m.DELIVERED and view.reason == "there"
    assert engine.outbox.writer.unmatched == []


def test_an_unmatched_report_is_dropped_after_its_grace(caplog):
    import logging

    from app.engine import outcomes

    writer = outcomes.OutcomeWriter(engine=None, rng=None)
    report = outcomes.Report("A", DeliveryReport(reference="7", outcome="delivered"))
    writer.unmatched = [(100.0, report)]
    assert [r.first_seen for r in writer.take_unmatched(now=100.0 + outcomes.REPORT_GRACE / 2)] == [100.0]
    writer.unmatched = [(100.0, report)]
    caplog.set_level(logging.INFO)
    assert writer.take_unmatched(now=100.0 + outcomes.REPORT_GRACE) == []
    assert "delivery report for unknown reference 7" in caplog.text
