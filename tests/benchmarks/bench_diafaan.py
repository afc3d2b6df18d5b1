"""Diafaan ``send-message`` requests per second, and Kannel's ``/cgi-bin/sendsms``
in the same run for comparison.

Run: ``python tests/benchmarks/bench_diafaan.py [--requests 5000] [--concurrency 50]``.

The console runs in a child process (engine, the HTTP API on 127.0.0.1, a
fresh SQLite store), once with its simulated gateway paused (messages stay
queued) and once with it sending and reporting at once; a concurrent client
in this process (a bare HTTP/1.1 client, light enough to leave the cores to
the server measured) sends one recipient per request over keep-alive
connections, then the store is counted to check that every ``OK:``
reply is a committed message. With the gateway sending, the messages it sent
while the requests were answered are counted too (the store lane answers
requests first; sending goes on beside them and catches up after the load).
The console's CPU time per request is printed
too: on a machine shared with other work it varies far less than the rate.
The console runs on the loop ``smsconsole serve`` runs on (uvloop when
installed), its heap settled as serve settles it. Kannel (Debian package
``kannel``) runs as bearerbox + smsbox on loopback with a fake SMSC (``smsc = fake``, no
fakesmsc client connected) and a spool store, so it queues what it accepts
on disk, as the console does with its gateway paused; its replies ``0: Accepted``
or ``3: Queued for later delivery`` both count as accepted. When Kannel is
not installed its line says so. Target: at least 3,000 send-message/s with the gateway sending, and
no fewer than Kannel's in the same run; 5,000 with it paused. While the console is loaded, a
second client asks for ``request-server-status`` every 20 ms; its answer times are printed (p50, p99; target p99 under 20 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import aiohttp

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.dirname(__file__))

from console_proc import cpu_seconds, queue_writer_ready, serving_engine  # noqa: E402


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _console(db_url: str, ports: mp.Queue, sending: bool) -> None:
    """Child process: the console with its HTTP API, until terminated.

    ``sending``: the simulated gateway sends (and reports) at once; otherwise
    it is paused and accepted messages stay queued (Kannel without an SMSC).
    """
    from app.api.server import ApiServer
    from app.config import Config
    from app.runtime import settle_heap
    from app.store.models import User
    from app.store.passwords import hash_password

    async def main() -> None:
        engine = serving_engine(db_url)  # as smsconsole serve runs it
        engine.open_store()
        with engine.db.session() as s:
            s.add(User(name="bench", password_hash=hash_password("bench")))
            s.commit()
        engine.add_gateway("Sim", "simulator", {"send_delay": 0.0, "report_delay": 0.0, "window": 50})
        await engine.start()
        await queue_writer_ready(engine)
        cfg = Config()
        cfg.api.update({"listen": "127.0.0.1:0", "rate_limit": 0})
        server = ApiServer(engine, cfg)
        await server.start()
        if not sending:
            engine.pause_gateway("Sim")
        settle_heap()  # as `smsconsole serve` does once started
        ports.put(server.port)
        await asyncio.Event().wait()

    try:
        from app.serve import run  # the loop smsconsole serve runs on
    except ImportError:  # an older tree, measured for comparison
        run = asyncio.run
    run(main())


async def _load(url: str, params_for, n: int, concurrency: int, accepted) -> tuple[float, int, list[str]]:
    """Send ``n`` GET requests over ``concurrency`` keep-alive connections; returns (seconds, accepted, a few
    refusals).

    A bare HTTP/1.1 client (asyncio streams, the request line written whole, the reply read by its
    ``Content-Length`` or chunks): a client costing a tenth of aiohttp's leaves the machine's cores to the
    server measured, whichever it is.
    """
    parts = urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    ok = 0
    bad: list[str] = []
    counter = iter(range(n))

    async def worker() -> None:
        nonlocal ok
        reader = writer = None
        try:
            for i in counter:
                if writer is None:
                    reader, writer = await asyncio.open_connection(host, port)
                writer.write(f"GET {parts.path}?{urlencode(params_for(i))} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                             f"\r\n".encode())
                status, text, close = await _reply(reader)
                if accepted(status, text):
                    ok += 1
                elif len(bad) < 3:
                    bad.append(f"{status} {text[:80]}")
                if close:
                    writer.close()
                    reader = writer = None
        finally:
            if writer is not None:
                writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - start, ok, bad


async def _reply(reader: asyncio.StreamReader) -> tuple[int, str, bool]:
    """One HTTP/1.x reply: (status, body text, whether the server closes the connection)."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    version, status = head[0].split(" ", 2)[:2]
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in head[1:] if line)}
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            body += (await reader.readexactly(size + 2))[:-2]
        await reader.readuntil(b"\r\n")
    elif "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    else:
        body = await reader.read()
        return int(status), body.decode(errors="replace"), True
    close = headers.get("connection", "").lower() == "close" or version == "HTTP/1.0" and \
        headers.get("connection", "").lower() != "keep-alive"
    return int(status), body.decode(errors="replace"), close


