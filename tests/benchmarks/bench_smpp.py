"""submit_sm accepted and committed per second over one SMPP transceiver bind.

Run: ``python tests/benchmarks/bench_smpp.py [--messages 20000] [--window 64] [--sending]``.

The console runs in a child process (engine, the SMPP server on 127.0.0.1, a
fresh SQLite store, on the loop ``smsconsole serve`` runs on, its heap settled as
serve settles it; its simulated gateway paused, so accepted messages stay
queued, unless ``--sending``). This process binds once as a transceiver and
keeps ``--window`` submit_sm outstanding, written octet by octet here (not
with the server's codec), until every one is answered; a submit_sm_resp is
written only after its message is committed. The store is then counted to
check that every message_id answered is a stored message. Target: at least
5,000 submit_sm/s on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import struct
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.dirname(__file__))

from console_proc import queue_writer_ready, serving_engine  # noqa: E402

HEADER = struct.Struct(">IIII")


def _console(db_url: str, ports: mp.Queue, sending: bool, listen: str = "127.0.0.1:0") -> None:
    from app.config import SMPP
    from app.runtime import settle_heap
    from app.smpp.server import SmppServer
    from app.store.models import User
    from app.store.passwords import hash_password

    async def main() -> None:
        engine = serving_engine(db_url)  # as smsconsole serve runs it
        engine.open_store()
        with engine.db.session() as s:
            s.add(User(name="bench", password_hash=hash_password("long password"),
                       smpp_password_hash=hash_password("bench")))
            s.commit()
        engine.add_gateway("Sim", "simulator", {"send_delay": 0.0, "report_delay": 0.0, "window": 50})
        await engine.start()
        await queue_writer_ready(engine)
        if not sending:
            engine.pause_gateway("Sim")
        cfg = SMPP.defaults()
        cfg.update({"listen": listen, "throughput": 0, "window": 1024})
        server = SmppServer(engine, cfg)
        await server.start()
        settle_heap()  # as `smsconsole serve` does once started
        ports.put(server.port)
        await asyncio.Event().wait()

    try:
        from app.serve import run  # the loop smsconsole serve runs on
    except ImportError:  # an older tree, measured for comparison
        run = asyncio.run
    run(main())


def _cstr(value: str) -> bytes:
    return value.encode() + b"\0"


def _submit(seq: int, n: int) -> bytes:
    text = f"Benchmark message {n}".encode()
    body = (_cstr("") + bytes([5, 0]) + _cstr("Bench") + bytes([1, 1]) + _cstr(f"49151{n % 10_000_000:08d}")
            + bytes([0, 0, 0]) + _cstr("") + _cstr("") + bytes([0, 0, 0, 0, len(text)]) + text)
    return HEADER.pack(16 + len(body), 0x04, 0, seq) + body


async def _read(reader: asyncio.StreamReader) -> tuple[int, int, int, bytes]:
    head = await reader.readexactly(16)
    length, command_id, status, seq = HEADER.unpack(head)
    return command_id, status, seq, await reader.readexactly(length - 16)


async def _run(port: int, messages: int, window: int) -> tuple[float, int, list[str]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    body = _cstr("bench") + _cstr("bench") + _cstr("") + bytes([0x34, 0, 0]) + _cstr("")
    writer.write(HEADER.pack(16 + len(body), 0x09, 0, 1) + body)
    command_id, status, _seq, _ = await _read(reader)
    assert (command_id, status) == (0x80000009, 0), f"bind refused: 0x{status:x}"
    ids: list[str] = []
    refused = 0
    outstanding = asyncio.Semaphore(window)
    done = asyncio.Event()
    answered = 0

    async def receive() -> None:
        nonlocal answered, refused
        while answered < messages:
            command_id, status, _seq, rest = await _read(reader)
            if command_id != 0x80000004:
                continue
            answered += 1
            if status == 0:
                ids.append(rest.rstrip(b"\0").decode())
            else:
                refused += 1
            outstanding.release()
        done.set()

    started = time.perf_counter()
    task = asyncio.create_task(receive())
    for n in range(messages):
        await outstanding.acquire()
        writer.write(_submit(n + 2, n))
        if n % 64 == 0:
            await writer.drain()
    await done.wait()
    seconds = time.perf_counter() - started
    await task
    writer.close()
    return seconds, refused, ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--window", type=int, default=64)
    parser.add_argument("--sending", action="store_true", help="the simulated gateway sends meanwhile")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db_url = f"sqlite:///{tmp}/bench.db"
        ctx = mp.get_context("spawn")
        ports: mp.Queue = ctx.Queue()
        # not a daemon: the console may start its queue writer, a process of its own
        proc = ctx.Process(target=_console, args=(db_url, ports, args.sending))
        proc.start()
        try:
            port = ports.get(timeout=60)
            seconds, refused, ids = asyncio.run(_run(port, args.messages, args.window))
        finally:
            proc.terminate()
            proc.join(10)
        from sqlalchemy import create_engine, text

        with create_engine(db_url).connect() as conn:
            stored = conn.execute(text("SELECT count(*) FROM message WHERE direction = 'out'")).scalar()
    rate = len(ids) / seconds
    print(f"SMPP submit_sm, one transceiver bind, window {args.window}, gateway "
          f"{'sending' if args.sending else 'paused'}: {len(ids)} accepted in {seconds:.2f} s = {rate:,.0f}/s "
          f"(target >= 5,000/s); refused {refused}; stored {stored}")
    if stored != len(ids) or len(set(ids)) != len(ids):
        sys.exit("the answered message ids and the stored messages differ")


if __name__ == "__main__":
    main()
