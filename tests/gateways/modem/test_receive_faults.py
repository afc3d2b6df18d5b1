"""Receiving real-world PDUs and a misbehaving line through the real driver and the simulator over a pty.

What a real modem may send besides clean PDUs: padding after the user data,
time stamps that are no time, truncated PDU lines, NUL bytes, garbage lines,
unknown unsolicited results, SMS-SUBMITs in storage, or nothing at all. Each
is skipped or accepted with a line in the gateway's traffic log; the reader
and the housekeeping task live on and no other message is lost.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from app.engine.requests import OutboundRequest
from app.gateways.modem.sim_pdus import encode_deliver
from app.sms.pdu import decode, encode_submit
from app.store import models as m
from tests.sms.field_pdus import BAD_ZONE_REPORT, PADDED_DELIVER

from .conftest import until


def inbox(engine):
    return engine.list_messages("in")


def info_lines(engine) -> list[str]:
    """The traffic log's own remarks (not the lines written or read), oldest first."""
    return [t.text for t in reversed(engine.gateway_traffic("M")) if t.direction == "info"]


def cmt(pdu: str) -> tuple[str, str]:
    """The two lines of a +CMT delivery of ``pdu`` (SMSC address first)."""
    return f"+CMT: ,{len(pdu) // 2 - 1 - int(pdu[:2], 16)}", pdu


def with_time_zone(pdu: str, octet: str) -> str:
    """``pdu`` (from encode_deliver) with the time-zone octet of its SCTS replaced."""
    data = bytearray.fromhex(pdu)
    sca = data[0] + 1
    scts = sca + 1 + 2 + (data[sca + 1] + 1) // 2 + 2
    data[scts + 6] = int(octet, 16)
    return data.hex().upper()


async def test_padded_pdu_from_storage_is_stored_with_its_sender_and_a_note(modem_engine):
    engine, sim = await modem_engine()
    sim.receive_pdu(PADDED_DELIVER)  # +CMTI, then AT+CMGR shows the PDU with its 30 octets of padding
    await sim.wait_for_command("AT+CMGD")
    [msg] = inbox(engine)
    assert (msg.sender, msg.text, msg.pdu) == ("503", "Your parcel 4711 arrives today between 10:00 and 14h.",
                                               PADDED_DELIVER)
    assert sim.modem.storage == {}
    assert ("PDU from 503: 30 octets follow the user data of length 53 at octet 70: ignored as padding (the length "
            "fields define the fields)") in info_lines(engine)


@pytest.mark.parametrize("cnmi", ["2,1,0,2,0", "2,1,0,1,0"])
async def test_status_report_with_a_non_bcd_time_zone_delivers_the_message(modem_engine, cnmi):
    engine, sim = await modem_engine({"report_delay": 3600}, cnmi=cnmi)  # the simulator's own report never comes
    sim.modem.next_reference = 35
    [msg] = engine.queue_messages([OutboundRequest(["+62895357614989"], "report me", status_report=True)]).accepted
    await until(engine, lambda: engine.message(msg.id).status == m.SENT)
    sim.report(BAD_ZONE_REPORT)  # +CDSI "SR" then AT+CMGR, or +CDS with the PDU
    await until(engine, lambda: engine.message(msg.id).status == m.DELIVERED)
    assert any("status report about +62895357614989: the service centre time stamp has a non-decimal time zone (C2)"
               " at octet 18: the time of reception stands in for it" in line for line in info_lines(engine))


async def test_unreadable_time_stamp_becomes_the_time_of_reception(modem_engine):
    engine, sim = await modem_engine()
    [pdu] = encode_deliver("+4917011111", "when was this sent?", when=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc))
    bad = with_time_zone(pdu, "C2")
    before = datetime.now(timezone.utc)
    sim.receive_pdu(bad)
    await sim.wait_for_command("AT+CMGD")
    after = datetime.now(timezone.utc)
    [msg] = inbox(engine)
    sent_at = msg.sent_at if msg.sent_at.tzinfo else msg.sent_at.replace(tzinfo=timezone.utc)
    assert msg.text == "when was this sent?" and before <= sent_at <= after
    assert any(line.startswith("PDU from +4917011111: the service centre time stamp has a non-decimal time zone")
               for line in info_lines(engine))


async def test_truncated_and_padded_pdus_by_cmt_are_kept_and_acknowledged(modem_engine):
    engine, sim = await modem_engine(cnmi="2,2,0,1,0")
    [whole] = encode_deliver("+4917022222", "this line is cut short by the modem")
    sim.send_lines(*cmt(whole[:-10]))  # the last 5 octets of the PDU line are missing
    sim.send_lines(*cmt(encode_deliver("+4917022223", "padded")[0] + "FFFFFFFF"))
    await sim.wait_for_command("AT+CNMA", 2)
    texts = {x.sender: x.text for x in inbox(engine)}
    assert texts == {"+4917022222": "this line is cut short by the", "+4917022223": "padded"}
    notes = info_lines(engine)
    assert any(line.startswith("PDU from +4917022222: user data of length 35 needs 31 octets but only 26 remain")
               and line.endswith("the text is kept as far as it goes") for line in notes)
    assert any(line.startswith("PDU from +4917022223: 4 octets follow the user data") for line in notes)


