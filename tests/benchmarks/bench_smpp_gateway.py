"""The SMPP gateway's sending rate and receipt matching against a sink SMSC.

Run: ``python tests/benchmarks/bench_smpp_gateway.py [--messages 20000] [--window 200] [--receipts]
[--peer sink|drive_smpp] [--repeat 3]``.

The gateway (``kind = "smpp"``, its real code: submit_pdus, the link's writer and reader, the window, the
receipt matcher) runs in this process with a sink standing in for the engine that hands it the next
message as soon as one is answered, so ``--window`` are always under way. The SMSC runs in a child
process:

- ``sink``: a minimal SMSC written here (octets by hand, not the console's codec) that answers each
  submit_sm at once with a hexadecimal message_id and, with ``--receipts``, sends a DELIVRD receipt whose
  text gives the id in decimal (the Jasmin form, so each receipt goes through the id matching);
- ``drive_smpp``: Kannel's test SMSC (kannel-extras), bound as a transmitter and a receiver; it answers
  without message ids, so no receipts.

With ``--engine`` the whole console runs instead of the stand-in: an engine on a fresh SQLite store, the
messages queued first, then the gateway started; timed until every message is recorded sent (and, with
``--receipts``, delivered), so the dispatcher and the store's writes are in the figure.

Prints messages acknowledged per second and receipts matched per second. Target: at least 5,000 messages
a second on a quiet machine.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

HEADER = struct.Struct(">IIII")
DRIVE_SMPP = "/usr/lib/kannel/test/drive_smpp"


def _sink(ports: mp.Queue, receipts: bool) -> None:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        buf = b""
        next_id = 0x100000
        seq = 0
        while True:
            data = await reader.read(262144)
            if not data:
                break
            buf += data
            out = []
            pos = 0
            while len(buf) - pos >= 16:
                length, command, _status, sequence = HEADER.unpack_from(buf, pos)
                if len(buf) - pos < length:
                    break
                if command == 0x04:  # submit_sm
                    next_id += 1
                    body = b"%X\0" % next_id
                    out.append(HEADER.pack(16 + len(body), 0x80000004, 0, sequence) + body)
                    if receipts:
                        seq += 1
                        text = b"id:%d sub:001 dlvrd:001 submit date:2612070000 done date:2612070000 " \
                               b"stat:DELIVRD err:000 text:" % next_id
                        body = (b"\0\1\1" + b"4917612345678\0" + b"\0\1" + b"12345\0" + bytes([0x04, 0, 0])
                                + b"\0\0" + bytes([0, 0, 0, 0, len(text)]) + text)
                        out.append(HEADER.pack(16 + len(body), 0x05, 0, seq) + body)
                elif command in (0x01, 0x02, 0x09):  # binds
                    out.append(HEADER.pack(21, command | 0x80000000, 0, sequence) + b"sink\0")
                elif command in (0x15, 0x06):  # enquire_link, unbind
                    out.append(HEADER.pack(16, command | 0x80000000, 0, sequence))
                pos += length
            buf = buf[pos:]
            if out:
                writer.write(b"".join(out))
                await writer.drain()
        writer.close()

    async def main() -> None:
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        ports.put(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(main())


class BenchSink:
    """The engine's part: hands the gateway the next message when one is answered; counts."""

    def __init__(self, total: int):
        self.total = total
        self.handed = 0
        self.sent = 0
        self.failed = 0
        self.reports = 0
        self.done = asyncio.Event()
        self.gateway = None
        self.first = self.last_sent = self.last_report = 0.0
        self.expect_reports = False

    def hand(self, n: int) -> None:
        from app.gateways.base import OutboundSms

        for _ in range(min(n, self.total - self.handed)):
            self.handed += 1
            self.gateway.submit(OutboundSms(self.handed, f"u{self.handed}", f"+49176{self.handed:08d}",
                                            f"Benchmark message {self.handed}", status_report=True))

    def _check(self) -> None:
        if self.sent + self.failed >= self.total and (not self.expect_reports or self.reports >= self.sent):
            self.done.set()

    def gateway_sent(self, gateway, sms, result) -> None:
        if result.ok:
            self.sent += 1
        else:
            self.failed += 1
        self.last_sent = time.perf_counter()
        self.hand(1)
        self._check()

    def gateway_returned(self, gateway, sms) -> None:
        self.failed += len(sms)
        self._check()

    def gateway_report(self, gateway, report):
        self.reports += 1
        self.last_report = time.perf_counter()
        self._check()
        return None

    def gateway_received(self, gateway, sms):
        return None

    def awaiting_reports(self, gateway, since):
        return []

    def gateway_state_changed(self, gateway) -> None:
        pass

    def gateway_alert(self, gateway, text) -> None:
        pass


