"""Delivery receipts and incoming messages handed to receiver and transceiver binds as deliver_sm."""

from __future__ import annotations

import asyncio
import re

from app.gateways.base import IncomingSms
from app.store import models as m
from app.store.models import Message
from sqlmodel import select

from tests.smpp.conftest import add_user
from tests.smpp.test_submit import submit

RECEIPT = re.compile(r"^id:(\S+) sub:001 dlvrd:001 submit date:\d{10} done date:\d{10} stat:DELIVRD "
                     r"err:000 text:(.*)$")


async def deliveries(client, count: int, timeout: float = 10.0) -> list:
    """The next ``count`` deliver_sm, each acknowledged as smpplib does."""
    got = []
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while len(got) < count and loop.time() < end:
        pdu = await client.read()
        if pdu.command == "deliver_sm":
            got.append(pdu)
            await client.call(client.raw._message_received, pdu)
    return got


async def wait_status(engine, uid: str, status: str) -> None:
    for _ in range(200):
        with engine.db.session() as s:
            if s.exec(select(Message.status).where(Message.uid == uid)).first() == status:
                return
        await asyncio.sleep(0.025)
    raise AssertionError(f"{uid} never became {status}")


async def test_a_receipt_comes_back_on_the_transceiver(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server)
    uid = (await submit(client, "Hello there", registered_delivery=1)).message_id.decode()
    [dlr] = await deliveries(client, 1)
    assert dlr.esm_class == 0x04
    found = RECEIPT.match(dlr.short_message.decode())
    assert found and found.group(1) == uid and found.group(2) == "Hello there"
    assert dlr.receipted_message_id.decode().rstrip("\0") == uid and dlr.message_state == 2
    assert dlr.source_addr.decode() == "4915112345678" and dlr.destination_addr.decode() == "Shop"


async def test_no_receipt_without_registered_delivery(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server)
    silent = (await submit(client, "no receipt")).message_id.decode()
    asked = (await submit(client, "receipt", registered_delivery=1)).message_id.decode()
    await wait_status(server.engine, silent, m.SENT)  # no report asked: it stays sent
    [dlr] = await deliveries(client, 1)
    assert dlr.receipted_message_id.decode().rstrip("\0") == asked


async def test_receipts_wait_until_a_receiver_binds(start_smpp, smpp_client):
    server = await start_smpp()
    tx = await smpp_client(server, bind="transmitter")
    uids = [(await submit(tx, f"text {n}", registered_delivery=1)).message_id.decode() for n in range(3)]
    for uid in uids:
        await wait_status(server.engine, uid, m.DELIVERED)
    await asyncio.sleep(0.3)  # nothing is sent to a transmitter bind
    rx = await smpp_client(server, bind="receiver")
    got = await deliveries(rx, 3)
    assert [d.receipted_message_id.decode().rstrip("\0") for d in got] == uids


async def test_unacknowledged_receipts_survive_a_restart(start_smpp, smpp_client, make_engine, db_url):
    server = await start_smpp()
    tx = await smpp_client(server, bind="transmitter")
    uid = (await submit(tx, "keep me", registered_delivery=1)).message_id.decode()
    await wait_status(server.engine, uid, m.DELIVERED)
    await server.stop()
    await server.engine.stop()
    again = await start_smpp(make_engine(), gateways={}, users=())
    rx = await smpp_client(again, bind="receiver")
    [dlr] = await deliveries(rx, 1)
    assert dlr.receipted_message_id.decode().rstrip("\0") == uid


async def test_a_refused_deliver_sm_is_offered_again(start_smpp, smpp_client, monkeypatch):
    from app.smpp import delivery

    monkeypatch.setattr(delivery, "RETRY_SECONDS", 0.2)
    server = await start_smpp()
    client = await smpp_client(server)
    uid = (await submit(client, "again", registered_delivery=1)).message_id.decode()
    first = None
    while first is None:
        pdu = await client.read()
        if pdu.command == "deliver_sm":
            first = pdu
    client.raw.set_message_received_handler(lambda pdu: 0x14)  # ESME_RMSGQFUL: not now
    await client.call(client.raw._message_received, first)
    client.raw.set_message_received_handler(lambda pdu: None)
    [second] = await deliveries(client, 1)
    assert second.receipted_message_id.decode().rstrip("\0") == uid


async def test_incoming_answers_go_to_the_user_who_wrote_and_all_to_an_admin(start_smpp, smpp_client):
    server = await start_smpp(users=("alice", "bob"))
    engine = server.engine
    add_user(engine, "root", admin=True)
    alice = await smpp_client(server)
    bob = await smpp_client(server, system_id="bob")
    root = await smpp_client(server, system_id="root", bind="receiver")
    uid = (await submit(alice, "question?")).message_id.decode()
    await wait_status(engine, uid, m.SENT)
    gw = engine.gateways["Sim"]
    await engine.gateway_received(gw, IncomingSms(sender="+4915112345678", text="Antwort: ja ✓",
                                                  recipient="+4930123"))
    [answer] = await deliveries(alice, 1)
    assert answer.esm_class == 0 and answer.data_coding == 8
    assert answer.short_message.decode("utf-16-be") == "Antwort: ja ✓"
    assert answer.source_addr.decode() == "4915112345678" and answer.source_addr_ton == 1
    [copy] = await deliveries(root, 1)
    assert copy.short_message.decode("utf-16-be") == "Antwort: ja ✓"
    await bob.send_raw(b"")  # bob wrote to nobody: he is handed nothing
    bob.raw._socket.settimeout(0.5)
    try:
        extra = await bob.read()
    except OSError:
        extra = None
    assert extra is None
