"""The real modem driver against the AT modem simulator over a real pseudo-terminal."""

from __future__ import annotations

import asyncio
import os
import tty

import pytest

from app.engine import events as ev
from app.gateways.modem.at_channel import AtChannel
from app.gateways.modem.sim_dialect import SimOptions
from app.gateways.modem.serial_port import close_port, open_port
from app.gateways.modem.simulator import ModemSimulator

#: Short timeouts so that faults show quickly.
FAST = {"command_timeout": 1.0, "send_timeout": 2.0, "registration_timeout": 2.0, "reconnect_max_seconds": 0.5,
        "keepalive_seconds": 30.0, "sweep_seconds": 300.0}


@pytest.fixture
async def raw_line():
    """A pty whose master the test writes to by hand, and an AtChannel on its slave."""
    master, slave = os.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    port = open_port(os.ttyname(slave))
    seen: list[tuple[str, str | None]] = []
    got = asyncio.Event()

    def unsolicited(line, pdu):
        seen.append((line, pdu))
        got.set()

    channel = AtChannel(port.fileno(), unsolicited, name="test")
    channel.got = got
    loop = asyncio.get_running_loop()
    received = asyncio.Queue()

    def readable():
        received.put_nowait(os.read(master, 4096).decode("latin-1"))

    os.set_blocking(master, False)
    loop.add_reader(master, readable)

    async def modem_reads() -> str:
        return await asyncio.wait_for(received.get(), 5)

    def modem_writes(text: str) -> None:
        os.write(master, text.encode("latin-1"))

    yield channel, modem_reads, modem_writes, seen
    loop.remove_reader(master)
    channel.detach()
    close_port(port)
    os.close(master)
    os.close(slave)


@pytest.fixture
async def make_sim(tmp_path):
    """Start simulators on ptys, each with a stable link in the test's folder."""
    sims: list[ModemSimulator] = []

    async def make(name: str = "modem", **options) -> ModemSimulator:
        baud = options.pop("baud", None)
        sim = ModemSimulator(SimOptions(**options), link=str(tmp_path / name), baud=baud, seed=1)
        await sim.start()
        sims.append(sim)
        return sim

    yield make
    for sim in sims:
        await sim.stop()


@pytest.fixture
async def modem_engine(make_engine, make_sim):
    """An engine with one modem gateway ``M`` on a simulator; returns (engine, sim)."""
    engines = []

    async def make(sim_options: dict | None = None, start: bool = True, **settings):
        sim = await make_sim(**(sim_options or {}))
        engine = make_engine()
        engine.add_gateway("M", "modem", {"port": sim.link, **FAST, **settings})
        engines.append(engine)
        if start:
            await engine.start()
        return engine, sim

    yield make
    for engine in engines:
        if engine.started:
            await engine.stop()


async def until(engine, check, timeout: float = 10.0):
    """Wait until ``check()`` is true, re-checking at each engine event."""
    loop = asyncio.get_running_loop()
    fut = loop.create_future()

    def listener(_event):
        if not fut.done() and check():
            fut.set_result(None)

    unsubscribe = engine.events.subscribe(listener)
    try:
        if check():
            return
        await asyncio.wait_for(fut, timeout)
    finally:
        unsubscribe()


async def until_status(engine, message_id: int, *statuses: str, timeout: float = 10.0):
    await until(engine, lambda: engine.message(message_id).status in statuses, timeout)
    return engine.message(message_id)


async def until_state(engine, name: str, state: str, timeout: float = 10.0):
    await until(engine, lambda: engine.gateways[name].state.value == state, timeout)


def is_stored(event) -> bool:
    return isinstance(event, ev.MessageStored) and event.message.direction == "in"


def fake_tree(root, tty: str = "ttyUSB2", bus: int = 1, dev: int = 7) -> tuple[str, str, str]:
    """A sysfs and /dev as the kernel lays them out for a USB serial port; returns (sysfs, dev, port path)."""
    sysfs, devfs = root / "sys", root / "dev"
    device = sysfs / "devices/pci0000:00/0000:00:14.0/usb1/1-2"
    port = device / "1-2:1.2" / tty
    port.mkdir(parents=True)
    (device / "busnum").write_text(f"{bus}\n")
    (device / "devnum").write_text(f"{dev}\n")
    (device / "1-2:1.2" / "bInterfaceNumber").write_text("02\n")
    (sysfs / "class/tty" / tty).mkdir(parents=True)
    os.symlink(port, sysfs / "class/tty" / tty / "device")
    node = devfs / "bus/usb" / f"{bus:03d}" / f"{dev:03d}"
    node.parent.mkdir(parents=True)
    node.write_bytes(b"")
    (devfs / tty).write_bytes(b"")
    by_id = devfs / "serial/by-id"
    by_id.mkdir(parents=True)
    os.symlink(devfs / tty, by_id / "usb-Vendor_Modem-if02-port0")
    return str(sysfs), str(devfs), str(by_id / "usb-Vendor_Modem-if02-port0")
