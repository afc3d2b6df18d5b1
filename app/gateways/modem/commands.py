"""The ``ports`` and ``simulate-modem`` commands of ``smsconsole``."""

from __future__ import annotations

import argparse
import asyncio
import json
import selectors
import signal
import sys

from .discovery import list_ports, probe_all
from .profiles import names as profile_names
from .sim_dialect import SimOptions
from .simulator import ModemSimulator


def run_ports(args: argparse.Namespace) -> int:
    """Print the serial ports (and, with --probe, what answers AT on each)."""
    ports = list_ports()
    paths = list(args.device or [])
    results = {}
    if args.probe:
        targets = paths or [p.preferred for p in ports]
        results = {r.device: r for r in asyncio.run(probe_all(targets, args.baudrate, args.timeout))}
    if args.json:
        out = [{**p.to_dict(), **({"probe": results[p.preferred].to_dict()} if p.preferred in results else {})}
               for p in ports]
        out += [{"device": d, "probe": results[d].to_dict()} for d in paths if d not in {p.preferred for p in ports}]
        print(json.dumps(out, ensure_ascii=False, indent=1))
        return 0
    if not ports and not paths:
        print("no serial ports found (is the modem plugged in? see `dmesg`)")
        return 0
    for p in ports:
        print(p.preferred)
        if p.by_id:
            print(f"  device:       {p.device}")
        for label, value in (("VID:PID", p.vid_pid), ("manufacturer", p.manufacturer), ("product", p.product),
                             ("interface", p.interface), ("description", p.description)):
            if value and value != "n/a":
                print(f"  {label + ':':13} {value}")
        if p.preferred in results:
            print(f"  {'probe:':13} {results[p.preferred].summary}")
    for d in paths:
        if d not in {p.preferred for p in ports}:
            print(d)
            if d in results:
                print(f"  {'probe:':13} {results[d].summary}")
    return 0


def _options(args: argparse.Namespace) -> SimOptions:
    return SimOptions(pin=args.pin or "", echo=not args.no_echo, line_end="\r\r\n" if args.cr_cr_lf else "\r\n",
                      send_delay=args.send_delay, report_delay=args.report_delay, error_rate=args.error_rate,
                      error_code=args.error_code, sim_busy=args.sim_busy, storage_size=args.storage,
                      noise=args.noise, registration_delay=args.registration_delay, profile=args.profile,
                      boot_scale=args.boot_scale)


async def _simulate(args: argparse.Namespace) -> None:
    log_file = open(args.log, "a", encoding="utf-8") if args.log else None
    sim = ModemSimulator(_options(args), link=args.link, baud=args.baud, log_file=log_file)
    path = await sim.start()
    print(path, flush=True)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    def command() -> None:
        line = sys.stdin.readline()
        if not line:
            loop.remove_reader(sys.stdin.fileno())
            return
        word, _, rest = line.strip().partition(" ")
        if word == "receive":
            number, _, text = rest.partition(" ")
            print(f"received {len(sim.receive(number, text))} PDU(s)", flush=True)
        elif word in ("hang", "unhang"):
            sim.hang(word == "hang")
        elif word == "wedge":
            sim.hang(reset_cures=True)
        elif word == "vanish":
            loop.create_task(sim.vanish())
        elif word == "back":
            loop.create_task(sim.come_back(rest.strip() or None))
        elif word:
            print(f"commands: {COMMANDS}", flush=True)

    if args.commands:
        loop.add_reader(sys.stdin.fileno(), command)
    try:
        await stop.wait()
    finally:
        await sim.stop()
        if log_file:
            log_file.close()


#: What ``simulate-modem --commands`` reads on stdin.
COMMANDS = "receive NUMBER TEXT | hang | wedge | unhang | vanish | back [PATH]"


