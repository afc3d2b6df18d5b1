"""The console as the benchmarks run it in a child process: its engine built as ``smsconsole serve`` builds it
by default, and its CPU time with that of the processes it started.

``SMSCONSOLE_BENCH_QUEUE_WRITER=1`` builds it with a queue writer (``[store] queue_process = true``: what
clients submit is stored by a process of its own, whose CPU time is counted with the console's), to compare
the two in the same conditions."""

from __future__ import annotations

import os


def _stat(pid: str) -> list[str] | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rpartition(")")[2].split()
    except OSError:
        return None


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU seconds so far of ``pid`` and of its descendants still running; None if ``pid``
    cannot be read (not Linux, or gone)."""
    stats = {p: s for p in os.listdir("/proc") if p.isdigit() and (s := _stat(p)) is not None}
    if str(pid) not in stats:
        return None
    children: dict[str, list[str]] = {}
    for p, fields in stats.items():
        children.setdefault(fields[1], []).append(p)
    total, todo = 0, [str(pid)]
    while todo:
        p = todo.pop()
        total += int(stats[p][11]) + int(stats[p][12])
        todo += children.get(p, [])
    return total / os.sysconf("SC_CLK_TCK")


def serving_engine(db_url: str):
    """An engine on ``db_url`` as ``smsconsole serve`` builds it by default; with a queue writer when
    SMSCONSOLE_BENCH_QUEUE_WRITER is set (an older tree, measured for comparison, gets its engine as it was)."""
    from app.engine.engine import Engine
    from app.store.database import Database

    try:
        from app.config import STORE

        default = STORE["queue_process"].default
    except (ImportError, KeyError):  # an older tree
        default = False
    writer = bool(os.environ.get("SMSCONSOLE_BENCH_QUEUE_WRITER")) or default
    try:
        return Engine(Database(db_url), queue_process=writer)
    except TypeError:
        return Engine(Database(db_url))


async def queue_writer_ready(engine, timeout: float = 60.0) -> None:
    """Wait until the engine's queue writer (if it has one) stores the queued messages, so a measurement
    does not begin while the lane still stores them."""
    import asyncio

    writer = getattr(engine, "queue_writer", None)
    for _ in range(int(timeout * 10)):
        if writer is None or writer.ready:
            return
        await asyncio.sleep(0.1)
    raise RuntimeError("the queue writer did not start")
