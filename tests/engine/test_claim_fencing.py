"""Fencing: a gateway's answer is written only while the claim it was sent under holds.

A console whose claim was taken over (it stalled past its lease, another console settled the message)
may still get its gateway's answer; that answer changes nothing, and the log says so.
"""

from __future__ import annotations

import asyncio
import logging

from app.engine.requests import OutboundRequest
from app.gateways.base import SendResult
from app.store import models as m

from .conftest import drain


def stored(engine, message_id: int) -> m.Message:
    with engine.db.session() as s:
        return s.get(m.Message, message_id)


async def _stalled(make_engine, clock):
    """Console "one" sends a message whose answer is held; its claim expires and "two" takes it over."""
    one = make_engine(clock=clock, instance_id="one")
    one.add_gateway("A", "scripted", {})
    await one.start()
    await one.dispatcher.stop()
    one.gateways["A"].hold = asyncio.Event()
    [msg] = one.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
    one.dispatcher.tick()
    await asyncio.sleep(0)  # the gateway took it and waits
    two = make_engine(clock=clock, instance_id="two")
    clock.advance(one.settings["lease_seconds"] + 1)
    assert two.outbox.take_over_expired() == 1
    return one, two, msg


async def test_a_late_success_after_a_takeover_changes_nothing_and_says_so(make_engine, clock, caplog):
    one, two, msg = await _stalled(make_engine, clock)
    taken = two.message(msg.id)
    assert taken.status == m.QUEUED and taken.possible_duplicate
    caplog.set_level(logging.WARNING)
    one.gateways["A"].hold.set()
    await drain(one)
    after = stored(one, msg.id)
    assert after.status == m.QUEUED and after.reference is None and after.sent_at is None, "the late answer wrote nothing"
    assert any(f"message {msg.id}: the sent answer from gateway A came after" in r.getMessage()
               for r in caplog.records)
    await one.stop()


async def test_a_late_failure_after_a_takeover_changes_nothing(make_engine, clock, caplog):
    one, two, msg = await _stalled(make_engine, clock)
    one.gateways["A"].outcomes.append(SendResult(ok=False, reason="modem said no", retryable=False))
    caplog.set_level(logging.WARNING)
    one.gateways["A"].hold.set()
    await drain(one)
    after = one.message(msg.id)
    assert after.status == m.QUEUED and after.reason != "modem said no"
    assert any("the failed answer from gateway A came after" in r.getMessage() for r in caplog.records)
    await one.stop()


async def test_the_answer_to_an_earlier_claim_of_the_same_console_is_fenced_by_its_token(make_engine, clock,
                                                                                        caplog):
    """Taken over, then claimed again by the same console: the first send's answer belongs to the old claim."""
    one, two, msg = await _stalled(make_engine, clock)
    one.dispatcher.tick()  # "one" claims it again: a second send under a new claim
    await asyncio.sleep(0)
    assert one.message(msg.id).status == m.SENDING
    caplog.set_level(logging.WARNING)
    one.gateways["A"].hold.set()
    await drain(one)
    after = stored(one, msg.id)
    assert after.status == m.SENT
    assert after.reference == "A-2", "the answer of the send under the current claim is the one written"
    late = [r.getMessage() for r in caplog.records if "came after" in r.getMessage()]
    assert len(late) == 1 and f"message {msg.id}: the sent answer" in late[0]
    await one.stop()


async def test_the_takeover_names_the_instance_and_how_long_its_claims_had_expired(make_engine, clock, caplog):
    caplog.set_level(logging.WARNING)
    one, two, msg = await _stalled(make_engine, clock)
    [line] = [r.getMessage() for r in caplog.records if "taking over" in r.getMessage()]
    assert "claimed by instance 'one'" in line and "had expired 1.0 s ago" in line
    one.gateways["A"].hold.set()
    await one.stop()


async def test_a_late_success_after_another_console_sent_the_message_adds_no_parts(make_engine, clock):
    """Taken over and sent by "two" through the same gateway: "one"'s late answer leaves two's parts alone."""
    from sqlalchemy import select

    one, two, msg = await _stalled(make_engine, clock)
    await two.start()
    two.dispatcher.tick()
    await drain(two)
    assert two.message(msg.id).status == m.SENT
    one.gateways["A"].outcomes.append(SendResult(ok=True, references=("late-1",)))
    one.gateways["A"].hold.set()
    await drain(one)
    P = m.MessagePart.__table__
    with one.db.engine.connect() as conn:
        refs = conn.execute(select(P.c.reference).where(P.c.message_id == msg.id)).scalars().all()
    assert refs == [stored(two, msg.id).reference] and refs != ["late-1"]
    await one.stop()
    await two.stop()
