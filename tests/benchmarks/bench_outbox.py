"""Outbox benchmark: queue 100,000 messages through ``engine.queue_messages``,
then dispatch them to an instant simulated gateway with every transition
committed, measuring messages per second and the longest event-loop stall.

    python tests/benchmarks/bench_outbox.py [--count N] [--pg URL]

With ``--pg`` (or SMSCONSOLE_TEST_PG_URL) the dispatch is also run by one, two
and three consoles (processes, each with its own gateway) sharing one
PostgreSQL store, against one on SQLite in the same run; the figures say how
many each sent and whether any was sent twice, the rate over the dispatch alone
(without starting the processes) and the CPU time the consoles and a local
PostgreSQL server used. Then: how long after a
console is killed (SIGKILL) another one sends its claimed messages, against
the lease; and two consoles whose clocks are 60 s apart with a 30 s lease,
counting messages sent twice. (The PostgreSQL database given is emptied.)
"""

from __future__ import annotations

import argparse
from collections import Counter
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import text  # noqa: E402

from app.engine import events as ev  # noqa: E402
from app.engine.clock import Clock  # noqa: E402
from app.engine.engine import Engine  # noqa: E402
from app.engine.requests import OutboundRequest  # noqa: E402
from app.runtime import settle_heap  # noqa: E402
from app.store import models as m  # noqa: E402
from app.store.database import Database  # noqa: E402
from loop_watch import LoopWatch  # noqa: E402

INSTANT = {"send_delay": 0.0, "report_delay": 0.0, "window": 1000}


def queue(engine: Engine, count: int) -> float:
    numbers = [f"+1555{i:07d}" for i in range(count)]
    t0 = time.perf_counter()
    result = engine.queue_messages([OutboundRequest(numbers, "Benchmark message")])
    elapsed = time.perf_counter() - t0
    assert len(result.accepted) == count
    return elapsed


def unfinished(engine: Engine) -> int:
    """Messages still waiting or being sent, by any console: read from the status index (a count over the
    whole table, every 0.2 s, would cost the store more the more is sent, and be counted as the consoles')."""
    with engine.db.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM message WHERE direction = '{m.OUT}' AND status IN "
                                 f"('{m.QUEUED}', '{m.SCHEDULED}', '{m.SENDING}')")).scalar() or 0


async def dispatch(engine: Engine, count: int | None) -> tuple[float, float, int]:
    """Start the engine; run until ``count`` messages are sent (None: until the queue is empty)."""
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    sent = 0

    def on_event(e) -> None:
        nonlocal sent
        if isinstance(e, ev.MessageChanged) and e.message.status == m.SENT:
            sent += 1
            if count is not None and sent >= count and not done.done():
                done.set_result(None)

    engine.events.subscribe(on_event)
    watch = LoopWatch().start()
    t0 = time.perf_counter()
    await engine.start()
    if count is None:  # until no message waits or is being sent (by this console or another one); asked off
        # the loop, whose stalls are measured
        while await asyncio.to_thread(unfinished, engine) or any(g.busy for g in engine.gateways.values()):
            await asyncio.sleep(0.2)
    else:
        await done
    elapsed = time.perf_counter() - t0
    longest = await watch.stop()
    await engine.stop()
    return elapsed, longest, sent


