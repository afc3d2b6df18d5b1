"""The SMPP gateway against a scripted SMSC (tests/gateways/fake_smsc.py): a connection dropped mid-window,
slow answers, throttling, receipts before their submit_sm_resp and in other bases, garbage on the line,
refusals by ESME code, incoming messages in parts, enquire_link and binding again."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest
from sqlmodel import select

from app.engine.requests import OutboundRequest
from app.gateways.base import GatewayState
from app.smpp import pdu as P
from app.smpp.text import decode_text
from app.store import models as m
from app.store.models import Message
from tests.gateways.fake_smsc import FakeSmsc
from tests.engine.consoles import until


def rows(engine) -> list[Message]:
    with engine.db.session() as s:
        return list(s.exec(select(Message).where(Message.direction == m.OUT).order_by(Message.id)))


def text_of(pdu: P.Pdu) -> str:
    return decode_text(pdu.get("short_message"), pdu.get("data_coding"))


async def all_sent(engine, n: int) -> None:
    await until(lambda: len(rows(engine)) == n and all(r.status == m.SENT for r in rows(engine)),
                f"all {n} messages sent")


def number(smsc: FakeSmsc, pdu: P.Pdu) -> int:
    """Which submit_sm this was (1: the first the SMSC got)."""
    return next(i for i, p in enumerate(smsc.submits, 1) if p is pdu)


def queue(engine, texts: list[str], **kwargs):
    return engine.queue_messages([OutboundRequest(["+4917612345678"], t, **kwargs) for t in texts])


def no_unflagged_repeats(engine, smsc: FakeSmsc) -> Counter:
    """Each text the SMSC got more than once belongs to a message flagged a possible duplicate."""
    seen = Counter(text_of(p) for p in smsc.submits)
    for row in rows(engine):
        if seen[row.text] > 1:
            assert row.possible_duplicate, f"{row.text} was sent {seen[row.text]} times without the flag"
    return seen


async def test_a_connection_dropped_mid_window_loses_nothing_and_flags_what_may_be_duplicated(smsc, console):
    first: list = []

    async def drop_after_five(conn, pdu):
        if not first:
            first.append(conn)
        if conn is first[0] and number(smsc, pdu) > 5:
            if number(smsc, pdu) == 8:
                conn.writer.close()  # the rest of the window stays unanswered
            return
        await smsc.accept(conn, pdu)

    smsc.on_submit = drop_after_five
    engine, gw = await console(smsc, window=10)
    texts = [f"message {i}" for i in range(20)]
    queue(engine, texts)
    await all_sent(engine, 20)
    seen = no_unflagged_repeats(engine, smsc)
    flagged = [r.text for r in rows(engine) if r.possible_duplicate]
    assert flagged, "the unanswered submit_sm were retried without the flag"
    assert all(seen[t] == 1 for t in texts[:5])  # answered at once: sent once, not flagged
    assert not any(r.possible_duplicate for r in rows(engine) if r.text in texts[:5])
    assert gw.binds == 2 and gw.possible_duplicates == len(flagged)


async def test_slow_answers_keep_the_window_full(smsc, console):
    async def slow(conn, pdu):
        await asyncio.sleep(0.2)
        await smsc.accept(conn, pdu)

    smsc.on_submit = slow
    engine, gw = await console(smsc, window=8)
    queue(engine, [f"slow {i}" for i in range(24)])
    await all_sent(engine, 24)
    assert smsc.max_outstanding == 8
    assert len(smsc.submits) == 24 and gw.counters.failed == 0


async def test_an_answer_later_than_the_timeout_is_retried_flagged(smsc, console):
    async def late_once(conn, pdu):
        if number(smsc, pdu) == 1:
            await asyncio.sleep(0.6)
        await smsc.accept(conn, pdu)

    smsc.on_submit = late_once
    engine, gw = await console(smsc, timeout=0.2)
    queue(engine, ["late"])
    await until(lambda: rows(engine)[0].status == m.SENT and len(smsc.submits) == 2, "sent again")
    [row] = rows(engine)
    assert row.possible_duplicate and gw.possible_duplicates == 1


async def test_throttling_slows_down_and_fails_nothing(smsc, console):
    async def throttle_six(conn, pdu):
        if number(smsc, pdu) <= 6:
            conn.write(P.response(pdu, P.ESME_RTHROTTLED if number(smsc, pdu) % 2 else P.ESME_RMSGQFUL))
        else:
            await smsc.accept(conn, pdu)

    smsc.on_submit = throttle_six
    engine, gw = await console(smsc, window=4)
    texts = [f"throttled {i}" for i in range(10)]
    queue(engine, texts)
    await all_sent(engine, 10)
    assert gw.throttled == 6 and gw.counters.failed == 0
    assert not any(r.possible_duplicate or r.attempts > 1 for r in rows(engine))
    accepted = Counter(text_of(p) for p in smsc.submits[6:])
    assert accepted == Counter(texts)


@pytest.mark.parametrize("form", ["hex resp, decimal text", "decimal resp, padded option", "hex resp, hex option"])
@pytest.mark.parametrize("order", ["receipt first", "response first"])
async def test_receipts_match_in_any_form_and_order(smsc, console, form, order):
    async def with_receipt(conn, pdu):
        n = 0x1A2B00 + number(smsc, pdu)
        resp_id = f"{n:X}" if form.startswith("hex") else str(n)
        if form.endswith("decimal text"):
            text, tlvs = f"id:{n} sub:001 dlvrd:001 submit date:2612070101 done date:2612070102 stat:DELIVRD err:000 text:x", {}
        elif form.endswith("padded option"):
            text, tlvs = "stat:DELIVRD", {P.TAG_RECEIPTED_MESSAGE_ID: f"{n:012d}".encode() + b"\0"}
        else:
            text, tlvs = "id:? stat:DELIVRD", {P.TAG_RECEIPTED_MESSAGE_ID: f"{n:x}".encode() + b"\0"}
        receipt = conn.deliver({"esm_class": 0x04, "short_message": text.encode()}, tlvs)
        if order == "receipt first":
            await receipt
            await asyncio.sleep(0.05)
            conn.write(P.response(pdu, message_id=resp_id))
        else:
            conn.write(P.response(pdu, message_id=resp_id))
            await receipt

    smsc.on_submit = with_receipt
    engine, gw = await console(smsc)
    queue(engine, ["one", "two", "Lange Nachricht " * 20], status_report=True)  # the last in three parts
    await until(lambda: len(rows(engine)) == 3 and all(r.status == m.DELIVERED for r in rows(engine)),
                   "every message delivered")
    assert len(smsc.submits) == 5 and gw.receipts.matched == 5 and not gw.receipts.held
    assert all(r.reason == "DELIVRD: delivered" for r in rows(engine))


async def test_a_part_s_receipt_before_the_message_is_sent_waits_in_the_engine(smsc, console):
    """Part 1's receipt is committed before part 2 is answered: the engine's outcome writer holds it (its
    part row does not exist yet) and matches it once the message's outcome is written."""
    engine, gw = await console(smsc)
    held_while_waiting = []

    acked = {n: asyncio.Event() for n in (1, 2, 3)}

    async def part_by_part(conn, pdu):
        n = number(smsc, pdu)
        if n == 2:  # part 1's receipt is acknowledged (committed) before part 2 is answered
            await acked[1].wait()
            held_while_waiting.append(len(engine.outbox.writer.unmatched))
        conn.write(P.response(pdu, message_id=f"part-{n}"))
        await conn.deliver({"esm_class": 0x04, "short_message": f"id:part-{n} stat:DELIVRD err:000".encode()})
        acked[n].set()

    smsc.on_submit = part_by_part
    queue(engine, ["Lange Nachricht " * 20], status_report=True)  # three parts
    await until(lambda: rows(engine)[0].status == m.DELIVERED, "delivered")
    assert held_while_waiting == [1]
    with engine.db.session() as s:
        parts = s.exec(select(m.MessagePart)).all()
    assert sorted(p.reference for p in parts) == ["part-1", "part-2", "part-3"]
    assert all(p.state == m.PART_DELIVERED for p in parts)


