"""Whatever a client sends, the Diafaan and HORISEN front-ends answer in their
own terms, keep serving, and never write a password or token to the log."""

from __future__ import annotations

import base64
import logging
import random
import string
from urllib.parse import quote

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


async def _raw_request(server, line: bytes) -> tuple[int, bytes]:
    """Send one raw request line over a socket; the answer's status and body (read while sending, as a
    server may answer and close before it has read all of an overlong line)."""
    import asyncio

    reader, writer = await asyncio.open_connection(server.host, server.port)
    received = bytearray()

    async def read() -> None:
        try:
            while chunk := await reader.read(65536):
                received.extend(chunk)
        except ConnectionError:
            pass

    reading = asyncio.create_task(read())
    data = line + b"\r\nHost: x\r\nConnection: close\r\n\r\n"
    try:
        for i in range(0, len(data), 65536):
            writer.write(data[i:i + 65536])
            await writer.drain()
    except ConnectionError:
        pass
    await reading
    writer.close()
    head, _, body = bytes(received).partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


@pytest.mark.parametrize("length, status, answer", [
    (9_000, 200, b"OK: "),              # a GET with a long text (past aiohttp's own 8,190-byte line) is served
    (265_000, 414, b"ERROR:306 "),     # past the Diafaan query-string limit: its own error line
    (2_000_000, 414, b"414 URI Too Long"),  # past the request-line limit: the HTTP parser's answer
])
async def test_a_long_request_line_is_414_and_its_password_is_never_logged(server, caplog, length, status, answer):
    caplog.set_level(logging.DEBUG)
    start = (f"GET /http/send-message?username=alice&password={quote(SECRET)}&to=%2B491701234567"
             f"&message=").encode()
    got, body = await _raw_request(server, start + b"x" * (length - len(start)) + b" HTTP/1.1")
    assert got == status and body.startswith(answer), (got, body[:200])
    assert quote(SECRET) not in caplog.text
    assert SECRET not in caplog.text and "password=T" not in caplog.text
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) <= 1
    async with aiohttp.ClientSession(base_url=server.url) as http:
        r = await http.get("/http/request-server-status", params={"username": "alice", "password": SECRET})
        assert r.status == 200


async def test_an_overlong_header_is_431_and_its_credentials_are_never_logged(server, caplog):
    caplog.set_level(logging.DEBUG)
    token = base64.b64encode(f"alice:{SECRET}".encode()).decode()
    status, body = await _raw_request(server, b"GET /rest/v1/version HTTP/1.1\r\nAuthorization: Basic " +
                                      token.encode() + b" " + b"x" * 20_000)
    assert status == 431 and body.startswith(b"431 "), body
    assert token not in caplog.text and SECRET not in caplog.text


async def test_a_broken_request_line_is_one_log_line_without_its_bytes(server, caplog):
    caplog.set_level(logging.DEBUG)
    status, _ = await _raw_request(server, f"GET /http/x?password={quote(SECRET)} HTTP/1.1 extra\x00".encode())
    assert 400 <= status < 500
    assert quote(SECRET) not in caplog.text
    assert not any(r.exc_info or r.exc_text for r in caplog.records)
