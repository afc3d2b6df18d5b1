"""Malformed requests of the kinds a hostile or careless client sends get a 4xx in the protocol's own
shape, never a 500, and leave no traceback in the log: the Retarus and HORISEN front ends."""

from __future__ import annotations

import base64
import json
import logging
import random

import aiohttp
import pytest

FRONT = ("app.api.retarus", "app.api.horisen", "app.api.diafaan")
SECRET = "n0t-in-the-l0g"
BASIC = {"Authorization": "Basic " + base64.b64encode(f"root:{SECRET}".encode()).decode()}
#: Values that broke parsers: a digit int() refuses, far years, 4,300 digits, odd whitespace.
NASTY = ["²", "٣", "1e309", "nan", "-1", "9" * 4300, "0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00",
         "0001-01-01", "9999-12-31T23:59:59", "", " ", "\u0000", "true", "True", "null", "[]", "{}", "🙂" * 3,
         "2030-01-01T00:00:00Z/0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00/9999-12-31T00:00:00-14:00"]
OPTION_KEYS = ["src", "encoding", "billcode", "statusRequested", "flash", "customerRef", "validityMin", "maxParts",
               "invalidCharacters", "qos", "jobPeriod", "duplicateDetection", "blackoutPeriods"]


def _value(rng: random.Random, depth: int = 0):
    roll = rng.random()
    if roll < 0.45:
        return rng.choice(NASTY)
    if roll < 0.6:
        return rng.choice([0, -1, 2**63, 1.5, True, False, None, 10**40])
    if roll < 0.7 and depth < 2:
        return [_value(rng, depth + 1) for _ in range(rng.randrange(0, 3))]
    if roll < 0.8 and depth < 2:
        return {rng.choice(OPTION_KEYS + ["dst", "text"]): _value(rng, depth + 1) for _ in range(rng.randrange(3))}
    return rng.choice(["STANDARD", "utf-16", "EXPRESS", "REPLACE", "+491701234567", "hello", 5, 20])


def _job(rng: random.Random):
    options = {rng.choice(OPTION_KEYS): _value(rng) for _ in range(rng.randrange(0, 4))}
    recipient = {"dst": rng.choice(["+491701234567", _value(rng)])}
    if rng.random() < 0.3:
        recipient[rng.choice(["customerRef", "blackoutPeriods"])] = _value(rng)
    message = {"text": rng.choice(["hi", _value(rng)]), "recipients": rng.choice([[recipient], _value(rng)])}
    return rng.choice([{"options": options, "messages": [message]}, {"messages": [message]}, _value(rng)])


@pytest.fixture
async def server(start_api, make_engine, make_user):
    engine = make_engine()
    make_user(engine, "root", SECRET, admin=True)
    return await start_api(engine, front_ends=FRONT)


async def test_fuzzed_retarus_requests_are_answered_in_retarus_terms(server, caplog):
    caplog.set_level(logging.INFO)
    rng = random.Random(7)
    async with aiohttp.ClientSession(base_url=server.url, headers=BASIC) as http:
        special = [
            ("POST", "/rest/v1/jobs", b'{"messages": []}', "application/json; charset=bogus"),
            ("POST", "/rest/v1/jobs", b"[" * 100_000 + b"]" * 100_000, "application/json"),
            ("POST", "/rest/v1/jobs", b'{"options": {"validityMin": "\xc2\xb2"}, "messages": []}', "application/json"),
            ("POST", "/rest/v1/jobs", b"\xff\xfe{", "application/json"),
        ]
        for method, path, body, ctype in special:
            r = await http.request(method, path, data=body, headers={"Content-Type": ctype})
            assert 400 <= r.status < 500, (path, body[:80], r.status, await r.text())
            assert set(await r.json()) == {"code", "message"}
        for i in range(400):
            if i % 3:
                r = await http.post("/rest/v1/jobs", json=_job(rng))
            else:
                params = {k: str(_value(rng)) for k in rng.sample(["fromTs", "toTs", "limit", "offset", "open",
                                                                    "jobIdsOnly", "jobId"], rng.randrange(1, 4))}
                r = await http.get(rng.choice(["/rest/v1/jobs", "/rest/v1/sms", "/rest/v1/jobs/" + str(
                    _value(rng)).replace("/", "").replace("?", "") or "x"]), params=params)
            text = await r.text()
            assert r.status < 500, (r.status, text)
            if r.status >= 400:
                assert set(json.loads(text)) == {"code", "message"}, text
    assert not [rec for rec in caplog.records if rec.exc_info or rec.levelno >= logging.ERROR]
    assert SECRET not in caplog.text


