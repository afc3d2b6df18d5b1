"""The engine's named operations and the message life through a simulated gateway."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from app.engine import events as ev
from app.engine.requests import EngineError, OutboundRequest
from app.gateways.base import GatewayState
from app.store import models as m
from tests.conftest import next_event

from .conftest import count_store_passes

FAST = {"send_delay": 0.0, "report_delay": 0.0}


def status_of(engine, mid):
    return engine.message(mid).status


async def started(make_engine, **settings):
    engine = make_engine()
    engine.add_gateway("Sim", "simulator", {**FAST, **settings})
    await engine.start()
    return engine


async def test_fresh_store_gets_the_demo_simulator(make_engine):
    engine = make_engine()
    await engine.start()
    try:
        assert list(engine.gateways) == ["Demo"]
        assert engine.gateways["Demo"].kind == "modem"
        assert engine.gateways["Demo"].settings["port"] == "simulator"
        assert engine.gateways["Demo"].state == GatewayState.RUNNING
    finally:
        await engine.stop()


async def test_message_goes_queued_sending_sent_delivered(make_engine):
    engine = await started(make_engine)
    statuses = []
    engine.events.subscribe(lambda e: isinstance(e, (ev.MessageStored, ev.MessageChanged))
                            and statuses.append(e.message.status))
    try:
        result = engine.queue_messages([OutboundRequest(["+4917612345678"], "hello", status_report=True)])
        [msg] = result.accepted
        await next_event(engine, lambda e: isinstance(e, ev.MessageChanged) and e.message.status == m.DELIVERED)
        assert statuses == [m.QUEUED, m.SENDING, m.SENT, m.DELIVERED]
        final = engine.message(msg.id)
        assert final.gateway == "Sim" and final.sent_at is not None and final.finished_at is not None
        assert engine.message(msg.uid).id == msg.id
    finally:
        await engine.stop()


async def test_invalid_recipient_is_refused_and_others_are_queued(make_engine):
    engine = make_engine()
    result = engine.queue_messages([OutboundRequest(["+4917612345678", "call me", "0049 151 2345678"], "x")])
    assert [i.recipient for i in result.accepted and result.items] == ["+4917612345678", "call me",
                                                                        "+491512345678"]
    assert [i.code for i in result.items] == ["", "invalid-number", ""]
    assert len(result.accepted) == 2
    assert engine.queue_length() == 2


async def test_stopped_gateway_sends_nothing_and_messages_wait(make_engine):
    engine = await started(make_engine)
    try:
        await engine.stop_gateway("Sim")
        [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "wait")]).accepted
        engine.dispatcher.tick()
        assert status_of(engine, msg.id) == m.QUEUED
        await engine.start_gateway("Sim")
        await next_event(engine, lambda e: isinstance(e, ev.MessageChanged) and e.message.status == m.SENT)
        assert status_of(engine, msg.id) == m.SENT
    finally:
        await engine.stop()


async def test_paused_gateway_holds_messages_until_resumed(make_engine):
    engine = await started(make_engine)
    try:
        engine.pause_gateway("Sim")
        assert engine.gateways["Sim"].state == GatewayState.PAUSED
        [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "wait")]).accepted
        engine.dispatcher.tick()
        assert status_of(engine, msg.id) == m.QUEUED
        engine.resume_gateway("Sim")
        await next_event(engine, lambda e: isinstance(e, ev.MessageChanged) and e.message.status == m.SENT)
    finally:
        await engine.stop()


async def test_cancel_and_retry(make_engine):
    engine = make_engine()
    [a, b] = engine.queue_messages([OutboundRequest(["+15550001", "+15550002"], "x")]).accepted
    assert [v.id for v in engine.cancel([a.id])] == [a.id]
    assert status_of(engine, a.id) == m.CANCELLED
    assert engine.cancel([a.id]) == []  # already final
    assert [v.status for v in engine.retry([a.id])] == [m.QUEUED]
    assert status_of(engine, b.id) == m.QUEUED


async def test_gateway_restricted_message_waits_for_its_gateway(make_engine):
    engine = make_engine()
    engine.add_gateway("A", "simulator", FAST)
    engine.add_gateway("B", "simulator", {**FAST, "enabled": False})
    await engine.start()
    try:
        assert engine.gateways["B"].state == GatewayState.STOPPED
        [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x", gateways=["B"])]).accepted
        engine.dispatcher.tick()
        assert status_of(engine, msg.id) == m.QUEUED
        await engine.start_gateway("B")
        done = await next_event(engine, lambda e: isinstance(e, ev.MessageChanged) and e.message.status == m.SENT)
        assert done.message.gateway == "B"
    finally:
        await engine.stop()


async def test_transient_failure_retries_then_fails_with_reason(make_engine):
    engine = await started(make_engine, failure_rate=1.0)
    engine.settings["max_attempts"] = 2
    engine.settings["retry_base_seconds"] = 0.0
    try:
        [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
        done = await next_event(engine, lambda e: isinstance(e, ev.MessageChanged) and e.message.status == m.FAILED)
        assert done.message.attempts == 2
        assert "simulated network error" in done.message.reason
    finally:
        await engine.stop()


async def test_incoming_message_is_stored_unread_and_counted(make_engine):
    engine = await started(make_engine)
    try:
        assert engine.unread_count() == 0
        engine.simulate_incoming(sender="+15551234", text="hi there")
        await engine.outbox.settle()  # stored in the store lane
        [msg] = engine.list_messages("in")
        assert (msg.sender, msg.text, msg.read, msg.gateway) == ("+15551234", "hi there", False, "Sim")
        assert engine.unread_count() == 1
        engine.mark_read([msg.id])
        assert engine.unread_count() == 0
        engine.mark_read([msg.id], read=False)
        assert engine.unread_count() == 1
        assert engine.delete_messages([msg.id]) == 1
        assert engine.unread_count() == 0 and engine.list_messages("in") == []
    finally:
        await engine.stop()


async def test_list_messages_pages_newest_first(make_engine):
    engine = make_engine()
    engine.queue_messages([OutboundRequest([f"+1555000{i:04d}" for i in range(25)], "x")])
    first = engine.list_messages("out", limit=10)
    second = engine.list_messages("out", before_id=first[-1].id, limit=10)
    ids = [v.id for v in first + second]
    assert ids == sorted(ids, reverse=True) and len(set(ids)) == 20


async def test_unknown_gateway_operation_is_refused_in_words(make_engine):
    engine = make_engine()
    with pytest.raises(EngineError, match="no gateway named 'Nope'"):
        engine.pause_gateway("Nope")
    with pytest.raises(EngineError, match="unknown gateway kind"):
        engine.add_gateway("X", "fax", {})
    with pytest.raises(EngineError, match="send_delay"):
        engine.add_gateway("X", "simulator", {"send_delay": "soon"})


async def test_reused_message_id_is_refused(make_engine):
    engine = make_engine()
    engine.queue_messages([OutboundRequest(["+15550001"], "x", uid="abc-1")])
    result = engine.queue_messages([OutboundRequest(["+15550002"], "y", uid="abc-1")])
    assert result.accepted == [] and result.items[0].code == "duplicate-id"


async def test_expired_message_is_never_sent(make_engine):
    from app.engine.clock import ManualClock

    clock = ManualClock()
    engine = make_engine(clock=clock)
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x", validity_seconds=60)]).accepted
    clock.advance(61)
    engine.dispatcher.tick()
    view = engine.message(msg.id)
    assert view.status == m.EXPIRED and "validity" in view.reason


async def test_scheduled_message_waits_for_its_time(make_engine):
    from datetime import timedelta

    from app.engine.clock import ManualClock

    clock = ManualClock()
    engine = make_engine(clock=clock)
    later = clock.now() + timedelta(minutes=5)
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x", scheduled_at=later)]).accepted
    assert msg.status == m.SCHEDULED
    assert 0 < engine.dispatcher.tick() <= 1.0
    assert status_of(engine, msg.id) == m.SCHEDULED
    clock.advance(301)
    engine.dispatcher.tick()
    assert status_of(engine, msg.id) == m.QUEUED


async def test_interrupted_sending_is_resent_and_flagged(make_engine, db_url):
    engine = make_engine()
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
    with engine.db.session() as s:  # a process that died after committing "sending"
        row = s.get(m.Message, msg.id)
        row.status = m.SENDING
        s.add(row)
        s.commit()
    again = make_engine()
    assert again.outbox.recover_interrupted() == 1
    view = again.message(msg.id)
    assert view.status == m.QUEUED and view.possible_duplicate and "interrupted" in view.reason


async def test_interrupted_sending_can_be_failed_instead(make_engine):
    engine = make_engine()
    engine.set_setting("interrupted_rule", "fail")
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
    with engine.db.session() as s:
        row = s.get(m.Message, msg.id)
        row.status = m.SENDING
        s.add(row)
        s.commit()
    again = make_engine()
    assert again.settings["interrupted_rule"] == "fail"
    again.outbox.recover_interrupted()
    assert again.message(msg.id).status == m.FAILED


async def test_stop_returns_waiting_messages_to_the_queue(make_engine):
    engine = await started(make_engine, send_delay=0.2)
    engine.gateways["Sim"].window = 3
    try:
        msgs = engine.queue_messages([OutboundRequest(["+15550001", "+15550002", "+15550003"], "x")]).accepted
        engine.dispatcher.tick()
        assert [status_of(engine, v.id) for v in msgs] == [m.SENDING] * 3
        await asyncio.sleep(0.05)  # the first is now in flight inside the gateway
        await engine.stop_gateway("Sim")
        statuses = sorted(status_of(engine, v.id) for v in msgs)
        assert statuses == [m.QUEUED, m.QUEUED, m.SENT]
    finally:
        await engine.stop()


async def test_text_options_shape_what_is_stored(make_engine):
    engine = make_engine()
    long_text = "x" * 400
    r = engine.queue_messages([
        OutboundRequest(["+15550001"], long_text, max_parts=2),
        OutboundRequest(["+15550002"], "Grüße ☺", message_type="sms.text"),
        OutboundRequest(["+15550003"], "hello", message_type="sms.unicode"),
        OutboundRequest(["+15550004"], "“quoted” – dash", invalid_characters="TRANSLITERATE"),
        OutboundRequest(["+15550005"], "price ☺", encoding="STANDARD", invalid_characters="REFUSE"),
        OutboundRequest(["+15550006"], "hi", message_type="sms.fax"),
    ])
    too_long, text, unicode_, translit, refused, bad_type = r.items
    assert too_long.message is None and too_long.code == "invalid-text" and "more than maxParts 2" in too_long.error
    assert text.message.text == "Grüße ?"
    assert engine.message(unicode_.message.id).parts == 1
    assert translit.message.text == '"quoted" - dash'
    assert refused.message is None and refused.code == "invalid-text" and "☺" in refused.error
    assert bad_type.message is None and "unknown message type" in bad_type.error


async def test_wake_ups_while_no_gateway_has_room_run_no_store_pass(make_engine):
    engine = await started(make_engine)
    try:
        engine.pause_gateway("Sim")
        await engine.dispatcher.idle()
        await asyncio.sleep(0.3)  # the time-driven work of the pause has run
        passes = count_store_passes(engine)
        # nothing time-driven comes due meanwhile
        engine.dispatcher._housekeep_at = engine.dispatcher._annotate_at = engine.clock.now() + timedelta(seconds=60)
        for _ in range(20):
            engine.dispatcher.wake()
            await asyncio.sleep(0.005)
        assert passes == [0]
        engine.resume_gateway("Sim")
        [msg] = engine.queue_messages([OutboundRequest(["+4917612345678"], "after the pause")]).accepted
        await next_event(engine, lambda e: isinstance(e, ev.MessageChanged) and e.message.id == msg.id
                         and e.message.status == m.SENT)
        assert passes[0] >= 1
    finally:
        await engine.stop()
