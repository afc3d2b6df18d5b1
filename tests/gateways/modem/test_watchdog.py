"""The watchdog over real ptys: probe, the modem's own reset, a USB reset, reopen; the down alert."""

from __future__ import annotations

import asyncio
import errno
import functools
import os

from app.api.diafaan_xml import server_status
from app.engine import events as ev
from app.engine.requests import OutboundRequest
from app.gateways.modem.usb_reset import USBDEVFS_RESET, reset_usb
from app.gateways.modem.profiles import detect
from app.store import models as m

from .conftest import fake_tree, until, until_state, until_status

#: A hang is noticed within half a second and each step is short.
WATCHED = {"keepalive_seconds": 0.2, "command_timeout": 0.3, "reset_wait_seconds": 0.3,
           "reconnect_max_seconds": 0.5}


def queue(engine, text, to="+4917612345678"):
    [msg] = engine.queue_messages([OutboundRequest([to], text)]).accepted
    return msg


def notes(gw) -> list[str]:
    return [t.text for t in gw.traffic if t.direction == "info"]


def fake_usb(tmp_path, sim, ioctl):
    """The gateway's USB reset, pointed at a fake sysfs tree that holds the simulator's pty."""
    sysfs, dev, _ = fake_tree(tmp_path / "usb", tty=os.path.basename(os.path.realpath(sim.link)))
    return functools.partial(reset_usb, sysfs=sysfs, dev=dev, ioctl=ioctl), f"{dev}/bus/usb/001/007"


def test_reset_command_follows_the_family():
    assert detect("Sierra Wireless, Incorporated", "MC7455").reset == "AT!RESET"
    assert detect("Telit", "LE910C1-EU").reset == "AT#REBOOT"
    assert detect("u-blox", "SARA-U201").reset == "AT+CFUN=16"
    assert detect("huawei", "E3372").reset == detect("", "").reset == "AT+CFUN=1,1"


async def test_hung_modem_is_revived_by_its_own_reset_and_sends_again(modem_engine):
    engine, sim = await modem_engine(**WATCHED)
    gw = engine.gateways["M"]
    inits = len(sim.commands_starting("AT+CMGF=0"))
    sim.hang(reset_cures=True)  # deaf to everything but AT+CFUN=1,1
    await until(engine, lambda: gw.watchdog.step == "modem reset")
    assert engine.gateway_view(gw).info["watchdog"] == "modem reset (round 1)"
    status = server_status(engine.gateway_views(), {}, {}, 0, "test").decode()  # Diafaan request-server-status
    assert '<Info Name="watchdog">modem reset (round 1)</Info>' in status
    assert gw.state.value == "error" and gw.state_reason.startswith("the modem stopped answering (AT got no answer")
    assert gw.state_reason.endswith("; watchdog: restarting the modem with AT+CFUN=1,1")
    await until_state(engine, "M", "running")
    assert sim.modem.resets == 1 and len(sim.commands_starting("AT+CMGF=0")) == inits + 1
    lines = notes(gw)
    steps = [line for line in lines if line.startswith("watchdog: ")]
    assert steps[0].startswith("watchdog: taking over: the modem stopped answering (AT got no answer")
    assert steps[1:5] == ["watchdog: probe (round 1): probing with AT", "watchdog: no answer to AT (2 tries)",
                          "watchdog: modem reset (round 1): restarting the modem with AT+CFUN=1,1",
                          "watchdog: AT+CFUN=1,1: answered OK"]
    assert steps[5].startswith("watchdog: the modem answers again: back after ") and steps[5].endswith(
        " s by modem reset (round 1)")
    info = engine.gateway_view(gw).info
    assert info["revivals"] == 1 and "by modem reset" in info["last_revival"] and "watchdog" not in info
    msg = queue(engine, "after the reset")
    await until_status(engine, msg.id, m.SENT)
    assert [p.text for p in sim.modem.sent] == ["after the reset"]


async def test_the_family_reset_is_sent_to_its_modem_and_the_setting_wins(modem_engine):
    engine, sim = await modem_engine({"manufacturer": "Telit"}, **WATCHED)
    sim.hang(reset_cures=True)
    await until_state(engine, "M", "error")
    await until_state(engine, "M", "running")
    assert sim.commands_starting("AT#REBOOT") and not sim.commands_starting("AT+CFUN")
    await engine.set_gateway_property("M", "reset_command", "AT+CFUN=16")
    await until_state(engine, "M", "running")
    sim.hang(reset_cures=True)
    await until_state(engine, "M", "error")
    await until_state(engine, "M", "running")
    assert len(sim.commands_starting("AT#REBOOT")) == 1 and sim.commands_starting("AT+CFUN=16")


async def test_when_the_modems_reset_does_not_help_its_usb_device_is_reset(modem_engine, tmp_path):
    engine, sim = await modem_engine(**WATCHED)
    gw = engine.gateways["M"]
    loop = asyncio.get_running_loop()
    asked = []

    def replug(fd, request, arg):  # in a worker thread, as the real ioctl; the device re-enumerates
        asked.append(request)
        asyncio.run_coroutine_threadsafe(sim.replug(), loop).result(5)

    gw.usb_reset, node = fake_usb(tmp_path, sim, replug)
    sim.hang()  # answers nothing, not even its reset command
    await until_state(engine, "M", "error")
    await until_state(engine, "M", "running")
    assert asked == [USBDEVFS_RESET] and sim.modem.resets == 0
    lines = notes(gw)
    assert "watchdog: AT+CFUN=1,1: no answer" in lines
    assert "watchdog: no answer within 0.3 s" in lines
    assert f"watchdog: USB reset (round 1): resetting the USB device of {sim.link}" in lines
    assert f"watchdog: USB device {node} reset" in lines
    assert lines[-1].endswith(" s by USB reset (round 1)")
    msg = queue(engine, "after the USB reset")
    await until_status(engine, msg.id, m.SENT)


