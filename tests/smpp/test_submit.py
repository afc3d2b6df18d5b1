"""submit_sm, query_sm and cancel_sm from an smpplib client: messages queued like any other."""

from __future__ import annotations

import asyncio

import smpplib.consts as C
import smpplib.smpp

from tests.smpp.conftest import cstr, raw_pdu

from app.store import models as m
from app.store.models import Message
from sqlmodel import select


def stored(engine, uid: str) -> Message | None:
    with engine.db.session() as s:
        return s.exec(select(Message).where(Message.uid == uid)).first()


async def submit(client, text: bytes | str, *, dest: str = "4915112345678", coding: int = 0, **kwargs):
    data = text.encode("latin-1") if isinstance(text, str) else text
    await client.call(client.raw.send_message, source_addr_ton=5, source_addr="Shop", dest_addr_ton=1,
                      destination_addr=dest, short_message=data, data_coding=coding, **kwargs)
    return await client.read()


async def test_submit_sm_queues_one_message_whose_id_is_the_console_uid(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server)
    # data_coding 0: the GSM alphabet, one septet an octet ('@' is 0x00, 0x1B 0x65 the euro sign)
    resp = await submit(client, b"Hello \x00 world \x1b\x65", registered_delivery=1)
    assert resp.command == "submit_sm_resp" and resp.status == 0
    uid = resp.message_id.decode()
    row = stored(server.engine, uid)
    assert row is not None and row.text == "Hello @ world €"
    assert row.recipient == "+4915112345678" and row.sender == "Shop" and row.user == "alice"
    assert row.direction == m.OUT and row.status_report


async def test_data_codings_latin1_and_ucs2(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server)
    latin = await submit(client, "Grüße".encode("latin-1"), coding=3)
    ucs2 = await submit(client, "Привет ✓".encode("utf-16-be"), coding=8)
    assert stored(server.engine, latin.message_id.decode()).text == "Grüße"
    assert stored(server.engine, ucs2.message_id.decode()).text == "Привет ✓"
    bad = await submit(client, b"abc", coding=4)
    assert bad.status == 0x104  # ESME_RINVDCS


async def test_long_message_in_parts_with_udh_is_one_message(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server)
    text = "x" * 150 + "y" * 150
    parts = [text[:153], text[153:]]
    uids = []
    for n, part in enumerate(parts, start=1):
        udh = bytes([5, 0, 3, 0x42, 2, n])
        resp = await submit(client, udh + part.encode("ascii"), esm_class=0x40)
        assert resp.status == 0
        uids.append(resp.message_id.decode())
    assert uids[0] == uids[1]
    assert stored(server.engine, uids[0]).text == text
    with server.engine.db.session() as s:
        assert len(s.exec(select(Message).where(Message.direction == m.OUT)).all()) == 1


async def test_long_message_in_message_payload(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server)
    text = "Ünïcödé " * 60
    resp = await submit(client, b"", coding=8, message_payload=text.encode("utf-16-be"))
    assert resp.status == 0
    assert stored(server.engine, resp.message_id.decode()).text == text


async def test_query_sm_and_cancel_sm(start_smpp, smpp_client):
    server = await start_smpp()
    engine = server.engine
    engine.settings["sending_paused"] = True  # messages stay queued: cancel_sm can take them back
    client = await smpp_client(server)
    uid = (await submit(client, "cancel me")).message_id.decode()
    await client.call(client.raw.send_pdu, smpplib.smpp.make_pdu(
        "query_sm", client=client.raw, message_id=uid, source_addr_ton=5, source_addr="Shop"))
    q = await client.read()
    assert q.command == "query_sm_resp" and q.status == 0 and q.message_state == C.SMPP_MESSAGE_STATE_ENROUTE
    cancel = cstr("") + cstr(uid) + bytes([5, 0]) + cstr("Shop") + bytes([1, 1]) + cstr("4915112345678")
    await client.send_raw(raw_pdu(0x08, 77, cancel))
    assert await client.read_raw() == (0x80000008, 0, 77, b"")
    assert stored(engine, uid).status == m.CANCELLED
    await client.send_raw(raw_pdu(0x08, 78, cancel))
    assert (await client.read_raw())[:3] == (0x80000008, C.SMPP_ESME_RCANCELFAIL, 78)
    await client.call(client.raw.send_pdu, smpplib.smpp.make_pdu(
        "query_sm", client=client.raw, message_id="nosuchid", source_addr_ton=5, source_addr="Shop"))
    assert (await client.read()).status == C.SMPP_ESME_RQUERYFAIL


async def test_invalid_destination_is_refused(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server)
    resp = await submit(client, "hi", dest="not a number")
    assert resp.status == C.SMPP_ESME_RINVDSTADR
