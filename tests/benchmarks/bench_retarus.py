"""Retarus REST v1 figures, both ways, over real HTTP on 127.0.0.1.

Run: ``python tests/benchmarks/bench_retarus.py``

* served API: one ``POST /rest/v1/jobs`` with 3,000 recipients, answered and
  committed (target under 0.5 s); small single-recipient jobs per second from
  a concurrent local client (target at least 1,000/s);
* provider gateway: 30,000 queued messages handed by one console's Retarus
  gateway to another console's served API, until all are recorded sent
  (target at least 5,000/s), and the number of HTTP requests it took.

The serving console's gateway is stopped, so the figures are those of the
API and the queue, not of a simulated network.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.api.server import ApiServer  # noqa: E402
from app.config import Config  # noqa: E402
from app.engine import events as ev  # noqa: E402
from app.engine.engine import Engine  # noqa: E402
from app.engine.requests import OutboundRequest  # noqa: E402
from app.store import models as m  # noqa: E402
from app.store.database import Database  # noqa: E402
from app.store.models import User  # noqa: E402
from app.store.passwords import hash_password  # noqa: E402

BULK = 3000
SMALL_JOBS = 3000
CONCURRENCY = 64
GATEWAY_MESSAGES = 30000


async def served(tmp: Path, name: str) -> tuple[Engine, ApiServer]:
    engine = Engine(Database(f"sqlite:///{tmp / name}"))
    engine.open_store()
    engine.add_gateway("Sim", "simulator", {"send_delay": 0.0, "report_delay": 0.0, "enabled": False})
    with engine.db.session() as s:
        s.add(User(name="bench", password_hash=hash_password("pw"), privileges=json.dumps([])))
        s.commit()
    await engine.start()
    cfg = Config()
    cfg.api.update({"listen": "127.0.0.1:0", "rate_limit": 0})
    server = ApiServer(engine, cfg)
    await server.start()
    return engine, server


def job(n: int, offset: int = 0) -> dict:
    return {"options": {"src": "Bench", "statusRequested": True},
            "messages": [{"text": "Your code is 123456", "recipients": [
                {"dst": f"+49176{offset + i:08d}"} for i in range(n)]}]}


async def bench_bulk(client: httpx.AsyncClient, engine: Engine) -> list[float]:
    times = []
    for round_ in range(5):
        body = job(BULK, round_ * BULK)
        t0 = time.perf_counter()
        r = await client.post("/jobs", json=body)
        times.append(time.perf_counter() - t0)
        assert r.status_code == 201, r.text
    assert engine.queue_length() == 5 * BULK
    return times


async def bench_small(client: httpx.AsyncClient) -> float:
    counter = iter(range(SMALL_JOBS))

    async def worker():
        for i in counter:
            r = await client.post("/jobs", json=job(1, 10_000_000 + i))
            assert r.status_code == 201, r.text

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return SMALL_JOBS / (time.perf_counter() - t0)


async def bench_gateway(tmp: Path, server: ApiServer) -> tuple[float, int, int]:
    engine = Engine(Database(f"sqlite:///{tmp / 'client.db'}"))
    engine.open_store()
    engine.add_gateway("Retarus", "retarus", {"url": server.url + "/rest/v1", "username": "bench", "password": "pw",
                                              "poll_interval": 3600.0, "enabled": False})
    await engine.start()
    for i in range(0, GATEWAY_MESSAGES, BULK):
        engine.queue_messages([OutboundRequest([f"+49151{j:08d}" for j in range(i, i + BULK)], "Bulk text")])
    done = asyncio.get_running_loop().create_future()
    sent = 0

    def listener(e):
        nonlocal sent
        if isinstance(e, ev.MessageChanged) and e.message.status == m.SENT:
            sent += 1
            if sent == GATEWAY_MESSAGES and not done.done():
                done.set_result(None)

    engine.events.subscribe(listener)
    t0 = time.perf_counter()
    await engine.start_gateway("Retarus")
    await asyncio.wait_for(done, 120)
    elapsed = time.perf_counter() - t0
    gw = engine.gateways["Retarus"]
    requests, jobs = gw.client.requests, gw.jobs_posted
    await engine.stop()
    return GATEWAY_MESSAGES / elapsed, requests, jobs


async def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        engine, server = await served(tmp, "served.db")
        async with httpx.AsyncClient(base_url=server.url + "/rest/v1", auth=("bench", "pw"),
                                     limits=httpx.Limits(max_connections=CONCURRENCY)) as client:
            await client.get("/version")  # the first password check (scrypt) is not part of the figures
            bulk = await bench_bulk(client, engine)
            rate = await bench_small(client)
        print(f"served POST /jobs, {BULK} recipients: median {statistics.median(bulk) * 1000:.0f} ms, "
              f"best {min(bulk) * 1000:.0f} ms, worst {max(bulk) * 1000:.0f} ms (target < 500 ms)")
        print(f"served single-recipient jobs, {CONCURRENCY} concurrent: {rate:,.0f} jobs/s (target >= 1,000/s)")
        gw_rate, requests, jobs = await bench_gateway(tmp, server)
        print(f"provider gateway, {GATEWAY_MESSAGES:,} messages to a served console: {gw_rate:,.0f} messages/s "
              f"(target >= 5,000/s), {requests} HTTP requests ({jobs} jobs)")
        await server.stop()
        await engine.stop()


if __name__ == "__main__":
    asyncio.run(main())
