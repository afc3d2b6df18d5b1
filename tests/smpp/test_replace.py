"""replace_sm (SMPP 3.4 §4.10): a message still waiting gets a new text, schedule, validity and receipt
request; one already sent, another user's, or one named with another sender is refused."""

from __future__ import annotations

from datetime import timedelta

import smpplib.consts as C
from sqlmodel import select

from app.smpp.submit import smpp_time
from app.store import models as m
from app.store.models import Message, MessageEvent

from tests.smpp.conftest import cstr, raw_pdu
from tests.smpp.test_deliver import deliveries
from tests.smpp.test_more_commands import multi_body, multi_resp
from tests.smpp.test_submit import stored, submit

REPLACE_SM, REPLACE_SM_RESP = 0x07, 0x80000007


def replace_body(uid: str, text: bytes = b"", *, sender: str = "Shop", schedule: str = "", validity: str = "",
                 registered_delivery: int = 0, default_msg: int = 0) -> bytes:
    """A replace_sm body written by hand (§4.10.1): smpplib has no replace_sm."""
    return (cstr(uid) + bytes([5, 0]) + cstr(sender) + cstr(schedule) + cstr(validity)
            + bytes([registered_delivery, default_msg, len(text)]) + text)


async def replace(client, seq: int, uid: str, text: bytes = b"", **kwargs) -> tuple[int, int, int, bytes]:
    await client.send_raw(raw_pdu(REPLACE_SM, seq, replace_body(uid, text, **kwargs)))
    return await client.read_raw()


async def paused(start_smpp, smpp_client):
    """The engine (sending paused: what is submitted stays queued) and a bound transceiver."""
    server = await start_smpp()
    server.engine.settings["sending_paused"] = True
    return server.engine, await smpp_client(server)


async def test_replace_sm_changes_text_schedule_validity_and_receipt_of_a_queued_message(start_smpp, smpp_client):
    engine, client = await paused(start_smpp, smpp_client)
    uid = (await submit(client, "first text")).message_id.decode()
    before = stored(engine, uid)
    assert (before.status, before.status_report, before.expires_at) == (m.QUEUED, False, None)
    later = engine.clock.now() + timedelta(hours=2)
    # the new text in the GSM alphabet (0x00 is '@'), a schedule two hours on, a relative validity of a day
    assert await replace(client, 11, uid, b"second \x00 text", schedule=smpp_time(later),
                         validity="000001000000000R", registered_delivery=1) == (REPLACE_SM_RESP, 0, 11, b"")
    row = stored(engine, uid)
    assert row.text == "second @ text" and row.status == m.SCHEDULED and row.status_report
    assert abs((row.scheduled_at - later).total_seconds()) < 1
    assert abs((row.expires_at - (engine.clock.now() + timedelta(days=1))).total_seconds()) < 5
    assert (row.uid, row.recipient, row.sender, row.id) == (uid, before.recipient, before.sender, before.id)
    with engine.db.session() as s:
        journal = s.exec(select(MessageEvent.from_status, MessageEvent.to_status)
                         .where(MessageEvent.message_id == row.id).order_by(MessageEvent.id)).all()
    assert journal[-1] == (m.QUEUED, m.SCHEDULED)
    # a schedule now makes it due; empty fields keep the text and the validity; it is sent with the new text
    assert await replace(client, 12, uid, schedule=smpp_time(engine.clock.now() - timedelta(seconds=1)),
                         registered_delivery=1) == (REPLACE_SM_RESP, 0, 12, b"")
    row = stored(engine, uid)
    assert (row.status, row.text, row.status_report) == (m.QUEUED, "second @ text", True)
    assert abs((row.expires_at - (engine.clock.now() + timedelta(days=1))).total_seconds()) < 5
    engine.settings["sending_paused"] = False
    engine.dispatcher.wake()
    [dlr] = await deliveries(client, 1)  # registered_delivery 1 of the replace asked for it
    assert dlr.receipted_message_id.decode().rstrip("\0") == uid
    receipt = dlr.short_message.decode()
    assert "stat:DELIVRD" in receipt and "text:second \x00 text" in receipt  # in GSM octets: '@' is 0x00
    # sent: too late to replace
    assert (await replace(client, 13, uid, b"third"))[:3] == (REPLACE_SM_RESP, C.SMPP_ESME_RREPLACEFAIL, 13)
    assert stored(engine, uid).text == "second @ text"


