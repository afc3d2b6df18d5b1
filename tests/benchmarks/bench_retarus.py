"""Retarus REST v1 figures, both ways, over real HTTP on 127.0.0.1.

Run: ``python tests/benchmarks/bench_retarus.py``

* served API: one ``POST /rest/v1/jobs`` with 3,000 recipients, answered and
  committed (target under 0.5 s); small single-recipient jobs per second from
  a concurrent local client (target at least 1,000/s);
* provider gateway: 30,000 queued messages handed by one console's Retarus
  gateway to another console's served API, until all are recorded sent
  (target at least 5,000/s), and the number of HTTP requests it took;
  and jobs per 1,000 messages of one text that arrive one request each,
  without and with ``batch_wait``.

Each side runs in its own process, so a figure measures one console, not the
client that drives it as well: the small jobs come from a load process (a
plain HTTP/1.1 client on keep-alive connections, ``CONCURRENCY`` of them);
the provider gateway sends to a serving console started as a process of its
own. The serving console's gateway is stopped, so the figures are those of
the API and the queue, not of a simulated network.

The provider figure is also taken against a process that only answers
(every job accepted at once, nothing stored): that one is the sending
console's own limit.

The same file is the load process (``load URL N CONCURRENCY OFFSET``), the
serving console (``serve STORE``) and the answering provider (``answer``);
the last two print their URL and stop at the end of their input.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import resource
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
SMALL_JOBS = 5000
CONCURRENCY = 64
GATEWAY_MESSAGES = 30000
USER, PASSWORD = "bench", "pw"


def cpu_seconds() -> float:
    """CPU time of this process (all its threads)."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


# --- the serving console -----------------------------------------------------------------------

async def served(store: Path) -> tuple[Engine, ApiServer]:
    engine = Engine(Database(f"sqlite:///{store}"))
    engine.open_store()
    engine.add_gateway("Sim", "simulator", {"send_delay": 0.0, "report_delay": 0.0, "enabled": False})
    with engine.db.session() as s:
        s.add(User(name=USER, password_hash=hash_password(PASSWORD), privileges=json.dumps([])))
        s.commit()
    await engine.start()
    cfg = Config()
    cfg.api.update({"listen": "127.0.0.1:0", "rate_limit": 0})
    server = ApiServer(engine, cfg)
    await server.start()
    return engine, server


