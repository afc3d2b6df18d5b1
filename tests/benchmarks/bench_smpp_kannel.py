"""Kannel pushing messages into the console's SMPP server, against Kannel pushing them into its own test
SMSC (drive_smpp, from kannel-extras), in the same run.

Run: ``python tests/benchmarks/bench_smpp_kannel.py [--messages 5000] [--rounds 3]``.

Each round starts bearerbox and smsbox twice with the same configuration, an ``smsc = smpp`` group
binding as a transmitter (window ``max-pending-submits`` 64, no throughput limit): first to the console
(a child process with a fresh SQLite store, its gateway paused so accepted messages stay queued), then to
drive_smpp. While nothing listens on the SMSC's port yet, ``--messages`` texts are pushed through
smsbox's ``/cgi-bin/sendsms`` into bearerbox's queue; then the SMSC is started: the rate is the messages
Kannel counts as sent (its ``status.xml``, read every 20 ms) from the first one sent to the last. Printed: both
rates per round, their ranges, and the ratio (target: the console takes at least 0.9 of what drive_smpp
takes). For the console the stored messages are counted too.

drive_smpp connects as a fake smsbox to 127.0.0.1:13001 once an SMSC binds (its port is fixed); this
benchmark listens there itself for it, so the port must be free.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import re
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from tests.benchmarks.bench_smpp import _console  # noqa: E402 - the console in a child process
from tests.smpp.test_kannel import BEARERBOX, SMSBOX, free_port  # noqa: E402

DRIVE_SMPP = "/usr/lib/kannel/test/drive_smpp"
#: drive_smpp's fake smsbox connects here, whatever bearerbox's smsbox-port is.
DRIVE_SMSBOX_PORT = 13001

CONFIG = """
group = core
admin-port = {admin}
admin-password = adminpw
status-password = adminpw
smsbox-port = {box}
box-allow-ip = 127.0.0.1
log-file = "{dir}/bearerbox.log"
log-level = 2
dlr-storage = internal

group = smsc
smsc = smpp
smsc-id = target
host = 127.0.0.1
port = {smpp}
transceiver-mode = false
smsc-username = "{user}"
smsc-password = "{password}"
system-type = ""
enquire-link-interval = 30
reconnect-delay = 1
max-pending-submits = 64

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {box}
sendsms-port = {sendsms}
log-file = "{dir}/smsbox.log"
log-level = 2

group = sendsms-user
username = bench
password = benchpw
max-messages = 1
"""


async def _http(port: int, path: str, params: dict) -> tuple[int, str]:
    import aiohttp

    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{port}{path}", params=params) as resp:
            return resp.status, await resp.text()


async def _sent(admin: int) -> tuple[int, str]:
    """(messages sent through the SMSC, its status text) from bearerbox's status.xml."""
    _status, body = await _http(admin, "/status.xml", {"password": "adminpw"})
    smsc = body[body.find("<smsc>"):]
    sent = re.search(r"<sms>\s*<received>\d+</received>\s*<sent>(\d+)</sent>", smsc)
    state = re.search(r"<status>([^<]*)</status>", smsc)
    return (int(sent.group(1)) if sent else 0), (state.group(1) if state else "")


