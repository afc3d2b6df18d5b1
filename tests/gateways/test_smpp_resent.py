"""What an SMSC sends again, and what the gateway holds across a restart, against the scripted SMSC
(tests/gateways/fake_smsc.py): a deliver_sm or receipt sent again after a lost response is taken once;
parts of a long message and a receipt that came before its submit_sm_resp survive a restart."""

from __future__ import annotations

import asyncio
import logging

from sqlmodel import select

from app.gateways.base import GatewayState
from app.smpp import pdu as P
from app.store import models as m
from app.store.models import GatewayPending, MessageEvent
from tests.engine.consoles import until
from tests.gateways.fake_smsc import FakeSmsc
from tests.gateways.test_smpp_faults import all_sent, queue, rows

HELLO = {"source_addr": "4915112345678", "short_message": b"Hallo, bist du da?"}


def pending(engine) -> list[GatewayPending]:
    with engine.db.session() as s:
        return list(s.exec(select(GatewayPending).order_by(GatewayPending.id)))


async def start(make_engine, url: str, smsc: FakeSmsc, *, add: bool, **settings):
    """An engine on the store at ``url`` whose gateway "Up" binds to ``smsc`` (declared when ``add``)."""
    engine = make_engine(url=url)
    engine.settings["retry_base_seconds"] = 0.05
    if add:
        engine.add_gateway("Up", "smpp", {"host": "127.0.0.1", "port": smsc.port, "system_id": "esme",
                                          "password": "pw", "reconnect_backoff": 0.05, **settings})
    await engine.start()
    await until(lambda: engine.gateways["Up"].state == GatewayState.RUNNING, "the bind")
    return engine


async def test_a_deliver_sm_sent_again_on_a_new_connection_is_stored_once(smsc, console, caplog):
    engine, gw = await console(smsc)
    conn = smsc.receiver()
    # the same text twice on one connection: two messages (an SMSC passing on two identical ones)
    assert (await conn.deliver(HELLO)).status == 0
    assert (await conn.deliver(HELLO)).status == 0
    # the second again with its own sequence_number: its response was lost, it is the same one
    assert (await conn.deliver(HELLO, sequence=2)).status == 0
    # the connection ends (with a response under way, say): the SMSC sends the last one again
    conn.writer.close()
    await until(lambda: gw.binds == 2 and gw.state == GatewayState.RUNNING, "bound again")
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="app.gateways.smpp_receive"):
        assert (await smsc.receiver().deliver(HELLO)).status == 0
    await asyncio.sleep(0.2)
    assert [v.text for v in engine.received_messages()] == ["Hallo, bist du da?"] * 2
    assert gw.inbound.repeats == 2 and gw.info()["sent_again"] == 2
    said = [r.getMessage() for r in caplog.records if "sent again by the SMSC" in r.getMessage()]
    assert len(said) == 1 and "+4915112345678" in said[0]


async def test_a_message_with_the_smsc_s_id_sent_again_on_the_same_connection_is_stored_once(smsc, console):
    engine, gw = await console(smsc)
    conn = smsc.receiver()
    with_id = {P.TAG_RECEIPTED_MESSAGE_ID: b"mo-4711\0"}
    assert (await conn.deliver(HELLO, with_id)).status == 0
    assert (await conn.deliver(HELLO, with_id)).status == 0
    assert (await conn.deliver(HELLO, {P.TAG_RECEIPTED_MESSAGE_ID: b"mo-4712\0"})).status == 0
    await until(lambda: len(engine.received_messages()) == 2, "two messages")
    await asyncio.sleep(0.2)
    assert len(engine.received_messages()) == 2 and gw.inbound.repeats == 1


