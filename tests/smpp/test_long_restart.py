"""The parts of a long message a customer submits one by one are kept in the store before each is
answered: a restart of the console (engine and SMPP server on the same store) loses none, puts the message
together with the parts that come after it, queues what came once the reassembly time is over, and never
queues a message twice."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

from sqlmodel import select

from app.engine.clock import ManualClock
from app.smpp import reassembly
from app.store import models as m
from app.store.models import GatewayPending, Message

from tests.smpp.test_submit import stored, submit

TEXT = "a" * 153 + "b" * 153 + "c" * 20
PARTS = [TEXT[:153], TEXT[153:306], TEXT[306:]]


async def part(client, number: int, *, total: int = 3, ref: int = 0x42):
    """Part ``number`` of ``total`` with a concatenation header; its submit_sm_resp."""
    udh = bytes([5, 0, 3, ref, total, number])
    resp = await submit(client, udh + PARTS[number - 1].encode("ascii"), esm_class=0x40)
    assert resp.command == "submit_sm_resp" and resp.status == 0
    return resp.message_id.decode()


def held(engine) -> list[GatewayPending]:
    with engine.db.session() as s:
        return list(s.exec(select(GatewayPending).where(GatewayPending.kind == reassembly.KIND)))


def outbound(engine) -> list[Message]:
    with engine.db.session() as s:
        return list(s.exec(select(Message).where(Message.direction == m.OUT)))


async def restart(server, start_smpp, make_engine, **engine_kwargs):
    """Stop the server and its engine; start another engine and server on the same store."""
    await server.stop()
    await server.engine.stop()
    return await start_smpp(make_engine(**engine_kwargs), gateways={}, users=())


async def test_each_part_is_in_the_store_when_its_response_arrives(start_smpp, smpp_client):
    server = await start_smpp()
    client = await smpp_client(server)
    uid = await part(client, 1)
    rows = held(server.engine)
    assert [(r.key, r.done) for r in rows] == [(uid, False)]
    await part(client, 2)
    assert len(held(server.engine)) == 2
    assert outbound(server.engine) == []
    # the last part queues the message and lets the held parts go
    assert await part(client, 3) == uid
    assert stored(server.engine, uid).text == TEXT
    assert held(server.engine) == []


async def test_parts_held_across_a_restart_are_completed_by_the_next_part(start_smpp, smpp_client, make_engine):
    server = await start_smpp()
    client = await smpp_client(server)
    uid = await part(client, 1)
    assert await part(client, 2) == uid
    await client.close()
    server = await restart(server, start_smpp, make_engine)
    assert outbound(server.engine) == []
    client = await smpp_client(server)
    assert await part(client, 3) == uid  # the id the customer got for the first parts
    [message] = outbound(server.engine)
    assert (message.uid, message.text, message.recipient, message.sender) == (uid, TEXT, "+4915112345678", "Shop")
    assert held(server.engine) == []


async def test_parts_whose_time_ran_out_during_the_restart_are_queued_as_they_came(
        start_smpp, smpp_client, make_engine, caplog):
    server = await start_smpp()
    client = await smpp_client(server)
    uid = await part(client, 1)
    await part(client, 2)
    await client.close()
    later = ManualClock(datetime.now(timezone.utc) + timedelta(seconds=reassembly.REASSEMBLY_SECONDS + 5))
    with caplog.at_level(logging.WARNING, logger="app.smpp.reassembly"):
        server = await restart(server, start_smpp, make_engine, clock=later)
    [message] = outbound(server.engine)
    assert (message.uid, message.text) == (uid, PARTS[0] + PARTS[1])
    assert f"only 2 of 3 parts of message {uid} came" in caplog.text
    assert held(server.engine) == []
    assert server.long_messages == {}


async def test_parts_with_time_left_get_the_rest_of_it(start_smpp, smpp_client, make_engine):
    server = await start_smpp()
    client = await smpp_client(server)
    uid = await part(client, 1)
    await client.close()
    almost = ManualClock(datetime.now(timezone.utc) + timedelta(seconds=reassembly.REASSEMBLY_SECONDS - 0.5))
    server = await restart(server, start_smpp, make_engine, clock=almost)
    assert outbound(server.engine) == [] and len(server.long_messages) == 1
    for _ in range(100):  # the half second left runs out on the loop's timer
        if outbound(server.engine):
            break
        await reassembly.asyncio.sleep(0.05)
    [message] = outbound(server.engine)
    assert (message.uid, message.text) == (uid, PARTS[0])
    assert server.long_messages == {}


async def test_nothing_held_nothing_to_do(start_smpp, smpp_client, make_engine):
    server = await start_smpp()
    client = await smpp_client(server)
    uid = await part(client, 1, total=2)
    await part(client, 2, total=2)
    await client.close()
    server = await restart(server, start_smpp, make_engine)
    assert server.long_messages == {} and held(server.engine) == []
    assert [r.uid for r in outbound(server.engine)] == [uid]


async def test_a_message_queued_whose_parts_were_not_let_go_is_not_queued_again(
        start_smpp, smpp_client, make_engine, monkeypatch):
    """The console stopped between queuing the message and removing its held parts."""
    server = await start_smpp()
    client = await smpp_client(server)

    async def stopped_before(*args, **kwargs):
        return None

    with monkeypatch.context() as patch:
        patch.setattr(reassembly.gateway_pending, "settle", stopped_before)
        uid = await part(client, 1, total=2)
        await part(client, 2, total=2)
    assert len(held(server.engine)) == 2
    await client.close()
    server = await restart(server, start_smpp, make_engine)
    assert [(r.uid, r.text) for r in outbound(server.engine)] == [(uid, PARTS[0] + PARTS[1])]
    assert held(server.engine) == [] and server.long_messages == {}


async def test_parts_with_sar_options_held_across_a_restart(start_smpp, smpp_client, make_engine):
    """Parts numbered by the sar_* options (SMPP 3.4 §5.3.2.22-24), with a receipt asked for: the message
    keeps the first part's options across the restart."""
    server = await start_smpp()
    client = await smpp_client(server)

    async def sar(number: int):
        resp = await submit(client, PARTS[number - 1].encode("ascii"), sar_msg_ref_num=0x1234,
                            sar_total_segments=3, sar_segment_seqnum=number, registered_delivery=1)
        assert resp.status == 0
        return resp.message_id.decode()

    uid = await sar(2)
    assert await sar(3) == uid
    await client.close()
    server = await restart(server, start_smpp, make_engine)
    client = await smpp_client(server)
    assert await sar(1) == uid
    [message] = outbound(server.engine)
    assert (message.uid, message.text, message.status_report) == (uid, TEXT, True)
    assert held(server.engine) == []


