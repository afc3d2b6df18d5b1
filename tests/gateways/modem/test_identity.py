"""Stable identity over real ptys: the modem found again by IMEI, a changed SIM shown and held."""

from __future__ import annotations

from app.engine import events as ev
from app.engine.requests import EngineError, OutboundRequest
from app.gateways.modem.serial_port import close_port, open_port
from app.store import models as m

import pytest

from .conftest import until, until_state, until_status

IMEI, IMSI = "356938035643809", "262019876543210"


def queue(engine, text, to="+4917612345678"):
    [msg] = engine.queue_messages([OutboundRequest([to], text)]).accepted
    return msg


def notes(gw) -> list[str]:
    return [t.text for t in gw.traffic if t.direction == "info"]


async def test_the_modem_and_sim_are_remembered_in_the_store(modem_engine):
    engine, sim = await modem_engine()
    assert await engine.recall_gateway_facts("M") == {"imei": IMEI, "imsi": IMSI}
    info = engine.gateway_view(engine.gateways["M"]).info
    assert info["imei"] == IMEI and info["imsi"] == IMSI
    assert f"identity: remembered IMEI {IMEI}, IMSI {IMSI}" in notes(engine.gateways["M"])
    await engine.remove_gateway("M")
    assert await engine.recall_gateway_facts("M") == {}


async def test_a_port_renamed_while_the_modem_was_away_is_found_by_imei(modem_engine, make_sim, tmp_path):
    engine, sim = await modem_engine(find_in=f"{tmp_path}/*")
    gw = engine.gateways["M"]
    decoy = await make_sim("decoy", imei="490154203237518")  # another modem, answering AT
    diag = await make_sim("stick-if00")  # an interface of a stick that is not its AT interface: silent
    diag.hang()
    held = await make_sim("held", imei=IMEI)  # claims the IMEI, but another program holds its port
    holder = open_port(held.link)
    try:
        await sim.vanish()
        await until_state(engine, "M", "disconnected")
        renamed = str(tmp_path / "modem-renamed")
        await sim.come_back(link=renamed)
        await until_state(engine, "M", "running")
    finally:
        close_port(holder)
    info = engine.gateway_view(gw).info
    assert info["port"] == renamed and info["configured_port"] == str(tmp_path / "modem")
    assert any(line.endswith(f"found the modem with IMEI {IMEI} at {renamed} (was {tmp_path / 'modem'})")
               for line in notes(gw))
    assert held.modem.commands == []  # a port another program holds is never touched
    assert decoy.commands_starting("AT+CGSN") and not decoy.commands_starting("AT+CNMI")  # probed, not set up
    msg = queue(engine, "through the renamed port")
    await until_status(engine, msg.id, m.SENT)
    assert [p.text for p in sim.modem.sent] == ["through the renamed port"]


async def test_a_different_sim_is_shown_and_nothing_is_sent_until_it_is_accepted(modem_engine):
    engine, sim = await modem_engine()
    gw = engine.gateways["M"]
    alerts: list[ev.GatewayAlert] = []
    engine.events.subscribe(lambda e: isinstance(e, ev.GatewayAlert) and alerts.append(e))
    sim.options.imsi = "262011111111111"
    await sim.replug()  # a SIM is swapped with the modem unplugged
    await until_state(engine, "M", "SIM changed")
    assert gw.state_reason == (f"SIM changed: was IMSI {IMSI}, now 262011111111111; nothing is sent until the "
                               "operator accepts it")
    assert engine.gateway_view(gw).info["sim_changed"] == f"was IMSI {IMSI}, now 262011111111111 (not accepted yet)"
    assert [a.text for a in alerts] == [f"M: SIM changed (was IMSI {IMSI}, now 262011111111111); nothing is sent "
                                        "until you accept it (Gateways tab: Accept modem/SIM)"]
    msg = queue(engine, "held back")
    engine.dispatcher.tick()
    await until(engine, lambda: "M is SIM changed" in engine.message(msg.id).reason)
    assert engine.message(msg.id).status == m.QUEUED and sim.modem.sent == []
    sim.receive("+4917600000009", "still received")  # receiving goes on: nothing the new SIM gets is lost
    await until(engine, lambda: gw.counters.received == 1)
    assert await engine.accept_modem_identity("M") == "SIM 262011111111111"
    await until_status(engine, msg.id, m.SENT)
    assert await engine.recall_gateway_facts("M") == {"imei": IMEI, "imsi": "262011111111111"}
    with pytest.raises(EngineError, match="no new modem or SIM to accept"):
        await engine.accept_modem_identity("M")


async def test_a_changed_sim_is_still_held_after_a_restart(modem_engine):
    engine, sim = await modem_engine()
    await engine.stop_gateway("M")
    sim.options.imsi = "262012222222222"
    await engine.start_gateway("M")
    assert engine.gateways["M"].state.value == "SIM changed"


async def test_another_modem_on_the_port_is_not_taken_until_accepted(modem_engine):
    engine, sim = await modem_engine()
    gw = engine.gateways["M"]
    await engine.stop_gateway("M")
    before = len(sim.modem.commands)
    sim.options.imei = "490154203237518"  # another modem in the same socket; this gateway's is nowhere
    await engine.start_gateway("M")
    await until_state(engine, "M", "disconnected")
    assert gw.state_reason.startswith(f"{sim.link} has another modem (IMEI 490154203237518), not this gateway's "
                                      f"(IMEI {IMEI})")
    assert engine.gateway_view(gw).info["other_modem"] == (f"{sim.link} has IMEI 490154203237518; looking for "
                                                           f"IMEI {IMEI}")
    # asked for its IMEI only: no start-up, no PIN to its SIM, no reading of messages that are not this gateway's
    assert {c for c in sim.modem.commands[before:]} == {"AT", "AT+CGSN"}
    assert await engine.accept_modem_identity("M") == "modem 490154203237518"
    await until_state(engine, "M", "running")
    assert await engine.recall_gateway_facts("M") == {"imei": "490154203237518", "imsi": IMSI}


async def test_another_modem_on_the_configured_port_and_this_one_elsewhere(modem_engine, make_sim, tmp_path):
    engine, sim = await modem_engine(find_in=f"{tmp_path}/*")
    gw = engine.gateways["M"]
    await sim.vanish()
    await until_state(engine, "M", "disconnected")
    intruder = await make_sim("modem", imei="490154203237518")  # plugged into this modem's socket
    await until(engine, lambda: "has another modem (IMEI 490154203237518)" in gw.state_reason)
    moved = str(tmp_path / "elsewhere")
    await sim.come_back(link=moved)  # this modem, in another socket
    await until_state(engine, "M", "running")
    assert gw.info()["port"] == moved and "other_modem" not in gw.info()
    assert set(intruder.modem.commands) == {"AT", "AT+CGSN"}  # asked who it is, nothing else
    msg = queue(engine, "through the moved modem")
    await until_status(engine, msg.id, m.SENT)
    assert [p.text for p in sim.modem.sent] == ["through the moved modem"] and intruder.modem.sent == []