async def _until(predicate, what: str, timeout: float = 60.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = await predicate()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


async def _kannel_run(smpp_port: int, user: str, password: str, messages: int, workdir: Path,
                      start_smsc) -> float:
    """Start bearerbox and smsbox for an SMSC on ``smpp_port`` that is not listening yet, push ``messages``
    (bearerbox queues them while it tries to connect), call ``start_smsc()``, and return the rate at which
    Kannel then counts them sent: from the first one sent to the last."""
    ports = {"admin": free_port(), "box": free_port(), "sendsms": free_port()}
    conf = workdir / "kannel.conf"
    conf.write_text(CONFIG.format(dir=workdir, smpp=smpp_port, user=user, password=password, **ports))
    procs = []
    try:
        for binary in (BEARERBOX, SMSBOX):
            procs.append(await asyncio.create_subprocess_exec(
                binary, str(conf), stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL))
            await asyncio.sleep(0.5)
        import aiohttp

        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=32)) as session:
            async def push(n: int) -> None:
                params = {"username": "bench", "password": "benchpw", "from": "Bench",
                          "to": f"+49151{n:08d}", "text": f"Benchmark message {n}"}
                async with session.get(f"http://127.0.0.1:{ports['sendsms']}/cgi-bin/sendsms",
                                       params=params) as resp:
                    if resp.status not in (200, 202):
                        raise SystemExit(f"sendsms refused message {n}: {resp.status} {await resp.text()}")

            async def up():
                try:
                    await push(0)
                    return True
                except aiohttp.ClientConnectionError:
                    return False

            await _until(up, "smsbox's sendsms")
            pushing = time.perf_counter()
            for first in range(1, messages, 500):
                await asyncio.gather(*(push(n) for n in range(first, min(messages, first + 500))))
        print(f"  pushed {messages} through sendsms in {time.perf_counter() - pushing:.1f} s", flush=True)
        if (await _sent(ports["admin"]))[0]:
            raise SystemExit("Kannel sent before the SMSC listened")
        start_smsc()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 600
        first_seen = None
        while True:
            sent, _state = await _sent(ports["admin"])
            now = loop.time()
            if sent and first_seen is None:
                first_seen = (now, sent)
            if sent >= messages:
                break
            if now > deadline:
                raise SystemExit(f"Kannel sent {sent} of {messages} in 600 s")
            await asyncio.sleep(0.02)
        t0, n0 = first_seen
        if now - t0 < 0.5:
            raise SystemExit(f"{messages} messages went in {now - t0:.2f} s: too few to time, use more")
        return (messages - n0) / (now - t0)
    finally:
        for proc in reversed(procs):
            if proc.returncode is None:
                proc.terminate()
                try:
                    await asyncio.wait_for(proc.wait(), 10)
                except TimeoutError:
                    proc.kill()
                    await proc.wait()


def _ours(messages: int, workdir: Path) -> tuple[float, int]:
    from sqlalchemy import create_engine, text

    db_url = f"sqlite:///{workdir}/bench.db"
    port = free_port()
    ctx = mp.get_context("spawn")
    ports: mp.Queue = ctx.Queue()
    # not a daemon: the console may start its queue writer, a process of its own
    proc = ctx.Process(target=_console, args=(db_url, ports, False, f"127.0.0.1:{port}"))

    def start() -> None:
        proc.start()
        ports.get(timeout=60)

    try:
        rate = asyncio.run(_kannel_run(port, "bench", "bench", messages, workdir, start))
    finally:
        if proc.is_alive():
            proc.terminate()
            proc.join(10)
    with create_engine(db_url).connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM message WHERE direction = 'out'")).scalar()
    return rate, stored


def _drive(messages: int, workdir: Path) -> float:
    import subprocess

    port = free_port()
    swallow = socket.socket()
    swallow.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        swallow.bind(("127.0.0.1", DRIVE_SMSBOX_PORT))
    except OSError:
        raise SystemExit(f"port {DRIVE_SMSBOX_PORT} is in use: drive_smpp's fake smsbox would connect there")
    swallow.listen(4)
    procs = []

    def start() -> None:
        procs.append(subprocess.Popen([DRIVE_SMPP, "-p", str(port), "-v", "4"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))

    try:
        return asyncio.run(_kannel_run(port, "foo", "bar", messages, workdir, start))
    finally:
        for drive in procs:
            drive.kill()
            drive.wait()
        swallow.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for path in (BEARERBOX, SMSBOX, DRIVE_SMPP):
        if not Path(path).exists():
            sys.exit(f"{path} is missing: install the Debian packages kannel and kannel-extras")
    ours, theirs = [], []
    for round_ in range(1, args.rounds + 1):
        with tempfile.TemporaryDirectory() as tmp:
            rate, stored = _ours(args.messages, Path(tmp))
        if stored != args.messages:
            sys.exit(f"the console stored {stored} of {args.messages} messages")
        with tempfile.TemporaryDirectory() as tmp:
            theirs.append(_drive(args.messages, Path(tmp)))
        ours.append(rate)
        print(f"round {round_}: Kannel into the console {ours[-1]:,.0f}/s (stored {stored}), "
              f"into drive_smpp {theirs[-1]:,.0f}/s, ratio {ours[-1] / theirs[-1]:.2f}", flush=True)
    ratios = [o / t for o, t in zip(ours, theirs)]
    print(f"Kannel (bearerbox, one transmitter bind, max-pending-submits 64), {args.messages} messages a run: "
          f"into the console {min(ours):,.0f}-{max(ours):,.0f}/s, into drive_smpp "
          f"{min(theirs):,.0f}-{max(theirs):,.0f}/s; ratio {min(ratios):.2f}-{max(ratios):.2f} (target >= 0.9)")


if __name__ == "__main__":
    main()
