"""submit_multi: every destination counts against the user's throughput, and query_sm by its message_id
answers for the destinations together (final only when every one is final)."""

from __future__ import annotations

import smpplib.consts as C
import smpplib.smpp
from sqlmodel import select

from app.gateways.base import DeliveryReport
from app.store import models as m
from app.store.models import Message

from tests.smpp.conftest import raw_pdu
from tests.smpp.test_deliver import wait_status
from tests.smpp.test_more_commands import SLOW_REPORTS, multi_body, multi_resp
from tests.smpp.test_submit import submit


def numbers(n: int) -> list[tuple]:
    return [("sme", 1, f"49151000{i:05d}") for i in range(n)]


async def multi(client, seq: int, dests: list[tuple], text: bytes = b"Angebot") -> tuple[int, str]:
    """(command_status, message_id) of a submit_multi."""
    await client.send_raw(raw_pdu(0x21, seq, multi_body(dests, text)))
    command_id, status, got, body = await client.read_raw()
    assert (command_id, got) == (0x80000021, seq)
    return status, multi_resp(body)[0] if status == 0 else ""


def messages(engine) -> list[Message]:
    with engine.db.session() as s:
        return list(s.exec(select(Message).order_by(Message.id)))


async def test_each_destination_of_a_submit_multi_counts_against_the_throughput(start_smpp, smpp_client):
    server = await start_smpp(throughput=5)
    now = [1000.0]
    server.throttle.clock = lambda: now[0]
    engine = server.engine
    engine.settings["sending_paused"] = True
    client = await smpp_client(server)
    assert (await multi(client, 1, numbers(3)))[0] == 0  # 3 of the second's 5
    assert (await multi(client, 2, numbers(3)))[0] == C.SMPP_ESME_RTHROTTLED  # 3 more than the 2 left
    assert len(messages(engine)) == 3  # the refused one queued nothing
    assert (await submit(client, "one more")).status == 0  # 1 of the 2 left
    assert (await submit(client, "and another")).status == 0
    assert (await submit(client, "too many")).status == C.SMPP_ESME_RTHROTTLED
    # more destinations than a second's worth: taken with a full bucket, which the next seconds pay back
    now[0] += 1.0
    assert (await multi(client, 3, numbers(12)))[0] == 0
    now[0] += 1.0  # 12 - 5 - 5 = 2 still owed
    assert (await submit(client, "owed")).status == C.SMPP_ESME_RTHROTTLED
    now[0] += 0.6  # 3 in the bucket again
    assert (await submit(client, "paid back")).status == 0
    assert len(messages(engine)) == 3 + 2 + 12 + 1


async def _report(engine, row: Message, outcome: str) -> None:
    await engine.gateway_report(engine.gateways["Sim"], DeliveryReport(reference=row.reference, outcome=outcome,
                                                                      recipient=row.recipient))


async def _query(client, message_id: str):
    await client.call(client.raw.send_pdu, smpplib.smpp.make_pdu(
        "query_sm", client=client.raw, message_id=message_id, source_addr_ton=5, source_addr="Shop"))
    return await client.read()


async def test_query_sm_of_a_submit_multi_is_final_when_every_destination_is(start_smpp, smpp_client):
    server = await start_smpp(gateways=SLOW_REPORTS)
    engine = server.engine
    client = await smpp_client(server)
    status, set_id = await multi(client, 1, numbers(2))
    assert status == 0
    first, second = [r for r in messages(engine) if r.customer_ref == set_id]
    for row in (first, second):
        await wait_status(engine, row.uid, m.SENT)
    q = await _query(client, set_id)
    assert (q.status, q.message_state, q.final_date) == (0, C.SMPP_MESSAGE_STATE_ENROUTE, b"")
    await _report(engine, [r for r in messages(engine) if r.id == first.id][0], "delivered")
    await wait_status(engine, first.uid, m.DELIVERED)
    q = await _query(client, set_id)  # one destination still under way: the set is too
    assert (q.message_state, q.final_date) == (C.SMPP_MESSAGE_STATE_ENROUTE, b"")
    await _report(engine, [r for r in messages(engine) if r.id == second.id][0], "undelivered")
    await wait_status(engine, second.uid, m.UNDELIVERED)
    q = await _query(client, set_id)  # every one final, one not delivered: that one's state
    assert q.message_state == C.SMPP_MESSAGE_STATE_UNDELIVERABLE
    last = max(r.finished_at for r in messages(engine) if r.customer_ref == set_id)
    assert q.final_date.decode() == last.strftime("%y%m%d%H%M%S") + "000+"
    # a set whose every destination was delivered
    status, all_ok = await multi(client, 2, numbers(2), b"zweites")
    rows = [r for r in messages(engine) if r.customer_ref == all_ok]
    for row in rows:
        await wait_status(engine, row.uid, m.SENT)
        await _report(engine, [r for r in messages(engine) if r.id == row.id][0], "delivered")
        await wait_status(engine, row.uid, m.DELIVERED)
    assert (await _query(client, all_ok)).message_state == C.SMPP_MESSAGE_STATE_DELIVERED


async def test_query_sm_of_a_submit_multi_whose_first_destination_was_refused(start_smpp, smpp_client):
    server = await start_smpp()
    engine = server.engine
    engine.settings["sending_paused"] = True
    engine.block_number("+4915100000000", "replied STOP")
    client = await smpp_client(server)
    status, set_id = await multi(client, 1, numbers(2))
    assert status == 0 and [r.recipient for r in messages(engine)] == ["+4915100000001"]
    q = await _query(client, set_id)  # the destination queued answers for the set
    assert (q.status, q.message_state) == (0, C.SMPP_MESSAGE_STATE_ENROUTE)
