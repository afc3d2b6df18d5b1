"""The Diafaan HTTP API document's own example URLs, as they are written, against a console whose
gateways carry the document's names ("GSM Modem Gateway", "... 1", "... 2") and whose admin has the
document's empty password. Connector names of editions we do not have (Email, SQL) are refused in
Diafaan's terms; everything else does what the document says."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import aiohttp
import pytest

FRONT = ("app.api.diafaan",)
SIM = ("simulator", {"send_delay": 0.0, "report_delay": 0.0})
GUID = "c3b0c20a-b63e-4bbf-919f-3d4251a8b9c0"
BASE = "http://localhost:9710"


@pytest.fixture
async def doc(start_api, make_engine, make_user):
    engine = make_engine()
    make_user(engine, "admin", "", admin=True)
    server = await start_api(engine, front_ends=FRONT, gateways={
        "GSM Modem Gateway": SIM, "GSM Modem Gateway 1": SIM, "GSM Modem Gateway 2": SIM})
    engine.set_setting("send_server_command_enabled", True)
    async with aiohttp.ClientSession() as http:
        async def get(example: str) -> str:
            assert example.startswith(BASE)
            r = await http.get(server.url + example[len(BASE):])
            assert r.status == 200, (example, r.status)
            return await r.text()

        get.engine = engine
        yield get


async def test_the_message_examples(doc):
    engine = doc.engine
    text = await doc("http://localhost:9710/http/send-message?username=admin&password=&to=%2B44xxxxxxxx"
                     "&message-type=sms.automatic&message=Message+Text")
    assert text.startswith("ERROR:311 Message rejected") and "invalid number" in text  # the x's are no number
    for name in engine.gateways:
        engine.pause_gateway(name)
    sent = await doc(f"http://localhost:9710/http/send-message?username=admin&password=&to=%2B447700900123"
                     f"&message-type=sms.automatic&message=Message+Text&message-guid={GUID}")
    assert sent == f"OK: {GUID}"
    assert (await doc("http://localhost:9710/http/request-status-update?username=admin&password=&message-id="
                      "c3b0c20a-b63e-4bbf-919f-3d4251a8b9c0")) == "STATUS:100 Message queued"
    assert (await doc("http://localhost:9710/http/remove-queued-message?username=admin&password=&message-id="
                      "c3b0c20a-b63e-4bbf-919f-3d4251a8b9c0")).startswith("OK: ")
    status = ET.fromstring(await doc("http://localhost:9710/http/request-server-status?username=admin&password="))
    assert [g.get("Name") for g in status.iter("Gateway")] == list(engine.gateways)
    engine.simulate_incoming("GSM Modem Gateway", sender="+447700900123", text="answer")
    received = ET.fromstring(await doc("http://localhost:9710/http/request-received-messages?username=admin"
                                       "&password=&limit=10&order=newest"))
    assert [m.findtext("MessageText") for m in received] == ["answer"]


async def test_the_server_command_examples(doc):
    engine = doc.engine
    cmd = "http://localhost:9710/http/send-server-command?username=admin&password=&command="
    assert await doc(cmd + "start-gateway&gateway=GSM+Modem+Gateway") == "OK: started GSM Modem Gateway"
    assert (await doc(cmd + "stop-gateway&gateway=GSM+Modem+Gateway+1%3BGSM+Modem+Gateway+2")).split("\r\n") == [
        "OK: stopped GSM Modem Gateway 1", "OK: stopped GSM Modem Gateway 2"]
    assert len((await doc(cmd + "restart-gateway")).split("\r\n")) == 3
    for example in ("start-connector&connector=Email+Connector",
                    "stop-connector&connector=Email+Connector%3BSQL+Connector",
                    "restart-connector&connector=Email+Connector%3BSQL+Connector",
                    "set-connector-property&connector=SQL+Connector&property=SMSOut.Enabled&value=0"):
        text = await doc(cmd + example)
        assert text.startswith("ERROR:307 ") and "connector" in text, (example, text)
    reset = await doc(cmd + "reset-send-limit&gateway=GSM+Modem+Gateway")
    assert reset.startswith(("OK: ", "ERROR:307 ")) and "GSM Modem Gateway" in reset
    assert await doc(cmd + "pause-sending&gateway=GSM+Modem+Gateway") == "OK: paused sending of GSM Modem Gateway"
    assert await doc(cmd + "resume-sending&gateway=GSM+Modem+Gateway") == \
        "OK: resumed sending of GSM Modem Gateway"
    assert ET.fromstring(await doc(cmd + "get-server-configuration")) is not None
    assert ET.fromstring(await doc(cmd + "get-server-settings")) is not None
    # property names as the document writes them (Enabled, Receive) are the console's enabled and receive
    assert await doc(cmd + "set-gateway-property&gateway=GSM+Modem+Gateway&property=Enabled&value=0") == \
        "OK: enabled set for GSM Modem Gateway"
    routing = await doc(cmd + "set-routing-property&connector=SQL+Connector&gateway=GSM+Modem+Gateway"
                              "&property=Receive&value=0")
    assert routing.startswith("ERROR:307 ") and "SQL Connector" in routing and "property" not in routing
    assert await doc(cmd + "set-routing-property&connector=Diafaan&gateway=GSM+Modem+Gateway&property=Receive"
                           "&value=0") == "OK: receive set for diafaan via GSM Modem Gateway"
    assert engine.connectors.route("diafaan", "GSM Modem Gateway")["receive"] is False
    settings = await doc(cmd + "set-settings-property&property=LogEventsToEmail&value=1")
    assert settings.startswith("ERROR:307 ") and "unknown settings property" in settings


async def test_comma_separated_recipients_and_partly_unknown_gateway_lists(doc):
    for name in doc.engine.gateways:
        doc.engine.pause_gateway(name)
    base = "http://localhost:9710/http/send-message?username=admin&password=&message=hi"
    lines = (await doc(base + "&to=%2B447700900001,%2B447700900002;%2B447700900003")).split("\r\n")
    assert len(lines) == 3 and all(line.startswith("OK: ") for line in lines)
    one = await doc(base + "&to=%2B447700900004&gateway=No+Such+Gateway%3Bgsm+modem+gateway+2")
    from sqlmodel import select

    from app.store.models import Message

    with doc.engine.db.session() as s:
        row = s.exec(select(Message).where(Message.uid == one[4:])).one()
    assert row.gateways_allowed == "GSM Modem Gateway 2"
    none = await doc(base + "&to=%2B447700900005&gateway=No+Such+Gateway%3BNor+This")
    assert none.startswith("ERROR:306 ") and "No Such Gateway" in none