def sqlite_run(count: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine(Database(f"sqlite:///{tmp}/bench.db"))
        engine.open_store()
        engine.add_gateway("Instant", "simulator", INSTANT)
        q = queue(engine, count)
        print(f"queue_messages: {count:,} messages in {q:.2f} s ({count / q:,.0f} msg/s)")
        settle_heap()  # as `smsconsole serve` and the window do once started
        elapsed, stall, sent = asyncio.run(dispatch(engine, count))
        print(f"dispatch (SQLite): {sent:,} sent in {elapsed:.2f} s = {sent / elapsed:,.0f} msg/s; "
              f"longest event-loop stall {stall * 1000:.1f} ms")
        return sent / elapsed


class SkewedClock(Clock):
    """A host whose clock runs ``offset`` seconds ahead."""

    def __init__(self, offset: float):
        self.offset = timedelta(seconds=offset)

    def now(self):
        return super().now() + self.offset


def pg_worker(url: str, instance: str) -> None:
    """One console of several on the store: runs the gateways it owns until the queue is empty."""
    skew = float(os.environ.get("BENCH_SKEW", "0"))
    engine = Engine(Database(url), instance_id=instance, clock=SkewedClock(skew) if skew else None)
    engine.open_store()
    settle_heap()
    if os.environ.get("BENCH_UNTIL_KILLED"):
        async def forever():
            await engine.start()
            print("started", flush=True)
            await asyncio.Event().wait()
        asyncio.run(forever())
        return
    began, cpu = time.time(), time.process_time()
    elapsed, stall, sent = asyncio.run(dispatch(engine, None))
    print(f"{instance} {sent} {elapsed:.3f} {stall * 1000:.1f} {began:.3f} {began + elapsed:.3f} "
          f"{time.process_time() - cpu:.2f}")


def fresh_store(url: str, gateways: dict[str, dict]) -> Database:
    from sqlmodel import SQLModel
    from sqlalchemy import text

    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS instance"))
    SQLModel.metadata.drop_all(db.engine)
    setup = Engine(db)
    setup.open_store()
    for name, settings in gateways.items():
        setup.add_gateway(name, "simulator", settings)
    return db


def workers(url: str, names: list[str], **env) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, __file__, "--worker", url, name], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, **env}) for name in names]


def statuses(db: Database) -> list[tuple[str, bool]]:
    from sqlmodel import select

    with db.session() as s:
        return list(s.exec(select(m.Message.status, m.Message.possible_duplicate)))


def postgres_cpu() -> float | None:
    """CPU seconds used so far by the PostgreSQL server's processes on this machine (None: not readable)."""
    total, tick = 0.0, os.sysconf("SC_CLK_TCK")
    try:
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                with open(f"/proc/{pid}/stat") as f:
                    fields = f.read().rsplit(")", 1)
                if fields[0].endswith("(postgres"):
                    parts = fields[1].split()
                    # its own time and, for the server's main process, that of its ended backends
                    total += sum(int(v) for v in parts[11:15]) / tick
            except OSError:
                continue
    except OSError:
        return None
    return total or None


def pg_run(url: str, count: int, sqlite_rate: float) -> None:
    """1, 2 and 3 consoles on one PostgreSQL store, each with its own instant gateway."""
    rates, spans = {}, {}
    for n in (1, 2, 3):
        names = [f"c{i + 1}" for i in range(n)]
        db = fresh_store(url, {f"GW-{c}": {**INSTANT, "owner": c} for c in names})
        engine = Engine(db)
        engine.open_store()
        queue(engine, count)
        t0 = time.perf_counter()
        pg_cpu = postgres_cpu()
        outs = [p.communicate()[0].split() for p in workers(url, names)]
        elapsed = time.perf_counter() - t0
        pg_cpu = postgres_cpu() - pg_cpu if pg_cpu is not None else None
        total = sum(int(o[1]) for o in outs)
        stored = statuses(db)
        sent = sum(1 for st, _ in stored if st == m.SENT)
        rates[n] = total / elapsed
        # the consoles' dispatch alone: from the first one starting to send to the last one done (without
        # the start of the processes and the opening of the store)
        span = max(float(o[5]) for o in outs) - min(float(o[4]) for o in outs)
        spans[n] = total / span
        print(f"dispatch (PostgreSQL, {n} instance{'s' if n > 1 else ''}): {total:,} sends in {elapsed:.2f} s = "
              f"{rates[n]:,.0f} msg/s (dispatch alone {span:.2f} s = {spans[n]:,.0f} msg/s; CPU: consoles "
              f"{sum(float(o[6]) for o in outs):.1f} s" + (f", PostgreSQL {pg_cpu:.1f} s" if pg_cpu is not None
                                                            else "") + "); "
              + "; ".join(f"{o[0]}: {int(o[1]):,} sent, longest stall {o[3]} ms" for o in outs)
              + f"; stored sent {sent:,} of {count:,}; sent twice: {total - sent}"
              + "".join(f"; {st}: {n}" for st, n in sorted(Counter(st for st, _ in stored).items()) if st != m.SENT))
        db.close()
    print(f"PostgreSQL 1 instance / SQLite: {rates[1] / sqlite_rate:.2f}x (target >= 0.8); "
          f"2 instances / 1: {rates[2] / rates[1]:.2f}x (target >= 1.8); 3 / 1: {rates[3] / rates[1]:.2f}x")
    print(f"dispatch alone: PostgreSQL 1 instance / SQLite: {spans[1] / sqlite_rate:.2f}x; "
          f"2 instances / 1: {spans[2] / spans[1]:.2f}x; 3 / 1: {spans[3] / spans[1]:.2f}x")


