"""Start-up of the modem gateway against the simulator: PIN, PUK, SIM busy, CNMI fallbacks, identity."""

from __future__ import annotations

import pytest

from app.gateways.base import GatewayState

from .conftest import until_state


async def test_start_up_sequence_identity_and_signal(modem_engine):
    engine, sim = await modem_engine()
    gw = engine.gateways["M"]
    assert gw.state == GatewayState.RUNNING
    # echo on at power-up is switched off; verbose errors; PDU mode; indications; storage
    for command in ("ATE0", "AT+CMEE=1", "AT+CMGF=0", 'AT+CPMS="SM","SM","SM"', "AT+CNMI=2,1,0,2,0", "AT+CREG?"):
        assert command in sim.modem.commands
    assert sim.modem.echo is False
    view = engine.gateway_view(gw)
    assert view.info["model"] == "SMS Console Simulated modem"
    assert view.info["imei"] == "356938035643809"
    assert view.info["operator"] == "Simulated Network"
    assert view.info["signal_dbm"] == -113 + 2 * 21 and view.info["signal_bars"] == 4
    assert gw.driver.facts.imsi == "262019876543210"


@pytest.mark.parametrize("options", [{"echo": False}, {"line_end": "\r\r\n"}, {"noise": True}])
async def test_start_up_with_dialect_quirks(modem_engine, options):
    engine, _ = await modem_engine(options)
    assert engine.gateways["M"].state == GatewayState.RUNNING


@pytest.mark.parametrize("code", [14, 515])
async def test_sim_busy_is_retried_with_backoff(modem_engine, code):
    engine, sim = await modem_engine({"sim_busy": 3, "sim_busy_code": code})
    assert engine.gateways["M"].state == GatewayState.RUNNING
    assert sim.commands_starting("AT+CPIN?")[:4] == ["AT+CPIN?"] * 4


async def test_configured_pin_is_entered(modem_engine):
    engine, sim = await modem_engine({"pin": "7913"}, pin="7913")
    assert engine.gateways["M"].state == GatewayState.RUNNING
    assert sim.commands_starting("AT+CPIN=") == ['AT+CPIN="7913"']
    # the Gateways tab's traffic log shows the start-up dialogue, without the PIN
    shown = [t.text for t in engine.gateway_traffic("M")]
    assert "AT+CPIN=<hidden>" in shown and "AT+CMGF=0" in shown
    assert not [text for text in shown if "7913" in text]


async def test_missing_pin_shows_pin_required(modem_engine):
    engine, sim = await modem_engine({"pin": "4321"})
    gw = engine.gateways["M"]
    assert gw.state == GatewayState.PIN_REQUIRED and "pin" in gw.state_reason
    assert sim.commands_starting("AT+CPIN=") == []


async def test_a_refused_pin_is_never_tried_again(modem_engine):
    engine, sim = await modem_engine({"pin": "4321"}, pin="1111")
    gw = engine.gateways["M"]
    assert gw.state == GatewayState.PIN_REQUIRED and "refused" in gw.state_reason
    await engine.restart_gateway("M")
    await engine.restart_gateway("M")
    assert gw.state == GatewayState.PIN_REQUIRED and "not tried again" in gw.state_reason
    assert sim.commands_starting("AT+CPIN=") == ['AT+CPIN="1111"']
    assert sim.modem.pin_tries == 2


async def test_puk_required(modem_engine):
    engine, sim = await modem_engine({"pin": "4321"}, start=False)
    sim.modem.pin_state = "SIM PUK"
    await engine.start()
    gw = engine.gateways["M"]
    assert gw.state == GatewayState.PUK_REQUIRED and "PUK" in gw.state_reason
    assert engine.gateway_view(gw).state == "PUK required"


async def test_cnmi_falls_back_to_a_variant_the_modem_accepts(modem_engine):
    engine, sim = await modem_engine({"cnmi_accepted": ("1,1",)})
    assert engine.gateways["M"].driver.facts.cnmi == "1,1"
    tried = sim.commands_starting("AT+CNMI=")
    assert tried[0] == "AT+CNMI=2,1,0,2,0" and tried[-1] == "AT+CNMI=1,1"


async def test_no_indications_at_all_still_runs_and_sweeps(modem_engine):
    engine, sim = await modem_engine({"cnmi_accepted": ("9",)}, sweep_seconds=0.5)
    gw = engine.gateways["M"]
    assert gw.state == GatewayState.RUNNING and gw.driver.facts.cnmi == ""
    sim.receive("+4917011111", "found by the sweep")
    await sim.wait_for_command("AT+CMGD")
    [msg] = engine.list_messages("in")
    assert msg.text == "found by the sweep"


async def test_registration_is_awaited(modem_engine):
    engine, sim = await modem_engine({"registration_delay": 0.5})
    assert engine.gateways["M"].state == GatewayState.RUNNING
    assert len(sim.commands_starting("AT+CREG?")) >= 2


async def test_no_registration_is_an_error_retried_later(modem_engine):
    engine, sim = await modem_engine({"registration_delay": 3600}, registration_timeout=0.3)
    gw = engine.gateways["M"]
    assert gw.state == GatewayState.ERROR and "register" in gw.state_reason
    sim.options.registration_delay = 0
    await until_state(engine, "M", "running")