async def _run(port: int, messages: int, window: int, mode: str, receipts: bool) -> tuple[float, float, int]:
    from app.gateways.smpp import SmppGateway

    sink = BenchSink(messages)
    sink.expect_reports = receipts
    gw = SmppGateway("Bench", {"host": "127.0.0.1", "port": port, "system_id": "foo", "password": "bar",
                               "bind_mode": mode, "window": window}, sink)
    sink.gateway = gw
    await gw.start()
    start = time.perf_counter()
    sink.hand(window)
    await asyncio.wait_for(sink.done.wait(), 600)
    sent_rate = sink.sent / (sink.last_sent - start)
    report_rate = sink.reports / (sink.last_report - start) if sink.reports else 0.0
    await gw.stop()
    if sink.failed:
        print(f"  {sink.failed} messages failed")
    return sent_rate, report_rate, gw.receipts.matched


async def _run_engine(port: int, messages: int, window: int, receipts: bool) -> tuple[float, float, int]:
    import tempfile
    from pathlib import Path

    from app.engine import events as ev
    from app.engine.engine import Engine
    from app.engine.requests import OutboundRequest
    from app.store import models as m
    from app.store.database import Database

    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine(Database(f"sqlite:///{Path(tmp) / 'bench.db'}"))
        engine.open_store()
        engine.add_gateway("Bench", "smpp", {"host": "127.0.0.1", "port": port, "system_id": "foo",
                                             "password": "bar", "window": window, "enabled": False})
        await engine.start()
        for i in range(0, messages, 1000):
            engine.queue_messages([OutboundRequest([f"+49176{j:08d}" for j in range(i, min(i + 1000, messages))],
                                                   "Benchmark message", status_report=receipts)])
        await asyncio.to_thread(engine.db.derived.wait)
        counts = {m.SENT: 0, m.DELIVERED: 0}
        last = {m.SENT: 0.0, m.DELIVERED: 0.0}
        done = asyncio.get_running_loop().create_future()
        target = m.DELIVERED if receipts else m.SENT

        def listener(e):
            if isinstance(e, ev.MessageChanged) and e.message.status in counts:
                counts[e.message.status] += 1
                last[e.message.status] = time.perf_counter()
                if counts[target] == messages and not done.done():
                    done.set_result(None)

        engine.events.subscribe(listener)
        start = time.perf_counter()
        await engine.start_gateway("Bench")
        await asyncio.wait_for(done, 900)
        sent = messages / ((last[m.SENT] or last[m.DELIVERED]) - start)
        delivered = counts[m.DELIVERED] / (last[m.DELIVERED] - start) if counts[m.DELIVERED] else 0.0
        matched = engine.gateways["Bench"].receipts.matched
        await engine.stop()
    return sent, delivered, matched


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--window", type=int, default=200)
    parser.add_argument("--receipts", action="store_true", help="the sink sends a receipt for each message")
    parser.add_argument("--peer", choices=("sink", "drive_smpp"), default="sink")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--engine", action="store_true", help="the whole console: queue, dispatcher, store")
    args = parser.parse_args()
    for run in range(1, args.repeat + 1):
        if args.peer == "sink":
            ports: mp.Queue = mp.Queue()
            child = mp.Process(target=_sink, args=(ports, args.receipts), daemon=True)
            child.start()
            port = ports.get(timeout=30)
            mode = "transceiver"
            listener = None
        else:
            listener = socket.socket()
            listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            listener.bind(("127.0.0.1", 13001))  # drive_smpp's smsbox connection
            listener.listen()
            port = _free_port()
            child = subprocess.Popen([DRIVE_SMPP, "-p", str(port), "-m", "1", "-v", "4"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
            mode = "transmitter+receiver"
        try:
            receipts = args.receipts and args.peer == "sink"
            if args.engine:
                sent, reports, matched = asyncio.run(_run_engine(port, args.messages, args.window, receipts))
            else:
                sent, reports, matched = asyncio.run(_run(port, args.messages, args.window, mode, receipts))
        finally:
            child.terminate()
            if listener is not None:
                listener.close()
        through = "the console" if args.engine else "the gateway"
        line = (f"run {run}: {args.messages} messages through {through} to {args.peer}, window {args.window}: "
                f"{sent:,.0f} messages/s")
        if matched:
            line += f", {reports:,.0f} receipts matched/s ({matched} matched)"
            if args.engine:
                line = line.replace("receipts matched/s", "delivered/s")
        print(line, flush=True)


if __name__ == "__main__":
    main()
