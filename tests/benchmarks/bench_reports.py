"""Delivery reports against a long history: a store of 1,000,000 sent messages (a modem's message
references wrap at 256, so each reference is shared by about 3,900 of them; one in ten has three parts),
then reports for the newest ones, through the engine as a gateway hands them over.

    python tests/benchmarks/bench_reports.py [--rows N] [--reports K]

Prints the store time per report (the writer's transactions in the store lane, divided by the reports),
the time the event loop spent on them (handing them over and announcing the changes) and its longest
hold, and, as the earlier way's figure on the same store, the cost of finding a part of a multipart
message by a pattern over a comma-separated reference column (``reference LIKE '%,mr,%'``).
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.engine.engine import Engine  # noqa: E402
from app.runtime import settle_heap  # noqa: E402
from app.gateways.base import DeliveryReport  # noqa: E402
from app.store import models as m  # noqa: E402
from app.store.database import Database  # noqa: E402
from loop_watch import LoopWatch  # noqa: E402
from store_builder import START, build_store  # noqa: E402

GATEWAY = "Modem 1"


def _refs(i: int) -> list[str]:
    base = (i * 3) % 256
    return [str(base), str((base + 1) % 256), str((base + 2) % 256)] if i % 10 == 0 else [str(base)]


def build(path: str, rows: int) -> None:
    build_store(path, rows, lambda i: {"direction": m.OUT, "status": m.SENT, "gateway": GATEWAY,
                                       "recipient": f"+49176{i % 1_000_000:07d}", "text": f"message {i}",
                                       "reference": ",".join(_refs(i)), "parts": len(_refs(i))})
    conn = sqlite3.connect(path)
    stamp = START.strftime("%Y-%m-%d %H:%M:%S.000000")
    conn.executemany("INSERT INTO message_part (message_id, part, gateway, reference, state, sent_at) "
                     "VALUES (?, ?, ?, ?, 'sent', ?)",
                     ((i + 1, n, GATEWAY, ref, stamp) for i in range(rows) for n, ref in enumerate(_refs(i), 1)))
    conn.commit()
    conn.close()


class Modem:
    name = GATEWAY


async def run(path: str, rows: int, count: int) -> None:
    engine = Engine(Database(f"sqlite:///{path}"))
    engine.open_store()
    settle_heap()  # as `smsconsole serve` and the window do once started
    store_seconds = 0.0
    commit = engine.outbox.writer.commit

    def timed(work, now):
        nonlocal store_seconds
        t = time.perf_counter()
        try:
            return commit(work, now)
        finally:
            store_seconds += time.perf_counter() - t

    engine.outbox.writer.commit = timed  # type: ignore[method-assign]
    changed = 0
    engine.events.subscribe(lambda e: None)
    # the newest messages' references, each reported once (a multipart message's parts each)
    newest = range(rows - 1, rows - 1 - count, -1)
    reports = [DeliveryReport(reference=ref, outcome="delivered", reason="ok")
               for i in newest for ref in _refs(i)][:count]
    watch = LoopWatch().start()
    loop_seconds = 0.0
    t0 = time.perf_counter()
    for r in reports:
        t = time.perf_counter()
        engine.outbox.record_report(Modem(), r)
        loop_seconds += time.perf_counter() - t
        await asyncio.sleep(0)
    await engine.outbox.settle()
    wall = time.perf_counter() - t0
    longest = await watch.stop()
    with engine.db.engine.connect() as conn:
        changed = conn.exec_driver_sql("SELECT count(*) FROM message WHERE status = 'delivered'").scalar()
    engine.db.close()
    print(f"store: {rows:,} sent messages; {len(reports):,} reports -> {changed:,} messages delivered")
    print(f"store time per report (writer in the store lane): {store_seconds / len(reports) * 1000:.3f} ms")
    print(f"loop time per report (hand-over; announcements excluded): {loop_seconds / len(reports) * 1000:.4f} ms")
    print(f"longest event-loop hold while they were written: {longest * 1000:.1f} ms; wall {wall:.2f} s")


def pattern_lookup(path: str, tries: int = 20) -> None:
    """The earlier way: a part of a multipart message found by a pattern over the reference column."""
    conn = sqlite3.connect(path)
    t = time.perf_counter()
    for i in range(tries):
        ref = str(i * 7 % 256)
        conn.execute("SELECT id FROM message WHERE gateway = ? AND status IN ('sent', 'sending') AND "
                     "direction = 'out' AND reference LIKE '%,' || ? || ',%' ORDER BY id DESC LIMIT 1",
                     (GATEWAY, ref)).fetchall()
    per = (time.perf_counter() - t) / tries
    conn.close()
    print(f"earlier way, pattern over the reference column, same store: {per * 1000:.1f} ms per lookup")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=1_000_000)
    p.add_argument("--reports", type=int, default=5_000)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "reports.db")
        t = time.perf_counter()
        build(path, args.rows)
        print(f"built in {time.perf_counter() - t:.0f} s")
        asyncio.run(run(path, args.rows, args.reports))
        pattern_lookup(path)


if __name__ == "__main__":
    main()
