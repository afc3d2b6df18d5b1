"""One console's SMPP gateway bound to another console's SMPP server over 127.0.0.1: what A sends arrives
queued in B, B's delivery receipts mark A's messages delivered, and a message B receives reaches A's inbox.
Both binding modes (one transceiver; a transmitter and a receiver)."""

from __future__ import annotations


import pytest
from sqlmodel import select

from app.api.horisen_sessions import supplier_record
from app.config import SMPP
from app.engine.requests import OutboundRequest
from app.gateways.base import GatewayState, IncomingSms
from app.smpp.server import SmppServer
from app.store import models as m
from app.store.models import Message
from tests.engine.consoles import until
from tests.smpp.conftest import add_user


def statuses(engine) -> dict[str, str]:
    with engine.db.session() as s:
        return {r.uid: r.status for r in s.exec(select(Message).where(Message.direction == m.OUT))}


@pytest.fixture
async def two_consoles(make_engine, tmp_path):
    started = []

    async def make(**gateway):
        b = make_engine(url=f"sqlite:///{tmp_path / 'b.db'}")
        b.add_gateway("Sim", "simulator", {"send_delay": 0.0, "report_delay": 0.01})
        add_user(b, "acct", "pw12345", admin=True)
        await b.start()
        cfg = SMPP.defaults()
        cfg.update({"listen": "127.0.0.1:0", "enabled": True})
        server = SmppServer(b, cfg)
        await server.start()
        a = make_engine(url=f"sqlite:///{tmp_path / 'a.db'}")
        a.add_gateway("Upstream", "smpp", {"host": server.host, "port": server.port, "system_id": "acct",
                                           "password": "pw12345", "enquire_link_interval": 5.0, **gateway})
        await a.start()
        started.append((a, b, server))
        return a, b, server

    yield make
    for a, b, server in started:
        await a.stop()
        await server.stop()
        await b.stop()


@pytest.mark.parametrize("bind_mode", ["transceiver", "transmitter+receiver"])
async def test_sent_queued_delivered_and_received(two_consoles, bind_mode):
    a, b, server = await two_consoles(bind_mode=bind_mode)
    gw = a.gateways["Upstream"]
    await until(lambda: gw.state == GatewayState.RUNNING, "the bind")
    long_text = "Lange Nachricht " * 20  # three parts
    result = a.queue_messages([
        OutboundRequest([f"+49176155{i:05d}" for i in range(6)], "Hello from A", sender="Shop", status_report=True),
        OutboundRequest(["+4917600000001"], long_text, sender="+4930123456", status_report=True),
        OutboundRequest(["+4917600000002"], "Grüße ✓ in UCS-2", status_report=True)])
    uids = {v.uid for v in result.accepted}
    await until(lambda: all(statuses(a).get(u) == m.DELIVERED for u in uids), "A's messages delivered")
    with b.db.session() as s:
        theirs = s.exec(select(Message).where(Message.direction == m.OUT)).all()
    assert len(theirs) == 8 and all(t.user == "acct" for t in theirs)
    texts = sorted(t.text for t in theirs)
    assert long_text in texts and "Grüße ✓ in UCS-2" in texts and texts.count("Hello from A") == 6
    assert {t.sender for t in theirs if t.text == "Hello from A"} == {"Shop"}
    assert all(t.status == m.DELIVERED for t in theirs)
    with a.db.session() as s:
        mine = s.exec(select(Message).where(Message.direction == m.OUT)).all()
        parts = s.exec(select(m.MessagePart)).all()
    by_ref = {t.uid.lower() if all(c in "0123456789abcdefABCDEF" for c in t.uid) else t.uid: t for t in theirs}
    for msg in mine:  # A's reference is B's message id, one per SMPP part
        assert msg.reference and all(ref in by_ref for ref in msg.reference.split(","))
    # the server joins the parts of the long text and answers each with the one message's id: one part row
    assert len(parts) == 8 and all(p.state == m.PART_DELIVERED for p in parts)
    assert gw.receipts.matched == 8

    inbox_before = len(a.received_messages())
    await b.gateway_received(b.gateways["Sim"], IncomingSms(sender="+4915112345678", text="Antwort: ja ✓",
                                                            recipient="+4930123456"))
    await until(lambda: len(a.received_messages()) > inbox_before, "B's incoming message in A's inbox")
    got = a.received_messages()[-1]
    assert got.text == "Antwort: ja ✓" and got.sender == "+4915112345678" and got.gateway == "Upstream"


async def test_restart_binds_again_and_sessions_show_the_binds(two_consoles):
    a, b, server = await two_consoles(bind_mode="transmitter+receiver")
    gw = a.gateways["Upstream"]
    await until(lambda: gw.state == GatewayState.RUNNING, "the bind")
    binds = [s for s in a.sessions.suppliers() if s.gateway == "Upstream"]
    assert [s.mode for s in binds] == ["transmitter", "receiver"] and [s.conn_id for s in binds] == [1, 2]
    assert all(s.kind == "smpp" and s.remote_port == server.port and s.status == "running" for s in binds)
    records = [supplier_record(s) for s in binds]
    assert [r["connectionName"] for r in records] == [f"{server.host}:{server.port} (transmitter)",
                                                      f"{server.host}:{server.port} (receiver)"]
    assert all(r["protocolVersion"] == "SMPP 3.4" and r["localPort"] > 0 and r["gateName"] == "Upstream"
               for r in records)
    assert len({r["sessionID"] for r in records}) == 2
    # B sees A's two binds as customer sessions
    assert sorted(c.mode for c in b.sessions.customers.values() if c.state == "open") == ["receiver", "transmitter"]
    binds = gw.binds
    await a.restart_gateway("Upstream")
    await until(lambda: gw.state == GatewayState.RUNNING and gw.binds > binds, "a new bind")
    result = a.queue_messages([OutboundRequest(["+4917600000003"], "after restart", status_report=True)])
    await until(lambda: statuses(a)[result.accepted[0].uid] == m.DELIVERED, "delivered after restart")



@pytest.mark.parametrize("long_messages", ["sar", "payload"])
async def test_long_texts_by_sar_options_or_payload_arrive_whole(two_consoles, long_messages):
    a, b, server = await two_consoles(long_messages=long_messages)
    gw = a.gateways["Upstream"]
    await until(lambda: gw.state == GatewayState.RUNNING, "the bind")
    text = "Ein langer Text über mehrere Teile, der ganz ankommen muss. " * 6
    result = a.queue_messages([OutboundRequest(["+4917600000009"], text, status_report=True)])
    await until(lambda: statuses(a).get(result.accepted[0].uid) == m.DELIVERED, "delivered")
    with b.db.session() as s:
        [theirs] = s.exec(select(Message).where(Message.direction == m.OUT)).all()
    assert theirs.text == text
