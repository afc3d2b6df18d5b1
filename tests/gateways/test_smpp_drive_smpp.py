"""The SMPP gateway against Kannel's test SMSC ``drive_smpp`` (Debian package kannel-extras), an SMPP
implementation we did not write.

drive_smpp (test/drive_smpp.c in Kannel) accepts bind_transmitter and bind_receiver (not
bind_transceiver), answers every submit_sm with an empty message_id, and once a receiver is bound sends
``-m`` deliver_sm from 456 to 123 whose texts are 1, 2, 3 …, each followed by an enquire_link; its first
deliver_sm has sequence_number 0. It also connects to a bearerbox's smsbox port (127.0.0.1:13001) and
stops when it finds none, so the test listens there; it ends when an ESME disconnects and then prints
how many messages each side sent.
"""

from __future__ import annotations

import asyncio
import errno
import re
from pathlib import Path

import pytest
from sqlmodel import select

from app.engine.requests import OutboundRequest
from app.gateways.base import GatewayState
from app.store import models as m
from app.store.models import Message
from tests.engine.consoles import until
from tests.smpp.test_kannel import free_port

DRIVE_SMPP = Path("/usr/lib/kannel/test/drive_smpp")
SMSBOX_PORT = 13001
pytestmark = pytest.mark.skipif(not DRIVE_SMPP.exists(), reason="Kannel's test SMSC drive_smpp is not installed "
                                "(Debian package 'kannel-extras': /usr/lib/kannel/test/drive_smpp)")


@pytest.fixture
async def drive_smpp(tmp_path):
    procs = []
    servers = []

    async def start(messages: int) -> tuple[int, Path]:
        try:  # drive_smpp connects here as an smsbox would; nothing is sent to it
            servers.append(await asyncio.start_server(lambda r, w: None, "127.0.0.1", SMSBOX_PORT))
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
        port = free_port()
        log = tmp_path / "drive_smpp.log"
        procs.append(await asyncio.create_subprocess_exec(
            str(DRIVE_SMPP), "-p", str(port), "-m", str(messages), "-v", "1", stdout=asyncio.subprocess.DEVNULL,
            stderr=log.open("wb")))
        for _ in range(100):
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.05)
                continue
            writer.close()  # drive_smpp ends when a connection ends: start it again for the test
            await asyncio.wait_for(procs[-1].wait(), 10)
            procs.append(await asyncio.create_subprocess_exec(
                str(DRIVE_SMPP), "-p", str(port), "-m", str(messages), "-v", "1",
                stdout=asyncio.subprocess.DEVNULL, stderr=log.open("wb")))
            await asyncio.sleep(0.3)
            return port, log
        raise AssertionError("drive_smpp did not listen")

    yield start
    for proc in procs:
        if proc.returncode is None:
            proc.terminate()
            await proc.wait()
    for server in servers:
        server.close()


async def test_the_gateway_sends_to_drive_smpp_and_receives_its_messages(drive_smpp, make_engine):
    n = 40
    port, log = await drive_smpp(n)
    engine = make_engine()
    engine.add_gateway("Kannel", "smpp", {"host": "127.0.0.1", "port": port, "system_id": "foo",
                                          "password": "bar", "system_type": "VMA",
                                          "bind_mode": "transmitter+receiver", "window": 10})
    await engine.start()
    try:
        gw = engine.gateways["Kannel"]
        await until(lambda: gw.state == GatewayState.RUNNING, "the binds")
        result = engine.queue_messages([OutboundRequest([f"+4917612{i:05d}"], f"to drive_smpp {i}")
                                        for i in range(n)])
        assert len(result.accepted) == n
        await until(lambda: _count(engine, m.SENT) == n, "every message acknowledged")
        await until(lambda: len(engine.received_messages()) == n, "drive_smpp's messages")
        received = engine.received_messages()
        assert sorted(int(v.text) for v in received) == list(range(1, n + 1))
        assert {v.sender for v in received} == {"456"} and {v.recipient for v in received} == {"123"}
        assert gw.counters.failed == 0 and gw.binds == 1
    finally:
        await engine.stop()
    await until(lambda: "Number of messages sent to SMSC" in log.read_text(errors="replace"),
                   "drive_smpp's summary")
    summary = log.read_text(errors="replace")
    assert re.search(rf"Number of messages sent to SMSC: {n}\b", summary)
    assert re.search(rf"Number of messages sent to ESME: {n}\b", summary)
    assert "Unhandled SMPP PDU" not in summary and "garbage" not in summary.lower()


def _count(engine, status: str) -> int:
    with engine.db.session() as s:
        return len(s.exec(select(Message.id).where(Message.direction == m.OUT, Message.status == status)).all())