async def test_garbled_lines_nul_bytes_and_unknown_results_are_skipped_and_logged(modem_engine):
    engine, sim = await modem_engine(cnmi="2,2,0,1,0")
    sim.write("\x00\x00\r\n")
    sim.send_lines("+XQSTATE:2", "^XNEW: 1,2", "\xff\xfe garbage \x01", "+CMT: ,23", "not a PDU at all")
    sim.send_lines(*cmt(encode_deliver("+4917033333", "after the noise")[0]))
    await sim.wait_for_command("AT+CNMA")
    assert [x.text for x in inbox(engine)] == ["after the noise"]
    notes = info_lines(engine)
    assert "skipped 2 NUL byte(s) the modem sent" in notes
    assert "skipped '+XQSTATE:2': no command waits for an answer and it is no known unsolicited result" in notes
    assert "skipped '^XNEW: 1,2': an unsolicited result the console does not use" in notes
    assert any(line.startswith("skipped '\xff\xfe garbage") for line in notes)
    assert "skipped '+CMT: ,23': the line after it is not the PDU it announces" in notes
    assert "skipped 'not a PDU at all': no command waits for an answer and it is no known unsolicited result" in notes
    sim.receive("+4917033334", "and the reader still reads")  # nothing above stopped it
    await sim.wait_for_command("AT+CNMA", 2)
    assert len(inbox(engine)) == 2


async def test_garbage_inside_a_listing_is_never_taken_for_a_pdu(modem_engine):
    engine, sim = await modem_engine(start=False)
    sim.receive("+4917044441", "first")
    sim.receive("+4917044442", "second")

    def garble(command: str, answer: list[str]) -> list[str]:
        if not command.upper().startswith("AT+CMGL") or len(answer) < 5:
            return answer
        # a garbage line before the answer (as gammu pull 823 reports of a D-Link DWM222), an unknown
        # unsolicited result between the first header and its PDU, NUL bytes inside the second PDU line
        pdu = answer[3]
        return ["\x7f\x7f", answer[0], "+XQNET: \"UMTS\"", answer[1], answer[2], pdu[:10] + "\x00" + pdu[10:]] + \
            answer[4:]

    sim.answer_filter = garble
    await engine.start()
    await until(engine, lambda: len(inbox(engine)) == 2)
    assert sorted(x.text for x in inbox(engine)) == ["first", "second"]
    assert sim.modem.storage == {}
    notes = info_lines(engine)
    assert "skipped '\\x7f\\x7f' in the answer to AT+CMGL=4: it is not a PDU" in notes
    assert "skipped '+XQNET: \"UMTS\"' in the answer to AT+CMGL=4: it is not a PDU" in notes
    assert "skipped 1 NUL byte(s) the modem sent" in notes


async def test_a_listing_entry_without_its_pdu_is_skipped_and_the_others_kept(modem_engine):
    engine, sim = await modem_engine(start=False)
    sim.receive("+4917044443", "lost line")
    sim.receive("+4917044444", "kept")
    sim.answer_filter = lambda command, answer: (
        [answer[0]] + answer[2:] if command.upper().startswith("AT+CMGL") and len(answer) > 2 else answer)
    await engine.start()
    await until(engine, lambda: len(inbox(engine)) == 1)
    assert [x.text for x in inbox(engine)] == ["kept"]
    assert 1 in sim.modem.storage and 2 not in sim.modem.storage  # the one whose PDU did not come stays
    assert "skipped +CMGL entry 1 of SM: no PDU came with it" in info_lines(engine)


async def test_a_stored_sms_submit_is_left_in_storage_with_one_traffic_line(modem_engine):
    engine, sim = await modem_engine(start=False, sweep_seconds=0.5)
    [submit] = encode_submit("+4917055555", "draft written by a phone")
    index = sim.modem.store(submit.hex)
    sim.receive("+4917055556", "a real one")
    await engine.start()
    await until(engine, lambda: len(inbox(engine)) == 1)
    await sim.wait_for_command("AT+CMGL", 3)  # two more sweeps
    assert [x.text for x in inbox(engine)] == ["a real one"]
    assert list(sim.modem.storage) == [index]
    assert info_lines(engine).count(f"left SM {index} in storage: it holds an SMS-SUBMIT (a message to send), "
                                    "not a received message") == 1


async def test_undecodable_pdu_keeps_raw_hex_reason_and_the_sender_read(modem_engine):
    engine, sim = await modem_engine()
    compressed = encode_deliver("+4917066666", "x")[0]
    compressed = compressed[:-20] + "20" + compressed[-18:]  # TP-DCS 20: compressed text
    [good] = encode_deliver("+4917066667", "the next one")
    sim.receive_pdu(compressed)
    sim.receive_pdu(good)
    await sim.wait_for_command("AT+CMGD", 2)
    by_sender = {x.sender: x for x in inbox(engine)}
    raw = by_sender["+4917066666"]
    assert raw.pdu == compressed and raw.text.startswith("[message the modem could not decode: TP-DCS 20 announces "
                                                         "compressed text")
    assert by_sender["+4917066667"].text == "the next one"
    assert any(line.startswith("stored the PDU of SM 1 as an undecodable message: TP-DCS 20") for line in
               info_lines(engine))


