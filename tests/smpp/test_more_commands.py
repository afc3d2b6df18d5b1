"""data_sm, submit_multi, cancel_sm by address, and the receipts registered_delivery asks for."""

from __future__ import annotations

import struct

import pytest
import smpplib.consts as C
import smpplib.smpp
from sqlmodel import select

from app.gateways.base import DeliveryReport
from app.store import models as m
from app.store.models import Message

from tests.smpp.conftest import cstr, raw_pdu
from tests.smpp.test_deliver import deliveries, wait_status
from tests.smpp.test_submit import stored, submit

SLOW_REPORTS = {"Sim": ("simulator", {"send_delay": 0.0, "report_delay": 3600.0})}


def multi_body(dests: list[tuple], text: bytes, *, registered_delivery: int = 0, coding: int = 0) -> bytes:
    """A submit_multi body written by hand (SMPP 3.4 §4.5.1): ("sme", ton, address) or ("dl", name)."""
    body = cstr("") + bytes([5, 0]) + cstr("Shop") + bytes([len(dests)])
    for dest in dests:
        if dest[0] == "sme":
            body += bytes([1, dest[1], 1]) + cstr(dest[2])
        else:
            body += bytes([2]) + cstr(dest[1])
    return body + bytes([0, 0, 0]) + cstr("") + cstr("") + bytes([registered_delivery, 0, coding, 0, len(text)]) + text


def multi_resp(body: bytes) -> tuple[str, list[tuple[str, int]]]:
    """message_id and the (address, error_status_code) of each unsuccess_sme of a submit_multi_resp."""
    nul = body.index(b"\0")
    message_id, pos = body[:nul].decode(), nul + 1
    count, pos = body[pos], pos + 1
    refused = []
    for _ in range(count):
        pos += 2  # ton, npi
        nul = body.index(b"\0", pos)
        address, pos = body[pos:nul].decode(), nul + 1
        refused.append((address, struct.unpack_from(">I", body, pos)[0]))
        pos += 4
    assert pos == len(body)
    return message_id, refused


async def test_data_sm_is_queued_and_answered_with_data_sm_resp(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server)
    text = "Ein langer Text über data_sm. " * 12
    await client.call(client.raw.send_pdu, smpplib.smpp.make_pdu(
        "data_sm", client=client.raw, source_addr_ton=5, source_addr="Shop", dest_addr_ton=1,
        dest_addr_npi=1, destination_addr="4915112345678", data_coding=8, registered_delivery=1,
        message_payload=text.encode("utf-16-be")))
    resp = await client.read()
    assert resp.command == "data_sm_resp" and resp.status == 0
    row = stored(server.engine, resp.message_id.decode())
    assert row.text == text and row.recipient == "+4915112345678" and row.status_report
    [dlr] = await deliveries(client, 1)
    assert dlr.receipted_message_id.decode().rstrip("\0") == row.uid


async def test_data_sm_on_a_receiver_bind_and_a_bad_destination_are_refused(start_smpp, smpp_client):
    server = await start_smpp()
    rx = await smpp_client(server, bind="receiver")
    body = cstr("") + bytes([5, 0]) + cstr("Shop") + bytes([1, 1]) + cstr("4915112345678") + bytes([0, 0, 0])
    await rx.send_raw(raw_pdu(0x103, 31, body))
    assert (await rx.read_raw())[:3] == (0x80000103, C.SMPP_ESME_RINVBNDSTS, 31)
    tx = await smpp_client(server, bind="transmitter")
    body = cstr("") + bytes([5, 0]) + cstr("Shop") + bytes([1, 1]) + cstr("nobody") + bytes([0, 0, 0])
    await tx.send_raw(raw_pdu(0x103, 32, body + struct.pack(">HH", 0x0424, 2) + b"hi"))
    assert (await tx.read_raw())[:3] == (0x80000103, C.SMPP_ESME_RINVDSTADR, 32)


