"""HORISEN session manager over real HTTP on 127.0.0.1: OAuth tokens,
privileges, customer and supplier sessions, stop and restart, list grammar."""

from __future__ import annotations

import asyncio
import base64

import aiohttp
import pytest

from app.api.horisen import BASE, PRIVILEGES, TOKENS
from app.engine.events import GatewayStateChanged
from tests.conftest import next_event

FRONT = ("app.api.diafaan", "app.api.horisen")
ALL = PRIVILEGES


@pytest.fixture
async def api(start_api, make_engine, make_user):
    engine = make_engine()
    make_user(engine, "ops", "opspw", privileges=ALL)
    make_user(engine, "viewer", "v", privileges=("sms-session-manager.view",))
    make_user(engine, "alice", "secret")
    server = await start_api(engine, front_ends=FRONT,
                             gateways={"Sim": ("simulator", {"send_delay": 0.0}), "Sim2": ("simulator", {})})
    async with aiohttp.ClientSession(base_url=server.url) as http:
        class Api:
            pass

        a = Api()
        a.engine, a.http, a.server = engine, http, server

        async def token(user="ops", password="opspw"):
            r = await http.post("/oauth2/access-token", data={"grant_type": "client_credentials",
                                                              "client_id": user, "client_secret": password})
            body = await r.json()
            assert r.status == 200, body
            return body["access_token"]

        async def call(method, path, token=None, **kw):
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            r = await http.request(method, BASE + path, headers=headers, **kw)
            return r.status, await r.json()

        async def diafaan(user, password):
            r = await http.get("/http/request-status-update", params={"username": user, "password": password,
                                                                       "message-id": "x"})
            return r.status, await r.text()

        a.token, a.call, a.diafaan = token, call, diafaan
        yield a


async def test_token_endpoint_issues_bearer_tokens_with_expiry(api):
    r = await api.http.post("/oauth2/access-token", data={"grant_type": "client_credentials", "client_id": "ops",
                                                          "client_secret": "opspw"})
    body = await r.json()
    assert r.status == 200 and body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert r.headers["Cache-Control"] == "no-store"
    status, _ = await api.call("GET", "/sess-manager", body["access_token"])
    assert status == 200
    # HTTP Basic client authentication works too
    r = await api.http.post("/oauth2/access-token", data={"grant_type": "client_credentials"},
                            headers={"Authorization": "Basic " + base64.b64encode(b"ops:opspw").decode()})
    assert r.status == 200
    for form, status, error in (({"grant_type": "password"}, 400, "unsupported_grant_type"),
                                ({"grant_type": "client_credentials"}, 400, "invalid_request"),
                                ({"grant_type": "client_credentials", "client_id": "ops", "client_secret": "x"},
                                 401, "invalid_client")):
        r = await api.http.post("/oauth2/access-token", data=form)
        assert r.status == status and (await r.json())["error"] == error
    # expiry: move the token store's clock past the lifetime
    store = api.server.app[TOKENS]
    now = store.clock()
    store.clock = lambda: now + 3601
    status, body = await api.call("GET", "/sess-manager", body["access_token"])
    assert status == 401 and body["code"] == "SESSION_MANAGER_INVALID_TOKEN"


async def test_endpoints_need_a_bearer_token_and_the_privilege(api):
    status, body = await api.call("GET", "/sess-manager")
    assert status == 401 and body["code"] == "SESSION_MANAGER_UNAUTHORIZED" and body["Code"] == body["code"]
    status, body = await api.call("GET", "/sess-manager", "forged-token")
    assert status == 401 and body["code"] == "SESSION_MANAGER_INVALID_TOKEN"
    viewer = await api.token("viewer", "v")
    assert (await api.call("GET", "/sess-manager", viewer))[0] == 200
    for method, path, kw in (("GET", "/sess-manager-suppliers", {}), ("GET", "/sess-manager-suppliers/1", {}),
                             ("PUT", "/customer-connections/stop", {"json": {"authName": "alice"}}),
                             ("PUT", "/supplier-gates/restart", {"json": {"cName": "Sim"}})):
        status, body = await api.call(method, path, viewer, **kw)
        assert status == 403 and body["code"] == "SESSION_MANAGER_FORBIDDEN", path
        assert set(body) >= {"code", "message"}
    assert "alice" not in api.engine.sessions.blocked_users
    nobody = await api.token("alice", "secret")
    assert (await api.call("GET", "/sess-manager", nobody))[0] == 403


