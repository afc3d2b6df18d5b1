"""Duplicates, the opt-out list, global pause, delivery reports and shared-queue leases."""

from __future__ import annotations

import asyncio

from app.engine.requests import OutboundRequest
from app.gateways.base import DeliveryReport
from app.store import models as m
from app.store.models import BlockedNumber

from .conftest import run_until_settled


async def test_duplicate_within_the_window_is_refused(engine_with, clock):
    engine = await engine_with("A")
    engine.set_setting("duplicate_window_seconds", 60)
    first = engine.queue_messages([OutboundRequest(["+15550001"], "hi", sender="Shop")]).accepted[0]
    again = engine.queue_messages([OutboundRequest(["+15550001", "+15550002", "+15550002"], "hi", sender="Shop",
                                                   duplicate_detection=True)])
    codes = [i.code for i in again.items]
    assert codes == ["duplicate", "", "duplicate"]
    assert first.uid in again.items[0].error and "60 s" in again.items[0].error
    other = engine.queue_messages([OutboundRequest(["+15550001"], "hi", sender="Other", duplicate_detection=True),
                                   OutboundRequest(["+15550001"], "hello", sender="Shop", duplicate_detection=True)])
    assert [i.code for i in other.items] == ["", ""]
    unasked = engine.queue_messages([OutboundRequest(["+15550001"], "hi", sender="Shop")])
    assert unasked.items[0].code == ""
    clock.advance(61)
    later = engine.queue_messages([OutboundRequest(["+15550001"], "hi", sender="Shop", duplicate_detection=True)])
    assert later.items[0].code == ""


async def test_blocked_number_is_refused_with_its_reason(engine_with):
    engine = await engine_with("A")
    [waiting] = engine.queue_messages([OutboundRequest(["+15550001"], "before")]).accepted
    failed = engine.block_number("+1 555 0001", "asked to stop")
    assert [v.id for v in failed] == [waiting.id]
    assert engine.message(waiting.id).status == m.FAILED
    assert engine.blocked_numbers() == [("+15550001", "asked to stop")]
    r = engine.queue_messages([OutboundRequest(["+15550001", "+15550002"], "x")])
    assert [i.code for i in r.items] == ["blocked", ""]
    assert r.items[0].error == ("number +15550001 is on the blocked list (asked to stop): "
                                "messages to it are refused")
    assert engine.unblock_number("+15550001") and not engine.unblock_number("+15550001")
    assert engine.queue_messages([OutboundRequest(["+15550001"], "x")]).items[0].code == ""


async def test_global_pause_holds_everything_and_says_so(engine_with):
    engine = await engine_with("A")
    engine.pause_all()
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
    await run_until_settled(engine)
    view = engine.message(msg.id)
    assert view.status == m.QUEUED and view.reason == "waiting: sending is paused"
    assert engine.gateways["A"].sent == []
    engine.resume_all()
    await run_until_settled(engine)
    assert engine.message(msg.id).status == m.SENT


async def test_delivery_report_updates_the_message(engine_with):
    engine = await engine_with("A")
    a, b = engine.queue_messages([OutboundRequest(["+15550001", "+15550002"], "x")]).accepted
    await run_until_settled(engine)
    gw = engine.gateways["A"]
    with engine.db.session() as s:
        ref_a, ref_b = s.get(m.Message, a.id).reference, s.get(m.Message, b.id).reference
    engine.gateway_report(gw, DeliveryReport(reference=ref_a, outcome="delivered", reason="ok"))
    engine.gateway_report(gw, DeliveryReport(reference=ref_b, outcome="undelivered", reason="absent"))
    await engine.outbox.settle()  # reports are written in the store lane
    assert engine.message(a.id).status == m.DELIVERED
    view = engine.message(b.id)
    assert view.status == m.UNDELIVERED and view.reason == "absent"


