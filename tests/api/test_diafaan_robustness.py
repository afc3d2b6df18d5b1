"""Whatever a client sends, the Diafaan and HORISEN front-ends answer in their
own terms, keep serving, and never write a password or token to the log."""

from __future__ import annotations

import logging
import random
import string

import aiohttp
import pytest
from sqlmodel import func, select

from app.store.models import Message

FRONT = ("app.api.diafaan", "app.api.horisen")
COMMANDS = ("send-message", "request-status-update", "remove-queued-message", "request-server-status",
            "request-received-messages", "send-server-command")
PARAMS = ("username", "password", "to", "contact-name", "message", "message-type", "message-guid", "priority",
          "validity-period", "scheduled", "gateway", "message-id", "info", "limit", "remove", "order", "command",
          "property", "value", "connector", "from", "message-info")
SECRET = "Tr0ub4dor&3-never-logged"


def _junk(rng: random.Random) -> str:
    alphabet = string.printable + "€ü😀\u0000\u202e\ufffd';--%"
    return "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))


@pytest.fixture
async def server(start_api, make_engine, make_user):
    engine = make_engine()
    make_user(engine, "alice", SECRET, admin=True, privileges=("sms-session-manager.view",))
    srv = await start_api(engine, front_ends=FRONT)
    engine.set_setting("send_server_command_enabled", True)
    return srv


async def test_random_requests_get_protocol_answers_and_the_server_keeps_serving(server):
    rng = random.Random(20301)
    async with aiohttp.ClientSession(base_url=server.url) as http:
        for i in range(300):
            # valid credentials: failed logins would (rightly) slow this address down
            params = {rng.choice(PARAMS[2:]): _junk(rng) for _ in range(rng.randrange(0, 8))}
            params.update(username="alice", password=SECRET)
            command = rng.choice(COMMANDS) if rng.random() < 0.9 else _junk(rng).replace("/", "")
            if rng.random() < 0.5:
                r = await http.get(f"/http/{command}", params=params)
            else:
                r = await http.post(f"/http/{command}", data=params)
            body = await r.text()
            assert r.status in (200, 401, 404, 413, 414, 429, 503), (params, r.status, body)
            if r.status != 404:  # a command name aiohttp's router cannot match at all
                assert body.startswith(("OK: ", "ERROR:", "STATUS:", "ERROR-CODE:", "GATEWAY:", "<?xml")), body
        r = await http.get("/http/send-message", params={"username": "alice", "password": SECRET,
                                                         "to": "+491701234567", "message": "still here"})
        assert (await r.text()).startswith("OK: ")


async def test_an_internal_failure_is_error_300_and_logs_no_secret(server, caplog, monkeypatch):
    engine = server.ctx.engine

    async def broken(*_a, **_kw):
        raise RuntimeError("store went away")

    caplog.set_level(logging.DEBUG)
    async with aiohttp.ClientSession(base_url=server.url) as http:
        ok = await http.get("/http/send-message", params={"username": "alice", "password": SECRET,
                                                          "to": "+491701234567", "message": "kept"})
        uid = (await ok.text())[4:]
        monkeypatch.setattr(engine, "queue_messages_async", broken)  # the store fails under send-message
        r = await http.post("/http/send-message", data={"username": "alice", "password": SECRET,
                                                        "to": "+491701234568", "message": "x"})
        assert r.status == 500 and (await r.text()).startswith("ERROR:300 Unknown error")
        await http.get("/http/request-server-status", params={"username": "alice", "password": "wrong" + SECRET})
        t = await http.post("/oauth2/access-token", data={"grant_type": "client_credentials", "client_id": "alice",
                                                          "client_secret": SECRET})
        token = (await t.json())["access_token"]
        await http.get("/bulk/sms-session-manager/v1/sess-manager?contains(nothing)=1",
                       headers={"Authorization": f"Bearer {token}"})
    assert "store went away" in caplog.text
    assert SECRET not in caplog.text and token not in caplog.text
    # the message accepted before the failure is still there, and nothing half-stored after it
    assert engine.message(uid) is not None
    with engine.db.session() as s:
        assert s.exec(select(func.count()).select_from(Message)).one() == 1
