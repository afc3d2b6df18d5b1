"""Diafaan send-server-command over real HTTP: admin only, disabled by default,
each command acting on the engine, properties validated before storing."""

from __future__ import annotations

import asyncio
import base64
import json
import xml.etree.ElementTree as ET

import aiohttp
import pytest
from sqlmodel import select

from app.engine.events import GatewayStateChanged
from app.store.models import GatewayRecord
from tests.conftest import next_event

FRONT = ("app.api.diafaan",)


@pytest.fixture
async def api(start_api, make_engine, make_user):
    engine = make_engine()
    make_user(engine, "root", "toor", admin=True)
    make_user(engine, "alice", "secret")
    server = await start_api(engine, front_ends=FRONT)
    engine.set_setting("send_server_command_enabled", True)
    async with aiohttp.ClientSession(base_url=server.url) as http:
        async def call(path="send-server-command", **params):
            params = {k.replace("_", "-"): v for k, v in params.items()}
            params.setdefault("username", "root")
            params.setdefault("password", "toor")
            r = await http.get(f"/http/{path}", params=params)
            return r.status, await r.text()

        call.engine = engine
        yield call


def stored_settings(engine, name="Sim"):
    with engine.db.session() as s:
        return json.loads(s.exec(select(GatewayRecord).where(GatewayRecord.name == name)).one().settings)


async def test_disabled_by_default_and_admin_only(api):
    api.engine.set_setting("send_server_command_enabled", False)
    text = (await api(command="stop-gateway"))[1]
    assert text.startswith("ERROR:307 Operation not allowed") and "disabled" in text
    api.engine.set_setting("send_server_command_enabled", True)
    text = (await api(command="stop-gateway", username="alice", password="secret"))[1]
    assert text.startswith("ERROR:307 ") and "administrators" in text
    assert (await api(command="stop-gateway", password="x"))[1].startswith("ERROR:304 ")
    assert (await api(command="launch-rockets"))[1].startswith("ERROR:306 ")
    assert (await api())[1].startswith("ERROR:306 ")
    assert api.engine.gateway("Sim").state.value == "running"


async def test_gateway_commands_act_on_the_engine(api):
    assert (await api(command="pause-sending", gateway="Sim"))[1] == "OK: paused sending of Sim"
    assert api.engine.gateway("Sim").state.value == "paused"
    assert (await api(command="resume-sending"))[1] == "OK: resumed sending of Sim"
    assert api.engine.gateway("Sim").state.value == "running"
    assert (await api(command="stop-gateway", gateway="Sim"))[1] == "OK: stopped Sim"
    assert api.engine.gateway("Sim").state.value == "stopped"
    assert (await api(command="start-gateway"))[1] == "OK: started Sim"
    assert api.engine.gateway("Sim").state.value == "running"
    started = asyncio.ensure_future(next_event(
        api.engine, lambda e: isinstance(e, GatewayStateChanged) and e.gateway.state == "stopping"))
    await asyncio.sleep(0)
    assert (await api(command="restart-gateway", gateway="Sim"))[1] == "OK: restarted Sim"
    await started
    assert api.engine.gateway("Sim").state.value == "running"
    text = (await api(command="stop-gateway", gateway="Sim;Ghost"))[1].split("\r\n")
    assert text[0] == "OK: stopped Sim" and text[1].startswith("ERROR:307 ") and "Ghost" in text[1]
    # the simulator has no send limit
    assert (await api(command="reset-send-limit", gateway="Sim"))[1].startswith("ERROR:307 ")
    assert (await api(command="reset-send-limit"))[1].startswith("ERROR:307 ")