async def test_customer_sessions_are_the_api_clients(api):
    await api.diafaan("alice", "secret")
    token = await api.token()
    status, body = await api.call("GET", "/sess-manager?sort=accountName", token)
    rows = body["data"]
    assert [(r["authName"], r["protocol"], r["ipAddr"]) for r in rows] == [
        ("alice", "diafaan", "127.0.0.1"), ("ops", "horisen", "127.0.0.1")]
    alice = rows[0]
    assert set(alice) == {"sessionID", "customer", "accountName", "accountID", "ipAddr", "serverAddr", "blocked",
                          "sessionStart", "sessionLastTick", "authName", "protocol", "protocolVersion", "mode",
                          "state", "ownerId", "ownerBpName", "ownerBpBriefName"}
    assert alice["blocked"] is False and alice["accountID"] > 0 and alice["sessionStart"].endswith("Z")
    status, one = await api.call("GET", f"/sess-manager/{alice['sessionID']}", token)
    assert status == 200 and one == alice
    assert (await api.call("GET", "/sess-manager/999", token))[1]["code"] == "SESSION_MANAGER_SESSION_NOT_FOUND"
    assert (await api.call("GET", "/sess-manager/abc", token))[0] == 400


async def test_stop_ends_and_blocks_the_client_until_unblocked(api):
    assert (await api.diafaan("alice", "secret"))[0] == 200
    token = await api.token()
    status, body = await api.call("PUT", "/customer-connections/stop", token, json={"authName": "alice"})
    assert status == 201 and body == {"authName": "alice"}
    # alice's sessions stay listed, closed and blocked, so everyone can see who was stopped
    listed = [s for s in api.engine.sessions.customers.values() if s.user == "alice"]
    assert listed and all(s.state == "closed" and s.blocked for s in listed)
    status, body = await api.call("GET", "/sess-manager?eq(authName)=alice", token)
    assert body["data"] and all(r["blocked"] is True and r["state"] == "closed" for r in body["data"])
    status, text = await api.diafaan("alice", "secret")
    assert status == 401 and "stopped by the operator" in text
    # a HORISEN client with a token is refused too
    alice = await api.token("ops", "opspw")
    await api.call("PUT", "/customer-connections/stop", alice, json={"authName": "ops"})
    status, body = await api.call("GET", "/sess-manager", alice)
    assert status == 401 and body["code"] == "SESSION_MANAGER_USER_STOPPED" and "unblocked" in body["message"]
    r = await api.http.post("/oauth2/access-token", data={"grant_type": "client_credentials", "client_id": "ops",
                                                          "client_secret": "opspw"})
    assert r.status == 401 and "stopped" in (await r.json())["error_description"]
    api.engine.sessions.unblock("ops")
    api.engine.sessions.unblock("alice")
    assert (await api.call("GET", "/sess-manager", alice))[0] == 200
    assert (await api.diafaan("alice", "secret"))[0] == 200


@pytest.mark.parametrize("body, code", [
    ({}, "SESSION_MANAGER_AUTH_NAME_REQUIRED"), ({"authName": ""}, "SESSION_MANAGER_AUTH_NAME_REQUIRED"),
    ({"authName": 5}, "SESSION_MANAGER_AUTH_NAME_REQUIRED"), ([1], "SESSION_MANAGER_INVALID_BODY"),
])
async def test_stop_needs_an_auth_name(api, body, code):
    token = await api.token()
    status, reply = await api.call("PUT", "/customer-connections/stop", token, json=body)
    assert status == 400 and reply["code"] == code
    status, reply = await api.call("PUT", "/customer-connections/kick", token, json={"authName": "x"})
    assert status == 400 and reply["code"] == "SESSION_MANAGER_ACTION_NOT_SUPPORTED"
    status, reply = await api.call("PUT", "/customer-connections/stop", token, data=b"{not json")
    assert status == 400 and reply["code"] == "SESSION_MANAGER_INVALID_BODY"
    status, reply = await api.call("PUT", "/customer-connections/stop", token, data=b"x" * 20000)
    assert status == 413