async def test_messages_per_second_spaces_the_submits(smsc, console):
    arrived = []

    async def stamp(conn, pdu):
        arrived.append(asyncio.get_running_loop().time())
        await smsc.accept(conn, pdu)

    smsc.on_submit = stamp
    engine, gw = await console(smsc, messages_per_second=20.0, window=10)
    queue(engine, [f"paced {i}" for i in range(10)])
    await all_sent(engine, 10)
    # ten submit_sm at 20 a second span at least 9 intervals of 50 ms (a busy machine may only add to it)
    assert arrived[-1] - arrived[0] >= 9 * 0.05 * 0.9


@pytest.mark.parametrize("stat, status", [("DELIVRD", m.DELIVERED), ("EXPIRED", m.UNDELIVERED),
                                          ("DELETED", m.UNDELIVERED), ("UNDELIV", m.UNDELIVERED),
                                          ("UNKNOWN", m.UNDELIVERED), ("REJECTD", m.FAILED)])
async def test_each_final_stat_sets_the_status(smsc, console, stat, status):
    async def receipt_after(conn, pdu):
        conn.write(P.response(pdu, message_id="abc-1"))
        for word in ("ENROUTE", "ACCEPTD", stat):  # intermediate notifications first: not final
            await conn.deliver({"esm_class": 0x04 if word == stat else 0x20,
                                "short_message": f"id:abc-1 stat:{word} err:042".encode()})

    smsc.on_submit = receipt_after
    engine, gw = await console(smsc)
    queue(engine, ["watch me"], status_report=True)
    await until(lambda: rows(engine)[0].status == status, status)
    assert rows(engine)[0].reason.startswith(stat)


