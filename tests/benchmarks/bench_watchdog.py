"""Hung-modem recovery times of the modem gateway's watchdog on the AT modem simulator.

Run:  python tests/benchmarks/bench_watchdog.py [--rounds 5] [--keepalive 1] [--timeout 1] [--downtime 1]

Each round starts a console with one modem gateway on a simulator (a real
pty in this process), lets it run, then makes the modem hang: it answers
nothing but its reset command (``AT+CFUN=1,1``), as a wedged modem whose
firmware still takes a reset. A message is queued the moment the gateway
notices. Figures, as medians (min-max) over the rounds:

* hang -> noticed: the keep-alive ``AT`` (sent after ``--keepalive`` idle
  seconds) gets no answer within ``--timeout`` seconds;
* noticed -> running: the watchdog's probe (two ``AT``), the reset, the
  port reopened and the modem initialised again;
* running -> sent: the waiting message goes out;
* hang -> sending again: the sum, what the operator sees.

The second scenario is the same with the port renamed while the modem was
away: after its reset the modem is off the bus for ``--downtime`` seconds and
comes back under another name (``ttyUSB2`` -> ``ttyUSB5``); the gateway finds
it by its IMEI among the ports (here the simulators' folder, with a second
modem of another IMEI in it to tell apart).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from app.engine import events as ev  # noqa: E402
from app.engine.engine import Engine  # noqa: E402
from app.engine.requests import OutboundRequest  # noqa: E402
from app.gateways.modem.sim_dialect import SimOptions  # noqa: E402
from app.gateways.modem.simulator import ModemSimulator  # noqa: E402
from app.store.database import Database  # noqa: E402


async def one_round(folder: str, tag: str, args, renamed: bool) -> dict[str, float]:
    room = os.path.join(folder, tag)
    os.mkdir(room)
    sim = ModemSimulator(SimOptions(), link=os.path.join(room, "ttyUSB2"))
    other = ModemSimulator(SimOptions(imei="490154203237518"), link=os.path.join(room, "ttyUSB9"))
    await sim.start()
    await other.start()
    engine = Engine(Database(f"sqlite:///{folder}/{tag}.db"))
    engine.open_store()
    engine.add_gateway("M", "modem", {"port": sim.link, "keepalive_seconds": args.keepalive,
                                      "command_timeout": args.timeout, "reset_wait_seconds": 30.0,
                                      "find_in": f"{room}/*"})
    await engine.start()
    loop = asyncio.get_running_loop()
    marks: dict[str, float] = {}
    done = loop.create_future()
    queued: list[int] = []

    def listener(event) -> None:
        if isinstance(event, ev.GatewayStateChanged) and event.gateway.name == "M":
            if event.gateway.state == "error" and "noticed" not in marks:
                marks["noticed"] = loop.time()
                [msg] = engine.queue_messages([OutboundRequest(["+4917612345678"], "after the hang")]).accepted
                queued.append(msg.id)
            elif event.gateway.state == "running" and "noticed" in marks and "running" not in marks:
                marks["running"] = loop.time()
        elif isinstance(event, ev.MessageChanged) and event.message.id in queued and event.message.status == "sent":
            marks["sent"] = loop.time()
            if not done.done():
                done.set_result(None)

    unsubscribe = engine.events.subscribe(listener)
    try:
        if renamed:
            sim.reset_replug, sim.reset_downtime = os.path.join(room, "ttyUSB5"), args.downtime
        marks["hang"] = loop.time()
        sim.hang(reset_cures=True)
        await asyncio.wait_for(done, 120)
        gw = engine.gateways["M"]
        assert not renamed or gw.info()["port"].endswith("ttyUSB5"), gw.info()
    finally:
        unsubscribe()
        await engine.stop()
        await sim.stop()
        await other.stop()
    return {"noticed": marks["noticed"] - marks["hang"], "recovered": marks["running"] - marks["noticed"],
            "sent": marks["sent"] - marks["running"], "total": marks["sent"] - marks["hang"]}


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} s ({min(values):.2f}-{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--keepalive", type=float, default=1.0, help="keepalive_seconds (default 1)")
    parser.add_argument("--timeout", type=float, default=1.0, help="command_timeout (default 1)")
    parser.add_argument("--downtime", type=float, default=1.0,
                        help="seconds the modem is off the bus after its reset when renamed (default 1)")
    args = parser.parse_args()
    print(f"keepalive_seconds {args.keepalive:g}, command_timeout {args.timeout:g}, {args.rounds} rounds; "
          "medians (min-max)")
    with tempfile.TemporaryDirectory() as folder:
        for renamed, title in ((False, "hung modem, revived by its reset, same port"),
                               (True, f"hung modem, back from its reset as another port after "
                                      f"{args.downtime:g} s off the bus, found by IMEI")):
            results = [asyncio.run(one_round(folder, f"{'renamed' if renamed else 'same'}{i}", args, renamed))
                       for i in range(args.rounds)]
            print(title)
            for key, label in (("noticed", "hang -> noticed"), ("recovered", "noticed -> running"),
                               ("sent", "running -> sent"), ("total", "hang -> sending again")):
                print(f"  {label:24} {summary([r[key] for r in results])}")


if __name__ == "__main__":
    main()
