"""Receiving through the modem gateway: storage, direct delivery, sweeps, duplicates, multipart."""

from __future__ import annotations

import pytest

from app.gateways.modem.sim_pdus import encode_deliver
from app.store import models as m

from .conftest import until


def inbox(engine):
    return engine.list_messages("in")


async def test_cmti_is_read_stored_then_deleted(modem_engine):
    engine, sim = await modem_engine()
    order = []
    engine.events.subscribe(lambda e: order.append(("stored", len(sim.commands_starting("AT+CMGD")))))
    sim.receive("+4917011111", "Grüße über +CMTI")
    await sim.wait_for_command("AT+CMGD")
    [msg] = inbox(engine)
    assert (msg.sender, msg.text, msg.status) == ("+4917011111", "Grüße über +CMTI", m.RECEIVED)
    assert order[0] == ("stored", 0)  # committed before the SIM copy was deleted
    assert sim.modem.storage == {}
    assert engine.gateways["M"].counters.received == 1


async def test_a_message_that_cannot_be_committed_stays_on_the_sim(modem_engine):
    engine, sim = await modem_engine()

    def refuse(gateway, sms):
        raise RuntimeError("store unavailable")

    real = engine.gateway_received
    engine.gateway_received = refuse
    sim.receive("+4917011112", "keep me")
    await sim.wait_for_command("AT+CMGR")
    await sim.wait_for_command("AT+CSQ", 1)
    assert len(sim.modem.storage) == 1 and not sim.commands_starting("AT+CMGD")
    engine.gateway_received = real
    await engine.gateways["M"].receiver.sweep()
    assert [x.text for x in inbox(engine)] == ["keep me"] and sim.modem.storage == {}


async def test_cmt_direct_delivery_is_acknowledged_after_commit(modem_engine):
    engine, sim = await modem_engine(cnmi="2,2,0,1,0")
    sim.receive("+4917022222", "direct")
    await sim.wait_for_command("AT+CNMA")
    assert [x.text for x in inbox(engine)] == ["direct"]
    assert sim.modem.storage == {} and sim.modem.cnma_count == 1


async def test_messages_stored_while_off_are_read_at_start(modem_engine):
    engine, sim = await modem_engine(start=False)
    sim.receive("+4917033333", "while you were away")
    sim.receive("+4917033334", "me too")
    assert len(sim.modem.storage) == 2
    await engine.start()
    assert sorted(x.text for x in inbox(engine)) == ["me too", "while you were away"]
    assert sim.modem.storage == {}


async def test_periodic_sweep_finds_unannounced_messages(modem_engine):
    engine, sim = await modem_engine(sweep_seconds=0.5)
    sim.modem.store(encode_deliver("+4917044444", "no +CMTI for me")[0])
    await sim.wait_for_command("AT+CMGD")
    assert [x.text for x in inbox(engine)] == ["no +CMTI for me"]


async def test_a_message_read_twice_is_stored_once(modem_engine):
    engine, sim = await modem_engine(sweep_seconds=0.5)
    [pdu] = encode_deliver("+4917055555", "only once")
    sim.receive_pdu(pdu)
    await sim.wait_for_command("AT+CMGD")
    sim.modem.store(pdu)  # the same PDU shows up again (a modem that did not delete it)
    await sim.wait_for_command("AT+CMGD", 2)
    assert [x.text for x in inbox(engine)] == ["only once"]


async def test_multipart_is_reassembled_and_parts_deleted_only_when_complete(modem_engine):
    engine, sim = await modem_engine()
    text = "Teil eins und Teil zwei, zusammen mehr als hundertsechzig Zeichen lang. " * 3
    pdus = encode_deliver("+4917066666", text)
    assert len(pdus) == 2
    sim.receive_pdu(pdus[1])
    await sim.wait_for_command("AT+CMGR")
    assert inbox(engine) == [] and len(sim.modem.storage) == 1 and not sim.commands_starting("AT+CMGD")
    sim.receive_pdu(pdus[0])
    await sim.wait_for_command("AT+CMGD", 2)
    [msg] = inbox(engine)
    assert msg.text == text and msg.total_parts == 2 and msg.received_parts == 2
    assert sim.modem.storage == {}


async def test_incomplete_multipart_is_kept_with_a_marker_after_the_timeout(modem_engine):
    engine, sim = await modem_engine(reassembly_timeout=1.0, keepalive_seconds=0.3)
    pdus = encode_deliver("+4917077777", "x" * 200)
    sim.receive_pdu(pdus[0])
    await until(engine, lambda: len(inbox(engine)) == 1)
    [msg] = inbox(engine)
    assert msg.text.endswith("[part 2 of 2 missing]") and msg.received_parts == 1
    await sim.wait_for_command("AT+CMGD")


async def test_full_storage_is_emptied_and_waiting_messages_arrive(modem_engine):
    engine, sim = await modem_engine({"storage_size": 3}, start=False)
    for i in range(5):
        sim.receive(f"+491708888{i}", f"full {i}")
    assert len(sim.modem.storage) == 3 and len(sim.pending_network) == 2
    await engine.start()
    await until(engine, lambda: len(inbox(engine)) == 5)
    assert sorted(x.text for x in inbox(engine)) == [f"full {i}" for i in range(5)]


async def test_undecodable_pdu_is_stored_raw_not_dropped(modem_engine):
    engine, sim = await modem_engine(sweep_seconds=0.5)
    sim.modem.store("0791947106004034040D91947121436587F9000011")
    sim.receive("+4917099999", "after the bad one")
    await sim.wait_for_command("AT+CMGD", 2)
    raw = [x for x in inbox(engine) if x.text.startswith("[message the modem could not decode")]
    assert len(raw) == 1 and raw[0].pdu == "0791947106004034040D91947121436587F9000011"
    assert "after the bad one" in [x.text for x in inbox(engine)]


@pytest.mark.parametrize("cnmi", ["2,1,0,2,0", "2,1,0,1,0"])
async def test_status_reports_by_cdsi_and_cds(modem_engine, cnmi):
    from app.engine.requests import OutboundRequest

    engine, sim = await modem_engine({"report_delay": 0.05}, cnmi=cnmi)
    [msg] = engine.queue_messages([OutboundRequest(["+4917612345678"], "report me", status_report=True)]).accepted
    await until(engine, lambda: engine.message(msg.id).status == m.DELIVERED)
    if cnmi == "2,1,0,2,0":
        await sim.wait_for_command("AT+CMGD")
        assert sim.modem.reports == {}  # +CDSI: read from SR storage, then deleted
    else:
        await sim.wait_for_command("AT+CNMA")  # +CDS acknowledged (phase 2+)
