"""The engine's message counts per state follow every change without counting the store again."""

from __future__ import annotations

from app.engine.requests import OutboundRequest
from app.gateways.base import DeliveryReport
from app.store import models as m

from .conftest import run_until_settled


async def test_counts_follow_queueing_transitions_reports_and_deletes(engine_with):
    engine = await engine_with("A")
    assert engine.status_figures() == ({}, 0)  # not counted before the first look
    engine.dispatcher.tick()  # the first count
    a, b, c = engine.queue_messages([OutboundRequest(["+15550001", "+15550002", "+15550003"], "x")]).accepted
    assert engine.status_figures() == ({m.QUEUED: 3}, 3)
    engine.cancel([c.id])
    await run_until_settled(engine)
    gw = engine.gateways["A"]

    with engine.db.session() as s:
        ref = s.get(m.Message, a.id).reference
    engine.gateway_report(gw, DeliveryReport(reference=ref, outcome="delivered"))
    await engine.outbox.settle()
    engine.dispatcher._housekeep_at = None  # the journal's tail is read with the time-driven work
    engine.dispatcher.tick()
    counts, queue = engine.status_figures()
    assert counts == {m.DELIVERED: 1, m.SENT: 1, m.CANCELLED: 1} == engine.status_counts() and queue == 0
    engine.delete_messages([c.id])
    assert engine.status_figures()[0] == {m.DELIVERED: 1, m.SENT: 1} == engine.status_counts()
