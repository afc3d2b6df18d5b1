"""Where the CPU of one Diafaan ``send-message`` request goes: the same client against aiohttp alone, against
the console with its queueing answered without the store, and against the whole console; and the store lane's
group commit alone, in this process.

Run: ``python tests/benchmarks/bench_request_cost.py [--requests 10000] [--concurrency 64]``.

Each server runs in a child process on the loop ``smsconsole serve`` runs on (uvloop when installed); the
client is bench_diafaan's bare keep-alive client in this process, whose own CPU per request is printed too.
Printed per request: the server's CPU (user + system, from /proc) and the rate.

* ``aiohttp alone``: an application with one middleware answering ``OK: 1`` to ``GET /http/{command}`` (the
  floor any aiohttp server pays for the same requests; the peer of the next two lines).
* ``console, queueing without the store``: the console's HTTP API with everything a request does (parameters,
  login, options, reply) except storing its message: the request's job is answered at once with a message id.
* ``console``: the whole request, its message committed (gateway paused), as bench_diafaan measures it.
* ``group commit alone``: the store lane's transaction for groups of 48 one-recipient jobs, called directly
  on a fresh SQLite store (checking and building the rows, inserting them, committing): the time per message,
  and per group its median, 99th percentile and longest (72,000 messages: the write-ahead log is checkpointed
  many times meanwhile, by the store's checkpoints thread).

The difference between the last two console lines is what queueing costs a request; with the console bound
to one interpreter, the sum is what its rate is bound by.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.dirname(__file__))

import bench_diafaan as diafaan  # noqa: E402 - the client and the console of the Diafaan benchmark

GROUP = 48


def _aiohttp_alone(ports: mp.Queue) -> None:
    from aiohttp import web

    from app.serve import run

    async def main() -> None:
        @web.middleware
        async def passing(request, handler):
            return await handler(request)

        async def answer(request):
            request.query.get("to")
            return web.Response(text="OK: 1\r\n")

        app = web.Application(middlewares=[passing])
        app.router.add_get("/http/{command}", answer)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        ports.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    run(main())


def _console_without_store(db_url: str, ports: mp.Queue) -> None:
    """The console whose send-message jobs are answered at once, with an id, instead of being stored."""
    from app.api import diafaan_queue
    from app.engine.ids import new_message_uid
    from app.engine.requests import QueueItem

    class _Stored:
        def __init__(self):
            self.uid = new_message_uid()

    async def queue(self, user, request):
        return [QueueItem(recipient=r, message=_Stored()) for r in request.recipients]

    diafaan_queue.QueueBatcher.queue = queue
    diafaan._console(db_url, ports, False)


def _console(db_url: str, ports: mp.Queue) -> None:
    diafaan._console(db_url, ports, False)  # gateway paused: every message stays queued


def _serve(target, args: tuple, n: int, concurrency: int) -> str:
    ctx = mp.get_context("spawn")
    ports = ctx.Queue()
    proc = ctx.Process(target=target, args=(*args, ports))  # not a daemon: the console may start its queue writer
    proc.start()
    try:
        port = ports.get(timeout=60)
        url = f"http://127.0.0.1:{port}/http/send-message"

        def params(i: int) -> dict:
            return {"username": "bench", "password": "bench", "to": diafaan._number(i), "message": f"Benchmark {i}"}

        def accepted(status: int, text: str) -> bool:
            return status == 200 and text.startswith("OK")

        asyncio.run(diafaan._load(url, params, 500, concurrency, accepted))  # warm up
        time.sleep(0.5)
        before, mine = diafaan._cpu_seconds(proc.pid), resource.getrusage(resource.RUSAGE_SELF)
        seconds, ok, bad = asyncio.run(diafaan._load(url, params, n, concurrency, accepted))
        after, mine_after = diafaan._cpu_seconds(proc.pid), resource.getrusage(resource.RUSAGE_SELF)
        client = (mine_after.ru_utime + mine_after.ru_stime - mine.ru_utime - mine.ru_stime) / n * 1e6
        server = f"{(after - before) / n * 1e6:.0f} µs" if before is not None and after is not None else "?"
        refused = f"; refused {n - ok}: {bad}" if ok < n else ""
        return f"{server} CPU per request, {n / seconds:,.0f} req/s (client: {client:.0f} µs per request){refused}"
    finally:
        proc.terminate()
        proc.join(10)


def group_commit_alone(groups: int = 1500) -> str:
    from app.engine.engine import Engine
    from app.engine.queue_group import Terms, store_group
    from app.engine.requests import OutboundRequest
    from app.store.database import Database

    with tempfile.TemporaryDirectory(prefix="bench-request-cost-") as tmp:
        engine = Engine(Database(f"sqlite:///{tmp}/store.db"))
        engine.open_store()
        terms = Terms(engine.clock.now(), **engine.outbox.check_terms())

        def calls(k: int) -> list:
            return [([OutboundRequest(recipients=[diafaan._number(k * GROUP + i)], text=f"Benchmark {k * GROUP + i}")],
                     {"user": "bench", "source": "diafaan"}) for i in range(GROUP)]

        for k in range(20):  # warm up
            store_group(engine.db, calls(k), terms)
        prepared = [calls(100 + k) for k in range(groups)]
        times = []
        start = time.perf_counter()
        for one in prepared:
            began = time.perf_counter()
            store_group(engine.db, one, terms)
            times.append(time.perf_counter() - began)
        seconds = time.perf_counter() - start
        engine.db.close()
    times.sort()
    return (f"{seconds / (groups * GROUP) * 1e6:.1f} µs per message (groups of {GROUP}); a group: median "
            f"{times[len(times) // 2] * 1e3:.1f} ms, p99 {times[int(len(times) * 0.99)] * 1e3:.1f} ms, "
            f"longest {times[-1] * 1e3:.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=10000)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args()
    n, c = args.requests, args.concurrency
    print(f"send-message, one recipient per request, {c} keep-alive connections (cpus: {os.cpu_count()})")
    print(f"aiohttp alone                      : {_serve(_aiohttp_alone, (), n, c)}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-request-cost-") as tmp:
        print(f"console, queueing without the store: "
              f"{_serve(_console_without_store, (f'sqlite:///{tmp}/a.db',), n, c)}", flush=True)
        print(f"console                            : "
              f"{_serve(_console, (f'sqlite:///{tmp}/b.db',), n, c)}", flush=True)
    print(f"group commit alone (store lane)    : {group_commit_alone()}", flush=True)


if __name__ == "__main__":
    main()
