"""Sending through the modem gateway: references, reports, error mapping, limits, several modems."""

from __future__ import annotations

from app.engine.requests import OutboundRequest
from app.sms.pdu import decode
from app.store import models as m

from .conftest import until, until_state, until_status


def queue(engine, text="hello", to="+4917612345678", **kwargs):
    [msg] = engine.queue_messages([OutboundRequest([to], text, **kwargs)]).accepted
    return msg


async def test_single_part_goes_sent_with_the_modem_reference(modem_engine):
    engine, sim = await modem_engine()
    msg = queue(engine, "Hallo Welt")
    sent = await until_status(engine, msg.id, m.SENT)
    [pdu] = sim.modem.sent
    assert pdu.recipient == "+4917612345678" and pdu.text == "Hallo Welt"
    assert engine.gateways["M"].counters.sent == 1
    assert sent.gateway == "M"


async def test_multipart_is_delivered_when_every_part_is_reported(modem_engine):
    engine, sim = await modem_engine({"report_delay": 0.05})
    text = "Zustellbericht " * 20
    msg = queue(engine, text, status_report=True)
    await until_status(engine, msg.id, m.DELIVERED)
    parts = sim.modem.sent
    assert len(parts) == 2 and all(p.status_report for p in parts)
    assert "".join(p.text for p in parts) == text
    assert {p.concat[0] for p in parts} == {parts[0].concat[0]}
    assert engine.message(msg.id).parts == 2


async def test_undelivered_report_carries_the_3gpp_meaning(modem_engine):
    engine, _ = await modem_engine({"report_delay": 0.05, "report_status": {"+4917600000001": 0x41}})
    msg = queue(engine, to="+4917600000001", status_report=True)
    final = await until_status(engine, msg.id, m.UNDELIVERED)
    assert final.reason == "incompatible destination"


async def test_validity_and_flash_are_in_the_pdu(modem_engine):
    engine, sim = await modem_engine()
    msg = queue(engine, "flash", flash=True, validity_seconds=3600)
    await until_status(engine, msg.id, m.SENT)
    submit = decode(sim.modem.sent[0].pdu, direction="out")
    assert submit.flash and 55 <= submit.validity <= 65


async def test_permanent_cms_error_fails_with_its_meaning(modem_engine):
    engine, _ = await modem_engine({"fail_numbers": {"+4917600000002": 1}})
    msg = queue(engine, to="+4917600000002")
    final = await until_status(engine, msg.id, m.FAILED)
    assert final.reason == "+CMS ERROR 1: unassigned (unallocated) number"


async def test_temporary_cms_error_is_retried_later(modem_engine):
    engine, sim = await modem_engine({"fail_numbers": {"+4917600000003": 38}})
    msg = queue(engine, to="+4917600000003")
    queued = await until_status(engine, msg.id, m.QUEUED)
    await until(engine, lambda: engine.message(msg.id).attempts == 1 and "network out of order"
                in engine.message(msg.id).reason)
    assert engine.message(msg.id).reason == "retrying after: +CMS ERROR 38: network out of order"
    assert queued.status == m.QUEUED


async def test_one_failing_message_does_not_block_the_queue(modem_engine):
    engine, sim = await modem_engine({"fail_numbers": {"+4917600000004": 500}})
    bad = queue(engine, "bad", to="+4917600000004")
    good = [queue(engine, f"good {i}", to=f"+49176111111{i:02d}") for i in range(5)]
    for msg in good:
        await until_status(engine, msg.id, m.SENT)
    assert engine.message(bad.id).status in (m.QUEUED, m.SENDING)
    assert [p.text for p in sim.modem.sent] == [f"good {i}" for i in range(5)]


async def test_error_rate_injection_is_survived(modem_engine):
    engine, sim = await modem_engine({"error_rate": 0.3, "error_code": 42})
    engine.settings["retry_base_seconds"] = 0.01
    msgs = [queue(engine, f"m{i}", to=f"+49176222222{i:02d}") for i in range(20)]
    for msg in msgs:
        await until_status(engine, msg.id, m.SENT, m.FAILED)
    finals = [engine.message(msg.id) for msg in msgs]
    sent_texts = [p.text for p in sim.modem.sent]
    assert len(sent_texts) == len(set(sent_texts))  # nothing sent twice
    assert sorted(sent_texts) == sorted(f.text for f in finals if f.status == m.SENT)
    assert all(f.status == m.SENT or "attempts" in f.reason for f in finals)
    assert any(f.attempts > 1 for f in finals)  # some did meet the injected error


async def test_per_minute_limit_and_reset(modem_engine):
    engine, sim = await modem_engine(per_minute=3)
    msgs = [queue(engine, f"limit {i}", to=f"+49176333333{i:02d}") for i in range(5)]
    for msg in msgs[:3]:
        await until_status(engine, msg.id, m.SENT)
    engine.dispatcher.tick()
    assert [engine.message(x.id).status for x in msgs[3:]] == [m.QUEUED, m.QUEUED]
    assert not engine.gateways["M"].can_accept()
    assert engine.gateway_view(engine.gateways["M"]).info["sent_last_minute"] == "3/3"
    engine.reset_send_limit("M")
    for msg in msgs[3:]:
        await until_status(engine, msg.id, m.SENT)
    assert len(sim.modem.sent) == 5


