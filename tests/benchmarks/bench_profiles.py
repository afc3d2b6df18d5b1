"""The modem gateway against the simulator playing each modem family: one table, one row per profile.

Run:  python tests/benchmarks/bench_profiles.py [--profile NAME ...] [--boot-scale 0.02]

For each family of ``app/gateways/modem/profile_data.py`` a fresh store and
engine start a modem gateway (profile "auto": the family is detected from
the simulator's AT+CGMI / AT+CGMM answers) on a pty where the simulator
plays that family (boot time scaled by --boot-scale, banners, floods,
answers without OK, prompt form, index base, NUL bytes...). The scenario is
the one the profile tests assert (tests/gateways/modem/profile_run.py):
single-part, multipart and UCS-2 messages with status reports, then a
message received by +CMTI, by +CMT and by the storage sweep (the last two
only where the family keeps SMS in storage over AT). Columns:

* start-up: seconds from engine start to the gateway running (includes the
  simulated boot, during which the modem ignores AT so the first ``AT`` waits
  out its 0.5 s, the SIM answering "busy" once and the 0.25 s pause before
  asking again, and for a family that leaves out the OK the 0.3 s grace);
* sends ok / reports matched: of the three messages, how many were sent, and
  how many got a status report matched to them (state delivered);
* receives ok: of the receive paths the family has, how many stored the message;
* resets: reconnections (a start-up that has to reset the modem counts here);
* no-OK answers: information responses taken as the answer after the grace.

With ``--gsmmodem-python PATH`` (a Python with python-gsmmodem-new, see
bench_modem.py) a last column shows how that independent driver fares on
the same simulated family: connect() once the simulated boot is over, then
one sendSms(), or the exception it ends with.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.engine.engine import Engine  # noqa: E402
from app.gateways.modem import profiles  # noqa: E402
from app.gateways.modem.sim_dialect import SimOptions  # noqa: E402
from app.gateways.modem.simulator import ModemSimulator  # noqa: E402
from app.store.database import Database  # noqa: E402
from tests.gateways.modem.profile_run import SENDS, run_profile  # noqa: E402


GSMMODEM_SCRIPT = r"""
import sys, time
from gsmmodem.modem import GsmModem
start = time.perf_counter()
modem = GsmModem(sys.argv[1], 115200)
modem.connect()
took = time.perf_counter() - start
modem.sendSms("+4917612345678", "hello from python-gsmmodem")
print(f"connect {took:.2f} s, sent")
"""


async def gsmmodem_on(python: str, name: str, boot_scale: float, folder: str) -> str:
    """python-gsmmodem-new against the simulator of family ``name``, started once the boot is over."""
    sim = ModemSimulator(SimOptions(profile=name, boot_scale=boot_scale), link=f"{folder}/gsmmodem", seed=1)
    await sim.start()
    loop = asyncio.get_running_loop()
    await asyncio.sleep(max(0.0, sim.booting_until - loop.time()) + 0.1)
    child = await asyncio.create_subprocess_exec(python, "-c", GSMMODEM_SCRIPT, sim.link,
                                                 stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(child.communicate(), 120)
    except TimeoutError:
        child.kill()
        await child.wait()
        return "no result in 120 s"
    finally:
        await sim.stop()
    if child.returncode == 0:
        return out.decode().strip()
    last = (err.decode().strip().splitlines() or ["?"])[-1]
    return "fails: " + last.replace("gsmmodem.exceptions.", "")[:60]


async def run_all(names: list[str], boot_scale: float, gsmmodem: str | None) -> list:
    runs = []
    for name in names:
        with tempfile.TemporaryDirectory() as folder:
            def make() -> Engine:
                engine = Engine(Database(f"sqlite:///{folder}/store.db"))
                engine.open_store()
                return engine

            run = await run_profile(make, f"{folder}/modem", name, boot_scale=boot_scale)
            if gsmmodem:
                run.gsmmodem = await gsmmodem_on(gsmmodem, name, boot_scale, folder)
            runs.append(run)
    return runs


def table(runs) -> str:
    extra = ("python-gsmmodem-new",) if any(hasattr(r, "gsmmodem") for r in runs) else ()
    head = ("profile", "detected", "start-up", "sends ok", "receives ok", "reports matched", "resets",
            "no-OK answers") + extra
    rows = [head]
    for r in runs:
        rows.append((r.profile, r.detected or "-", f"{r.start_seconds:.2f} s", f"{r.sends_ok}/{len(SENDS)}",
                     f"{len(r.receives_ok)}/{len(r.receives)} ({', '.join(r.receives)})",
                     f"{r.reports_matched}/{len(SENDS)}", str(r.resets), str(r.graced))
                    + ((getattr(r, "gsmmodem", "-"),) if extra else ()))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", action="append", choices=profiles.names(), help="only this family (repeatable)")
    parser.add_argument("--boot-scale", type=float, default=0.02,
                        help="simulated boot time = the family's boot time x this (default 0.02)")
    parser.add_argument("--gsmmodem-python", metavar="PATH",
                        help="a Python with python-gsmmodem-new: add its outcome on each family")
    args = parser.parse_args()
    runs = asyncio.run(run_all(args.profile or list(profiles.names()), args.boot_scale, args.gsmmodem_python))
    print(table(runs))
    for r in runs:
        for problem in r.problems:
            print(f"{r.profile}: {problem}")
    return 0 if all(not r.problems for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