async def test_a_part_sent_again_is_taken_once(smsc, console):
    engine, gw = await console(smsc)
    conn = smsc.receiver()
    first = {"esm_class": 0x40, "short_message": bytes([5, 0, 3, 7, 2, 1]) + b"Teil eins, "}
    assert (await conn.deliver(first)).status == 0
    assert (await conn.deliver(first)).status == 0  # not a second set, not a second row
    assert len(pending(engine)) == 1
    assert (await conn.deliver({"esm_class": 0x40, "short_message": bytes([5, 0, 3, 7, 2, 2]) + b"Teil zwei"})
            ).status == 0
    await until(lambda: len(engine.received_messages()) == 1, "the message")
    assert (await conn.deliver(first)).status == 0  # after the message is stored: no new set begins
    await asyncio.sleep(0.2)
    assert [v.text for v in engine.received_messages()] == ["Teil eins, Teil zwei"]
    assert not gw.parts.reassembler.pending() and gw.inbound.repeats == 2
    await until(lambda: [(p.kind, p.done) for p in pending(engine)] == [("part", True), ("part", True)],
                "both parts' rows marked done")


async def test_a_receipt_sent_again_is_applied_once(smsc, console):
    engine, gw = await console(smsc)
    queue(engine, ["eins"], status_report=True)
    await all_sent(engine, 1)
    conn = smsc.receiver()
    receipt = {"esm_class": 0x04, "short_message": b"id:1 sub:001 dlvrd:001 submit date:2612070101 "
                                                   b"done date:2612070102 stat:DELIVRD err:000 text:eins"}
    assert (await conn.deliver(receipt)).status == 0
    await until(lambda: rows(engine)[0].status == m.DELIVERED, "delivered")
    assert (await conn.deliver(receipt)).status == 0
    await asyncio.sleep(0.2)
    assert not gw.receipts.held and gw.receipts.matched == 1 and gw.inbound.repeats == 1
    with engine.db.session() as s:
        events = s.exec(select(MessageEvent.to_status).where(MessageEvent.message_id == rows(engine)[0].id)).all()
    assert events.count(m.DELIVERED) == 1


async def test_a_message_sent_again_after_a_restart_is_stored_once(smsc, make_engine, tmp_path):
    url = f"sqlite:///{tmp_path / 'restart.db'}"
    first = await start(make_engine, url, smsc, add=True)
    assert (await smsc.receiver().deliver(HELLO)).status == 0
    await until(lambda: len(first.received_messages()) == 1, "received")
    await first.stop()
    second = await start(make_engine, url, smsc, add=False)
    try:
        assert (await smsc.receiver().deliver(HELLO)).status == 0  # its response was lost with the console
        await asyncio.sleep(0.2)
        assert len(second.received_messages()) == 1 and second.gateways["Up"].inbound.repeats == 1
    finally:
        await second.stop()


async def test_parts_awaiting_the_others_survive_a_restart(smsc, make_engine, tmp_path):
    url = f"sqlite:///{tmp_path / 'parts.db'}"
    first = await start(make_engine, url, smsc, add=True)
    part_one = {"esm_class": 0x40, "short_message": bytes([5, 0, 3, 0x21, 3, 1]) + b"Eins, "}
    assert (await smsc.receiver().deliver(part_one)).status == 0
    part_two = {"esm_class": 0x40, "short_message": bytes([5, 0, 3, 0x21, 3, 2]) + b"zwei, "}
    assert (await smsc.receiver().deliver(part_two)).status == 0
    assert [(p.kind, p.done) for p in pending(first)] == [("part", False), ("part", False)]
    await first.stop()
    assert first.received_messages() == []
    second = await start(make_engine, url, smsc, add=False)
    try:
        gw = second.gateways["Up"]
        assert len(gw.parts.reassembler.pending()) == 1
        assert (await smsc.receiver().deliver(part_one)).status == 0  # sent again after the restart: known
        assert (await smsc.receiver().deliver({"esm_class": 0x40, "short_message": bytes([5, 0, 3, 0x21, 3, 3])
                                               + b"drei"})).status == 0
        await until(lambda: len(second.received_messages()) == 1, "the message put together")
        [got] = second.received_messages()
        assert got.text == "Eins, zwei, drei" and got.sender == "+4915112345678" and got.recipient == "12345"
        assert gw.inbound.repeats == 1
        # the parts' rows are marked done once the message is committed (the next write of the gateway's)
        await until(lambda: pending(second) and all(p.done for p in pending(second)), "the parts marked done")
        assert [p.kind for p in pending(second)] == ["part"] * len(pending(second))
    finally:
        await second.stop()