async def test_supplier_sessions_and_restart(api):
    token = await api.token()
    status, body = await api.call("GET", "/sess-manager-suppliers", token)
    rows = body["data"]
    assert [r["gateName"] for r in rows] == ["Sim", "Sim2"]
    assert rows[0]["status"] == "running" and rows[0]["gateCName"] == "Sim" and rows[0]["startDT"].endswith("Z")
    assert rows[0]["remoteHost"] == "simulator" and rows[0]["sessionType"] == "simulator"
    assert (await api.call("GET", f"/sess-manager-suppliers/{rows[1]['sessionID']}", token))[1] == rows[1]
    stopping = asyncio.ensure_future(next_event(
        api.engine, lambda e: isinstance(e, GatewayStateChanged) and e.gateway.name == "Sim2"
        and e.gateway.state == "stopping"))
    await asyncio.sleep(0)
    status, body = await api.call("PUT", "/supplier-gates/restart", token, json={"cName": "Sim2"})
    assert status == 201 and body == {"cName": "Sim2"}
    await stopping
    assert api.engine.gateway("Sim2").state.value == "running"
    for path, payload, status_code, code in (
            ("/supplier-gates/restart", {}, 400, "SESSION_MANAGER_CNAME_REQUIRED"),
            ("/supplier-gates/restart", {"cName": "Nope"}, 404, "SESSION_MANAGER_CNAME_NOT_FOUND"),
            ("/supplier-gates/stop", {"cName": "Sim"}, 400, "SESSION_MANAGER_ACTION_NOT_SUPPORTED")):
        status, body = await api.call("PUT", path, token, json=payload)
        assert (status, body["code"]) == (status_code, code)
    status, body = await api.call("GET", "/sess-manager-suppliers?startswith(gateName)=sim&sort=-gateName", token)
    assert [r["gateName"] for r in body["data"]] == ["Sim2", "Sim"]
    status, body = await api.call("GET", "/sess-manager-suppliers?eq(ownerBpName)=SMS Console&q=sim2", token)
    assert [r["gateName"] for r in body["data"]] == ["Sim2"]


async def test_paging_filters_and_links_over_http(api):
    for i in range(12):
        api.engine.sessions.open_customer(f"user{i:02d}", f"10.0.0.{i}", "console", "retarus", user_id=i + 100)
    token = await api.token()
    status, body = await api.call("GET", "/sess-manager?startswith(accountName)=user&sort=-accountID"
                                  "&page_size=5&page_number=2", token)
    assert status == 200
    assert [r["accountName"] for r in body["data"]] == [f"user{i:02d}" for i in (6, 5, 4, 3, 2)]
    p = body["meta"]["pagination"]
    assert (p["total"], p["count"], p["per_page"], p["current_page"], p["total_pages"]) == (12, 5, 5, 2, 3)
    status, nxt = await api.call("GET", p["links"]["next"].removeprefix(BASE), token)
    assert [r["accountName"] for r in nxt["data"]] == ["user01", "user00"]
    assert nxt["meta"]["pagination"]["links"]["next"] is None
    status, body = await api.call("GET", "/sess-manager?paging=1,3&in(ipAddr)=10.0.0.1,10.0.0.2", token)
    assert body["meta"]["pagination"]["total"] == 2
    status, body = await api.call("GET", "/sess-manager?all=yes", token)
    assert len(body["data"]) == 13 and body["meta"]["pagination"]["total_pages"] == 1
    status, body = await api.call("GET", "/sess-manager?between(accountID)=103,105&neq(protocol)=horisen", token)
    assert sorted(r["accountID"] for r in body["data"]) == [103, 104, 105]
    status, body = await api.call("GET", "/sess-manager?q=10.0.0.11", token)
    assert [r["accountName"] for r in body["data"]] == ["user11"]
    for query in ("contains(secret)=x", "explode(accountName)=x", "accountID=1 OR 1=1", "page_size=0",
                  "sort=password", "accountName'--=x"):
        status, body = await api.call("GET", f"/sess-manager?{query}", token)
        assert status == 400 and body["code"] == "SESSION_MANAGER_INVALID_FILTER", query


