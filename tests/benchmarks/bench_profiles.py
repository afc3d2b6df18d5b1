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
  simulated boot, during which the modem ignores AT);
* sends ok / reports matched: of the three messages, how many were sent, and
  how many got a status report matched to them (state delivered);
* receives ok: of the receive paths the family has, how many stored the message;
* resets: reconnections (a start-up that has to reset the modem counts here);
* no-OK answers: information responses taken as the answer after the grace.
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
from app.store.database import Database  # noqa: E402
from tests.gateways.modem.profile_run import SENDS, run_profile  # noqa: E402


async def run_all(names: list[str], boot_scale: float) -> list:
    runs = []
    for name in names:
        with tempfile.TemporaryDirectory() as folder:
            def make() -> Engine:
                engine = Engine(Database(f"sqlite:///{folder}/store.db"))
                engine.open_store()
                return engine

            runs.append(await run_profile(make, f"{folder}/modem", name, boot_scale=boot_scale))
    return runs


def table(runs) -> str:
    head = ("profile", "detected", "start-up", "sends ok", "receives ok", "reports matched", "resets",
            "no-OK answers")
    rows = [head]
    for r in runs:
        rows.append((r.profile, r.detected or "-", f"{r.start_seconds:.2f} s", f"{r.sends_ok}/{len(SENDS)}",
                     f"{len(r.receives_ok)}/{len(r.receives)} ({', '.join(r.receives)})",
                     f"{r.reports_matched}/{len(SENDS)}", str(r.resets), str(r.graced)))
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["| " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", action="append", choices=profiles.names(), help="only this family (repeatable)")
    parser.add_argument("--boot-scale", type=float, default=0.02,
                        help="simulated boot time = the family's boot time x this (default 0.02)")
    args = parser.parse_args()
    runs = asyncio.run(run_all(args.profile or list(profiles.names()), args.boot_scale))
    print(table(runs))
    for r in runs:
        for problem in r.problems:
            print(f"{r.profile}: {problem}")
    return 0 if all(not r.problems for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