def takeover_run(url: str) -> None:
    """A console killed with SIGKILL while sending: how long until another one settles its claims."""
    lease = 10
    db = fresh_store(url, {"Slow-one": {"send_delay": 600.0, "window": 20, "owner": "one"},
                           "Fast-two": {**INSTANT, "owner": "two"}})
    engine = Engine(db)
    engine.open_store()
    engine.set_setting("lease_seconds", lease)
    queue(engine, 20)
    [one] = workers(url, ["one"], BENCH_UNTIL_KILLED="1")
    one.stdout.readline()
    while sum(1 for st, _ in statuses(db) if st == m.SENDING) < 20:
        time.sleep(0.05)
    [two] = workers(url, ["two"], BENCH_UNTIL_KILLED="1")
    two.stdout.readline()
    os.kill(one.pid, signal.SIGKILL)
    one.wait()
    killed = time.perf_counter()
    while sum(1 for st, _ in statuses(db) if st == m.SENT) < 20:
        time.sleep(0.05)
    took = time.perf_counter() - killed
    os.kill(two.pid, signal.SIGTERM)
    two.wait()
    flagged = sum(1 for _, dup in statuses(db) if dup)
    print(f"takeover after SIGKILL: its 20 claims sent by the other console {took:.1f} s after the kill "
          f"(lease {lease} s, checked every {lease / 3:.1f} s); flagged possible duplicate: {flagged}")
    db.close()


def skew_run(url: str, count: int, skew: float = 60.0) -> None:
    """Two consoles, one clock 60 s ahead, a 30 s lease, gateways slow enough that claims live for seconds."""
    db = fresh_store(url, {"GW-one": {"send_delay": 0.05, "window": 50, "owner": "one"},
                           "GW-two": {"send_delay": 0.05, "window": 50, "owner": "two"}})
    engine = Engine(db)
    engine.open_store()
    engine.set_setting("lease_seconds", 30)
    queue(engine, count)
    procs = workers(url, ["one"]) + workers(url, ["two"], BENCH_SKEW=str(skew))
    outs = [p.communicate()[0].split() for p in procs]
    total = sum(int(o[1]) for o in outs)
    stored = statuses(db)
    sent = sum(1 for st, _ in stored if st == m.SENT)
    flagged = sum(1 for _, dup in stored if dup)
    print(f"clock skew {skew:.0f} s, lease 30 s: {total:,} sends for {count:,} messages (stored sent {sent:,}); "
          f"sent twice: {total - sent}; flagged possible duplicate: {flagged}")
    db.close()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        pg_worker(sys.argv[2], sys.argv[3])
        return
    p = argparse.ArgumentParser()
    p.add_argument("--count", type=int, default=20_000)
    p.add_argument("--pg", default=os.environ.get("SMSCONSOLE_TEST_PG_URL"))
    args = p.parse_args()
    rate = sqlite_run(args.count)
    if args.pg:
        pg_run(args.pg, args.count, rate)
        takeover_run(args.pg)
        skew_run(args.pg, 2000)


if __name__ == "__main__":
    main()