async def test_garbage_on_the_line_reconnects_and_loses_nothing(smsc, console):
    async def garbage_after_three(conn, pdu):
        if len(smsc.binds) == 1 and number(smsc, pdu) == 4:
            conn.writer.write(b"GARBAGE \xff\xfe NOT SMPP\r\n" * 3)
            return
        if len(smsc.binds) == 1 and number(smsc, pdu) > 4:
            return
        await smsc.accept(conn, pdu)

    smsc.on_submit = garbage_after_three
    engine, gw = await console(smsc, window=6)
    queue(engine, [f"g {i}" for i in range(12)])
    await all_sent(engine, 12)
    assert gw.binds == 2
    no_unflagged_repeats(engine, smsc)


async def test_a_pdu_that_does_not_decode_is_nacked_and_the_bind_stays(smsc, console):
    engine, gw = await console(smsc)
    conn = smsc.receiver()
    seq = 77
    fut = asyncio.get_running_loop().create_future()
    conn.waiting[seq] = fut
    # a deliver_sm whose source_addr runs past its 21 octets
    conn.writer.write(P.HEADER.pack(16 + 30, P.DELIVER_SM, 0, seq) + b"\0" + b"\1\1" + b"9" * 27)
    nack = await asyncio.wait_for(fut, 5)
    assert nack.command_id == P.GENERIC_NACK and nack.status != 0
    queue(engine, ["still bound"])
    await until(lambda: rows(engine)[0].status == m.SENT, "sent on the same bind")
    assert gw.binds == 1


async def test_refusals_are_failed_or_retried_by_their_code(smsc, console):
    async def refuse(conn, pdu):
        word = text_of(pdu)
        status = {"bad number": P.ESME_RINVDSTADR, "busy": P.ESME_RSYSERR, "vendor": 0x401}.get(word, 0)
        if status:
            conn.write(P.response(pdu, status))
        else:
            await smsc.accept(conn, pdu)

    smsc.on_submit = refuse
    engine, gw = await console(smsc, retry_base=600.0)
    queue(engine, ["bad number", "busy", "vendor", "fine"])
    await until(lambda: len(rows(engine)) == 4 and all(r.status != m.SENDING and r.status != m.QUEUED
                                                          or r.reason for r in rows(engine)), "answers")
    by_text = {r.text: r for r in rows(engine)}
    assert by_text["bad number"].status == m.FAILED
    assert "ESME_RINVDSTADR (0x0000000b): invalid destination address" in by_text["bad number"].reason
    assert by_text["busy"].status == m.QUEUED and "system error at the SMSC" in by_text["busy"].reason
    assert by_text["vendor"].status == m.QUEUED and "0x00000401" in by_text["vendor"].reason
    assert by_text["fine"].status == m.SENT