async def test_submit_multi_queues_each_address_and_names_the_refused_ones(start_smpp, smpp_client):
    server = await start_smpp()
    engine = server.engine
    client = await smpp_client(server)
    dests = [("sme", 1, "4915112345678"), ("dl", "friends"), ("sme", 0, "not a number"), ("sme", 1, "4930123456")]
    await client.send_raw(raw_pdu(0x21, 41, multi_body(dests, b"Hello all", registered_delivery=1)))
    command_id, status, seq, body = await client.read_raw()
    assert (command_id, status, seq) == (0x80000021, 0, 41)
    message_id, refused = multi_resp(body)
    assert refused == [("friends", C.SMPP_ESME_RINVDLNAME), ("not a number", C.SMPP_ESME_RINVDSTADR)]
    with engine.db.session() as s:
        rows = s.exec(select(Message).where(Message.customer_ref == message_id).order_by(Message.id)).all()
    assert [(r.recipient, r.text, r.user) for r in rows] == [("+4915112345678", "Hello all", "alice"),
                                                             ("+4930123456", "Hello all", "alice")]
    assert rows[0].uid == message_id
    # each destination's receipt carries the submission's message_id
    got = await deliveries(client, 2)
    assert sorted(d.source_addr.decode() for d in got) == ["4915112345678", "4930123456"]
    assert {d.receipted_message_id.decode().rstrip("\0") for d in got} == {message_id}
    assert all(d.short_message.decode().startswith(f"id:{message_id} ") for d in got)


async def test_submit_multi_with_no_usable_destination_is_refused(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server)
    await client.send_raw(raw_pdu(0x21, 42, multi_body([("dl", "all")], b"x")))
    assert (await client.read_raw())[:3] == (0x80000021, C.SMPP_ESME_RINVDSTADR, 42)
    await client.send_raw(raw_pdu(0x21, 43, multi_body([], b"x")))
    assert (await client.read_raw())[:3] == (0x80000021, C.SMPP_ESME_RINVNUMDESTS, 43)
    bad_flag = multi_body([("sme", 1, "4915112345678")], b"x").replace(b"\x01\x01\x01", b"\x01\x07\x01", 1)
    await client.send_raw(raw_pdu(0x21, 44, bad_flag))
    assert (await client.read_raw())[:3] == (0x80000021, C.SMPP_ESME_RINVDESTFLAG, 44)
    with server.engine.db.session() as s:
        assert s.exec(select(Message)).all() == []


async def test_cancel_sm_by_source_and_destination_and_of_a_submit_multi(start_smpp, smpp_client):
    server = await start_smpp()
    engine = server.engine
    engine.settings["sending_paused"] = True
    client = await smpp_client(server)
    first = [(await submit(client, f"to x {n}")).message_id.decode() for n in range(2)]
    other = (await submit(client, "to y", dest="4930123456")).message_id.decode()
    by_address = cstr("") + cstr("") + bytes([5, 0]) + cstr("Shop") + bytes([1, 1]) + cstr("4915112345678")
    await client.send_raw(raw_pdu(0x08, 51, by_address))
    assert await client.read_raw() == (0x80000008, 0, 51, b"")
    assert [stored(engine, u).status for u in first] == [m.CANCELLED, m.CANCELLED]
    assert stored(engine, other).status == m.QUEUED
    await client.send_raw(raw_pdu(0x08, 52, by_address))  # nothing left to cancel
    assert (await client.read_raw())[:3] == (0x80000008, C.SMPP_ESME_RCANCELFAIL, 52)
    await client.send_raw(raw_pdu(0x21, 53, multi_body([("sme", 1, "4915112345678"), ("sme", 1, "4940123")], b"m")))
    message_id, _ = multi_resp((await client.read_raw())[3])
    cancel = cstr("") + cstr(message_id) + bytes([5, 0]) + cstr("Shop") + bytes([1, 1]) + cstr("")
    await client.send_raw(raw_pdu(0x08, 54, cancel))
    assert await client.read_raw() == (0x80000008, 0, 54, b"")
    with engine.db.session() as s:
        states = s.exec(select(Message.status).where(Message.customer_ref == message_id)).all()
    assert states == [m.CANCELLED, m.CANCELLED]
    assert stored(engine, other).status == m.QUEUED