async def test_unknown_paths_and_methods_are_answered_in_each_protocols_shape(server):
    async with aiohttp.ClientSession(base_url=server.url, headers=BASIC) as http:
        r = await http.get("/rest/v1/nothing")
        assert r.status == 404 and set(await r.json()) == {"code", "message"}
        r = await http.delete("/rest/v1/jobs")
        assert r.status == 405 and (await r.json())["code"] == 405 and "POST" in r.headers["Allow"]
        r = await http.get("/bulk/sms-session-manager/v1/nothing")
        assert r.status == 404 and (await r.json())["code"] == "SESSION_MANAGER_NOT_FOUND"
        r = await http.delete("/http/send-message")
        assert r.status == 405 and (await r.text()).startswith("ERROR:306 ")


async def test_fuzzed_session_manager_requests_are_answered_in_horisen_terms(server, caplog):
    caplog.set_level(logging.INFO)
    rng = random.Random(11)
    async with aiohttp.ClientSession(base_url=server.url) as http:
        t = await http.post("/oauth2/access-token", data={"grant_type": "client_credentials", "client_id": "root",
                                                          "client_secret": SECRET})
        bearer = {"Authorization": "Bearer " + (await t.json())["access_token"]}
        base = "/bulk/sms-session-manager/v1"
        for path in ("/sess-manager/²", "/sess-manager/" + "9" * 4300, "/sess-manager-suppliers/٣"):
            r = await http.get(base + path, headers=bearer)
            assert r.status == 400 and (await r.json())["code"] == "SESSION_MANAGER_INVALID_ID"
        for i in range(300):
            params = {}
            for _ in range(rng.randrange(1, 4)):
                key = rng.choice(["page_number", "page_size", "paging", "all", "sort", "q", "eq(sessionID)",
                                  "between(startTime)", "in(remotePort)", "gt(localPort)", "contains(authName)",
                                  "isnull(protocol)"])
                params[key] = str(_value(rng))
            if i % 4 == 0:
                r = await http.put(base + rng.choice(["/customer-connections/stop", "/supplier-gates/restart"]),
                                   data=json.dumps(_value(rng)).encode(), headers=bearer)
            else:
                r = await http.get(base + rng.choice(["/sess-manager", "/sess-manager-suppliers"]),
                                   params=params, headers=bearer)
            text = await r.text()
            assert r.status < 500, (params, r.status, text)
            if r.status >= 400:
                assert {"code", "message"} <= set(json.loads(text)), text
    assert not [rec for rec in caplog.records if rec.exc_info or rec.levelno >= logging.ERROR]


async def test_diafaan_far_times_and_odd_digits_are_error_lines(server, caplog):
    caplog.set_level(logging.INFO)
    async with aiohttp.ClientSession(base_url=server.url) as http:
        for name, value in [("scheduled", "0001-01-01T00:00:00"), ("scheduled", "9999-12-31T23:59:59"),
                            ("scheduled", "0001-01-01T00:00:00+01:00"), ("priority", "²"),
                            ("validity-period", "9" * 4300), ("limit", "²")]:
            command = "request-received-messages" if name == "limit" else "send-message"
            r = await http.get(f"/http/{command}", params={"username": "root", "password": SECRET,
                                                           "to": "+491701234567", "message": "x", name: value})
            assert r.status == 200 and (await r.text()).startswith("ERROR:306 "), (name, value, await r.text())
    assert not [rec for rec in caplog.records if rec.exc_info or rec.levelno >= logging.ERROR]
