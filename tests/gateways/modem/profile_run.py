"""One run of the whole modem gateway against the simulator playing one modem family.

Start-up (the SIM busy at the first ask, as right after boot; the family
detected from its identity), a single-part, a
multipart and a UCS-2 message with status reports, and a message received by
each path the family has: announced in storage (+CMTI), delivered directly
(+CMT) and found by the storage sweep. Shared by the profile tests (which
assert every count) and ``tests/benchmarks/bench_profiles.py`` (which prints
them as a table).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from app.engine.requests import OutboundRequest
from app.gateways.modem.profiles import get
from app.gateways.modem.receiver_jobs import Sweep
from app.gateways.modem.sim_dialect import SimOptions
from app.gateways.modem.sim_pdus import encode_deliver
from app.gateways.modem.simulator import ModemSimulator
from app.store import models as m

from .conftest import FAST, until

SENDS = {"single": "Hallo aus dem Profiltest", "multipart": "Mehrteilige Nachricht im Profiltest. " * 6,
         "ucs2": "Привет, это UCS-2 ✓"}


@dataclass
class ProfileRun:
    profile: str
    detected: str = ""
    state: str = ""
    start_seconds: float = 0.0
    #: How often the gateway reconnected (a start-up that resets the modem counts here).
    resets: int = 0
    #: Answers taken after the grace because the modem sent no final result.
    graced: int = 0
    sends: int = 0
    sends_ok: int = 0
    reports_matched: int = 0
    receives: list[str] = field(default_factory=list)
    receives_ok: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


async def _received(engine, text: str, timeout: float) -> bool:
    try:
        await until(engine, lambda: any(x.text == text for x in engine.list_messages("in")), timeout)
        return True
    except TimeoutError:
        return False


async def run_profile(make_engine, link: str, name: str, *, timeout: float = 5.0,
                      boot_scale: float = 0.02) -> ProfileRun:
    """Run the scenario on a fresh engine (``make_engine()``) and a simulator of family ``name`` at ``link``."""
    run = ProfileRun(name)
    sim = ModemSimulator(SimOptions(profile=name, report_delay=0.05, boot_scale=boot_scale, sim_busy=1), link=link, seed=1)
    await sim.start()
    engine = make_engine()
    engine.add_gateway("M", "modem", {"port": link, **FAST})
    try:
        began = time.perf_counter()
        await engine.start()
        gw = engine.gateways["M"]
        try:
            await until(engine, lambda: gw.state.value == "running", timeout)
        except TimeoutError:
            run.problems.append(f"not running: {gw.state.value} ({gw.state_reason})")
            run.state = gw.state.value
            return run
        run.start_seconds = time.perf_counter() - began
        run.state, run.detected = gw.state.value, gw.driver.facts.profile
        await _sends(engine, run, timeout)
        await _receives(engine, sim, gw, run, timeout)
        run.resets, run.graced = gw.reconnects, gw.channel.graced
    finally:
        await engine.stop()
        await sim.stop()
    return run


async def _sends(engine, run: ProfileRun, timeout: float) -> None:
    for i, (kind, text) in enumerate(SENDS.items()):
        [msg] = engine.queue_messages([OutboundRequest([f"+49176123450{i:02d}"], text,
                                                       status_report=True)]).accepted
        run.sends += 1
        try:
            await until(engine, lambda: engine.message(msg.id).status in (m.DELIVERED, m.FAILED, m.UNDELIVERED),
                        timeout)
        except TimeoutError:
            pass
        final = engine.message(msg.id)
        if final.status in (m.SENT, m.DELIVERED):
            run.sends_ok += 1
        else:
            run.problems.append(f"{kind} send: {final.status} {final.reason}")
        if final.status == m.DELIVERED:
            run.reports_matched += 1


async def _receives(engine, sim: ModemSimulator, gw, run: ProfileRun, timeout: float) -> None:
    stores = get(run.profile).sms_storage
    if stores:  # announced in storage: +CMTI, read, committed, deleted
        run.receives.append("+CMTI")
        if gw.driver.facts.cnmi.split(",")[1:2] == ["1"]:
            sim.receive("+4917011111", f"{run.profile} über +CMTI")
            if await _received(engine, f"{run.profile} über +CMTI", timeout):
                run.receives_ok.append("+CMTI")
        else:
            run.problems.append(f"+CMTI: the modem took AT+CNMI={gw.driver.facts.cnmi}")
    # delivered directly: +CMT, committed, acknowledged
    run.receives.append("+CMT")
    await gw.driver.at("AT+CNMI=2,2,0,1,0")
    sim.receive("+4917022222", f"{run.profile} direkt (+CMT)")
    if await _received(engine, f"{run.profile} direkt (+CMT)", timeout):
        run.receives_ok.append("+CMT")
    if stores:  # stored without an announcement, found by the sweep
        run.receives.append("sweep")
        index = sim.modem.store(encode_deliver("+4917033333", f"{run.profile} im Speicher")[0])
        deleted = len(sim.commands_starting(f"AT+CMGD={index}"))
        gw.receiver.jobs.put_nowait(Sweep())
        if await _received(engine, f"{run.profile} im Speicher", timeout):
            run.receives_ok.append("sweep")
        try:  # deleted from the storage once committed
            await sim.wait_for_command(f"AT+CMGD={index}", deleted + 1, timeout)
        except TimeoutError:
            pass
        if sim.modem.storage:
            run.problems.append(f"storage not emptied: {sorted(sim.modem.storage)}")
