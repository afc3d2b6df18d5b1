"""Finding modems: the serial ports of this machine and which of them answer ``AT``.

:func:`list_ports` reads pyserial's port list and adds the stable
``/dev/serial/by-id`` path of each port. :func:`probe` opens a port
exclusively (a port another program holds is reported, never touched),
asks ``AT`` and the identity commands, and changes no modem setting.
:func:`find_modem` probes the USB serial ports (and any paths the caller
adds) for the modem with a given IMEI: how a gateway finds its modem again
after the kernel renamed its port or the operator moved it to another socket.
"""

from __future__ import annotations

import asyncio
import glob
import os
import re
from dataclasses import asdict, dataclass

from serial.tools import list_ports as _list_ports

from .at_channel import AtChannel, AtError, AtTimeout, PortGone
from .serial_port import PortBusy, close_port, open_port

BY_ID = "/dev/serial/by-id"


@dataclass(frozen=True)
class PortInfo:
    device: str
    by_id: str = ""
    vid_pid: str = ""
    manufacturer: str = ""
    product: str = ""
    interface: str = ""
    description: str = ""

    @property
    def preferred(self) -> str:
        """The path to configure: the by-id link when there is one (it survives re-plugging)."""
        return self.by_id or self.device

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ProbeResult:
    device: str
    answers: bool
    manufacturer: str = ""
    model: str = ""
    revision: str = ""
    imei: str = ""
    problem: str = ""

    @property
    def summary(self) -> str:
        if not self.answers:
            return self.problem or "no answer to AT"
        return " ".join(p for p in (self.manufacturer, self.model, self.revision) if p) or "answers AT"

    def to_dict(self) -> dict:
        return {**asdict(self), "summary": self.summary}


def _by_id_links(folder: str = BY_ID) -> dict[str, str]:
    """Real device path -> by-id link."""
    out: dict[str, str] = {}
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return out
    for name in names:
        link = os.path.join(folder, name)
        out.setdefault(os.path.realpath(link), link)
    return out


def list_ports() -> list[PortInfo]:
    """Every serial port pyserial finds, USB modems first, with its by-id path."""
    links = _by_id_links()
    ports = []
    for p in _list_ports.comports():
        vid_pid = f"{p.vid:04x}:{p.pid:04x}" if p.vid is not None and p.pid is not None else ""
        ports.append(PortInfo(device=p.device, by_id=links.get(os.path.realpath(p.device), ""), vid_pid=vid_pid,
                              manufacturer=p.manufacturer or "", product=p.product or "",
                              interface=p.interface or "", description=p.description or ""))
    return sorted(ports, key=lambda p: (not p.vid_pid, p.device))


async def probe(path: str, baudrate: int = 115200, timeout: float = 2.0) -> ProbeResult:
    """Ask the device at ``path`` whether it is a modem and which; never waits longer than a few timeouts."""
    try:
        port = open_port(path, baudrate)
    except PortBusy:
        return ProbeResult(path, False, problem="in use by another program (not disturbed)")
    except OSError as exc:
        return ProbeResult(path, False, problem=str(exc))
    channel = AtChannel(port.fileno(), lambda line, pdu: None, name=path)
    facts: dict[str, str] = {}
    try:
        try:
            await channel.command("AT", timeout)
        except AtTimeout:
            await channel.command("AT", timeout)  # the first AT after opening may wake the modem only
        for key, command in (("manufacturer", "AT+CGMI"), ("model", "AT+CGMM"), ("revision", "AT+CGMR"),
                             ("imei", "AT+CGSN")):
            try:
                answer = await channel.command(command, timeout)
            except AtError:
                continue
            if answer.lines:
                value = answer.lines[0]
                facts[key] = value.split(":", 1)[1].strip() if value.startswith("+") else value
        return ProbeResult(path, True, **facts)
    except AtTimeout:
        return ProbeResult(path, False, problem="no answer to AT")
    except (AtError, PortGone) as exc:
        return ProbeResult(path, False, problem=str(exc))
    finally:
        channel.detach()
        close_port(port)


async def probe_all(paths: list[str], baudrate: int = 115200, timeout: float = 2.0) -> list[ProbeResult]:
    """Probe several ports at once."""
    return list(await asyncio.gather(*(probe(p, baudrate, timeout) for p in paths)))


def candidate_ports(patterns: str = "") -> list[str]:
    """Where a modem may be: every USB serial port (its by-id path when it has one) and the paths matching the
    space-separated glob ``patterns``, each real device once. Ports that are not USB (a PC's own ttyS*) are
    left out: probing them could disturb what is attached there."""
    out, seen = [], set()
    paths = [p.preferred for p in list_ports() if p.vid_pid]
    for pattern in patterns.split():
        paths += sorted(glob.glob(os.path.expanduser(pattern)))
    for path in paths:
        real = os.path.realpath(path)
        if real not in seen:
            seen.add(real)
            out.append(path)
    return out


def imei_digits(imei: str) -> str:
    """An IMEI as digits only (modems answer ``+CGSN: "35..."``, ``35...`` or with spaces)."""
    return re.sub(r"\D", "", imei)


async def find_modem(imei: str, paths: list[str], *, baudrate: int = 115200, timeout: float = 2.0,
                     exclude: tuple[str, ...] = ()) -> tuple[ProbeResult | None, list[ProbeResult]]:
    """Probe ``paths`` (except ``exclude``) at once; the first that answers ``AT`` with ``imei`` and every result.

    A multi-interface stick has several ports; those that are not its AT interface do not answer ``AT`` (or
    answer with no IMEI), so the one found is an AT interface. A port another program holds is not touched.
    """
    skip = {os.path.realpath(p) for p in exclude}
    results = await probe_all([p for p in paths if os.path.realpath(p) not in skip], baudrate, timeout)
    wanted = imei_digits(imei)
    found = next((r for r in results if r.answers and wanted and imei_digits(r.imei) == wanted), None)
    return found, results
