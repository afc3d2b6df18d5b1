"""End to end through the Diafaan HTTP API to a modem: CPU the console spends per message.

Run:  python tests/benchmarks/bench_api_modem.py [--messages 500] [--concurrency 8]

The console (engine, HTTP API, a modem gateway) runs in a child process, on the loop ``smsconsole serve``
runs on, its heap settled as serve settles it; the AT modem simulator runs as
``smsconsole simulate-modem`` in another, at zero send delay, sending a status report for every message
at once, with room for 1,000 stored messages (at zero delay the reports of a burst come faster than any
modem's few dozen storage slots would hold; a real network spaces them by seconds). A client sends ``send-message`` requests (one recipient each; Diafaan messages always ask for a
report) until all are accepted, then waits until the store says every one is delivered. Printed: the
console process's CPU seconds (user + system, from /proc) per message, the wall time and messages per
second, and the event loop's longest hold in the console meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from console_proc import cpu_seconds, queue_writer_ready, serving_engine  # noqa: E402


def _console(db_url: str, link: str, ports: mp.Queue, holds: mp.Queue) -> None:
    from app.api.server import ApiServer
    from app.config import Config
    from app.store.models import User
    from app.store.passwords import hash_password
    from loop_watch import LoopWatch

    async def main() -> None:
        engine = serving_engine(db_url)  # as smsconsole serve runs it
        engine.open_store()
        with engine.db.session() as s:
            s.add(User(name="bench", password_hash=hash_password("bench")))
            s.commit()
        engine.add_gateway("Modem", "modem", {"port": link, "window": 8})
        await engine.start()
        await queue_writer_ready(engine)
        cfg = Config()
        cfg.api.update({"listen": "127.0.0.1:0", "rate_limit": 0})
        server = ApiServer(engine, cfg)
        await server.start()
        try:
            from app.runtime import settle_heap
        except ImportError:  # an older tree, measured for comparison
            pass
        else:
            settle_heap()  # as `smsconsole serve` does once started
        watch = LoopWatch().start()
        ports.put(server.port)
        stop = asyncio.Event()
        asyncio.get_running_loop().add_signal_handler(15, stop.set)
        await stop.wait()
        holds.put(await watch.stop())
        await server.stop()
        await engine.stop()

    try:
        from app.serve import run  # the loop smsconsole serve runs on
    except ImportError:  # an older tree, measured for comparison
        run = asyncio.run
    run(main())


def _cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of the console so far, its queue writer included."""
    return cpu_seconds(pid)


async def _send(port: int, count: int, concurrency: int) -> None:
    url = f"http://127.0.0.1:{port}/http/send-message"
    numbers = iter(range(count))
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as http:
        async def worker() -> None:
            for i in numbers:
                async with http.get(url, params={"username": "bench", "password": "bench",
                                                 "to": f"+4917{i:08d}", "message": f"Benchmark {i}"}) as r:
                    text = await r.text()
                    assert text.startswith("OK: "), text

        await asyncio.gather(*(worker() for _ in range(concurrency)))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--messages", type=int, default=500)
    p.add_argument("--concurrency", type=int, default=8)
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        link = os.path.join(tmp, "modem")
        sim = subprocess.Popen([sys.executable, "-m", "app.cli", "simulate-modem", "--link", link,
                                "--send-delay", "0", "--report-delay", "0", "--storage", "1000"],
                               stdout=subprocess.PIPE, text=True,
                               cwd=ROOT)
        assert sim.stdout.readline().strip() == link
        db = os.path.join(tmp, "console.db")
        ctx = mp.get_context("spawn")
        ports, holds = ctx.Queue(), ctx.Queue()
        # not a daemon: the console may start its queue writer, a process of its own
        proc = ctx.Process(target=_console, args=(f"sqlite:///{db}", link, ports, holds))
        proc.start()
        try:
            port = ports.get(timeout=60)
            time.sleep(1.0)  # the modem's start-up
            cpu, wall = _cpu_seconds(proc.pid), time.perf_counter()
            asyncio.run(_send(port, args.messages, args.concurrency))
            delivered = 0
            with sqlite3.connect(db) as con:
                for _ in range(6000):
                    delivered = con.execute("SELECT count(*) FROM message WHERE status = 'delivered'").fetchone()[0]
                    if delivered >= args.messages:
                        break
                    time.sleep(0.01)
            cpu, wall = _cpu_seconds(proc.pid) - cpu, time.perf_counter() - wall
            proc.terminate()
            longest = holds.get(timeout=30)
        finally:
            proc.join(30)
            sim.terminate()
            sim.wait(10)
    print(f"{args.messages} messages through send-message to a modem, reports on: {delivered} delivered")
    print(f"console CPU per message: {cpu / args.messages * 1000:.2f} ms  ({cpu:.2f} s in all)")
    print(f"wall {wall:.2f} s, {args.messages / wall:.0f} msg/s delivered; longest event-loop hold "
          f"{longest * 1000:.1f} ms")


if __name__ == "__main__":
    main()