async def test_a_refused_usb_reset_is_said_in_words_and_the_port_is_reopened(modem_engine, tmp_path):
    engine, sim = await modem_engine(**WATCHED)
    gw = engine.gateways["M"]
    loop = asyncio.get_running_loop()
    refused = loop.create_future()

    def refuse(fd, request, arg):
        loop.call_soon_threadsafe(refused.set_result, None)
        raise PermissionError(errno.EPERM, "Operation not permitted")

    gw.usb_reset, node = fake_usb(tmp_path, sim, refuse)
    sim.hang()
    await until_state(engine, "M", "error")
    await refused
    sim.hang(False)  # the modem answers again, once its port is reopened
    await until_state(engine, "M", "running")
    lines = notes(gw)
    assert (f"watchdog: USB reset not permitted: the kernel refused to reset {node} (Operation not permitted)"
            in lines)
    assert lines[-1].endswith(" s by reopen (round 1)")
    assert "by reopen" in engine.gateway_view(gw).info["last_revival"]


async def test_a_modem_that_answers_nothing_keeps_its_task_and_loses_no_message(modem_engine):
    engine, sim = await modem_engine(**WATCHED)
    gw = engine.gateways["M"]
    sim.hang()
    await until_state(engine, "M", "error")
    waiting = [queue(engine, f"waits {i}", to=f"+491761234560{i}") for i in range(3)]
    await until(engine, lambda: gw.watchdog.round >= 2, timeout=15)
    assert not gw._supervisor.done()
    assert all(engine.message(msg.id).status == m.QUEUED for msg in waiting)
    lines = notes(gw)
    assert f"watchdog: no USB reset: {sim.link} is not a USB device (no USB node found in sysfs)" in lines
    assert "watchdog: waiting (round 1): nothing helped in round 1; trying again in 0.5 s" in lines
    sim.hang(False)
    for msg in waiting:
        await until_status(engine, msg.id, m.SENT)
    assert sorted(p.text for p in sim.modem.sent) == ["waits 0", "waits 1", "waits 2"]


async def test_operator_is_alerted_when_the_modem_is_down_longer_than_the_setting(modem_engine):
    engine, sim = await modem_engine(down_alert_seconds=0.3)
    gw = engine.gateways["M"]
    alerts: list[ev.GatewayAlert] = []
    engine.events.subscribe(lambda e: isinstance(e, ev.GatewayAlert) and alerts.append(e))
    await sim.vanish()
    await until_state(engine, "M", "disconnected")
    assert "down_since" in engine.gateway_view(gw).info and not alerts
    await until(engine, lambda: alerts)
    assert alerts[0].gateway == "M"
    assert alerts[0].text.startswith("M has been down for 0.") and ": disconnected (" in alerts[0].text
    assert engine.gateway_view(gw).info["down_alert"] == "sent after 0.3 s"
    assert any(line.startswith("alert: M has been down for") for line in notes(gw))
    await sim.come_back()
    await until(engine, lambda: len(alerts) == 2)
    assert alerts[1].text.startswith("M is back after ")
    info = engine.gateway_view(gw).info
    assert "down_since" not in info and "down_alert" not in info


async def test_a_short_outage_raises_no_alert(modem_engine):
    engine, sim = await modem_engine(down_alert_seconds=60)
    gw = engine.gateways["M"]
    await sim.vanish()
    await until_state(engine, "M", "disconnected")
    assert gw._down_timer is not None
    await sim.come_back()
    await until_state(engine, "M", "running")
    assert gw._down_timer is None and gw.down_since is None and not gw.down_alerted


async def test_a_modem_that_comes_back_from_its_reset_under_another_name_is_found_by_imei(modem_engine, tmp_path):
    engine, sim = await modem_engine(**{**WATCHED, "reset_wait_seconds": 3.0}, find_in=f"{tmp_path}/*")
    gw = engine.gateways["M"]
    renamed = str(tmp_path / "ttyUSB5")
    sim.reset_replug, sim.reset_downtime = renamed, 0.3  # re-enumerates as another port after its reset
    sim.hang(reset_cures=True)
    await until_state(engine, "M", "error")
    await until_state(engine, "M", "running")
    assert gw.info()["port"] == renamed and gw.info()["configured_port"] == str(tmp_path / "modem")
    lines = notes(gw)
    assert any(line.endswith(f"found the modem with IMEI 356938035643809 at {renamed} (was {tmp_path / 'modem'})")
               for line in lines)
    assert lines[-1].endswith(" s by modem reset (round 1)")
    msg = queue(engine, "through the new port")
    await until_status(engine, msg.id, m.SENT)


async def test_a_hung_modem_that_is_unplugged_is_left_to_the_reconnection(modem_engine):
    engine, sim = await modem_engine(**WATCHED)
    gw = engine.gateways["M"]
    sim.hang()
    await until(engine, lambda: gw.watchdog.step == "probe")
    await sim.vanish()
    await until_state(engine, "M", "disconnected")
    assert gw.state_reason == f"{sim.link} is gone; looking for the modem" and not gw.watchdog.active
    assert f"watchdog: {sim.link} is gone: left to the reconnection, which looks for the modem" in notes(gw)
    await sim.come_back()
    await until_state(engine, "M", "running")
    msg = queue(engine, "after the replug")
    await until_status(engine, msg.id, m.SENT)
