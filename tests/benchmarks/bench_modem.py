"""Modem gateway throughput against the AT modem simulator, and python-gsmmodem on the same simulator.

Run:  python tests/benchmarks/bench_modem.py [--messages 1000] [--throttled 300] [--rounds 3] [--gsmmodem-python PATH]

The simulator runs as its own process (``smsconsole simulate-modem``) on a
pty, so the CPU figure is the console's alone. Figures:

* single-part messages per second end to end: queued in the store ->
  ``AT+CMGS`` -> ``sent`` committed, simulator at zero send delay;
* CPU seconds per 1,000 messages of the console process;
* at 115,200 baud (simulator throttled, 8N1 = 10 bits per byte, so 11,520
  bytes/s in each direction): line fraction = (bytes written + bytes read by
  the console) x 10 / 115,200 / wall time. The AT dialogue is half duplex
  (command, prompt, PDU, answer: each waits for the one before from the other
  side), so the bytes of both directions queue on one timeline and 1.0 means
  the line never idles;
* python-gsmmodem sending the same messages to the same simulator (PDU mode,
  one ``sendSms`` after the other), taking ``--rounds`` turns with the gateway
  alone, and the ratio of the two medians; and once more at 115,200 baud,
  against the gateway end to end and alone on that line.

python-gsmmodem is not a dependency. The 2013 release on PyPI
(``python-gsmmodem`` 0.9) is Python 2 code that fails on Python 3 with pyserial
3 (it writes str to the port); its maintained Python 3 continuation
``python-gsmmodem-new`` is what runs here. Install it in its own virtualenv:
``python -m venv /tmp/gsmvenv && /tmp/gsmvenv/bin/pip install python-gsmmodem-new``
and pass ``--gsmmodem-python /tmp/gsmvenv/bin/python``, or ``pip install
smsconsole[bench]`` to have it in the same environment (the default).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time

from app.engine import events as ev
from app.engine.engine import Engine
from app.engine.requests import OutboundRequest
from app.store.database import Database

BAUD = 115200
BITS_PER_BYTE = 10  # 8N1: start bit, 8 data bits, stop bit
WINDOW = 8
TEXT = "Benchmark message {i:05d}: the quick brown fox jumps over the lazy dog."
GSMMODEM_SCRIPT = r"""
import sys, time
from gsmmodem.modem import GsmModem
port, count, text = sys.argv[1], int(sys.argv[2]), sys.argv[3]
modem = GsmModem(port, 115200)
modem.connect()
start = time.perf_counter()
for i in range(count):
    modem.sendSms("+4917612345678", text.format(i=i))
