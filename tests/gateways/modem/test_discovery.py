"""Port discovery and the ports / simulate-modem commands."""

from __future__ import annotations

import json
import subprocess
import sys

from app.gateways.modem.discovery import list_ports, probe
from app.gateways.modem.serial_port import close_port, open_port


async def test_probe_names_the_modem_without_changing_its_settings(make_sim):
    sim = await make_sim()
    result = await probe(sim.link, timeout=1.0)
    assert result.answers and result.summary == "SMS Console Simulated modem 1.0.0-sim"
    assert result.imei == "356938035643809"
    assert not any(c.upper().startswith(("ATZ", "ATE", "AT+CMEE", "AT+CNMI", "AT+CPIN=")) for c in sim.modem.commands)


async def test_probe_leaves_a_port_another_program_holds_alone(make_sim):
    sim = await make_sim()
    held = open_port(sim.link)
    try:
        result = await probe(sim.link, timeout=1.0)
    finally:
        close_port(held)
    assert not result.answers and "in use by another program" in result.problem
    assert sim.modem.commands == []


async def test_probe_of_silent_or_missing_ports(make_sim, tmp_path):
    sim = await make_sim()
    sim.hang()
    assert (await probe(sim.link, timeout=0.2)).problem == "no answer to AT"
    assert not (await probe(str(tmp_path / "nothing"), timeout=0.2)).answers


def test_list_ports_returns_port_infos():
    for port in list_ports():
        assert port.device and port.preferred in (port.by_id, port.device)


def test_simulate_modem_and_ports_commands(tmp_path):
    link = tmp_path / "simmodem"
    log = tmp_path / "sent.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "simulate-modem", "--link", str(link),
                             "--log", str(log)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == str(link)
        out = subprocess.run([sys.executable, "-m", "app.cli", "ports", "--probe", "--json", str(link)],
                             capture_output=True, text=True, timeout=30)
        probed = [p for p in json.loads(out.stdout) if p["device"] == str(link)]
        assert probed[0]["probe"]["answers"] and probed[0]["probe"]["model"] == "Simulated modem"
        text = subprocess.run([sys.executable, "-m", "app.cli", "ports", "--probe", str(link)],
                              capture_output=True, text=True, timeout=30).stdout
        assert "probe:        SMS Console Simulated modem" in text
    finally:
        proc.terminate()
        proc.wait(10)
    assert not link.exists()


def test_simulate_modem_plays_the_profile_it_is_given(tmp_path):
    link = tmp_path / "huawei"
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "simulate-modem", "--link", str(link),
                             "--profile", "huawei", "--boot-scale", "0"], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == str(link)
        out = subprocess.run([sys.executable, "-m", "app.cli", "ports", "--probe", "--json", str(link)],
                             capture_output=True, text=True, timeout=30)
        [probed] = [p["probe"] for p in json.loads(out.stdout) if p["device"] == str(link)]
        assert (probed["manufacturer"], probed["model"]) == ("huawei", "E173")
    finally:
        proc.terminate()
        proc.wait(10)
    refused = subprocess.run([sys.executable, "-m", "app.cli", "simulate-modem", "--profile", "nosuch"],
                             capture_output=True, text=True, timeout=30)
    assert refused.returncode == 2 and "invalid choice: 'nosuch'" in refused.stderr
