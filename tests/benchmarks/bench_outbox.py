"""Outbox benchmark: queue 100,000 messages through ``engine.queue_messages``,
then dispatch them to an instant simulated gateway with every transition
committed, measuring messages per second and the longest event-loop stall.

    python tests/benchmarks/bench_outbox.py [--count N] [--pg URL]

With ``--pg`` (or SMSCONSOLE_TEST_PG_URL) the dispatch is also run by two
instances (two processes, each with its own gateway) sharing one PostgreSQL
store; the figures say how many each sent and whether any was sent twice.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.engine import events as ev  # noqa: E402
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
    if count is None:
        while engine.queue_length() or any(g.busy for g in engine.gateways.values()):
            await asyncio.sleep(0.2)
    else:
        await done
    elapsed = time.perf_counter() - t0
    longest = await watch.stop()
    await engine.stop()
    return elapsed, longest, sent


def sqlite_run(count: int) -> None:
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


def pg_worker(url: str, instance: str, gateway: str) -> None:
    engine = Engine(Database(url), instance_id=instance)
    engine.open_store()
    build = engine._build  # this instance runs its own gateway only, as with its own modems
    engine._build = lambda rec: build(rec.model_copy(update={"enabled": rec.name == gateway}))
    settle_heap()
    elapsed, stall, sent = asyncio.run(dispatch(engine, None))
    print(f"{instance} {sent} {elapsed:.3f} {stall * 1000:.1f}")


def pg_run(url: str, count: int) -> None:
    from sqlmodel import SQLModel, select

    db = Database(url)
    SQLModel.metadata.drop_all(db.engine)
    setup = Engine(db)
    setup.open_store()
    setup.add_gateway("GW-one", "simulator", INSTANT)
    setup.add_gateway("GW-two", "simulator", INSTANT)
    q = queue(setup, count)
    print(f"queue_messages (PostgreSQL): {count:,} messages in {q:.2f} s")
    procs = [subprocess.Popen([sys.executable, __file__, "--worker", url, name], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "BENCH_GATEWAY": gw})
             for name, gw in (("one", "GW-one"), ("two", "GW-two"))]
    t0 = time.perf_counter()
    outs = [p.communicate()[0].split() for p in procs]
    elapsed = time.perf_counter() - t0
    total = sum(int(o[1]) for o in outs)
    with db.session() as s:
        sent = s.exec(select(m.Message.status)).all()
    print(f"dispatch (PostgreSQL, two instances): {total:,} sends in {elapsed:.2f} s = {total / elapsed:,.0f} msg/s; "
          + "; ".join(f"instance {o[0]}: {int(o[1]):,} sent, longest stall {o[3]} ms" for o in outs)
          + f"; stored sent {sent.count(m.SENT):,} of {count:,}; sent twice: {total - sent.count(m.SENT)}")
    db.close()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        pg_worker(sys.argv[2], sys.argv[3], os.environ["BENCH_GATEWAY"])
        return
    p = argparse.ArgumentParser()
    p.add_argument("--count", type=int, default=100_000)
    p.add_argument("--pg", default=os.environ.get("SMSCONSOLE_TEST_PG_URL"))
    args = p.parse_args()
    sqlite_run(args.count)
    if args.pg:
        pg_run(args.pg, args.count)


if __name__ == "__main__":
    main()
