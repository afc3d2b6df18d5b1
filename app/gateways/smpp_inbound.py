"""What an SMPP gateway receives: delivery receipts matched to the messages it sent, and incoming messages
put together from their parts.

The reference a sent part is stored with is the provider's message id in its canonical form
(:func:`app.smpp.receipts.canonical`). :class:`ReceiptMatcher` keeps the references still waiting for a
receipt (restored from the store when the gateway starts), so a receipt that writes the id in another base
(hexadecimal in submit_sm_resp, decimal in the receipt text) still finds its part. A receipt that comes
before the submit_sm_resp of its message is held until that response names its id (at most
:data:`HOLD_SECONDS`), then reported; one whose id never turns up is reported as it is written, and the
engine logs it as a report for an unknown reference.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from app.sms.concat import IncomingMessage, Reassembler
from app.sms.decoding import Deliver
from app.sms.udh import Concat
from app.smpp.receipts import Receipt, candidates, canonical

from .base import DeliveryReport

#: Seconds a receipt waits for the submit_sm_resp that names its message id.
HOLD_SECONDS = 30.0
#: References remembered while they wait for a receipt (the oldest are forgotten first).
MAX_KNOWN = 500_000


@dataclass
class Held:
    receipt: Receipt
    recipient: str
    since: float
    forms: list[str]
    #: Its row in the store (``gateway_pending``; 0: not kept there yet).
    pending_id: int = 0
    #: Reported (released or expired): no longer held; ``report`` is what the report returned.
    gone: bool = False
    report: object = None


class ReceiptMatcher:
    def __init__(self, report: Callable[[DeliveryReport], object], *, clock=time.monotonic):
        self.report = report
        self.clock = clock
        #: canonical reference -> when it was sent (monotonic), oldest first.
        self.known: OrderedDict[str, float] = OrderedDict()
        #: receipts whose id is not known yet, by each canonical form the id may stand for.
        self.held: dict[str, Held] = {}
        self.matched = 0
        #: Held receipts reported since the owner last looked (their rows in the store are dropped once
        #: their reports are committed).
        self.reported: list[Held] = []
        self._last_held: Held | None = None

    def sent(self, message_id: str, *, receipt: bool = True) -> str:
        """The canonical reference of a part the provider accepted with ``message_id`` ('' for none);
        remembered when a receipt was asked for."""
        ref = canonical(message_id)
        if ref and receipt:
            self.known[ref] = self.clock()
            if len(self.known) > MAX_KNOWN:
                self.known.popitem(last=False)
        return ref

    def restore(self, references: list[str]) -> None:
        """References of messages sent earlier that still wait for a receipt (from the store)."""
        now = self.clock()
        for joined in references:
            for ref in (joined or "").split(","):
                if ref:
                    self.known.setdefault(ref, now)

    def forget_older(self, seconds: float) -> None:
        """Forget the references sent more than ``seconds`` ago (no receipt is matched after that)."""
        horizon = self.clock() - seconds
        while self.known:
            ref, at = next(iter(self.known.items()))
            if at >= horizon:
                return
            del self.known[ref]

    def find(self, receipt: Receipt) -> str | None:
        for written in (receipt.message_id, receipt.other_id):
            if written:
                for form in candidates(written):
                    if form in self.known:
                        return form
        return None

    def receipt(self, receipt: Receipt, recipient: str) -> object:
        """Report a final receipt (what the sink returned), or hold it until its id is known (None; see
        :meth:`held_for`)."""
        ref = self.find(receipt)
        self._last_held = None
        if ref is None:
            forms = [f for written in (receipt.message_id, receipt.other_id) if written
                     for f in candidates(written) if f not in self.held]
            held = self._last_held = Held(receipt, recipient, self.clock(), forms)
            for form in forms:
                self.held[form] = held
            return None
        return self._report(ref, receipt, recipient)

    def held_for(self, receipt: Receipt) -> Held | None:
        """The hold of the receipt :meth:`receipt` took last, if it held it (None: it is reported)."""
        held = self._last_held
        return held if held is not None and held.receipt is receipt else None

    def _report(self, ref: str, receipt: Receipt, recipient: str) -> object:
        self.known.pop(ref, None)
        self.matched += 1
        return self.report(DeliveryReport(ref, receipt.outcome, receipt.reason, receipt.done, recipient))

    def release(self, references: tuple[str, ...] | list[str]) -> None:
        """Report the held receipts of references just recorded as sent."""
        if not self.held:
            return
        for ref in references:
            held = self.held.get(ref)
            if held is not None:
                self._drop(held)
                held.report = self._report(ref, held.receipt, held.recipient)
                self.reported.append(held)

    def expire(self) -> None:
        """Report, as written, the held receipts whose id did not turn up in time."""
        now = self.clock()
        for held in {id(h): h for h in self.held.values() if now - h.since >= HOLD_SECONDS}.values():
            self._drop(held)
            self.matched -= 1
            held.report = self._report(canonical(held.receipt.message_id), held.receipt, held.recipient)
            self.reported.append(held)

    def _drop(self, held: Held) -> None:
        held.gone = True
        for form in held.forms:
            self.held.pop(form, None)


class PartCollector:
    """Parts of incoming long messages (a UDH or sar_* options), put together by :mod:`app.sms.concat`; with
    each set, what its parts are kept as: (row in the store, fingerprint, wall time, recipient)."""

    def __init__(self, timeout: float = 600.0):
        self.reassembler = Reassembler(timeout)
        self.kept: dict[tuple[str, int, int], list[tuple[int, str, float, str]]] = {}

    def add(self, sender: str, text: str, encoding: str, dcs: int, raw: bytes, segment, now: float, *,
            pending_id: int = 0, fingerprint: str = "", recipient: str = "", at: float = 0.0
            ) -> IncomingMessage | None:
        concat = Concat(segment.reference, segment.number, segment.total) if segment is not None else None
        if concat is not None and concat.total > 1:
            self.kept.setdefault((sender, concat.reference, concat.total), []).append(
                (pending_id, fingerprint, at, recipient))
        deliver = Deliver(smsc=None, text=text, encoding=encoding, dcs=dcs, message_class=None, pid=0, udh=(),
                          concat=concat, language=None, raw=raw.hex(), sender=sender,
                          timestamp=datetime.now().astimezone())
        return self.reassembler.add(deliver, now)

    def taken(self, msg: IncomingMessage) -> list[tuple[int, str, float, str]]:
        """What the parts of a message put together (or given up on) were kept as; forgotten here."""
        return self.kept.pop((msg.sender, msg.reference, msg.total_parts), [])

    def expire(self, now: float) -> list[IncomingMessage]:
        return self.reassembler.expire(now)


async def committed(pending) -> None:
    """Await what a report or a received message returned (None: committed already)."""
    if pending is not None:
        await pending
