"""Diafaan send-message over real HTTP on 127.0.0.1: replies per recipient,
options stored, refusals with the Diafaan error codes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import aiohttp
import pytest
from sqlmodel import select

from app.store import models as m
from app.store.models import BlockedNumber, Contact, ContactGroup, ContactGroupLink, Message, User
from app.store.passwords import hash_password

FRONT = ("app.api.diafaan",)


@pytest.fixture
async def api(start_api, make_engine, make_user):
    engine = make_engine()
    make_user(engine, "alice", "secret")
    # the gateway is paused so messages stay queued where a test looks at them
    server = await start_api(engine, front_ends=FRONT)
    engine.pause_gateway("Sim")
    async with aiohttp.ClientSession(base_url=server.url) as http:
        async def call(command, method="GET", **params):
            params = {k.replace("_", "-"): v for k, v in params.items()}
            params.setdefault("username", "alice")
            params.setdefault("password", "secret")
            params = {k: v for k, v in params.items() if v is not None}
            if method == "GET":
                r = await http.get(f"/http/{command}", params=params)
            else:
                r = await http.post(f"/http/{command}", data=params)
            return r.status, await r.text()

        call.engine = engine
        call.http = http
        yield call


def stored(engine, uid):
    with engine.db.session() as s:
        return s.exec(select(Message).where(Message.uid == uid)).one()


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_one_ok_line_per_recipient_in_order(api, method):
    status, text = await api("send-message", method, to="+491701234567;+491701234568", message="Hello ünïcode",
                             message_info="ticket 42", priority="3")
    assert status == 200
    lines = text.split("\r\n")
    assert len(lines) == 2 and all(line.startswith("OK: ") for line in lines)
    rows = [stored(api.engine, line[4:]) for line in lines]
    assert [r.recipient for r in rows] == ["+491701234567", "+491701234568"]
    assert all(r.text == "Hello ünïcode" and r.user == "alice" and r.message_info == "ticket 42"
               and r.priority == 3 and r.status == m.QUEUED for r in rows)


async def test_refused_recipients_get_error_lines_in_place_and_the_others_are_sent(api):
    with api.engine.db.session() as s:
        s.add(BlockedNumber(number="+491700000002"))
        s.commit()
    status, text = await api("send-message", to="+491700000001;+491700000002;not-a-number;+491700000004",
                             message="hi")
    lines = text.split("\r\n")
    assert status == 200 and len(lines) == 4
    assert lines[0].startswith("OK: ") and lines[3].startswith("OK: ")
    assert lines[1].startswith("ERROR:311 Message rejected") and "blocked" in lines[1]
    assert lines[2].startswith("ERROR:311 Message rejected") and "invalid number" in lines[2]
    assert stored(api.engine, lines[3][4:]).recipient == "+491700000004"


async def test_message_guid_overrides_the_id_and_a_reused_guid_is_refused(api):
    status, text = await api("send-message", to="+491701111111", message="a", message_guid="my-id-1")
    assert text == "OK: my-id-1"
    assert stored(api.engine, "my-id-1").recipient == "+491701111111"
    status, text = await api("send-message", to="+491702222222", message="b", message_guid="my-id-1")
    assert text.startswith("ERROR:311 ") and "already in use" in text
    status, text = await api("send-message", to="+491701111111;+491702222222", message="c", message_guid="x")
    assert text.startswith("ERROR:306 ")


async def test_contact_names_expand_to_contacts_and_groups_in_order(api):
    with api.engine.db.session() as s:
        bob = Contact(name="Bob", number="+491703000001")
        ann = Contact(name="Ann", number="+491703000002")
        cid = Contact(name="Cid", number="+491703000003")
        team = ContactGroup(name="Team")
        s.add_all([bob, ann, cid, team])
        s.commit()
        s.add_all([ContactGroupLink(contact_id=cid.id, group_id=team.id),
                   ContactGroupLink(contact_id=ann.id, group_id=team.id)])
        s.commit()
    status, text = await api("send-message", to="+491709999999", contact_name="Bob;Nobody;Team", message="x")
    lines = text.split("\r\n")
    assert lines[2].startswith("ERROR:301 No recipients found") and "Nobody" in lines[2]
    numbers = [stored(api.engine, line[4:]).recipient for line in lines if line.startswith("OK: ")]
    assert numbers == ["+491709999999", "+491703000001", "+491703000002", "+491703000003"]


async def test_options_are_stored(api):
    when = (datetime.now(timezone.utc) + timedelta(days=1)).replace(microsecond=0)
    status, text = await api("send-message", to="+491701234567", message="x", message_type="sms.unicode",
                             validity_period="600", scheduled=when.strftime("%Y-%m-%dT%H:%M:%S.0000000+00:00"),
                             gateway="Sim", **{"from": "Shop"})
    row = stored(api.engine, text[4:])
    assert row.status == m.SCHEDULED and row.scheduled_at == when
    assert row.encoding == "ucs2" and row.sender == "Shop" and row.gateways_allowed == "Sim"
    assert row.expires_at - row.created_at == timedelta(seconds=600)
    status, text = await api("send-message", to="+491701234567", message="x", message_type="sms.flash")
    assert stored(api.engine, text[4:]).flash
    # without a zone the time is the server's local time
    local = (datetime.now() + timedelta(hours=2)).replace(microsecond=0)
    status, text = await api("send-message", to="+491701234567", message="x", scheduled=local.isoformat())
    assert stored(api.engine, text[4:]).scheduled_at == local.astimezone()


@pytest.mark.parametrize("params, expected", [
    ({"message": "x"}, "ERROR:301 No recipients found"),
    ({"to": ";;", "message": "x"}, "ERROR:301 No recipients found"),
    ({"to": "+491701234567", "message": "x", "priority": "high"}, "ERROR:306 "),
    ({"to": "+491701234567", "message": "x", "priority": "5000"}, "ERROR:306 "),
    ({"to": "+491701234567", "message": "x", "validity-period": "-5"}, "ERROR:306 "),
    ({"to": "+491701234567", "message": "x", "scheduled": "tomorrow"}, "ERROR:306 "),
    ({"to": "+491701234567", "message": "x", "message-type": "sms.mms"}, "ERROR:306 "),
    ({"to": "+491701234567", "message": "x", "gateway": "Nowhere"}, "ERROR:306 "),
    ({"to": "+491701234567", "message": "x" * 10_001}, "ERROR:306 "),
    ({"to": "+491701234567", "message": "x", "password": "wrong"}, "ERROR:304 Authentication error"),
    ({"to": "+491701234567", "message": "x", "from": "this sender id is far too long"}, "ERROR:311 "),
])
async def test_bad_requests_get_the_diafaan_error_code(api, params, expected):
    status, text = await api("send-message", "POST", **params)
    assert status == 200 and text.startswith(expected), text
    with api.engine.db.session() as s:
        assert s.exec(select(Message)).first() is None


async def test_repeated_to_field_and_unknown_command(api):
    r = await api.http.get("/http/send-message?username=alice&password=secret&to=%2B4917011&to=%2B4917012"
                           "&message=x")
    assert (await r.text()).startswith("ERROR:302 Multiple to fields detected")
    status, text = await api("send-sms", to="+491701234567")
    assert text.startswith("ERROR:306 Unknown command or insufficient parameters")


async def test_guest_account_is_disabled_by_default_and_works_when_enabled(api):
    status, text = await api("send-message", username=None, password=None, to="+491701234567", message="x")
    assert text.startswith("ERROR:303 Guest login not available")
    with api.engine.db.session() as s:
        s.add(User(name="guest", password_hash=hash_password(""), enabled=True))
        s.commit()
    status, text = await api("send-message", username=None, password=None, to="+491701234567", message="x")
    assert text.startswith("OK: ")
    assert stored(api.engine, text[4:]).user == "guest"


async def test_a_stopped_user_is_refused_with_401_until_unblocked(api):
    assert (await api("send-message", to="+491701234567", message="x"))[1].startswith("OK: ")
    api.engine.sessions.stop_customer("alice")
    status, text = await api("send-message", to="+491701234567", message="x")
    assert status == 401 and text.startswith("ERROR:304 ") and "stopped by the operator" in text
    api.engine.sessions.unblock("alice")
    assert (await api("send-message", to="+491701234567", message="x"))[1].startswith("OK: ")


async def test_each_request_opens_or_ticks_a_customer_session(api):
    await api("send-message", to="+491701234567", message="x")
    await api("send-message", to="+491701234567", message="y")
    sessions = list(api.engine.sessions.customers.values())
    assert [(s.user, s.ip, s.protocol) for s in sessions] == [("alice", "127.0.0.1", "diafaan")]


async def test_oversized_and_malformed_requests_are_refused_without_harm(api):
    r = await api.http.post("/http/send-message", data=b"to=" + b"1" * 300_000,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 413 and (await r.text()).startswith("ERROR:306 ")
    r = await api.http.post("/http/send-message", data=b"username=alice&password=secret&message=\xff\xfe",
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (await r.text()).startswith("ERROR:306 ") and "UTF-8" in await r.text()
    r = await api.http.post("/http/send-message", data=b'{"to": "1"}', headers={"Content-Type": "application/json"})
    assert (await r.text()).startswith("ERROR:306 ")
    r = await api.http.post("/http/send-message", data="&".join(f"f{i}=1" for i in range(500)),
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (await r.text()).startswith("ERROR:306 ")
    # the server still works
    assert (await api("send-message", to="+491701234567", message="x"))[1].startswith("OK: ")


async def test_a_text_needing_more_than_255_parts_is_an_error_line(api):
    status, text = await api("send-message", "POST", to="+491700000001;+491700000002", message="😀" * 9000)
    assert status == 200 and text.split("\r\n") == [text.split("\r\n")[0]] * 2
    assert text.startswith("ERROR:311 Message rejected") and "more than the 255" in text
    with api.engine.db.session() as s:
        assert s.exec(select(Message)).first() is None
