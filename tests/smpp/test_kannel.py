"""Kannel (bearerbox + smsbox, an SMPP client we did not write) as a customer of the console's SMPP server:
its smsc = smpp binds as a transceiver, messages sent through its /cgi-bin/sendsms are queued here, and the
console's delivery receipts and incoming messages arrive in Kannel (its dlr-url and sms-service call a
small HTTP server of the test)."""

from __future__ import annotations

import asyncio
import shutil
import socket
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlmodel import select

from app.gateways.base import IncomingSms
from app.store import models as m
from app.store.models import Message

from tests.smpp.conftest import add_user

BEARERBOX = shutil.which("bearerbox") or "/usr/sbin/bearerbox"
SMSBOX = shutil.which("smsbox") or "/usr/sbin/smsbox"
pytestmark = pytest.mark.skipif(not (Path(BEARERBOX).exists() and Path(SMSBOX).exists()),
                                reason="Kannel is not installed (Debian package 'kannel': bearerbox, smsbox)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


CONFIG = """
group = core
admin-port = {admin}
admin-password = adminpw
smsbox-port = {box}
box-allow-ip = 127.0.0.1
log-file = "{dir}/bearerbox.log"
log-level = 0
access-log = "{dir}/access.log"
dlr-storage = internal

group = smsc
smsc = smpp
smsc-id = console
host = 127.0.0.1
port = {smpp}
transceiver-mode = true
smsc-username = kannel
smsc-password = kpass1
system-type = ""
enquire-link-interval = 30
reconnect-delay = 1
max-pending-submits = 10

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {box}
sendsms-port = {sendsms}
log-file = "{dir}/smsbox.log"
log-level = 0

group = sendsms-user
username = tester
password = testpw

group = sms-service
keyword = default
catch-all = true
max-messages = 0
get-url = "http://127.0.0.1:{hook}/mo?from=%p&to=%P&text=%a"
"""


@pytest.fixture
async def kannel(tmp_path):
    """Start bearerbox and smsbox for an SMPP server on ``port``; returns (sendsms port, hook port, events)."""
    procs: list[asyncio.subprocess.Process] = []
    runners: list[web.AppRunner] = []

    async def start(smpp_port: int):
        events: asyncio.Queue = asyncio.Queue()

        async def hook(request: web.Request) -> web.Response:
            await events.put((request.path, dict(request.query)))
            return web.Response(text="")

        app = web.Application()
        app.router.add_get("/mo", hook)
        app.router.add_get("/dlr", hook)
        runner = web.AppRunner(app)
        await runner.setup()
        runners.append(runner)
        ports = {"admin": free_port(), "box": free_port(), "sendsms": free_port(), "hook": free_port()}
        await web.TCPSite(runner, "127.0.0.1", ports["hook"]).start()
        conf = tmp_path / "kannel.conf"
        conf.write_text(CONFIG.format(dir=tmp_path, smpp=smpp_port, **ports))
        for binary in (BEARERBOX, SMSBOX):
            procs.append(await asyncio.create_subprocess_exec(
                binary, str(conf), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL))
            await asyncio.sleep(0.5)
        return ports, events, tmp_path

    yield start
    for proc in reversed(procs):
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), 10)
            except TimeoutError:
                proc.kill()
                await proc.wait()
    for runner in runners:
        await runner.cleanup()


async def wait_for(predicate, timeout: float = 30.0, what: str = ""):
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while loop.time() < end:
        value = predicate()
        if value:
            return value
        await asyncio.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


async def test_kannel_submits_and_receives_receipts_and_answers(start_smpp, kannel):
    server = await start_smpp(users=())
    engine = server.engine
    add_user(engine, "kannel", "kpass1")
    ports, events, logs = await kannel(server.port)
    await wait_for(lambda: [b for b in server.binds_of("kannel") if b.mode == "transceiver"], what="Kannel's bind")

    async with aiohttp.ClientSession() as http:
        params = {"username": "tester", "password": "testpw", "from": "Shop", "to": "+4915112345678",
                  "text": "Hello from Kannel", "dlr-mask": "3",
                  "dlr-url": f"http://127.0.0.1:{ports['hook']}/dlr?type=%d&reply=%A"}
        async with http.get(f"http://127.0.0.1:{ports['sendsms']}/cgi-bin/sendsms", params=params) as resp:
            assert resp.status == 202, await resp.text()

    def sent():
        with engine.db.session() as s:
            return s.exec(select(Message).where(Message.direction == m.OUT, Message.user == "kannel")).first()

    row = await wait_for(sent, what="the message Kannel submitted")
    assert row.text == "Hello from Kannel" and row.recipient == "+4915112345678" and row.sender == "Shop"
    assert row.status_report

    # Kannel tells the delivery receipt to the dlr-url: type 1 is "delivered to phone"
    path, query = await asyncio.wait_for(events.get(), 30)
    while query.get("type") != "1":
        path, query = await asyncio.wait_for(events.get(), 30)
    assert path == "/dlr" and f"id:{row.uid}" in query["reply"] and "stat:DELIVRD" in query["reply"]

    # an answer from the phone reaches Kannel's sms-service
    await engine.gateway_received(engine.gateways["Sim"], IncomingSms(
        sender="+4915112345678", text="Ja, gerne: 5 €", recipient="+4930123"))
    path, query = await asyncio.wait_for(events.get(), 30)
    while path != "/mo":
        path, query = await asyncio.wait_for(events.get(), 30)
    assert query["text"] == "Ja, gerne: 5 €" and query["from"].endswith("4915112345678")
    access = (logs / "access.log").read_text(errors="replace")
    assert "Sent SMS" in access and "Receive SMS" in access