async def test_incoming_messages_in_parts_are_put_together(smsc, console):
    engine, gw = await console(smsc)
    conn = smsc.receiver()
    first, second = "Teil eins und ", "Teil zwei."
    udh = [bytes([5, 0, 3, 0x42, 2, n]) for n in (1, 2)]
    answers = [await conn.deliver({"esm_class": 0x40, "short_message": udh[1] + second.encode()}),
               await conn.deliver({"esm_class": 0x40, "short_message": udh[0] + first.encode()})]
    sar = {P.TAG_SAR_MSG_REF_NUM: b"\x01\x02", P.TAG_SAR_TOTAL_SEGMENTS: b"\x02"}
    answers += [await conn.deliver({"data_coding": 8, "short_message": "Grüße ".encode("utf-16-be")},
                                   {**sar, P.TAG_SAR_SEGMENT_SEQNUM: b"\x01"}),
                await conn.deliver({"data_coding": 8, "short_message": "✓".encode("utf-16-be")},
                                   {**sar, P.TAG_SAR_SEGMENT_SEQNUM: b"\x02"}),
                await conn.deliver({"source_addr_ton": 5, "source_addr": "Bank",
                                    "short_message": "Kurz".encode()})]
    assert all(a.status == 0 for a in answers)
    await until(lambda: len(engine.received_messages()) == 3, "three received messages")
    got = {v.text: v for v in engine.received_messages()}
    assert set(got) == {first + second, "Grüße ✓", "Kurz"}
    assert got[first + second].sender == "+4915112345678" and got["Kurz"].sender == "Bank"
    assert got["Grüße ✓"].gateway == "Up"


async def test_receipts_and_messages_sent_as_data_sm_are_taken(smsc, console):
    """Some SMSCs send receipts (receipted_message_id and message_state only) and incoming messages as
    data_sm: both are taken as deliver_sm would be, and answered with data_sm_resp."""
    engine, gw = await console(smsc)
    queue(engine, ["eins"], status_report=True)
    await all_sent(engine, 1)
    conn = smsc.receiver()
    resp_id = "1"  # the fake SMSC's answer to the first submit_sm
    receipt = await conn.deliver({"esm_class": 0x04, "short_message": b""},
                                 {P.TAG_RECEIPTED_MESSAGE_ID: resp_id.encode() + b"\0", P.TAG_MESSAGE_STATE: b"\x02"},
                                 command=P.DATA_SM)
    incoming = await conn.deliver({"data_coding": 8, "short_message": "Grüße per data_sm".encode("utf-16-be")},
                                  command=P.DATA_SM)
    assert receipt.command_id == incoming.command_id == P.DATA_SM | P.RESP
    assert receipt.status == incoming.status == P.ESME_ROK
    await until(lambda: rows(engine)[0].status == m.DELIVERED, "the message delivered by a data_sm receipt")
    await until(lambda: len(engine.received_messages()) == 1, "the data_sm message received")
    assert engine.received_messages()[0].text == "Grüße per data_sm"


async def test_enquire_link_keeps_a_silent_bind_alive(smsc, console):
    engine, gw = await console(smsc, enquire_link_interval=0.05)
    await until(lambda: smsc.enquire_links >= 3, "enquire_link")
    assert gw.binds == 1 and gw.state == GatewayState.RUNNING


async def test_a_closed_connection_is_bound_again_after_the_backoff(smsc, console):
    engine, gw = await console(smsc, bind_mode="transmitter+receiver")
    assert [b[0] for b in smsc.binds] == ["transmitter", "receiver"]
    smsc.conns[-1].writer.close()  # the receiver goes: both binds are made again
    await until(lambda: gw.binds == 2 and gw.state == GatewayState.RUNNING, "bound again")
    assert [b[0] for b in smsc.binds] == ["transmitter", "receiver"] * 2
    assert all(b[1:] == ("esme", "secret") for b in smsc.binds)


async def test_a_refused_password_says_so(make_engine):
    async def serve(reader, writer):
        head = await reader.readexactly(16)
        pdu = P.decode(head + await reader.readexactly(int.from_bytes(head[:4], "big") - 16))
        writer.write(P.encode(P.response(pdu, P.ESME_RINVPASWD)))

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    engine = make_engine()
    engine.add_gateway("Up", "smpp", {"host": "127.0.0.1", "port": server.sockets[0].getsockname()[1],
                                      "system_id": "esme", "password": "wrong", "reconnect_backoff": 5.0})
    await engine.start()
    try:
        gw = engine.gateways["Up"]
        assert gw.state == GatewayState.AUTH_FAILED and "invalid password" in gw.state_reason
        assert "wrong" not in gw.state_reason
    finally:
        await engine.stop()
        server.close()


