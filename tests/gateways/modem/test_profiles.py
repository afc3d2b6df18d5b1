"""Modem families: detection, the profile setting, and the whole gateway against each family's simulator."""

from __future__ import annotations

import pytest

from app.api.diafaan_xml import server_status
from app.gateways.base import GatewayState
from app.gateways.modem import profiles
from app.gateways.modem.profiles import detect

from .profile_run import SENDS, run_profile


@pytest.mark.parametrize("name", profiles.names())
async def test_whole_gateway_against_each_family(make_engine, tmp_path, name):
    run = await run_profile(make_engine, str(tmp_path / "modem"), name)
    assert run.problems == []
    assert run.state == "running" and run.detected == name
    assert run.resets == 0  # started at the first attempt, never reset
    assert run.sends_ok == run.reports_matched == len(SENDS)
    assert run.receives_ok == run.receives
    expected = ["+CMTI", "+CMT", "sweep"] if profiles.get(name).sms_storage else ["+CMT"]
    assert run.receives == expected


@pytest.mark.parametrize(("manufacturer", "model", "name"), [
    ("huawei", "E3131", "huawei"), ("ZTE CORPORATION", "MF626", "zte"), ("Quectel", "BG96", "quectel"),
    ("SIMCOM_Ltd", "SIMCOM_SIM900", "simcom"), ("SIMCOM INCORPORATED", "SIMCOM_SIM7600G-H", "simcom-lte"),
    ("Sierra Wireless, Incorporated", "EM7455", "sierra"), ("Telit", "LE910-EU V2", "telit"),
    ("u-blox", "LARA-L6004D", "ublox"), ("SIEMENS", "MC35i", "cinterion"), ("Cinterion", "BGS2-W", "cinterion"),
    ("WAVECOM MODEM", "MULTIBAND  900E  1800", "wavecom"), ("Nokia", "Nokia 6230i", "nokia"),
    ("Sony Ericsson", "K750", "sony-ericsson"), ("QUALCOMM INCORPORATED", "M6280", "generic"), ("", "", "generic"),
])
def test_family_is_detected_from_the_identity(manufacturer, model, name):
    assert detect(manufacturer, model).name == name


@pytest.mark.parametrize("profile", profiles.all_profiles(), ids=lambda p: p.name)
def test_each_family_recognises_the_identity_its_simulator_gives(profile):
    b = profile.behaviour
    assert detect(b.manufacturer.strip(), b.model.strip()).name == profile.name
    assert profile.source  # every family names the manual its facts come from


async def test_the_profile_setting_overrides_detection_and_is_shown(modem_engine):
    engine, sim = await modem_engine(profile="telit")
    gw = engine.gateways["M"]
    assert gw.state == GatewayState.RUNNING
    assert gw.driver.profile.name == "telit" and sim.modem.o.manufacturer == "SMS Console"
    view = engine.gateway_view(gw)
    assert view.info["profile"] == "telit (set)"
    assert b'<Info Name="profile">telit (set)</Info>' in server_status([view], {}, {}, 0, "test")


async def test_detected_profile_is_shown(modem_engine):
    engine, _ = await modem_engine({"profile": "huawei"})
    assert engine.gateway_view(engine.gateways["M"]).info["profile"] == "huawei (detected)"


async def test_a_phone_without_storage_gets_direct_delivery_and_no_storage_commands(modem_engine):
    engine, sim = await modem_engine({"profile": "nokia"})
    gw = engine.gateways["M"]
    assert gw.state == GatewayState.RUNNING and gw.driver.facts.cnmi == "2,2,0,1,0"
    assert not sim.commands_starting("AT+CPMS") and not sim.commands_starting("AT+CMGL")


@pytest.mark.parametrize("family", ["wavecom", "quectel"])
async def test_cpin_answered_without_ok_starts_at_once_without_a_reset(modem_engine, family):
    """``+CPIN: READY`` with no final OK: taken as the answer after the grace, not a 5 s timeout and a reset."""
    engine, sim = await modem_engine({"profile": family}, command_timeout=5.0)
    gw = engine.gateways["M"]
    assert gw.state == GatewayState.RUNNING and gw.reconnects == 0
    assert sim.commands_starting("AT+CPIN?") == ["AT+CPIN?"] and sim.commands_starting("ATZ") == ["ATZ"]
    assert gw.channel.graced == 1
    assert "(no final result: the information response is the answer)" in [
        t.text for t in engine.gateway_traffic("M")]



@pytest.mark.parametrize(("setting", "tried"), [
    ("auto", ["AT+CNMI=2,1,0,1,0"]),  # SIM800 takes <ds> 0 or 1 only: its profile starts with +CDS reports
    ("generic", ["AT+CNMI=2,1,0,2,0", "AT+CNMI=2,1,0,1,0"]),  # the generic order meets a refusal first
])
async def test_a_detected_family_gets_its_own_cnmi_order(modem_engine, setting, tried):
    engine, sim = await modem_engine({"profile": "simcom"}, profile=setting)
    gw = engine.gateways["M"]
    assert sim.commands_starting("AT+CNMI=") == tried and gw.driver.facts.cnmi == "2,1,0,1,0"
    assert gw.driver.facts.report_storage is False