async def _report(engine, uid: str, outcome: str) -> None:
    row = stored(engine, uid)
    await engine.gateway_report(engine.gateways["Sim"], DeliveryReport(reference=row.reference, outcome=outcome,
                                                                      recipient=row.recipient))


@pytest.mark.parametrize("coding", [0, 3])  # the job of a Latin-1 message also keeps its data_coding
async def test_registered_delivery_2_sends_a_receipt_only_on_failure(start_smpp, smpp_client, coding):
    server = await start_smpp(gateways=SLOW_REPORTS)
    engine = server.engine
    client = await smpp_client(server)
    ok = (await submit(client, "arrives", registered_delivery=2, coding=coding)).message_id.decode()
    lost = (await submit(client, "is lost", registered_delivery=2, coding=coding)).message_id.decode()
    always = (await submit(client, "arrives too", registered_delivery=1, coding=coding)).message_id.decode()
    for uid in (ok, lost, always):
        await wait_status(engine, uid, m.SENT)
    await _report(engine, ok, "delivered")
    await _report(engine, lost, "undelivered")
    await _report(engine, always, "delivered")
    got = await deliveries(client, 2)
    stats = {d.receipted_message_id.decode().rstrip("\0"): d.short_message.decode().split(" stat:")[1][:7]
             for d in got}
    assert stats == {lost: "UNDELIV", always: "DELIVRD"}
    assert [d.message_state for d in got if d.receipted_message_id.decode().rstrip("\0") == lost] == [5]
    client.raw._socket.settimeout(0.5)  # and nothing for the delivered one
    try:
        extra = await client.read()
    except OSError:
        extra = None
    assert extra is None


@pytest.mark.parametrize("coding", [0, 8])  # the job of a UCS-2 message also keeps its data_coding
async def test_intermediate_notification_then_the_final_receipt(start_smpp, smpp_client, coding):
    server = await start_smpp()
    client = await smpp_client(server)
    text = "step by step".encode("utf-16-be" if coding == 8 else "latin-1")
    uid = (await submit(client, text, registered_delivery=0x11, coding=coding)).message_id.decode()
    first, second = await deliveries(client, 2)
    assert first.esm_class == 0x20 and first.message_state == C.SMPP_MESSAGE_STATE_ENROUTE
    assert " stat:ENROUTE err:000 " in first.short_message.decode()
    assert second.esm_class == 0x04 and second.message_state == C.SMPP_MESSAGE_STATE_DELIVERED
    assert {d.receipted_message_id.decode().rstrip("\0") for d in (first, second)} == {uid}


async def test_submit_multi_whose_first_destination_opted_out(start_smpp, smpp_client):
    """The queue refuses an opted-out number: it is named in unsuccess_sme, the others are queued under
    the submission's message_id, and cancel_sm by that id still finds them."""
    server = await start_smpp()
    engine = server.engine
    engine.settings["sending_paused"] = True
    engine.block_number("+4915112345678", "replied STOP")
    client = await smpp_client(server)
    dests = [("sme", 1, "4915112345678"), ("sme", 1, "4930123456"), ("sme", 1, "4940123456")]
    await client.send_raw(raw_pdu(0x21, 61, multi_body(dests, b"offer")))
    command_id, status, _seq, body = await client.read_raw()
    assert (command_id, status) == (0x80000021, 0)
    message_id, refused = multi_resp(body)
    assert refused == [("4915112345678", C.SMPP_ESME_RINVDSTADR)]
    with engine.db.session() as s:
        queued = s.exec(select(Message.recipient).where(Message.customer_ref == message_id)).all()
    assert sorted(queued) == ["+4930123456", "+4940123456"]
    cancel = cstr("") + cstr(message_id) + bytes([5, 0]) + cstr("Shop") + bytes([1, 1]) + cstr("")
    await client.send_raw(raw_pdu(0x08, 62, cancel))
    assert await client.read_raw() == (0x80000008, 0, 62, b"")
    with engine.db.session() as s:
        states = s.exec(select(Message.status).where(Message.customer_ref == message_id)).all()
    assert states == [m.CANCELLED, m.CANCELLED]