async def test_a_receipt_before_its_submit_sm_resp_survives_a_restart(smsc, make_engine, tmp_path):
    """The SMSC sends the receipt, then the console stops before the submit_sm_resp comes. The message is
    sent again after the restart; the SMSC answers with the id the held receipt names: delivered."""
    url = f"sqlite:///{tmp_path / 'receipt.db'}"
    answered = asyncio.Event()

    async def receipt_then_silence(conn, pdu):
        await conn.deliver({"esm_class": 0x04, "short_message": b"id:77 stat:DELIVRD err:000"})
        answered.set()  # and no submit_sm_resp

    smsc.on_submit = receipt_then_silence
    first = await start(make_engine, url, smsc, add=True, timeout=0.5)
    queue(first, ["vor dem Neustart"], status_report=True)
    await asyncio.wait_for(answered.wait(), 10)
    assert first.gateways["Up"].receipts.held
    assert [(p.kind, p.key[:1]) for p in pending(first)] == [("receipt", "r")]
    await first.stop()

    async def accept_as_77(conn, pdu):
        conn.write(P.response(pdu, message_id="77"))

    smsc.on_submit = accept_as_77
    second = await start(make_engine, url, smsc, add=False)
    try:
        await until(lambda: rows(second)[0].status == m.DELIVERED, "delivered by the receipt held")
        assert rows(second)[0].possible_duplicate
        await until(lambda: pending(second) == [], "the held receipt's row dropped")
    finally:
        await second.stop()


def test_a_version_8_store_gets_the_gateway_pending_table(db_url):
    import sqlite3

    from app.store.database import SCHEMA_VERSION, Database

    db = Database(db_url)
    db.create()
    db.close()
    conn = sqlite3.connect(db_url.removeprefix("sqlite:///"))  # the store as version 8 wrote it
    conn.execute("DROP TABLE gateway_pending")
    conn.execute("UPDATE schema_version SET version = 8")
    conn.commit()
    conn.close()
    db = Database(db_url)
    db.create()
    assert db.schema_version() == SCHEMA_VERSION  # migrated through every later version too
    with db.session() as s:
        s.add(GatewayPending(gateway="Up", kind="part", key="k", data="{}"))
        s.commit()
        assert [r.key for r in s.exec(select(GatewayPending))] == ["k"]
    db.close()


async def test_a_part_older_than_the_reassembly_time_is_stored_as_it_is_after_a_restart(smsc, make_engine, tmp_path):
    """A console down longer than the parts may take: at the start the set is given up on and what came is
    stored with the missing part marked (nothing acknowledged is lost)."""
    import json

    url = f"sqlite:///{tmp_path / 'old.db'}"
    first = await start(make_engine, url, smsc, add=True)
    part = {"esm_class": 0x40, "short_message": bytes([5, 0, 3, 0x31, 2, 1]) + b"Nur der erste Teil"}
    assert (await smsc.receiver().deliver(part)).status == 0
    await first.stop()
    with first.db.session() as s:  # kept eleven minutes ago
        [row] = s.exec(select(GatewayPending)).all()
        data = json.loads(row.data)
        row.data = json.dumps({**data, "at": data["at"] - 660})
        s.add(row)
        s.commit()
    second = await start(make_engine, url, smsc, add=False)
    try:
        await until(lambda: len(second.received_messages()) == 1, "the incomplete message stored")
        assert second.received_messages()[0].text == "Nur der erste Teil[part 2 of 2 missing]"
        # its part's row is marked done once the message is committed (the next write of the gateway's)
        await until(lambda: [p.done for p in pending(second)] == [True], "the stored part marked done")
    finally:
        await second.stop()
