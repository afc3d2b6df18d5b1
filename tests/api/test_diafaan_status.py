"""Diafaan request-status-update, remove-queued-message, request-received-messages
and request-server-status over real HTTP; XML replies parsed back."""

from __future__ import annotations

import asyncio
import re
import xml.etree.ElementTree as ET

import aiohttp
import pytest
from sqlmodel import select

from app.api.diafaan_codes import STATUS_CODES
from app.api.diafaan_xml import MESSAGE_ELEMENTS
from app.engine.events import MessageChanged
from app.store import models as m
from app.store.models import Message
from tests.conftest import next_event

FRONT = ("app.api.diafaan",)


@pytest.fixture
async def api(start_api, make_engine, make_user):
    engine = make_engine()
    make_user(engine, "alice", "secret")
    make_user(engine, "bob", "pw")
    server = await start_api(engine, front_ends=FRONT)
    async with aiohttp.ClientSession(base_url=server.url) as http:
        async def call(command, method="GET", **params):
            params = {k.replace("_", "-"): v for k, v in params.items()}
            params.setdefault("username", "alice")
            params.setdefault("password", "secret")
            params = {k: v for k, v in params.items() if v is not None}
            r = await (http.get(f"/http/{command}", params=params) if method == "GET"
                       else http.post(f"/http/{command}", data=params))
            return r.status, await r.text()

        call.engine = engine
        yield call


async def send(api, to="+491701234567", **params) -> str:
    status, text = await api("send-message", to=to, message="hi", **params)
    assert text.startswith("OK: "), text
    return text[4:]


async def test_status_follows_the_message_to_delivered(api):
    sent = asyncio.ensure_future(next_event(
        api.engine, lambda e: isinstance(e, MessageChanged) and e.message.status == m.DELIVERED))
    await asyncio.sleep(0)
    uid = await send(api)
    await sent
    status, text = await api("request-status-update", message_id=uid)
    assert text == "STATUS:201 Message delivered"
    assert (await api("request-status-update", message_id=uid, info="gateway"))[1] == "GATEWAY:Sim"
    assert (await api("request-status-update", message_id=uid, info="error-code"))[1] == "ERROR-CODE:0 No error"


@pytest.mark.parametrize("state", list(STATUS_CODES))
async def test_every_status_has_its_code_and_never_the_message_id(api, state):
    api.engine.pause_gateway("Sim")
    uid = await send(api, message_guid="2001234567")
    with api.engine.db.session() as s:
        row = s.exec(select(Message).where(Message.uid == uid)).one()
        row.status = state
        row.reason = "network said 300 and 2001234567" if state in (m.FAILED, m.UNDELIVERED) else ""
        s.add(row)
        s.commit()
    status, text = await api("request-status-update", "POST", message_id=uid)
    code, words = STATUS_CODES[state]
    assert text == f"STATUS:{code} {words}"
    assert re.findall(r"\d+", text) == [str(code)]
    expected = {m.QUEUED: 100, m.SCHEDULED: 101, m.SENDING: 102, m.SENT: 200, m.DELIVERED: 201, m.FAILED: 300,
                m.UNDELIVERED: 301, m.EXPIRED: 302, m.CANCELLED: 303}
    assert code == expected[state]
    error = (await api("request-status-update", message_id=uid, info="error-code"))[1]
    if state in (m.FAILED, m.UNDELIVERED):
        assert error == f"ERROR-CODE:{code} network said 300 and 2001234567"


async def test_status_of_unknown_or_foreign_messages_is_309(api):
    uid = await send(api)
    assert (await api("request-status-update", message_id="nope"))[1].startswith("ERROR:309 Message id not found")
    assert (await api("request-status-update", message_id=uid, username="bob", password="pw"))[1].startswith(
        "ERROR:309 ")
    assert (await api("request-status-update"))[1].startswith("ERROR:306 ")
    assert (await api("request-status-update", message_id=uid, info="colour"))[1].startswith("ERROR:306 ")


async def test_remove_queued_message_cancels_only_waiting_messages(api):
    api.engine.pause_gateway("Sim")
    uid = await send(api)
    status, text = await api("remove-queued-message", message_id=uid)
    assert text.startswith("OK: ")
    assert api.engine.message(uid).status == m.CANCELLED
    assert (await api("request-status-update", message_id=uid))[1] == "STATUS:303 Message cancelled"
    status, text = await api("remove-queued-message", message_id=uid)
    assert text.startswith("ERROR:307 Operation not allowed") and "cancelled" in text
    assert (await api("remove-queued-message", message_id="missing"))[1].startswith("ERROR:309 ")