def _cpu_seconds(pid: int) -> float | None:
    """User and system CPU seconds of a console so far, its queue writer included (Linux), None elsewhere."""
    return cpu_seconds(pid)


def _number(i: int) -> str:
    return f"+4917{i % 100_000_000:08d}"


def bench_console(n: int, concurrency: int, workdir: Path, sending: bool) -> str:
    db = workdir / f"console-{'sending' if sending else 'paused'}.db"
    ports: mp.Queue = mp.get_context("spawn").Queue()
    # not a daemon: the console may start its queue writer, a process of its own
    proc = mp.get_context("spawn").Process(target=_console, args=(f"sqlite:///{db}", ports, sending))
    proc.start()
    try:
        port = ports.get(timeout=60)
        url = f"http://127.0.0.1:{port}/http/send-message"

        def params(i: int) -> dict:
            return {"username": "bench", "password": "bench", "to": _number(i), "message": f"Benchmark {i}"}

        accepted = lambda status, text: status == 200 and text.startswith("OK: ")  # noqa: E731
        asyncio.run(_load(url, params, min(500, n), concurrency, accepted))  # warm-up
        cpu = _cpu_seconds(proc.pid)
        sent_before = _sent_count(db)
        (seconds, ok, bad), waits = asyncio.run(_with_status_probe(
            _load(url, params, n, concurrency, accepted), f"http://127.0.0.1:{port}/http/request-server-status"))
        cpu = _cpu_seconds(proc.pid) - cpu if cpu is not None else None
        sent_meanwhile = _sent_count(db)  # what the gateway sent while the requests were answered
    finally:
        proc.terminate()
        proc.join(10)
    import sqlite3

    with sqlite3.connect(db) as con:
        stored = con.execute("select count(*) from message where direction = 'out'").fetchone()[0]
    warm = min(500, n)
    mode = "gateway sending" if sending else "gateway paused"
    line = (f"console  /http/send-message : {n / seconds:8.0f} req/s  ({n} requests, {concurrency} concurrent, "
            f"{ok} OK, {stored - warm} committed, {mode})")
    if sending:  # the store lane answers requests first: sending goes on beside them at a smaller pace
        line += (f"\n         sent by the gateway meanwhile: {sent_meanwhile - sent_before} "
                 f"({(sent_meanwhile - sent_before) / seconds:.0f}/s); the rest waits in the queue")
    if cpu is not None:  # what a request costs the console, whatever else the machine runs meanwhile
        line += f"\n         console CPU: {cpu / n * 1e6:.0f} µs per request"
    if bad:
        line += f"\n         refusals, e.g.: {bad}"
    if waits:
        waits.sort()
        line += (f"\n         request-server-status meanwhile: p50 {waits[len(waits) // 2] * 1000:.1f} ms, "
                 f"p99 {waits[int(len(waits) * 0.99)] * 1000:.1f} ms ({len(waits)} asked)")
    if stored - warm != ok:
        line += f"\n         MISMATCH: {ok} OK replies but {stored - warm} messages committed"
    return line


def _sent_count(db: Path) -> int:
    """Outbound messages the gateway has sent so far (read beside the running console)."""
    import sqlite3

    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as con:
        return con.execute("select count(*) from message where direction = 'out' and sent_at is not null").fetchone()[0]