def run_simulate(args: argparse.Namespace) -> int:
    # a throttled line paces bytes with loop timers; epoll waits in whole milliseconds, which would add up
    # to a millisecond to each paced chunk, while select() waits to the microsecond
    factory = (lambda: asyncio.SelectorEventLoop(selectors.SelectSelector())) if args.baud else None
    with asyncio.Runner(loop_factory=factory) as runner:
        runner.run(_simulate(args))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``ports`` and ``simulate-modem`` to the program's subcommands."""
    ports = subparsers.add_parser(
        "ports", help="list serial ports; --probe asks which are modems",
        description="List the serial ports: device, /dev/serial/by-id path (use it in the configuration: it "
                    "survives re-plugging), VID:PID, manufacturer, product, USB interface. --probe sends AT and "
                    "the identity commands to each port that no other program holds, and changes no setting.")
    ports.add_argument("device", nargs="*", help="probe these devices too (e.g. a simulator's pty)")
    ports.add_argument("--probe", action="store_true", help="ask each port whether it answers AT")
    ports.add_argument("--baudrate", type=int, default=115200, help="line speed for probing (default 115200)")
    ports.add_argument("--timeout", type=float, default=2.0, help="seconds to wait for each answer (default 2)")
    ports.add_argument("--json", action="store_true", help="print JSON")
    ports.set_defaults(func=run_ports)

    sim = subparsers.add_parser(
        "simulate-modem", help="run an AT modem simulator on a pseudo-terminal",
        description="Run a GSM modem simulator on a pseudo-terminal and print its device path. Configure a "
                    "gateway with kind = \"modem\" and port = that path (or the --link path). It speaks AT in "
                    "PDU mode, sends status reports, and can throttle, fail and hang on request. With --profile "
                    "it plays a modem family's habits as its vendor's manual records them (identity, boot "
                    "banners, unsolicited floods, answers without OK, prompt form, storage index base, "
                    "accepted AT+CNMI values, NUL bytes, errors in words). Stops on Ctrl-C.")
    sim.add_argument("--link", metavar="PATH", help="make PATH a symlink to the pty (a stable port name)")
    sim.add_argument("--profile", default="generic", choices=profile_names(), metavar="NAME",
                     help=f"modem family to play: {', '.join(profile_names())} (default generic)")
    sim.add_argument("--boot-scale", type=float, default=0.1, metavar="FACTOR",
                     help="boot time played = the family's boot time x FACTOR (default 0.1; 1 = as the real "
                          "modem)")
    sim.add_argument("--pin", help="the SIM asks for this PIN")
    sim.add_argument("--send-delay", type=float, default=0.0, help="seconds each AT+CMGS takes (default 0)")
    sim.add_argument("--report-delay", type=float, default=0.5, help="seconds until a status report (default 0.5)")
    sim.add_argument("--baud", type=int, help="throttle the line to this speed (10 bits per byte)")
    sim.add_argument("--error-rate", type=float, default=0.0, help="fraction of sends answered +CMS ERROR")
    sim.add_argument("--error-code", type=int, default=38, help="the +CMS ERROR code (default 38)")
    sim.add_argument("--sim-busy", type=int, default=0, help="answer SIM busy to the first N SIM commands")
    sim.add_argument("--storage", type=int, default=30, help="message storage slots (default 30)")
    sim.add_argument("--no-echo", action="store_true", help="start with echo off")
    sim.add_argument("--cr-cr-lf", action="store_true", help="end lines with \\r\\r\\n as some modems do")
    sim.add_argument("--noise", action="store_true", help="send ^RSSI/^MODE/^BOOT lines amid answers")
    sim.add_argument("--registration-delay", type=float, default=0.0, help="seconds until registered")
    sim.add_argument("--log", metavar="FILE", help="append each submitted message to FILE as a JSON line")
    sim.add_argument("--commands", action="store_true",
                     help=f"read commands on stdin: {COMMANDS} (wedge: answer nothing but a reset command; "
                          "back PATH: come back with the link at PATH)")
    sim.set_defaults(func=run_simulate)
