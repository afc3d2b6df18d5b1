"""Reassembly of concatenated incoming messages (TS 23.040 §9.2.3.24.1).

Parts belong together when originator, concatenation reference and total
number of parts match. Parts may arrive in any order and more than once (a
modem listing its storage again); repeats are ignored. A set that is still
incomplete ``timeout`` seconds after its first part arrived is released by
:meth:`Reassembler.expire` with ``complete=False``, the text of the parts
received and :data:`MISSING_PART` where a part is missing, so nothing is lost.

Time is passed in by the caller (a monotonic clock in the receiver, plain
numbers in tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.sms.pdu import Deliver

#: Placeholder put in the text of an incomplete message for each missing part.
MISSING_PART = "[part {part} of {total} missing]"


@dataclass(frozen=True)
class IncomingMessage:
    """A received message: one SMS, or the parts of a concatenated one put together."""

    sender: str
    text: str
    parts_received: int
    total_parts: int
    complete: bool
    timestamp: datetime | None
    smsc: str | None
    pdus: list[str] = field(default_factory=list)
    reference: int | None = None


@dataclass
class PendingSet:
    """Parts of one concatenated message received so far."""

    sender: str
    reference: int
    total: int
    first_seen: float
    parts: dict[int, Deliver] = field(default_factory=dict)


def _join(texts: list[str]) -> str:
    """Join part texts, pairing surrogate halves a sender split across parts."""
    text = "".join(texts)
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


class Reassembler:
    """Collects parts of concatenated SMS until a message is complete or timed out."""

    def __init__(self, timeout: float = 600.0) -> None:
        self.timeout = timeout
        self._sets: dict[tuple[str, int, int], PendingSet] = {}

    def add(self, deliver: Deliver, now: float) -> IncomingMessage | None:
        """Add a received SMS; return the message it completes, or None while parts are missing."""
        concat = deliver.concat
        if concat is None or concat.total == 1:
            return IncomingMessage(deliver.sender, deliver.text, 1, 1, True, deliver.timestamp, deliver.smsc,
                                   [deliver.raw], concat.reference if concat else None)
        key = (deliver.sender, concat.reference, concat.total)
        pending = self._sets.setdefault(key, PendingSet(deliver.sender, concat.reference, concat.total, now))
        pending.parts.setdefault(concat.part, deliver)
        if len(pending.parts) < pending.total:
            return None
        del self._sets[key]
        return self._message(pending, complete=True)

    def expire(self, now: float) -> list[IncomingMessage]:
        """Release, as incomplete, every set whose first part came ``timeout`` or more seconds ago."""
        due = [key for key, pending in self._sets.items() if now - pending.first_seen >= self.timeout]
        return [self._message(self._sets.pop(key), complete=False) for key in due]

    def pending(self) -> list[PendingSet]:
        """The sets still waiting for parts, oldest first."""
        return sorted(self._sets.values(), key=lambda p: p.first_seen)

    @staticmethod
    def _message(pending: PendingSet, complete: bool) -> IncomingMessage:
        texts = []
        for number in range(1, pending.total + 1):
            part = pending.parts.get(number)
            texts.append(part.text if part else MISSING_PART.format(part=number, total=pending.total))
        ordered = [pending.parts[n] for n in sorted(pending.parts)]
        first = ordered[0]
        return IncomingMessage(pending.sender, _join(texts), len(pending.parts), pending.total, complete,
                               first.timestamp, first.smsc, [p.raw for p in ordered], pending.reference)
