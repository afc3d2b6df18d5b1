"""The served APIs never touch the store on the event loop's thread: every request's store work runs in
the engine's store lane. The store's loop guard (SMSCONSOLE_STRICT_LOOP=1) records and refuses any store
connection taken on the loop's thread while the three APIs are used as clients use them, with the
gateway sending and reporting meanwhile."""

from __future__ import annotations

import base64

import aiohttp
import pytest

from app.store import loop_guard

from .conftest import FAST_SIM


@pytest.fixture
def strict(monkeypatch):
    """Turns the guard on (from the moment it is called) and clears what it recorded before and after."""
    loop_guard.violations.clear()
    yield lambda: monkeypatch.setenv("SMSCONSOLE_STRICT_LOOP", "1")
    loop_guard.violations.clear()


async def test_requests_of_every_api_keep_the_store_off_the_loop(strict, start_api, make_engine, make_user):
    engine = make_engine()
    name, password = make_user(engine, "alice", "secret", admin=True)
    for gw, (kind, settings) in FAST_SIM.items():
        engine.add_gateway(gw, kind, settings)
    engine.set_setting("default_country", "49")
    server = await start_api(engine, gateways={})  # set up before: the guard watches the requests only
    strict()
    login = {"username": name, "password": password}
    async with aiohttp.ClientSession(base_url=server.url) as http:
        uids = []
        for i in range(5):
            r = await http.post("/http/send-message", data={**login, "to": f"+4917012345{i:02d}", "message": "hi"})
            text = await r.text()
            assert text.startswith("OK: "), text
            uids.append(text[4:].strip())
        for uid in uids:
            r = await http.get("/http/request-status-update", params={**login, "message-id": uid})
            assert (await r.text()).startswith("STATUS:")
        r = await http.get("/http/remove-queued-message", params={**login, "message-id": uids[0]})
        assert r.status == 200
        engine.simulate_incoming("Sim", sender="+4917099999999", text="a reply")  # stored in the store lane
        await engine.outbox.settle()
        for command in ("request-server-status", "request-received-messages"):
            r = await http.get(f"/http/{command}", params=login)
            body = await r.text()
            assert r.status == 200 and "<" in body
        assert "a reply" in body
        auth = {"Authorization": "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()}
        r = await http.post("/rest/v1/jobs", headers=auth, json={"messages": [{"text": "hello", "recipients": [
            {"dst": "+4917012345678"}]}]})
        assert r.status == 201, await r.text()
        job = (await r.json())["jobId"]
        for path in (f"/rest/v1/jobs/{job}", f"/rest/v1/sms?jobId={job}", "/rest/v1/jobs?jobIdsOnly=true"):
            r = await http.get(path, headers=auth)
            assert r.status == 200, (path, await r.text())
        r = await http.post("/oauth2/access-token", data={"grant_type": "client_credentials", "client_id": name,
                                                          "client_secret": password})
        token = (await r.json())["access_token"]
        bearer = {"Authorization": f"Bearer {token}"}
        for path in ("sess-manager", "sess-manager-suppliers"):
            r = await http.get(f"/bulk/sms-session-manager/v1/{path}", headers=bearer)
            assert r.status == 200
        make_user_later = await engine.in_lane(make_user, engine, "bob", "pw")
        r = await http.put("/bulk/sms-session-manager/v1/customer-connections/stop", headers=bearer,
                           json={"authName": make_user_later[0]})
        assert r.status == 201
    await engine.outbox.settle()
    assert loop_guard.violations == []


def test_the_guard_refuses_a_store_access_on_the_loop(strict, make_engine, monkeypatch):
    import asyncio

    engine = make_engine()
    strict()
    monkeypatch.setattr(loop_guard, "exempt", None)  # the suite's rule for a test's own calls: off here

    async def on_the_loop():
        with pytest.raises(loop_guard.LoopStoreAccess, match="store lane"):
            engine.queue_length()
        assert await engine.in_lane(engine.queue_length) == 0  # the same in the store lane

    asyncio.run(on_the_loop())
    assert loop_guard.violations and "queue_length" in loop_guard.violations[0]