async def test_another_console_on_the_store_leaves_the_parts_alone(start_smpp, smpp_client, make_engine):
    """Each console's SMPP server holds its own customers' parts: another console starting on the same
    store takes none of them."""
    server = await start_smpp()
    client = await smpp_client(server)
    uid = await part(client, 1)
    other = await start_smpp(make_engine(instance_id="other"), gateways={}, users=())
    assert other.long_messages == {} and outbound(other.engine) == []
    assert [r.key for r in held(other.engine)] == [uid]
    assert await part(client, 2) == uid and await part(client, 3) == uid
    assert stored(server.engine, uid).text == TEXT


async def test_a_part_the_store_cannot_keep_is_not_acknowledged(start_smpp, smpp_client, monkeypatch):
    """ESME_RSYSERR instead of ESME_ROK, and nothing is held of it (no message of no parts later)."""
    server = await start_smpp()
    client = await smpp_client(server)

    async def broken(*args, **kwargs):
        raise OSError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(reassembly.gateway_pending, "keep", broken)
        resp = await submit(client, bytes([5, 0, 3, 7, 2, 1]) + b"first half", esm_class=0x40)
    assert resp.status == 0x08  # ESME_RSYSERR
    assert server.long_messages == {} and held(server.engine) == []
    uid = await part(client, 1, total=2, ref=7)
    assert await part(client, 2, total=2, ref=7) == uid
    assert stored(server.engine, uid).text == PARTS[0] + PARTS[1]