async def test_set_gateway_property_validates_before_storing(api):
    assert (await api(command="set-gateway-property", gateway="Sim", property="send_delay", value="0.5"))[1] == \
        "OK: send_delay set for Sim"
    assert stored_settings(api.engine)["send_delay"] == 0.5
    gw = api.engine.gateway("Sim")
    assert gw.settings["send_delay"] == 0.5 and gw.state.value == "running"
    for prop, value in (("send_delay", "slow"), ("send_delay", "-1"), ("failure_rate", "2"),
                        ("send_delay", "nan"), ("send_delay", "inf"), ("send_delay", "-inf"),
                        ("failure_rate", "NaN"), ("send_delay", "1e309"), ("colour", "red"), ("name", "Other")):
        text = (await api(command="set-gateway-property", gateway="Sim", property=prop, value=value))[1]
        assert text.startswith("ERROR:307 "), (prop, value, text)
    assert stored_settings(api.engine) == {"send_delay": 0.5, "report_delay": 0.0}
    assert (await api(command="set-gateway-property", gateway="Sim", property="send_delay"))[1].startswith(
        "ERROR:306 ")
    text = (await api(command="set-gateway-property", gateway="Sim", property="enabled", value="0", reload="0"))[1]
    assert text == "OK: enabled set for Sim"
    with api.engine.db.session() as s:
        assert s.exec(select(GatewayRecord).where(GatewayRecord.name == "Sim")).one().enabled is False


async def test_set_settings_property_validates_before_storing(api):
    assert (await api(command="set-settings-property", property="max_attempts", value="7"))[1] == \
        "OK: max_attempts set"
    assert api.engine.settings["max_attempts"] == 7
    for prop, value in (("max_attempts", "0"), ("max_attempts", "lots"), ("interrupted_rule", "panic"),
                        ("LogEventsToEmail", "1"), ("retry_base_seconds", "nan"), ("retry_base_seconds", "inf"),
                        ("retry_max_seconds", "-inf"), ("retry_base_seconds", "1e309"), ("max_attempts", "²"),
                        ("default_country", "Germany"), ("default_country", "+49"), ("default_country", "0049"),
                        ("default_country", "1234")):
        assert (await api(command="set-settings-property", property=prop, value=value))[1].startswith("ERROR:307 ")
    assert api.engine.settings["max_attempts"] == 7
    assert api.engine.settings["retry_base_seconds"] == 5.0 and api.engine.settings["default_country"] == ""
    assert (await api(command="set-settings-property", property="default_country", value="41"))[1] == \
        "OK: default_country set"


async def test_connectors_stop_refuse_their_clients_and_start_again(api):
    send = {"path": "send-message", "username": "alice", "password": "secret", "to": "+491701234567",
            "message": "x"}
    assert (await api(**send))[1].startswith("OK: ")
    assert (await api(command="stop-connector", connector="diafaan"))[1] == "OK: stopped diafaan"
    status, text = await api(**send)
    assert status == 503 and text.startswith("ERROR:307 ") and "stopped" in text
    assert not [s for s in api.engine.sessions.customers.values()
                if s.protocol == "diafaan" and s.user == "alice" and s.state == "open"]
    assert (await api(command="start-connector", connector="Diafaan"))[1] == "OK: started diafaan"
    assert (await api(**send))[1].startswith("OK: ")
    assert (await api(command="restart-connector", connector="diafaan"))[1] == "OK: restarted diafaan"
    assert (await api(command="stop-connector", connector="smtp"))[1].startswith("ERROR:307 ")
    # a connector property does the same, and bad ones are refused
    assert (await api(command="set-connector-property", connector="diafaan", property="enabled",
                      value="0"))[1] == "OK: enabled set for diafaan"
    assert (await api(**send))[0] == 503
    assert (await api(command="set-connector-property", connector="diafaan", property="enabled",
                      value="1"))[1].startswith("OK: ")
    assert (await api(command="set-connector-property", property="SMSOut.Enabled", value="0"))[1].startswith(
        "ERROR:307 ")