async def test_received_messages_xml_in_order_with_limit_newest_and_remove(api):
    texts = ["first", "second <&> \"third\"", "ctrl\x01char"]
    await send(api, to="+15550001")  # the answers to alice's message are hers
    for t in texts:
        api.engine.simulate_incoming("Sim", sender="+15550001", text=t)
    status, body = await api("request-received-messages")
    root = ET.fromstring(body.encode())
    assert root.tag == "MessageList" and root.get("Count") == "3"
    msgs = root.findall("Message")
    assert [[c.tag for c in msg] for msg in msgs] == [list(MESSAGE_ELEMENTS)] * 3
    assert [msg.findtext("MessageText") for msg in msgs] == ["first", 'second <&> "third"', "ctrl\ufffdchar"]
    first = msgs[0]
    assert first.findtext("From") == "+15550001" and first.findtext("Gateway") == "Sim"
    assert first.findtext("MessagePart") == "-1" and first.findtext("IsRemoved") == "0"
    assert re.fullmatch(r"\d{14}", first.findtext("ReceiveTime"))

    newest = ET.fromstring((await api("request-received-messages", order="newest", limit="2"))[1].encode())
    assert newest.get("Count") == "2"
    assert [x.findtext("MessageText") for x in newest] == ["ctrl\ufffdchar", 'second <&> "third"']

    removed = ET.fromstring((await api("request-received-messages", limit="2", remove="1"))[1].encode())
    assert [x.findtext("IsRemoved") for x in removed] == ["1", "1"]
    left = ET.fromstring((await api("request-received-messages"))[1].encode())
    assert [x.findtext("MessageText") for x in left] == ["ctrl\ufffdchar"]
    for bad in ({"limit": "0"}, {"limit": "many"}, {"remove": "yes"}, {"order": "random"}):
        assert (await api("request-received-messages", **bad))[1].startswith("ERROR:306 ")


async def test_a_user_gets_and_removes_only_the_answers_to_their_own_messages(api, make_user):
    engine = api.engine
    make_user(engine, "root", "toor", admin=True)
    await send(api, to="+15550001")                                  # alice writes to 1
    await send(api, to="+15550002", username="bob", password="pw")   # bob writes to 2
    await send(api, to="+15550003", username="root", password="toor")  # the admin's application writes to 3
    await send(api, to="+15550001", username="bob", password="pw")   # then bob writes to 1 as well
    engine.simulate_incoming("Sim", sender="+15550001", text="for bob, the last to write")
    engine.simulate_incoming("Sim", sender="+15550002", text="for bob")
    engine.simulate_incoming("Sim", sender="+15550003", text="for the admin")
    engine.simulate_incoming("Sim", sender="+15550009", text="unsolicited")

    def texts(body: str) -> list[str]:
        return [x.findtext("MessageText") for x in ET.fromstring(body.encode())]

    assert texts((await api("request-received-messages", remove="1"))[1]) == []   # alice: nothing of hers
    assert texts((await api("request-received-messages", remove="1", username="bob", password="pw"))[1]) == [
        "for bob, the last to write", "for bob"]
    assert texts((await api("request-received-messages", username="bob", password="pw"))[1]) == []
    # the admin's message and the unsolicited one are untouched by the others, and the admin gets them
    assert texts((await api("request-received-messages", username="root", password="toor"))[1]) == [
        "for the admin", "unsolicited"]


async def test_server_status_lists_gateways_and_the_send_queue(api):
    api.engine.pause_gateway("Sim")
    for _ in range(3):
        await send(api)
    status, body = await api("request-server-status")
    root = ET.fromstring(body.encode())
    gw = root.find(".//Gateway")
    assert {k: gw.get(k) for k in ("Name", "Id", "Active", "Available", "SendEnabled", "ReceiveEnabled")} == {
        "Name": "Sim", "Id": "1", "Active": "1", "Available": "0", "SendEnabled": "0", "ReceiveEnabled": "1"}
    assert root.findtext(".//Statistics/MessagesInSendQueue") == "3"
    assert gw.findtext("MessagesSent") == "0" and gw.findtext("State") == "paused"
    api.engine.resume_gateway("Sim")
    root = ET.fromstring((await api("request-server-status"))[1].encode())
    assert root.find(".//Gateway").get("SendEnabled") == "1"
    # username and password are mandatory here: no guest
    assert (await api("request-server-status", username=None, password=None))[1].startswith("ERROR:306 ")
    assert (await api("request-server-status", password="bad"))[1].startswith("ERROR:304 ")


async def test_server_status_gives_the_last_hour_and_the_last_days_delivery_rate(api):
    from app.store import models as m

    for _ in range(2):
        await send(api)
    for _ in range(300):  # the simulated gateway sends and reports at once
        await asyncio.sleep(0.01)
        if api.engine.status_counts().get(m.DELIVERED, 0) == 2:
            break
    api.engine.dispatcher._recent_at = None  # read with the next pass's time-driven work (every minute)
    api.engine.dispatcher._housekeep_at = None
    api.engine.dispatcher.wake()
    for _ in range(300):
        await asyncio.sleep(0.01)
        if api.engine.recent_figures is not None and api.engine.recent_figures.delivered_last_day == 2:
            break
    stats = ET.fromstring((await api("request-server-status"))[1].encode()).find("Statistics")
    assert stats.findtext("MessagesSentLastHour") == "2" and stats.findtext("MessagesReceivedLastHour") == "0"
    assert stats.findtext("MessagesDeliveredLastDay") == "2" and stats.findtext("DeliveryRateLastDay") == "1.000"
