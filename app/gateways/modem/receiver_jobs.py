"""The receiver's work items: one small type each, with its one handler.

The AT channel's reader turns unsolicited lines into jobs (:func:`job_for`, which never raises: a line it
cannot read becomes :class:`Skipped`), and the gateway's housekeeping task runs them one at a time
(:meth:`app.gateways.modem.receiver.Receiver.run`), so every AT command of receiving goes out from that
one task.

=======================  ==========================  ===================================================
Job                      comes from                  its handler
=======================  ==========================  ===================================================
:class:`StoredMessage`   ``+CMTI: "SM",3``           read the slot (``AT+CMGR``), hand it over
:class:`StoredReport`    ``+CDSI: "SR",1``           the same, for a status report kept in storage
:class:`DirectMessage`   ``+CMT:`` and its PDU line  hand it over, then acknowledge it
:class:`DirectReport`    ``+CDS:`` and its PDU line  the same, for a status report
:class:`Sweep`           start, the periodic timer,  list every stored message (``AT+CMGL=4``) and
                         ``^SMMEMFULL``               hand over what is not held or being deleted
:class:`DeleteAfterStore`  a slot handed over         wait for the engine's commit, then ``AT+CMGD``
:class:`AckAfterStore`   a direct PDU handed over    wait for the commit, then ``AT+CNMA`` (phase 2+)
:class:`LinkLost`        the port lost, the modem    nothing: wakes the task, which reconnects or hands
                         hung, an identity accepted  the modem to the watchdog
:class:`Skipped`         a line that names no slot   a traffic-log line (the next sweep finds the message)
=======================  ==========================  ===================================================
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Awaitable, ClassVar, Union

if TYPE_CHECKING:
    from .receiver import Receiver

Slot = tuple[str, int]  # (storage, index)

_SLOT = re.compile(r'"?(\w+)"?\s*,\s*(\d+)')


@dataclass(frozen=True)
class StoredMessage:
    """A received message kept in the modem's storage (announced by ``+CMTI``)."""

    mem: str
    index: int
    what: ClassVar[str] = "message"

    async def run(self, receiver: "Receiver") -> None:
        await receiver.read(self.mem, self.index)


@dataclass(frozen=True)
class StoredReport(StoredMessage):
    """A status report kept in the modem's storage (announced by ``+CDSI``)."""

    what: ClassVar[str] = "status report"


@dataclass(frozen=True)
class DirectMessage:
    """A received message whose PDU came with its indication (``+CMT``): nothing is stored on the modem."""

    pdu: str
    what: ClassVar[str] = "message"

    async def run(self, receiver: "Receiver") -> None:
        await receiver.direct(self.pdu, self.what)


@dataclass(frozen=True)
class DirectReport(DirectMessage):
    """A status report whose PDU came with its indication (``+CDS``)."""

    what: ClassVar[str] = "status report"


@dataclass(frozen=True)
class Sweep:
    """Read every stored message: at start, periodically, and when the modem says its storage is full."""

    why: str = "periodic"

    async def run(self, receiver: "Receiver") -> None:
        await receiver.sweep()


@dataclass(frozen=True, eq=False)
class DeleteAfterStore:
    """Delete ``slots`` once ``stored`` (the engine's commit of what they held) is done; a failed commit
    leaves them on the modem for the next sweep. ``stored`` None: committed already."""

    slots: tuple[Slot, ...]
    stored: Awaitable[None] | None = None

    async def run(self, receiver: "Receiver") -> None:
        await receiver.delete_after_store(self)


@dataclass(frozen=True, eq=False)
class AckAfterStore:
    """Acknowledge a direct delivery (``AT+CNMA``) once ``stored`` is done: only then, so a message the
    console could not take is delivered again by the network."""

    stored: Awaitable[None] | None = None
    what: str = "message"

    async def run(self, receiver: "Receiver") -> None:
        await receiver.ack_after_store(self)


@dataclass(frozen=True)
class LinkLost:
    """The link is gone or the modem hung: wakes the housekeeping task, which deals with it."""

    async def run(self, receiver: "Receiver") -> None:
        return None


@dataclass(frozen=True)
class Skipped:
    """An indication that could not be used; the traffic log says why."""

    line: str
    why: str

    async def run(self, receiver: "Receiver") -> None:
        receiver.traffic(f"skipped {self.line!r}: {self.why}")


Job = Union[StoredMessage, DirectMessage, Sweep, DeleteAfterStore, AckAfterStore, LinkLost, Skipped]


def job_for(line: str, pdu: str | None) -> Job | None:
    """The job an unsolicited result asks for (None: not a receiving matter). Never raises."""
    head, _, value = line.partition(":")
    head, value = head.strip().upper(), value.strip()
    if head in ("+CMTI", "+CDSI"):
        m = _SLOT.match(value)
        if m is None:
            return Skipped(line, "it names no storage and index (the next sweep reads the message)")
        kind = StoredMessage if head == "+CMTI" else StoredReport
        return kind(m.group(1).upper(), int(m.group(2)))
    if head in ("+CMT", "+CDS"):
        if pdu is None:
            return Skipped(line, "its PDU line is missing")
        return (DirectMessage if head == "+CMT" else DirectReport)(pdu)
    if head == "^SMMEMFULL" or (head == "+CIEV" and "SMSFULL" in value.upper()):
        return Sweep("storage full")
    return None