async def test_replace_sm_refusals(start_smpp, smpp_client):
    server = await start_smpp(users=("alice", "bob"))
    engine = server.engine
    engine.settings["sending_paused"] = True
    alice = await smpp_client(server)
    bob = await smpp_client(server, system_id="bob")
    uid = (await submit(alice, "mine")).message_id.decode()
    assert (await replace(alice, 21, "nosuchid", b"x"))[:3] == (REPLACE_SM_RESP, C.SMPP_ESME_RINVMSGID, 21)
    assert (await replace(bob, 22, uid, b"x"))[:3] == (REPLACE_SM_RESP, C.SMPP_ESME_RINVMSGID, 22)
    assert (await replace(alice, 23, uid, b"x", sender="Other"))[:3] == (REPLACE_SM_RESP,
                                                                          C.SMPP_ESME_RINVSRCADR, 23)
    assert (await replace(alice, 24, uid, b"x", schedule="tomorrow"))[:3] == (REPLACE_SM_RESP,
                                                                               C.SMPP_ESME_RINVSCHED, 24)
    assert (await replace(alice, 25, uid, b"x", default_msg=3))[:2] == (REPLACE_SM_RESP, 0x63)
    assert stored(engine, uid).text == "mine"
    cancel = cstr("") + cstr(uid) + bytes([5, 0]) + cstr("Shop") + bytes([1, 1]) + cstr("")
    await alice.send_raw(raw_pdu(0x08, 26, cancel))
    assert await alice.read_raw() == (0x80000008, 0, 26, b"")
    assert (await replace(alice, 27, uid, b"x"))[:3] == (REPLACE_SM_RESP, C.SMPP_ESME_RREPLACEFAIL, 27)
    rx = await smpp_client(server, bind="receiver")
    assert (await replace(rx, 28, uid, b"x"))[:3] == (REPLACE_SM_RESP, C.SMPP_ESME_RINVBNDSTS, 28)
    assert stored(engine, uid).status == m.CANCELLED and stored(engine, uid).text == "mine"


async def test_replace_sm_reads_ucs2_for_a_ucs2_message_and_changes_parts(start_smpp, smpp_client):
    engine, client = await paused(start_smpp, smpp_client)
    uid = (await submit(client, "Привет".encode("utf-16-be"), coding=8)).message_id.decode()
    assert stored(engine, uid).encoding == "ucs2"
    new = "Здравствуйте, это новый текст: " * 3
    await client.send_raw(raw_pdu(REPLACE_SM, 31, replace_body(uid)[:-1]  # message_payload, as SMPP 5.0 allows
                                  + b"\0" + b"\x04\x24" + len(new.encode("utf-16-be")).to_bytes(2, "big")
                                  + new.encode("utf-16-be")))
    assert await client.read_raw() == (REPLACE_SM_RESP, 0, 31, b"")
    row = stored(engine, uid)
    assert row.text == new and row.encoding == "ucs2" and row.parts == 2


async def test_replace_sm_of_a_submit_multi_replaces_every_waiting_destination(start_smpp, smpp_client):
    engine, client = await paused(start_smpp, smpp_client)
    await client.send_raw(raw_pdu(0x21, 41, multi_body([("sme", 1, "4915112345678"), ("sme", 1, "4930123456")],
                                                       b"old offer")))
    message_id, _ = multi_resp((await client.read_raw())[3])
    assert await replace(client, 42, message_id, b"new offer", registered_delivery=2) == (REPLACE_SM_RESP, 0, 42,
                                                                                          b"")
    with engine.db.session() as s:
        rows = s.exec(select(Message).where(Message.customer_ref == message_id)).all()
    assert [(r.text, r.status_report) for r in rows] == [("new offer", True), ("new offer", True)]
    assert len({r.job_id for r in rows}) == 1  # still one set: cancel_sm and query_sm find them together


async def test_replace_sm_leaves_a_message_claimed_meanwhile(start_smpp, smpp_client):
    """A message the dispatcher takes while the replace is read stays as it was sent."""
    from app.engine.replacing import Replacement, replace_waiting

    engine, client = await paused(start_smpp, smpp_client)
    uid = (await submit(client, "racing")).message_id.decode()
    row_id = stored(engine, uid).id

    def claimed_then_replaced():
        with engine.db.session() as s:
            s.connection().exec_driver_sql("UPDATE message SET status = 'sending' WHERE id = ?", (row_id,))
            done = replace_waiting(s.connection(), [row_id], Replacement(text="too late"), engine.clock.now())
            s.commit()
        return done

    assert await engine.in_lane(claimed_then_replaced) == []
    row = stored(engine, uid)
    assert (row.text, row.status) == ("racing", m.SENDING)


async def test_submit_sm_with_replace_if_present_flag_replaces_the_waiting_message(start_smpp, smpp_client):
    engine, client = await paused(start_smpp, smpp_client)
    first = (await submit(client, "Status: packed")).message_id.decode()
    other = (await submit(client, "Status: packed", dest="4930123456")).message_id.decode()
    resp = await submit(client, "Status: shipped", replace_if_present_flag=1, registered_delivery=1)
    assert resp.status == 0 and resp.message_id.decode() == first  # the waiting one to that number
    assert (stored(engine, first).text, stored(engine, first).status_report) == ("Status: shipped", True)
    assert stored(engine, other).text == "Status: packed"
    with engine.db.session() as s:
        assert len(s.exec(select(Message)).all()) == 2
    # without the flag, or with nothing waiting to that number from that sender: a new message
    assert (await submit(client, "Status: shipped")).message_id.decode() not in (first, other)
    cancel = cstr("") + cstr(other) + bytes([5, 0]) + cstr("Shop") + bytes([1, 1]) + cstr("")
    await client.send_raw(raw_pdu(0x08, 51, cancel))
    assert await client.read_raw() == (0x80000008, 0, 51, b"")
    again = (await submit(client, "Status: late", dest="4930123456", replace_if_present_flag=1)).message_id
    assert again.decode() != other and stored(engine, other).text == "Status: packed"