async def test_client_secret_may_be_the_users_separate_api_secret(start_api, make_engine, monkeypatch):
    from app.config import parse_config
    from app.engine.configure import apply_config

    monkeypatch.setenv("INTEGRATION_SECRET", "k3y-for-tools")
    engine = make_engine()
    apply_config(engine, parse_config({"users": [{"name": "tool", "password": "pw", "api_secret_env":
                                                  "INTEGRATION_SECRET", "privileges": list(ALL)}]}))
    server = await start_api(engine, front_ends=FRONT)
    async with aiohttp.ClientSession(base_url=server.url) as http:
        for secret, status in (("k3y-for-tools", 200), ("pw", 200), ("other", 401)):
            r = await http.post("/oauth2/access-token", data={"grant_type": "client_credentials",
                                                              "client_id": "tool", "client_secret": secret})
            assert r.status == status, secret


async def test_stopping_an_unknown_user_is_refused_and_blocks_nobody(api):
    token = await api.token()
    status, reply = await api.call("PUT", "/customer-connections/stop", token, json={"authName": "nobody"})
    assert status == 404 and reply["code"] == "SESSION_MANAGER_AUTH_NAME_NOT_FOUND" and "nobody" in reply["message"]
    assert "nobody" not in api.engine.sessions.blocked_users


#: The object properties as the HORISEN session manager document types them (SmsSession, SmsSessionSupplier).
DOCUMENTED = {
    "SmsSession": "sessionID string, customer string, accountName string, accountID integer, ipAddr string, "
                  "serverAddr string, blocked boolean, sessionStart string, sessionLastTick string, authName string, "
                  "protocol string, protocolVersion string, mode string, state string, ownerId integer, "
                  "ownerBpName string, ownerBpBriefName string",
    "SmsSessionSupplier": "sessionID string, gateID integer, connID integer, instNum integer, sessionType string, "
                          "startDT string, status string, lastTickDT string, protocolVersion string, "
                          "supplier string, gateName string, connectionName string, remoteHost string, "
                          "remotePort integer, localHost string, localPort integer, gateCName string, "
                          "connectionCName string, ownerId integer, ownerBpName string, ownerBpBriefName string",
}


def _typed_as_documented(record: dict, kind: str) -> list[str]:
    """The fields of ``record`` whose JSON type differs from the document's (strings may be null)."""
    wrong = []
    fields = dict(item.split() for item in DOCUMENTED[kind].split(", "))
    assert set(record) == set(fields), set(record) ^ set(fields)
    for name, typ in fields.items():
        value = record[name]
        ok = {"integer": type(value) is int, "boolean": type(value) is bool,
              "string": value is None or type(value) is str}[typ]
        if not ok:
            wrong.append(f"{name}={value!r} (documented {typ})")
    return wrong


async def test_every_field_has_its_documented_type_for_typed_clients(api):
    api.engine.pause_gateway("Sim2")
    await api.engine.stop_gateway("Sim2")  # a stopped gateway has no connection and no times
    assert (await api.diafaan("alice", "secret"))[0] == 200
    token = await api.token()
    await api.call("PUT", "/customer-connections/stop", token, json={"authName": "alice"})
    _status, customers = await api.call("GET", "/sess-manager?all=yes", token)
    _status, suppliers = await api.call("GET", "/sess-manager-suppliers?all=yes", token)
    assert customers["data"] and len(suppliers["data"]) == 2
    assert any(r["blocked"] is True for r in customers["data"])
    for record in customers["data"]:
        assert _typed_as_documented(record, "SmsSession") == []
    for record in suppliers["data"]:
        assert _typed_as_documented(record, "SmsSessionSupplier") == []