async def test_per_day_limit_is_shown_and_reset(modem_engine):
    engine, sim = await modem_engine(per_day=2)
    msgs = [queue(engine, f"day {i}", to=f"+49176444444{i:02d}") for i in range(3)]
    for msg in msgs[:2]:
        await until_status(engine, msg.id, m.SENT)
    engine.dispatcher.tick()
    assert engine.message(msgs[2].id).status == m.QUEUED
    assert engine.gateway_view(engine.gateways["M"]).info["sent_today"] == "2/2"
    engine.reset_send_limit("M")
    await until_status(engine, msgs[2].id, m.SENT)


async def test_several_modems_side_by_side(make_engine, make_sim):
    from .conftest import FAST

    sims = [await make_sim(f"modem{i}", send_delay=0.02) for i in range(3)]
    engine = make_engine()
    for i, sim in enumerate(sims):
        engine.add_gateway(f"M{i}", "modem", {"port": sim.link, **FAST})
    await engine.start()
    try:
        msgs = [queue(engine, f"spread {i}", to=f"+49176555555{i:02d}") for i in range(30)]
        for msg in msgs:
            await until_status(engine, msg.id, m.SENT)
        counts = [len(s.modem.sent) for s in sims]
        assert sum(counts) == 30 and all(c > 0 for c in counts)
        assert {engine.message(x.id).gateway for x in msgs} == {"M0", "M1", "M2"}
    finally:
        await engine.stop()


async def test_the_gateway_takes_more_only_when_half_its_window_is_free(modem_engine):
    engine, sim = await modem_engine({"send_delay": 0.05}, window=4)
    gw = engine.gateways["M"]
    busy_at_handover: list[int] = []
    submit = gw.submit

    def recording_submit(sms):
        busy_at_handover.append(gw.busy)
        submit(sms)

    gw.submit = recording_submit
    msgs = [queue(engine, f"group {i}", to=f"+49176333333{i:02d}") for i in range(12)]
    for msg in msgs:
        await until_status(engine, msg.id, m.SENT)
    # each handover starts with at most half the window busy; a group then fills it
    starts = [b for i, b in enumerate(busy_at_handover) if i == 0 or b != busy_at_handover[i - 1] + 1]
    assert starts and max(starts) <= 2
    assert max(busy_at_handover) == 3  # the window is still filled: 4 held at most
    assert sorted(p.text for p in sim.modem.sent) == sorted(f"group {i}" for i in range(12))


async def restarted(make_engine):
    """A new engine on the same store (a restart), once its modem gateway runs."""
    again = make_engine()
    await again.start()
    await until_state(again, "M", "running")
    return again


async def test_per_day_count_survives_a_restart_and_so_does_its_reset(modem_engine, make_engine):
    engine, sim = await modem_engine(per_day=3)
    for i in range(2):
        await until_status(engine, queue(engine, f"today {i}", to=f"+49176555555{i:02d}").id, m.SENT)
    await engine.stop()

    again = await restarted(make_engine)
    try:
        assert again.gateway_view(again.gateways["M"]).info["sent_today"] == "2/3"
        again.reset_send_limit("M")
    finally:
        await again.stop()
    again = await restarted(make_engine)
    try:
        assert again.gateway_view(again.gateways["M"]).info["sent_today"] == "0/3"
        await until_status(again, queue(again, "after the reset").id, m.SENT)
        assert again.gateway_view(again.gateways["M"]).info["sent_today"] == "1/3"
    finally:
        await again.stop()


async def test_per_minute_count_survives_a_restart_and_so_does_its_reset(modem_engine, make_engine):
    engine, sim = await modem_engine(per_minute=3)
    for i in range(2):
        await until_status(engine, queue(engine, f"minute {i}", to=f"+49176555555{i:02d}").id, m.SENT)
    await engine.stop()

    again = await restarted(make_engine)
    try:
        # two of the minute's three are spent: one more goes, the other waits for the minute to pass
        msgs = [queue(again, f"after {i}", to=f"+49176666666{i:02d}") for i in range(2)]
        await until_status(again, msgs[0].id, m.SENT)
        again.dispatcher.tick()
        assert again.message(msgs[1].id).status == m.QUEUED
        assert not again.gateways["M"].under_limits()
        assert again.gateway_view(again.gateways["M"]).info["sent_last_minute"] == "3/3"
        again.reset_send_limit("M")
        await until_status(again, msgs[1].id, m.SENT)
    finally:
        await again.stop()
    again = await restarted(make_engine)
    try:
        # counted from the reset: one sent since, two more may go this minute
        gw = again.gateways["M"]
        assert gw.window - gw.busy == 2
    finally:
        await again.stop()
    assert len(sim.modem.sent) == 4


async def test_the_traffic_log_shows_the_at_dialogue_of_a_send(modem_engine):
    engine, sim = await modem_engine()
    await until_status(engine, queue(engine, "logged").id, m.SENT)
    [pdu] = sim.modem.sent
    shown = [(t.direction, t.text) for t in reversed(engine.gateway_traffic("M"))]
    start = max(i for i, (d, text) in enumerate(shown) if text.startswith("AT+CMGS="))
    assert shown[start:start + 5] == [("out", f"AT+CMGS={len(pdu.pdu) // 2 - 1}"), ("in", ">"),
                                      ("out", f"{pdu.pdu}<Ctrl-Z>"), ("in", f"+CMGS: {pdu.reference}"),
                                      ("in", "OK")]