print(count / (time.perf_counter() - start))
modem.close()
"""


def start_simulator(folder: str, name: str, *extra: str) -> tuple[subprocess.Popen, str]:
    link = os.path.join(folder, name)
    proc = subprocess.Popen([sys.executable, "-m", "app.cli", "simulate-modem", "--link", link, *extra],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == link
    return proc, link


async def run_console(folder: str, link: str, count: int, tag: str) -> dict:
    """Queue ``count`` single-part messages and wait until every one is committed as sent."""
    engine = Engine(Database(f"sqlite:///{folder}/{tag}.db"))
    engine.open_store()
    engine.add_gateway("M", "modem", {"port": link, "window": WINDOW})
    await engine.start()
    gw = engine.gateways["M"]
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    sent = 0

    def listener(event):
        nonlocal sent
        if isinstance(event, ev.MessageChanged) and event.message.status == "sent":
            sent += 1
            if sent == count and not done.done():
                done.set_result(None)

    engine.events.subscribe(listener)
    in_before, out_before = gw.channel.bytes_in, gw.channel.bytes_out
    wall, cpu = time.perf_counter(), time.process_time()
    engine.queue_messages([OutboundRequest(["+4917612345678"], TEXT.format(i=i)) for i in range(count)])
    await asyncio.wait_for(done, 600)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    read, written = gw.channel.bytes_in - in_before, gw.channel.bytes_out - out_before
    await engine.stop()
    return {"rate": count / wall, "cpu_per_1000": cpu / count * 1000, "wall": wall, "in": read, "out": written}


class _Sink:
    """Collects send outcomes; the driver-level run has no store behind it."""

    def __init__(self, count: int):
        self.count, self.results = count, []
        self.done = asyncio.get_running_loop().create_future()

    def gateway_sent(self, gateway, sms, result):
        self.results.append(result)
        if len(self.results) == self.count and not self.done.done():
            self.done.set_result(None)

    def gateway_returned(self, gateway, sms):
        raise AssertionError("a message was returned")

    def gateway_received(self, gateway, sms): ...
    def gateway_report(self, gateway, report): ...
    def gateway_state_changed(self, gateway): ...


class Phases:
    """Where a message's time goes, seen from the console: stamps at each write and at each prompt or final read."""

    def __init__(self, channel):
        self.stamps: list[tuple[float, str]] = []
        write, line, feed = channel._write, channel._line, channel.feed

        def stamped_write(text):
            self.stamps.append((time.perf_counter(), "cmd" if text.startswith("AT+CMGS") else "data"))
            return write(text)

        def stamped_line(text):
            if text == "OK":
                self.stamps.append((time.perf_counter(), "final"))
            return line(text)

        def stamped_feed(text):
            if ">" in text:
                self.stamps.append((time.perf_counter(), "prompt"))
            return feed(text)

        channel._write, channel._line, channel.feed = stamped_write, stamped_line, stamped_feed

    def reaction(self) -> float:
        """Mean seconds per message the console itself took: prompt read -> PDU written, final -> next command."""
        total, messages = 0.0, 0
        for (t0, a), (t1, b) in zip(self.stamps, self.stamps[1:]):
            if (a, b) in (("prompt", "data"), ("final", "cmd")):
                total += t1 - t0
            messages += b == "final"
        return total / max(1, messages)


async def run_driver(link: str, count: int) -> dict:
    """The modem gateway alone (no store, no dispatcher): messages handed to it one after the other."""
    from app.gateways.base import OutboundSms
    from app.gateways.modem.gateway import ModemGateway

    sink = _Sink(count)
    gw = ModemGateway("M", {"port": link, "window": count}, sink)
    await gw.start()
    phases = Phases(gw.channel)
    in_before, out_before = gw.channel.bytes_in, gw.channel.bytes_out
    wall, cpu = time.perf_counter(), time.process_time()
    for i in range(count):
        gw.submit(OutboundSms(i, f"u{i}", "+4917612345678", TEXT.format(i=i)))
    await asyncio.wait_for(sink.done, 600)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    read, written = gw.channel.bytes_in - in_before, gw.channel.bytes_out - out_before
    await gw.stop()
    assert all(r.ok for r in sink.results)
    return {"rate": count / wall, "cpu_per_1000": cpu / count * 1000, "wall": wall, "in": read, "out": written,
            "reaction": phases.reaction()}


