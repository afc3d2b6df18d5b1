"""Outbind (SMPP 3.4 §2.2.1, §4.1.7) against the scripted SMSC: the gateway listens, the SMSC connects and
sends outbind, the gateway binds as a receiver on that connection and takes what comes over it."""

from __future__ import annotations

import asyncio
import socket

from app.gateways.base import GatewayState
from app.smpp import pdu as P
from app.store import models as m
from tests.engine.consoles import until
from tests.gateways.test_smpp_faults import all_sent, queue, rows

OUTBIND = {"bind_mode": "transmitter", "outbind_listen": "127.0.0.1:0", "outbind_system_id": "FAKE"}


async def test_after_an_outbind_the_gateway_binds_as_receiver_and_takes_receipts_and_messages(smsc, console):
    engine, gw = await console(smsc, **OUTBIND)
    assert smsc.binds == [("transmitter", "esme", "secret")] and gw.outbind is not None
    assert gw.info()["outbind"] == f"127.0.0.1:{gw.outbind.port}"
    await smsc.outbind(gw.outbind.port, "FAKE", "secret")
    await until(lambda: len(gw.outbind_links) == 1, "the receiver bind after the outbind")
    assert smsc.binds[1] == ("receiver", "esme", "secret")
    assert [c["mode"] for c in gw.connections()] == ["transmitter", "receiver (outbind)"]
    supplier = [x for x in engine.sessions.suppliers() if x.mode == "receiver (outbind)"]
    assert len(supplier) == 1 and supplier[0].remote_host == "127.0.0.1" and supplier[0].local_port == gw.outbind.port
    queue(engine, ["über den Sender"], status_report=True)
    await all_sent(engine, 1)
    conn = smsc.receiver()  # the SMSC's own connection, bound as receiver
    assert (await conn.deliver({"esm_class": 0x04, "short_message": b"id:1 stat:DELIVRD err:000"})).status == 0
    assert (await conn.deliver({"short_message": b"Antwort per Outbind"})).status == 0
    await until(lambda: rows(engine)[0].status == m.DELIVERED, "delivered by the receipt over the outbind bind")
    await until(lambda: [v.text for v in engine.received_messages()] == ["Antwort per Outbind"], "received")
    # the SMSC ends its connection: the receiver bind goes, the transmitter stays
    conn.writer.close()
    await until(lambda: gw.outbind_links == [], "the outbind bind gone")
    assert gw.state == GatewayState.RUNNING and gw.binds == 1
    await smsc.outbind(gw.outbind.port, "FAKE", "secret")  # and it may come again
    await until(lambda: len(gw.outbind_links) == 1, "bound again after the next outbind")


async def test_an_outbind_with_another_password_or_system_id_or_none_is_refused(smsc, console):
    engine, gw = await console(smsc, **OUTBIND)
    await smsc.outbind(gw.outbind.port, "FAKE", "guess")
    await smsc.outbind(gw.outbind.port, "OTHER", "secret")
    await asyncio.wait_for(asyncio.gather(*smsc.outbinds), 10)  # each connection closed by the gateway
    reader, writer = await asyncio.open_connection("127.0.0.1", gw.outbind.port)
    writer.write(P.encode(P.Pdu(P.ENQUIRE_LINK, 9)))  # not an outbind
    head = await asyncio.wait_for(reader.readexactly(16), 10)
    assert P.decode_header(head)[1:] == (P.GENERIC_NACK, P.ESME_RINVCMDID, 9)
    assert await reader.read() == b""
    writer.close()
    assert [b[0] for b in smsc.binds] == ["transmitter"] and gw.outbind_links == []
    traffic = [t for t in engine.gateway_traffic("Up") if "refused" in str(t)]
    assert len(traffic) == 3 and "secret" not in str(traffic) and "guess" not in str(traffic)


async def test_an_outbind_address_in_use_stops_the_start_with_the_reason(smsc, make_engine):
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    port = taken.getsockname()[1]
    engine = make_engine()
    engine.add_gateway("Up", "smpp", {"host": "127.0.0.1", "port": smsc.port, "system_id": "esme",
                                      "password": "pw", "outbind_listen": f"127.0.0.1:{port}"})
    await engine.start()
    try:
        gw = engine.gateways["Up"]
        await until(lambda: gw.state == GatewayState.ERROR, "the start refused")
        assert f"cannot listen for outbind on 127.0.0.1:{port}" in gw.state_reason
    finally:
        await engine.stop()
        taken.close()
