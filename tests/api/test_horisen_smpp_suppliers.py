"""An SMPP gateway's binds in the HORISEN session manager over real HTTP: a transmitter and a receiver are
two supplier sessions, and PUT /supplier-gates/restart binds both again."""

from __future__ import annotations

import aiohttp

from app.api.horisen import BASE, PRIVILEGES
from app.gateways.base import GatewayState
from tests.engine.consoles import until
from tests.gateways.fake_smsc import FakeSmsc


async def test_binds_are_supplier_sessions_and_restart_binds_again(start_api, make_engine, make_user):
    smsc = await FakeSmsc().start()
    engine = make_engine()
    make_user(engine, "ops", "opspw", privileges=PRIVILEGES)
    server = await start_api(engine, front_ends=("app.api.horisen",), gateways={"Up": ("smpp", {
        "host": "127.0.0.1", "port": smsc.port, "system_id": "esme", "password": "pw",
        "bind_mode": "transmitter+receiver", "reconnect_backoff": 0.05})})
    gw = engine.gateway("Up")
    try:
        await until(lambda: gw.state == GatewayState.RUNNING, "the binds")
        async with aiohttp.ClientSession(base_url=server.url) as http:
            r = await http.post("/oauth2/access-token", data={"grant_type": "client_credentials",
                                                              "client_id": "ops", "client_secret": "opspw"})
            auth = {"Authorization": f"Bearer {(await r.json())['access_token']}"}
            r = await http.get(BASE + "/sess-manager-suppliers?sort=connID", headers=auth)
            rows = (await r.json())["data"]
            assert [(x["gateName"], x["connID"], x["sessionType"], x["protocolVersion"]) for x in rows] == [
                ("Up", 1, "smpp", "SMPP 3.4"), ("Up", 2, "smpp", "SMPP 3.4")]
            assert [x["connectionName"] for x in rows] == [f"127.0.0.1:{smsc.port} (transmitter)",
                                                           f"127.0.0.1:{smsc.port} (receiver)"]
            assert all(x["remotePort"] == smsc.port and x["status"] == "running" for x in rows)
            r = await http.put(BASE + "/supplier-gates/restart", headers=auth, json={"cName": "Up"})
            assert r.status == 201
        await until(lambda: len(smsc.binds) == 4 and gw.state == GatewayState.RUNNING, "bound again")
        assert [b[0] for b in smsc.binds] == ["transmitter", "receiver"] * 2
    finally:
        await smsc.stop()