def run_gsmmodem(python: str, link: str, count: int) -> float | None:
    try:
        out = subprocess.run([python, "-c", GSMMODEM_SCRIPT, link, str(count), TEXT], capture_output=True,
                             text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        print(f"python-gsmmodem could not run: {exc}")
        return None
    if out.returncode != 0:
        print("python-gsmmodem could not run:", (out.stderr.strip().splitlines() or ["?"])[-1])
        return None
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--throttled", type=int, default=300, help="messages for the 115,200 baud run")
    parser.add_argument("--rounds", type=int, default=3,
                        help="turns of python-gsmmodem and the gateway alone at zero delay (medians are compared)")
    parser.add_argument("--gsmmodem-python", default=sys.executable,
                        help="Python with python-gsmmodem-new installed (default: this one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        # python-gsmmodem always asks for status reports; they would arrive amid the run and fill the
        # report storage, so the simulator holds them back and both sides measure sending only. The two
        # take turns on the same simulator, so a change in the machine's load meets both alike.
        sim, link = start_simulator(folder, "turns", "--report-delay", "3600")
        theirs_rates, ours_alone = [], []
        try:
            for _ in range(args.rounds):
                rate = run_gsmmodem(args.gsmmodem_python, link, args.messages)
                if rate is not None:
                    theirs_rates.append(rate)
                ours_alone.append(asyncio.run(run_driver(link, args.messages)))
        finally:
            sim.terminate()
            sim.wait()
        sim, link = start_simulator(folder, "fast")
        try:
            fast = asyncio.run(run_console(folder, link, args.messages, "fast"))
        finally:
            sim.terminate()
            sim.wait()
        sim, link = start_simulator(folder, "slow", "--baud", str(BAUD), "--report-delay", "3600")
        try:
            slow = asyncio.run(run_console(folder, link, args.throttled, "slow"))
            slow_driver = asyncio.run(run_driver(link, args.throttled))
            theirs_slow = run_gsmmodem(args.gsmmodem_python, link, args.throttled) if theirs_rates else None
        finally:
            sim.terminate()
            sim.wait()
    print(f"single-part messages end to end (queued -> +CMGS -> sent committed): {fast['rate']:.0f} msg/s "
          f"({args.messages} messages, zero send delay, gateway window {WINDOW})")
    print(f"CPU seconds per 1,000 messages (console process, end to end): {fast['cpu_per_1000']:.2f} s")
    driver = sorted(ours_alone, key=lambda r: r["rate"])[len(ours_alone) // 2]
    turns = " / ".join(str(round(r["rate"])) for r in ours_alone)
    print(f"modem gateway alone (no store, no dispatcher), zero send delay, {args.rounds} turns: {turns} msg/s, "
          f"median {driver['rate']:.0f}, CPU {driver['cpu_per_1000']:.2f} s per 1,000")
    for label, run in (("end to end", slow), ("gateway alone", slow_driver)):
        line_time = (run["out"] + run["in"]) * BITS_PER_BYTE / BAUD
        print(f"at {BAUD} baud, {label}: {run['rate']:.1f} msg/s; per message {run['out'] / args.throttled:.0f} "
              f"bytes written + {run['in'] / args.throttled:.0f} read; line fraction = ({run['out']} + {run['in']}) "
              f"bytes x {BITS_PER_BYTE} bits / {BAUD} bit/s / {run['wall']:.2f} s = {line_time / run['wall']:.3f} "
              f"(target >= 0.9)")
    run = slow_driver
    line_ms, wall_ms = (run["out"] + run["in"]) * BITS_PER_BYTE / BAUD / args.throttled * 1e3, 1e3 / run["rate"]
    print(f"  where a message's {wall_ms:.2f} ms go (gateway alone): {line_ms:.2f} ms of line time, "
          f"{run['reaction'] * 1e3:.3f} ms of console reaction (prompt -> PDU written, final -> next command "
          f"written), {wall_ms - line_ms - run['reaction'] * 1e3:.2f} ms of bytes between the processes beyond "
          f"their line time (pty hand-over and waiting for a CPU: grows with the machine's load)")
    if theirs_rates:
        theirs = statistics.median(theirs_rates)
        print(f"python-gsmmodem-new on the same simulator, taking turns with the gateway alone: "
              f"{' / '.join(f'{r:.0f}' for r in theirs_rates)} msg/s, median {theirs:.0f} (send only, no store); "
              f"ratio of medians gateway alone / theirs {driver['rate'] / theirs:.2f}, "
              f"end to end / theirs {fast['rate'] / theirs:.2f}")
    if theirs_slow is not None:
        print(f"python-gsmmodem-new at {BAUD} baud (same simulator, same messages): {theirs_slow:.1f} msg/s; "
              f"gateway end to end (every message committed as sent) / theirs {slow['rate'] / theirs_slow:.2f}, "
              f"gateway alone / theirs {slow_driver['rate'] / theirs_slow:.2f}")


if __name__ == "__main__":
    main()