async def _with_status_probe(load, status_url: str):
    """Run ``load`` while asking for the server status every 20 ms; returns its result and the answer times."""
    waits: list[float] = []
    done = asyncio.Event()

    async def probe() -> None:
        async with aiohttp.ClientSession() as http:
            while not done.is_set():
                t = time.perf_counter()
                async with http.get(status_url, params={"username": "bench", "password": "bench"}) as r:
                    await r.read()
                waits.append(time.perf_counter() - t)
                await asyncio.sleep(0.02)

    task = asyncio.ensure_future(probe())
    try:
        return await load, waits
    finally:
        done.set()
        await task


KANNEL_CONF = """\
group = core
admin-port = {admin}
admin-password = bench
smsbox-port = {smsbox}
box-allow-ip = 127.0.0.1
log-file = "{dir}/bearerbox.log"
log-level = 2
store-type = spool
store-location = "{dir}/spool"

group = smsc
smsc = fake
smsc-id = FAKE
port = {fake}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
sendsms-port = {sendsms}
sendsms-interface = 127.0.0.1
log-file = "{dir}/smsbox.log"
log-level = 2

group = sendsms-user
username = bench
password = bench
"""


def _wait_port(port: int, proc: subprocess.Popen, timeout: float = 20.0) -> str | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return f"exited with code {proc.returncode}"
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return None
        except OSError:
            time.sleep(0.1)
    return f"did not listen on 127.0.0.1:{port} within {timeout:.0f} s"


def bench_kannel(n: int, concurrency: int, workdir: Path) -> str:
    bearerbox, smsbox = shutil.which("bearerbox", path="/usr/sbin:/usr/bin"), shutil.which("smsbox",
                                                                                        path="/usr/sbin:/usr/bin")
    if not bearerbox or not smsbox:
        return "kannel   /cgi-bin/sendsms      : not measured: bearerbox/smsbox not found (apt-get install kannel)"
    kdir = workdir / "kannel"
    (kdir / "spool").mkdir(parents=True)
    ports = {"admin": _free_port(), "smsbox": _free_port(), "sendsms": _free_port(), "fake": _free_port()}
    conf = kdir / "kannel.conf"
    conf.write_text(KANNEL_CONF.format(dir=kdir, **ports))
    boxes = [subprocess.Popen([bearerbox, str(conf)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)]
    try:
        why = _wait_port(ports["smsbox"], boxes[0])
        if why is None:
            boxes.append(subprocess.Popen([smsbox, str(conf)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True))
            why = _wait_port(ports["sendsms"], boxes[1])
        if why is not None:
            log = (kdir / "bearerbox.log").read_text(errors="replace")[-300:] if (kdir / "bearerbox.log").exists() else ""
            return f"kannel   /cgi-bin/sendsms      : not measured: Kannel {why}. {log}"
        url = f"http://127.0.0.1:{ports['sendsms']}/cgi-bin/sendsms"

        def params(i: int) -> dict:
            return {"username": "bench", "password": "bench", "from": "Bench", "to": _number(i),
                    "text": f"Benchmark {i}"}

        accepted = lambda status, text: status in (200, 202) and text[:2] in ("0:", "3:")  # noqa: E731
        asyncio.run(_load(url, params, min(500, n), concurrency, accepted))
        seconds, ok, bad = asyncio.run(_load(url, params, n, concurrency, accepted))
        line = (f"kannel   /cgi-bin/sendsms      : {n / seconds:8.0f} req/s  ({n} requests, {concurrency} "
                f"concurrent, {ok} accepted, fake SMSC, spool store)")
        return line + (f"\n         refusals, e.g.: {bad}" if bad else "")
    finally:
        for p in reversed(boxes):
            p.terminate()
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-diafaan-") as tmp:
        print(f"send-message, one recipient per request, keep-alive client on 127.0.0.1 (cpus: {os.cpu_count()})")
        print(bench_console(args.requests, args.concurrency, Path(tmp), sending=False), flush=True)
        print(bench_console(args.requests, args.concurrency, Path(tmp), sending=True), flush=True)
        print(bench_kannel(args.requests, args.concurrency, Path(tmp)), flush=True)


if __name__ == "__main__":
    main()
