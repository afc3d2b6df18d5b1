"""Time rules on the manual clock: schedule, blackout periods, validity, retries with backoff."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.engine.requests import OutboundRequest
from app.gateways.base import SendResult
from app.store import models as m

from .conftest import drain, run_until_settled

START = datetime(2030, 1, 1, 10, 0, tzinfo=timezone.utc)  # ManualClock's default start


def period(start: datetime, end: datetime, offset_hours: int = 2) -> str:
    tz = timezone(timedelta(hours=offset_hours))
    return f"{start.astimezone(tz).isoformat()}/{end.astimezone(tz).isoformat()}"


async def test_job_blackout_holds_until_it_ends_stored_in_utc(engine_with, clock):
    engine = await engine_with("A")
    clock._now = START
    text = "2030-01-01T11:30:00+02:00/2030-01-01T13:00:00+02:00"  # 09:30-11:00 UTC, sender's own offset
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x", blackout=[text])]).accepted
    assert msg.status == m.SCHEDULED
    assert msg.scheduled_at == datetime(2030, 1, 1, 11, 0, tzinfo=timezone.utc)
    assert "blackout" in msg.reason
    await run_until_settled(engine)
    assert engine.gateways["A"].sent == []
    clock.advance(3600)
    await run_until_settled(engine)
    view = engine.message(msg.id)
    assert view.status == m.SENT and view.reason == ""


async def test_recipient_blackout_holds_only_that_recipient(engine_with, clock):
    engine = await engine_with("A")
    now = clock.now()
    quiet = period(now - timedelta(minutes=5), now + timedelta(minutes=30))
    result = engine.queue_messages([OutboundRequest(["+15550001", "+15550002"], "x",
                                                    recipient_blackout=[[], [quiet]])])
    a, b = result.accepted
    assert (a.status, b.status) == (m.QUEUED, m.SCHEDULED)
    await run_until_settled(engine)
    assert [s.recipient for s in engine.gateways["A"].sent] == ["+15550001"]
    clock.advance(30 * 60)
    await run_until_settled(engine)
    assert engine.message(b.id).status == m.SENT


async def test_blackout_that_begins_while_queued_holds_the_message(engine_with, clock):
    engine = await engine_with("A")
    await engine.stop_gateway("A")
    now = clock.now()
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x", blackout=[
        period(now + timedelta(minutes=10), now + timedelta(minutes=20))])]).accepted
    assert msg.status == m.QUEUED
    clock.advance(15 * 60)
    await engine.start_gateway("A")
    await run_until_settled(engine)
    view = engine.message(msg.id)
    assert view.status == m.SCHEDULED and view.scheduled_at == now + timedelta(minutes=20)
    assert engine.gateways["A"].sent == []
    clock.advance(5 * 60)
    await run_until_settled(engine)
    assert engine.message(msg.id).status == m.SENT


async def test_validity_ending_in_a_blackout_expires_with_reason(engine_with, clock):
    engine = await engine_with("A")
    now = clock.now()
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x", validity_seconds=600, blackout=[
        period(now, now + timedelta(hours=1))])]).accepted
    clock.advance(601)
    await run_until_settled(engine)
    view = engine.message(msg.id)
    assert view.status == m.EXPIRED and view.reason == "validity period ended before it could be sent"
    clock.advance(3600)
    await run_until_settled(engine)
    assert engine.gateways["A"].sent == []


async def test_unusable_blackout_period_is_refused(engine_with):
    engine = await engine_with("A")
    r = engine.queue_messages([OutboundRequest(["+15550001"], "x", blackout=["tomorrow/later"])])
    assert r.accepted == [] and r.items[0].code == "invalid-blackout" and "ISO-8601" in r.items[0].error
    r = engine.queue_messages([OutboundRequest(["+15550001"], "x", blackout=[
        "2030-01-02T00:00:00+00:00/2030-01-01T00:00:00+00:00"])])
    assert r.items[0].code == "invalid-blackout" and "ends before it starts" in r.items[0].error


async def test_scheduled_job_period_is_held_then_sent(engine_with, clock):
    engine = await engine_with("A")
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x",
                                                   scheduled_at=clock.now() + timedelta(hours=2))]).accepted
    await run_until_settled(engine)
    assert engine.message(msg.id).status == m.SCHEDULED
    clock.advance(7200)
    await run_until_settled(engine)
    assert engine.message(msg.id).status == m.SENT


async def test_transient_errors_back_off_exponentially_with_jitter_then_fail(engine_with, clock):
    engine = await engine_with("A")
    engine.set_setting("max_attempts", 4)
    engine.set_setting("retry_base_seconds", 10.0)
    gw = engine.gateways["A"]
    gw.outcomes.extend([SendResult(ok=False, reason=f"busy {i}", retryable=True) for i in range(4)])
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
    delays = []
    for attempt in range(1, 4):
        await run_until_settled(engine)
        view = engine.message(msg.id)
        assert view.status == m.QUEUED and view.attempts == attempt
        assert view.reason == f"retrying after: busy {attempt - 1}"
        with engine.db.session() as s:
            due = s.get(m.Message, msg.id).next_attempt_at
        delays.append((due - clock.now()).total_seconds())
        clock.advance(delays[-1] - 0.001)
        await run_until_settled(engine)
        assert len(gw.sent) == attempt  # not before its time
        clock.advance(0.001)
    for i, d in enumerate(delays):
        assert 10 * 2 ** i * 0.8 <= d <= 10 * 2 ** i * 1.2
    await run_until_settled(engine)
    view = engine.message(msg.id)
    assert view.status == m.FAILED and view.reason == "busy 3 (after 4 attempts)"


async def test_retries_stop_at_the_age_limit(engine_with, clock):
    engine = await engine_with("A")
    engine.set_setting("retry_base_seconds", 100.0)
    engine.set_setting("retry_max_age_seconds", 150)
    engine.gateways["A"].outcomes.extend([SendResult(ok=False, reason="busy", retryable=True)] * 3)
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
    await run_until_settled(engine)
    clock.advance(200)
    await run_until_settled(engine)
    view = engine.message(msg.id)
    assert view.status == m.FAILED and view.attempts == 2 and "still failing 150 s" in view.reason


async def test_permanent_error_fails_at_once(engine_with):
    engine = await engine_with("A", "B")
    engine.gateways["A"].outcomes.append(SendResult(ok=False, reason="invalid destination", retryable=False))
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x", gateways=["A"])]).accepted
    await run_until_settled(engine)
    view = engine.message(msg.id)
    assert view.status == m.FAILED and view.reason == "invalid destination" and view.attempts == 1


async def test_retry_operation_queues_a_failed_message_again(engine_with):
    engine = await engine_with("A")
    engine.gateways["A"].outcomes.append(SendResult(ok=False, reason="rejected", retryable=False))
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "x")]).accepted
    await run_until_settled(engine)
    assert engine.message(msg.id).status == m.FAILED
    engine.retry([msg.id])
    await run_until_settled(engine)
    assert engine.message(msg.id).status == m.SENT
    await drain(engine)