async def test_a_report_overtaking_its_send_answer_is_not_lost(engine_with):
    engine = await engine_with("A")
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
    engine.dispatcher.tick()
    gw = engine.gateways["A"]
    sms = gw._queue.get_nowait()
    from app.gateways.base import SendResult

    engine.gateway_sent(gw, sms, SendResult(ok=True, references=("77",)))  # answer taken, not yet committed
    engine.gateway_report(gw, DeliveryReport(reference="77", outcome="delivered"))
    await engine.outbox.settle()
    assert engine.message(msg.id).status == m.DELIVERED


async def test_claims_of_an_instance_that_stopped_renewing_are_taken_over(make_engine, clock):
    from app.engine.engine import Engine

    first = make_engine(clock=clock, instance_id="one")
    first.add_gateway("A", "scripted", {})
    await first.start()
    await first.dispatcher.stop()
    first.gateways["A"].hold = asyncio.Event()
    [msg] = first.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
    first.dispatcher.tick()
    assert first.message(msg.id).status == m.SENDING
    # "one" dies (its gateway never answers); "two" shares the store
    second: Engine = make_engine(clock=clock, instance_id="two")
    assert second.outbox.recover_interrupted() == 0  # not its own claim
    assert second.outbox.take_over_expired() == 0  # the lease still runs
    clock.advance(first.settings["lease_seconds"] + 1)
    assert second.outbox.take_over_expired() == 1
    view = second.message(msg.id)
    assert view.status == m.QUEUED and view.possible_duplicate and "interrupted" in view.reason
    first.gateways["A"].hold.set()
    await first.stop()


async def test_a_live_instance_renews_its_leases(make_engine, clock):
    first = make_engine(clock=clock, instance_id="one")
    first.add_gateway("A", "scripted", {})
    await first.start()
    await first.dispatcher.stop()
    first.gateways["A"].hold = asyncio.Event()
    [msg] = first.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
    first.dispatcher.tick()
    second = make_engine(clock=clock, instance_id="two")
    for _ in range(4):
        clock.advance(first.settings["lease_seconds"] / 2)
        first.dispatcher.tick()
        assert second.outbox.take_over_expired() == 0
    assert first.message(msg.id).status == m.SENDING
    first.gateways["A"].hold.set()
    await first.stop()


async def test_blocking_many_numbers_at_once(engine_with):
    engine = await engine_with("A")
    engine.pause_all()
    waiting = engine.queue_messages([OutboundRequest(["+15550001", "+15550002", "+15550003"], "x")]).accepted
    engine.block_number("+15550003", "old reason")
    result = engine.block_numbers([("+15550001", "asked to stop"), ("not a number", ""), ("+15550003", "new"),
                                   ("+15550001", "asked twice")])
    assert result.added == [("+15550001", "asked twice")] and result.already == [("+15550003", "new")]
    assert [raw for raw, _ in result.refused] == ["not a number"]
    assert [v.id for v in result.failed] == [waiting[0].id]
    assert engine.message(waiting[0].id).reason == "number +15550001 is on the blocked list (asked twice)"
    assert engine.message(waiting[1].id).status == m.QUEUED
    assert dict(engine.blocked_numbers()) == {"+15550001": "asked twice", "+15550003": "new"}


async def test_a_number_blocked_after_queueing_is_never_sent(engine_with):
    engine = await engine_with("A")
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
    with engine.db.session() as s:  # put on the list by another console sharing the store, say
        s.add(BlockedNumber(number="+15550001", reason="replied STOP"))
        s.commit()
    await run_until_settled(engine)
    view = engine.message(msg.id)
    assert view.status == m.FAILED and view.reason == "number +15550001 is on the blocked list (replied STOP)"
    assert engine.gateways["A"].sent == []


async def test_an_unusable_sender_id_is_refused_with_its_reason_every_time(engine_with):
    engine = await engine_with("A")
    for _ in range(2):  # the second time from what was learnt the first
        result = engine.queue_messages([OutboundRequest(["+15550001"], "hi", sender="ThisNameIsTooLong"),
                                        OutboundRequest(["+15550002"], "hi", sender="Shop")])
        [refused, accepted] = result.items
        assert refused.code == "invalid-text"
        assert "sender id 'ThisNameIsTooLong' cannot be used" in refused.error and "at most 11" in refused.error
        assert accepted.code == ""