async def serve(store: str) -> None:
    """Serve until stdin ends; print the base URL, then at the end the CPU seconds used."""
    engine, server = await served(Path(store))
    print(server.url + "/rest/v1", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    print(f"{cpu_seconds():.2f}", flush=True)
    await server.stop()
    await engine.stop()


async def answer() -> None:
    """A provider that accepts every job at once and stores nothing; serves until stdin ends."""
    from aiohttp import web

    jobs = iter(range(10**9))

    async def post(request: web.Request) -> web.Response:
        body = await request.json()
        assert body["messages"][0]["recipients"]
        return web.json_response({"jobId": f"J.20300101-000000.000-{next(jobs):018d}"}, status=201)

    app = web.Application(client_max_size=16 * 1024 * 1024)
    app.router.add_post("/rest/v1/jobs", post)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    print(f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/rest/v1", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    print(f"{cpu_seconds():.2f}", flush=True)
    await runner.cleanup()


# --- the load process -----------------------------------------------------------------------------

def job(n: int, offset: int = 0) -> dict:
    return {"options": {"src": "Bench", "statusRequested": True},
            "messages": [{"text": "Your code is 123456", "recipients": [
                {"dst": f"+49176{offset + i:08d}"} for i in range(n)]}]}


async def load(url: str, n: int, concurrency: int, offset: int) -> None:
    """Post ``n`` single-recipient jobs on ``concurrency`` keep-alive connections; print the figures as JSON."""
    target = httpx.URL(url)
    auth = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    head = (f"POST {target.path.rstrip('/')}/jobs HTTP/1.1\r\nHost: {target.host}:{target.port}\r\n"
            f"Authorization: Basic {auth}\r\nContent-Type: application/json\r\n")
    numbers = iter(range(offset, offset + n))
    statuses: dict[int, int] = {}

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(target.host, target.port)
        for i in numbers:
            body = json.dumps(job(1, i)).encode()
            writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            answer = await reader.readuntil(b"\r\n\r\n")
            length = next(int(line.split(b":")[1]) for line in answer.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            await reader.readexactly(length)
            status = int(answer[9:12])
            statuses[status] = statuses.get(status, 0) + 1
        writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(connection() for _ in range(concurrency)))
    elapsed = time.perf_counter() - t0
    print(json.dumps({"jobs": n, "seconds": elapsed, "statuses": statuses, "cpu": cpu_seconds()}))


# --- the figures -----------------------------------------------------------------------------------

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


async def bench_small(url: str) -> tuple[float, float, float]:
    """Single-recipient jobs per second from a load process; server and client CPU ms per job."""
    cpu0 = cpu_seconds()
    proc = await asyncio.create_subprocess_exec(sys.executable, __file__, "load", url, str(SMALL_JOBS),
                                                str(CONCURRENCY), "10000000", stdout=asyncio.subprocess.PIPE)
    out, _ = await proc.communicate()
    figures = json.loads(out)
    assert figures["statuses"] == {"201": SMALL_JOBS}, figures
    server_cpu = cpu_seconds() - cpu0
    return (SMALL_JOBS / figures["seconds"], server_cpu * 1000 / SMALL_JOBS, figures["cpu"] * 1000 / SMALL_JOBS)


def all_sent(engine: Engine, n: int) -> asyncio.Future:
    """A future resolved once ``n`` messages of ``engine`` were recorded sent."""
    done = asyncio.get_running_loop().create_future()
    sent = 0

    def listener(e):
        nonlocal sent
        if isinstance(e, ev.MessageChanged) and e.message.status == m.SENT:
            sent += 1
            if sent == n and not done.done():
                done.set_result(None)

    engine.events.subscribe(listener)
    return done


async def bench_gateway(tmp: Path, *provider: str) -> tuple[float, int, int, float, float]:
    """Messages per second through the gateway to a provider in its own process (``serve STORE`` or ``answer``)."""
    proc = await asyncio.create_subprocess_exec(sys.executable, __file__, *provider,
                                                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    url = (await proc.stdout.readline()).decode().strip()
    store = tmp / f"client-{provider[0]}.db"
    engine = Engine(Database(f"sqlite:///{store}"))
    engine.open_store()
    engine.add_gateway("Retarus", "retarus", {"url": url, "username": USER, "password": PASSWORD,
                                              "poll_interval": 3600.0, "enabled": False})
    await engine.start()
    for i in range(0, GATEWAY_MESSAGES, BULK):
        engine.queue_messages([OutboundRequest([f"+49151{j:08d}" for j in range(i, i + BULK)], "Bulk text")])
    done = all_sent(engine, GATEWAY_MESSAGES)
    # the queued messages are in the search index, as they would be had they been queued a while ago
    await asyncio.to_thread(engine.db.derived.wait)
    cpu0 = cpu_seconds()
    t0 = time.perf_counter()
    await engine.start_gateway("Retarus")
    await asyncio.wait_for(done, 300)
    elapsed = time.perf_counter() - t0
    cpu = cpu_seconds() - cpu0
    gw = engine.gateways["Retarus"]
    requests, jobs = gw.client.requests, gw.jobs_posted
    await engine.stop()
    proc.stdin.close()
    provider_cpu = float((await proc.stdout.read()).decode().split()[-1])
    await proc.wait()
    return GATEWAY_MESSAGES / elapsed, requests, jobs, cpu, provider_cpu


TRICKLE = 1000


async def bench_trickle(batch_wait: float, rate: float = 1000.0) -> tuple[int, float]:
    """Jobs posted for TRICKLE messages with the same text that arrive one request each (``rate`` a second),
    through the gateway to a provider that only answers; and the seconds until all were sent."""
    proc = await asyncio.create_subprocess_exec(sys.executable, __file__, "answer",
                                                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    url = (await proc.stdout.readline()).decode().strip()
    with tempfile.TemporaryDirectory() as d:
        engine = Engine(Database(f"sqlite:///{Path(d) / 'trickle.db'}"))
        engine.open_store()
        engine.add_gateway("Retarus", "retarus", {"url": url, "username": USER, "password": PASSWORD,
                                                  "poll_interval": 3600.0, "batch_wait": batch_wait})
        await engine.start()
        done = all_sent(engine, TRICKLE)
        t0 = time.perf_counter()
        pending = []
        for i in range(TRICKLE):
            pending.append(asyncio.ensure_future(engine.queue_messages_async(
                [OutboundRequest([f"+49152{i:08d}"], "Same text, one request each")])))
            await asyncio.sleep(1 / rate)
        await asyncio.gather(*pending)
        await asyncio.wait_for(done, 120)
        elapsed = time.perf_counter() - t0
        jobs = engine.gateways["Retarus"].jobs_posted
        await engine.stop()
    proc.stdin.close()
    await proc.stdout.read()
    await proc.wait()
    return jobs, elapsed


async def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        engine, server = await served(tmp / "served.db")
        url = server.url + "/rest/v1"
        async with httpx.AsyncClient(base_url=url, auth=(USER, PASSWORD)) as client:
            await client.get("/version")  # the first password check (scrypt) is not part of the figures
            bulk = await bench_bulk(client, engine)
        rate, server_ms, client_ms = await bench_small(url)
        await server.stop()
        await engine.stop()
        print(f"served POST /jobs, {BULK} recipients: median {statistics.median(bulk) * 1000:.0f} ms, "
              f"best {min(bulk) * 1000:.0f} ms, worst {max(bulk) * 1000:.0f} ms (target < 500 ms)")
        print(f"served single-recipient jobs, {SMALL_JOBS} from a load process on {CONCURRENCY} connections: "
              f"{rate:,.0f} jobs/s (target >= 1,000/s); CPU per job: console {server_ms:.2f} ms, "
              f"load process {client_ms:.2f} ms")
        gw_rate, requests, jobs, cpu, provider_cpu = await bench_gateway(tmp, "serve", str(tmp / "provider.db"))
        print(f"provider gateway, {GATEWAY_MESSAGES:,} messages to a serving console in its own process: "
              f"{gw_rate:,.0f} messages/s (target >= 5,000/s), {requests} HTTP requests ({jobs} jobs); "
              f"CPU: sending console {cpu:.2f} s, serving console {provider_cpu:.2f} s (whole run)")
        gw_rate, requests, jobs, cpu, provider_cpu = await bench_gateway(tmp, "answer")
        print(f"provider gateway, {GATEWAY_MESSAGES:,} messages to a provider that only answers: "
              f"{gw_rate:,.0f} messages/s, {requests} HTTP requests ({jobs} jobs); "
              f"CPU: sending console {cpu:.2f} s, provider {provider_cpu:.2f} s (whole run)")
        for wait in (0.0, 0.05):
            jobs, elapsed = await bench_trickle(wait)
            print(f"provider gateway, {TRICKLE:,} messages with one text arriving one request each "
                  f"(about 1,000/s), batch_wait {wait * 1000:.0f} ms: {jobs * 1000 / TRICKLE:.0f} jobs per 1,000 "
                  f"messages, all sent in {elapsed:.2f} s")
        print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    if sys.argv[1:2] == ["load"]:
        asyncio.run(load(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])))
    elif sys.argv[1:2] == ["serve"]:
        asyncio.run(serve(sys.argv[2]))
    elif sys.argv[1:2] == ["answer"]:
        asyncio.run(answer())
    else:
        asyncio.run(main())