async def test_routing_property_closes_a_gateway_for_a_connector(api):
    text = (await api(command="set-routing-property", connector="diafaan", gateway="Sim", property="send",
                      value="0"))[1]
    assert text == "OK: send set for diafaan via Sim"
    send = {"path": "send-message", "username": "alice", "password": "secret", "to": "+491701234567",
            "message": "x"}
    assert (await api(**send))[1].startswith("ERROR:311 ")
    assert (await api(command="set-routing-property", connector="diafaan", gateway="Sim", property="send",
                      value="maybe"))[1].startswith("ERROR:307 ")
    await api(command="set-routing-property", connector="diafaan", gateway="Sim", property="send", value="1")
    assert (await api(**send))[1].startswith("OK: ")
    await api(command="set-routing-property", connector="diafaan", gateway="Sim", property="receive", value="0")
    api.engine.simulate_incoming("Sim", text="hidden")
    body = (await api(path="request-received-messages"))[1]
    assert ET.fromstring(body.encode()).get("Count") == "0"
    # routing survives a restart of the engine's store view
    api.engine.connectors.routing.clear()
    api.engine.connectors.load()
    assert api.engine.connectors.route("diafaan", "Sim") == {"send": True, "receive": False}


async def test_configuration_and_settings_xml(api):
    root = ET.fromstring((await api(command="get-server-configuration"))[1].encode())
    gw = root.find("./Gateways/Gateway[@Name='Sim']")
    props = {p.get("Name"): p.text for p in gw.findall("Property")}
    assert props["send_delay"] == "0.0" and props["enabled"] == "1" and "name" not in props
    assert [c.get("Name") for c in root.findall("./Connectors/Connector")] == ["diafaan", "retarus", "horisen"]
    root = ET.fromstring((await api(command="get-server-settings"))[1].encode())
    settings = {p.get("Name"): p.text for p in root.findall("Property")}
    assert settings["send_server_command_enabled"] == "1" and settings["max_attempts"] == "5"


async def test_stopping_the_retarus_connector_refuses_its_clients(start_api, make_engine, make_user):
    engine = make_engine()
    make_user(engine, "root", "toor", admin=True)
    server = await start_api(engine, front_ends=("app.api.retarus", "app.api.diafaan"))
    engine.set_setting("send_server_command_enabled", True)
    auth = "Basic " + base64.b64encode(b"root:toor").decode()
    async with aiohttp.ClientSession(base_url=server.url) as http:
        async def command(name):
            r = await http.get("/http/send-server-command", params={"username": "root", "password": "toor",
                                                                    "command": name, "connector": "retarus"})
            return await r.text()

        assert (await http.get("/rest/v1/version", headers={"Authorization": auth})).status == 200
        assert await command("stop-connector") == "OK: stopped retarus"
        r = await http.get("/rest/v1/version", headers={"Authorization": auth})
        assert r.status == 503 and "stopped" in (await r.json())["message"]
        assert await command("start-connector") == "OK: started retarus"
        assert (await http.get("/rest/v1/version", headers={"Authorization": auth})).status == 200


async def test_accept_modem_takes_a_changed_sim(api, tmp_path):
    from app.gateways.modem.sim_dialect import SimOptions
    from app.gateways.modem.simulator import ModemSimulator

    sim = ModemSimulator(SimOptions(), link=str(tmp_path / "modem"))
    await sim.start()
    engine = api.engine
    try:
        engine.add_gateway("M", "modem", {"port": sim.link, "command_timeout": 1.0, "registration_timeout": 2.0})
        await engine.start_gateway("M")
        nothing = "ERROR:307 Operation not allowed: there is no gateway to apply this to"
        assert (await api(command="accept-modem"))[1] == nothing  # no modem has a new SIM
        await engine.stop_gateway("M")
        sim.options.imsi = "262013333333333"
        await engine.start_gateway("M")
        assert engine.gateway("M").state.value == "SIM changed"
        assert (await api(command="accept-modem"))[1] == "OK: accepted the new SIM or modem of M"
        assert engine.gateway("M").state.value == "running"
        assert (await api(command="accept-modem", gateway="Sim"))[1].endswith("gateway 'Sim' is not a modem")
    finally:
        await engine.stop_gateway("M")
        await sim.stop()