async def test_a_receipt_after_a_restart_still_finds_its_message(smsc, make_engine, tmp_path):
    async def hex_id(conn, pdu):
        conn.write(P.response(pdu, message_id="00ABC"))

    smsc.on_submit = hex_id
    url = f"sqlite:///{tmp_path / 'restart.db'}"
    settings = {"host": "127.0.0.1", "port": smsc.port, "system_id": "esme", "password": "pw",
                "reconnect_backoff": 0.05}
    first = make_engine(url=url)
    first.add_gateway("Up", "smpp", settings)
    await first.start()
    await until(lambda: first.gateways["Up"].state == GatewayState.RUNNING, "the bind")
    queue(first, ["before the restart"], status_report=True)
    await until(lambda: rows(first) and rows(first)[0].status == m.SENT, "sent")
    await first.stop()
    second = make_engine(url=url)
    await second.start()
    try:
        await until(lambda: second.gateways["Up"].state == GatewayState.RUNNING, "bound again")
        answer = await smsc.receiver().deliver({"esm_class": 0x04,
                                                "short_message": b"id:2748 stat:DELIVRD err:000"})
        assert answer.status == 0
        await until(lambda: rows(second)[0].status == m.DELIVERED, "delivered")
        assert rows(second)[0].reference == "abc"
    finally:
        await second.stop()


async def test_a_password_smpp_cannot_carry_is_said_without_showing_it(smsc, make_engine):
    engine = make_engine()
    engine.add_gateway("Up", "smpp", {"host": "127.0.0.1", "port": smsc.port, "system_id": "esme",
                                      "password": "much-too-long", "reconnect_backoff": 5.0})
    await engine.start()
    try:
        gw = engine.gateways["Up"]
        assert gw.state == GatewayState.ERROR and "password: at most 8 octets" in gw.state_reason
        assert "much-too-long" not in gw.state_reason and not smsc.binds
    finally:
        await engine.stop()


async def test_parts_of_an_incomplete_message_wait_in_the_store_while_the_gateway_stops(smsc, console):
    """An acknowledged part is kept in the store: stopping the gateway loses it not, and stores nothing
    incomplete; started again, the gateway takes it up and the next part completes the message."""
    engine, gw = await console(smsc)
    answer = await smsc.receiver().deliver({"esm_class": 0x40,
                                            "short_message": bytes([5, 0, 3, 9, 2, 1]) + b"Only the first"})
    assert answer.status == 0
    await engine.stop_gateway("Up")
    with engine.db.session() as s:
        kept = s.exec(select(m.GatewayPending)).all()
    assert [(k.gateway, k.kind, k.done) for k in kept] == [("Up", "part", False)]
    assert engine.received_messages() == []
    await engine.start_gateway("Up")
    await until(lambda: gw.state == GatewayState.RUNNING, "bound again")
    answer = await smsc.receiver().deliver({"esm_class": 0x40,
                                            "short_message": bytes([5, 0, 3, 9, 2, 2]) + b" and the second"})
    assert answer.status == 0
    await until(lambda: len(engine.received_messages()) == 1, "the message stored")
    [got] = engine.received_messages()
    assert got.text == "Only the first and the second"


async def test_tls_binds_with_the_certificate_checked_or_not(tmp_path, make_engine):
    import shutil
    import ssl
    import subprocess

    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make the test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
                    "-keyout", str(key), "-out", str(cert), "-days", "1"], check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    smsc = await FakeSmsc().start(ssl=context)
    engine = make_engine()
    base = {"host": "127.0.0.1", "port": smsc.port, "system_id": "esme", "password": "pw", "tls": True,
            "reconnect_backoff": 5.0}
    engine.add_gateway("Checked", "smpp", base)
    engine.add_gateway("Trusting", "smpp", {**base, "verify_tls": False})
    await engine.start()
    try:
        checked, trusting = engine.gateways["Checked"], engine.gateways["Trusting"]
        await until(lambda: trusting.state == GatewayState.RUNNING, "the TLS bind")
        assert checked.state == GatewayState.DISCONNECTED and "certificate" in checked.state_reason.lower()
        queue(engine, ["over TLS"])
        await all_sent(engine, 1)
        assert text_of(smsc.submits[0]) == "over TLS" and smsc.binds == [("transceiver", "esme", "pw")]
    finally:
        await engine.stop()
        await smsc.stop()