async def test_a_message_the_engine_cannot_take_leaves_the_reader_alive(modem_engine):
    engine, sim = await modem_engine()
    real = engine.gateway_received

    def refuse(gateway, sms):
        if sms.text == "refused":
            raise RuntimeError("store unavailable")
        return real(gateway, sms)  # what the receiver awaits before it deletes

    engine.gateway_received = refuse
    sim.receive("+4917077771", "refused")
    await sim.wait_for_command("AT+CMGR")
    sim.receive("+4917077772", "accepted later")  # the housekeeping task still reads +CMTI
    await sim.wait_for_command("AT+CMGD")
    assert [x.text for x in inbox(engine)] == ["accepted later"]
    [(_, kept)] = sim.modem.storage.values()
    assert decode(kept).text == "refused"  # not deleted: the next sweep offers it again
    assert any(line.startswith("kept SM 1 on the modem: the console could not take it (store unavailable)")
               for line in info_lines(engine))


async def test_a_modem_that_answers_nothing_is_logged_reopened_and_nothing_is_lost(modem_engine):
    engine, sim = await modem_engine(keepalive_seconds=0.3)
    sim.hang()
    await until(engine, lambda: engine.gateways["M"].state.value == "error")
    assert any(line.endswith("got no answer within 1 s") for line in info_lines(engine))
    sim.receive("+4917088888", "while the modem was silent")  # stored on the SIM, announced to nobody
    sim.hang(False)
    await until(engine, lambda: len(inbox(engine)) == 1)  # the start-up sweep after reopening reads it
    assert [x.text for x in inbox(engine)] == ["while the modem was silent"]


async def test_padded_and_truncated_reports_by_cds(modem_engine):
    engine, sim = await modem_engine({"report_delay": 3600}, cnmi="2,1,0,1,0")
    sim.modem.next_reference = 35
    [msg] = engine.queue_messages([OutboundRequest(["+62895357614989"], "report me", status_report=True)]).accepted
    await until(engine, lambda: engine.message(msg.id).status == m.SENT)
    cut = BAD_ZONE_REPORT[:-2]  # TP-ST missing: the outcome cannot be read
    sim.send_lines("+CDS: 25", cut)
    sim.send_lines("+CDS: 29", BAD_ZONE_REPORT + "00FFFF")  # TP-PI 00 and two octets of padding
    await until(engine, lambda: engine.message(msg.id).status == m.DELIVERED)
    [placeholder] = inbox(engine)  # the report that cannot be read is kept, not dropped
    assert placeholder.pdu == cut and placeholder.sender == "+62895357614989"
    assert placeholder.text.startswith("[status report the modem could not decode: PDU ends where TP-ST should be")
    notes = info_lines(engine)
    assert any(line.startswith("stored the PDU of a +CMT/+CDS line as an undecodable status report") for line in notes)
    assert ("status report about +62895357614989: 3 octets after TP-ST at octet 27 (TP-PI and the fields it "
            "announces, or padding) are not read") in notes
    await sim.wait_for_command("AT+CNMA", 2)  # both acknowledged


async def test_an_indication_without_an_index_is_logged_and_the_sweep_finds_the_message(modem_engine):
    engine, sim = await modem_engine(sweep_seconds=0.5)
    sim.modem.store(encode_deliver("+4917099991", "announced badly")[0])
    sim.send_lines('+CMTI: "SM",')  # the index is missing
    await until(engine, lambda: len(inbox(engine)) == 1)
    assert [x.text for x in inbox(engine)] == ["announced badly"]
    assert ("skipped '+CMTI: \"SM\",': it names no storage and index (the next sweep reads the message)"
            in info_lines(engine))


async def test_an_incomplete_message_the_engine_cannot_take_is_offered_again(modem_engine):
    engine, sim = await modem_engine(reassembly_timeout=1.0, keepalive_seconds=0.3, sweep_seconds=0.5)
    real = engine.gateway_received
    refused = asyncio.get_running_loop().create_future()

    def refuse(gateway, sms):
        if not refused.done():
            refused.set_result(sms.text)
        raise RuntimeError("store unavailable")

    engine.gateway_received = refuse
    sim.receive_pdu(encode_deliver("+4917099992", "y" * 200)[0])  # part 1 of 2; part 2 never comes
    assert (await asyncio.wait_for(refused, 10)).endswith("[part 2 of 2 missing]")
    assert any(line.startswith("kept the parts of an incomplete message from +4917099992")
               for line in info_lines(engine))
    assert len(sim.modem.storage) == 1
    engine.gateway_received = real  # the housekeeping task is still alive and offers it again
    await until(engine, lambda: len(inbox(engine)) == 1)
    [msg] = inbox(engine)
    assert msg.text.endswith("[part 2 of 2 missing]")
    await sim.wait_for_command("AT+CMGD")
