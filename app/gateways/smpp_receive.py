"""What an SMPP gateway receives, taken once and kept across restarts.

**Sent again.** An SMSC whose deliver_sm_resp got lost sends the same deliver_sm again. Each one gets a
fingerprint: its source and destination, data_coding, esm_class, octets (the concatenation header
included), the SMSC's time fields and every option (the SMSC's id for it among them, when it gives one in
``receipted_message_id``). A copy within ``duplicate_window`` seconds is answered ESME_ROK and not taken
again (one log line) when it cannot be a message of its own: it carries the SMSC's id, or is a part of a
long message, or came on another connection than the first copy (a response lost with its
connection; after a restart of the console, every copy), or with the first copy's sequence_number. The
same text sent twice on one connection (an SMSC passing on two identical messages) is two messages. A
receipt sent again (same id, stat, error and done date) is not applied twice.

**Held across restarts.** A receipt that comes before its submit_sm_resp and the parts of a long message
awaiting the others are acknowledged only once they are kept in the store (``gateway_pending``, through
the store lane); a restart takes them up again: the parts with their age (the reassembly timeout counts
from the first part's arrival), a receipt held afresh for its submit_sm_resp. A part of a message already stored stays
there, marked done, for ``duplicate_window`` seconds, so the same part sent again after a restart is
recognised too.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
from collections import OrderedDict
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from app.sms.concat import IncomingMessage
from app.smpp import pdu as P
from app.smpp.receipts import Receipt, canonical, is_receipt, parse_receipt
from app.smpp.text import Segment, TextError, split_udh

from .smpp_inbound import Held, PartCollector, ReceiptMatcher, committed as _committed
from .smpp_parts import incoming_text

if TYPE_CHECKING:
    from .smpp import SmppGateway

log = logging.getLogger(__name__)

#: Seconds between two purges of the parts of stored messages kept to recognise repeats.
PURGE_EVERY = 60.0
#: Fields of a deliver_sm that tell one message from another (with its octets and sar_* options).
_IDENTITY = ("source_addr_ton", "source_addr", "dest_addr_ton", "destination_addr", "esm_class", "data_coding",
             "schedule_delivery_time", "validity_period")
_SAR = (P.TAG_SAR_MSG_REF_NUM, P.TAG_SAR_TOTAL_SEGMENTS, P.TAG_SAR_SEGMENT_SEQNUM)
#: Fingerprints remembered at most (the oldest are forgotten first, however young).
MAX_RECENT = 200_000
#: The connection of a copy restored from the store (any connection now is another one).
RESTORED = ("", -1)


def _digest(*parts: bytes | str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()[:32]


def deliver_fingerprint(gateway: str, pdu: P.Pdu) -> tuple[str, bool]:
    """(fingerprint, whether the SMSC named its id for the message) of a deliver_sm or data_sm: its
    fields, octets and options (the id among them: the id alone is not enough, Kannel's drive_smpp
    writes the same one on every message)."""
    fields = [str(pdu.get(name, "")) for name in _IDENTITY]
    options = b"".join(tag.to_bytes(2, "big") + len(v).to_bytes(2, "big") + v for tag, v in sorted(pdu.tlvs.items()))
    return (_digest(gateway, *fields, pdu.get("short_message", b""), options),
            bool(pdu.tlvs.get(P.TAG_RECEIPTED_MESSAGE_ID, b"").strip(b"\0")))


def receipt_fingerprint(gateway: str, receipt: Receipt) -> str:
    done = receipt.done.isoformat() if receipt.done else ""
    return "r" + _digest(gateway, canonical(receipt.message_id), receipt.other_id, receipt.stat, receipt.error,
                         done)[1:]


class Recent:
    """Fingerprints seen in the last ``window`` seconds, each with the connection and sequence_number it
    came with (nothing is remembered for a window of 0)."""

    def __init__(self, window: float, *, clock=time.monotonic):
        self.window, self.clock = window, clock
        self._seen: OrderedDict[str, tuple[float, tuple[str, int]]] = OrderedDict()

    def _prune(self) -> None:
        horizon = self.clock() - self.window
        while self._seen:
            fp, (at, _) = next(iter(self._seen.items()))
            if at >= horizon:
                return
            del self._seen[fp]

    def seen(self, fp: str, came: tuple[str, int] | None = None) -> bool:
        """Whether ``fp`` was seen; with ``came`` (connection, sequence_number) only when the copy seen came
        on another connection or with that sequence_number."""
        self._prune()
        entry = self._seen.get(fp)
        if entry is None:
            return False
        return came is None or entry[1][0] != came[0] or entry[1] == came

    def add(self, fp: str, at: float | None = None, came: tuple[str, int] = RESTORED) -> None:
        if self.window > 0:
            self._seen[fp] = (self.clock() if at is None else at, came)
            self._seen.move_to_end(fp)
            if len(self._seen) > MAX_RECENT:
                self._seen.popitem(last=False)

    def discard(self, fp: str) -> None:
        self._seen.pop(fp, None)


class SmppReceiver:
    """The receiving side of one SMPP gateway: receipts matched (:class:`ReceiptMatcher`), parts put
    together (:class:`PartCollector`), repeats recognised, held items kept in the store."""

    def __init__(self, gateway: "SmppGateway"):
        self.gw = gateway
        self.window = float(gateway.settings["duplicate_window"])
        self.receipts = ReceiptMatcher(gateway._report)
        self.parts = PartCollector()
        self.recent = Recent(self.window)
        self.repeats = 0
        self._purged = 0.0
        self._tasks: set[asyncio.Task] = set()

    @property
    def services(self):
        return self.gw.services

    # --- a deliver_sm ---------------------------------------------------------------------------------

    def _repeat(self, fp: str, what: str, came: tuple[str, int] | None = None) -> bool:
        """Whether ``fp`` was taken lately (then say so once; ``came``: see :meth:`Recent.seen`); else
        remember it."""
        if self.recent.seen(fp, came):
            self.repeats += 1
            log.info("gateway %s: %s sent again by the SMSC (its response was lost?): answered, not taken "
                     "twice", self.gw.name, what)
            self.gw.log_traffic("in", f"{what} sent again: answered, not taken twice")
            return True
        self.recent.add(fp, came=came or RESTORED)
        return False

    async def deliver(self, pdu: P.Pdu, connection: str = "") -> int:
        """Take a deliver_sm (or data_sm) that came on ``connection`` (a token of the link); the status to
        answer once it is committed."""
        data = pdu.tlvs.get(P.TAG_MESSAGE_PAYLOAD) or pdu.get("short_message", b"")
        esm = pdu.get("esm_class", 0)
        sender = _number(pdu.get("source_addr", ""), pdu.get("source_addr_ton", 0))
        if is_receipt(esm):
            receipt = parse_receipt(data.decode("latin-1"), pdu.tlvs)
            self.gw.log_traffic("in", f"receipt {data[:120].decode('latin-1')!r}")
            if receipt is None or not receipt.final:
                return P.ESME_ROK
            fp = receipt_fingerprint(self.gw.name, receipt)
            if self._repeat(fp, f"the receipt of {receipt.message_id} ({receipt.stat})"):
                return P.ESME_ROK
            try:
                await self._receipt(receipt, sender, fp)
            except BaseException:
                self.recent.discard(fp)
                raise
            return P.ESME_ROK
        fp, by_id = deliver_fingerprint(self.gw.name, pdu)
        part = bool(esm & 0x40) or P.TAG_SAR_MSG_REF_NUM in pdu.tlvs
        came = (connection, pdu.sequence)
        if self._repeat(fp, f"the deliver_sm from {sender}", None if by_id or part else came):
            return P.ESME_ROK
        try:
            await self._message(pdu, data, esm, sender, fp, came)
        except BaseException:
            self.recent.discard(fp)
            raise
        return P.ESME_ROK

    async def _receipt(self, receipt: Receipt, sender: str, fp: str) -> None:
        result = self.receipts.receipt(receipt, sender)
        held = self.receipts.held_for(receipt)
        if held is None:
            await _committed(result)
            return
        data = {"receipt": _receipt_data(receipt), "recipient": sender, "at": self.services.now()}
        pid = await self.services.keep_pending("receipt", fp, json.dumps(data))
        if held.gone:  # its submit_sm_resp came meanwhile: reported already
            await _committed(held.report)
            await self.services.settle_pending([pid])
        else:
            held.pending_id = pid

    async def _message(self, pdu: P.Pdu, data: bytes, esm: int, sender: str, fp: str,
                       came: tuple[str, int]) -> None:
        segment: Segment | None = None
        try:
            if esm & 0x40:
                segment, data = split_udh(data)
            elif P.TAG_SAR_MSG_REF_NUM in pdu.tlvs:
                segment = Segment(int.from_bytes(pdu.tlvs[P.TAG_SAR_MSG_REF_NUM], "big"),
                                  pdu.tlvs.get(P.TAG_SAR_TOTAL_SEGMENTS, b"\1")[0],
                                  pdu.tlvs.get(P.TAG_SAR_SEGMENT_SEQNUM, b"\1")[0])
        except (TextError, IndexError) as exc:
            self.gw.log_traffic("in", f"deliver_sm with a broken header taken as it is: {exc}")
            segment = None
        dcs = pdu.get("data_coding", 0)
        text, encoding = incoming_text(data, dcs)
        recipient = _number(pdu.get("destination_addr", ""), pdu.get("dest_addr_ton", 0))
        wall = self.services.now()
        if segment is None or segment.total <= 1:
            await self.gw._store(sender, text, recipient, 1, 1, f"smpp:{fp}:{came[0]}:{came[1]}")  # see restore()
            return
        part = {"sender": sender, "recipient": recipient, "text": text, "encoding": encoding, "dcs": dcs,
                "raw": data.hex(), "ref": segment.reference, "total": segment.total, "number": segment.number,
                "at": wall}
        pid = await self.services.keep_pending("part", fp, json.dumps(part))
        await self._add_part(part, fp, pid, time.monotonic())

    async def _add_part(self, part: dict, fp: str, pid: int, now: float) -> None:
        segment = Segment(part["ref"], part["total"], part["number"])
        msg = self.parts.add(part["sender"], part["text"], part["encoding"], part["dcs"], bytes.fromhex(part["raw"]),
                             segment, now, pending_id=pid, fingerprint=fp, recipient=part["recipient"],
                             at=part["at"])
        if msg is not None:
            await self._store_set(msg)

    async def _store_set(self, msg: IncomingMessage) -> None:
        """Store a long message put together (or given up on), then mark its parts' rows done."""
        kept = self.parts.taken(msg)
        fps = sorted(fp for _pid, fp, _at, _rcpt in kept)
        first_at = min((at for _pid, _fp, at, _rcpt in kept), default=self.services.now())
        recipient = kept[0][3] if kept else ""
        # the parts' fingerprints with the window the first came in: the same set put together twice (a
        # restart between storing it and marking its parts) is stored once
        window = int(first_at // self.window) if self.window > 0 else first_at
        await self.gw._store(msg.sender, msg.text, recipient, msg.total_parts, msg.parts_received,
                             f"smpp:{_digest(*fps)}:{window}")
        await self.services.settle_pending([pid for pid, *_ in kept], done=self.window > 0)

    # --- held receipts ---------------------------------------------------------------------------------

    def settle_reported(self) -> None:
        """Drop the stored rows of held receipts reported since (once their reports are committed)."""
        reported, self.receipts.reported = self.receipts.reported, []
        for held in reported:
            if held.pending_id:
                self._spawn(self._settle_after(held))

    async def _settle_after(self, held: Held) -> None:
        await _committed(held.report)
        await self.services.settle_pending([held.pending_id])

    def _spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- life -----------------------------------------------------------------------------------------

    async def restore(self) -> None:
        """Take up what the gateway held when it last ran (after the references awaiting receipts), and
        remember what it received within the window (a copy of it now comes on another connection)."""
        wall, mono = self.services.now(), time.monotonic()
        if self.window > 0:
            for fingerprint, at in reversed(await self.services.received_fingerprints(wall - self.window)):
                # "smpp:<content>:<connection>:<sequence>" of a message
                self.recent.add(fingerprint.split(":")[1], mono - max(0.0, wall - at))
        rows = await self.services.load_pending()
        for row in rows:
            data = json.loads(row.data)
            since = mono - max(0.0, wall - float(data.get("at", wall)))
            if row.done or row.kind not in ("part", "receipt"):
                self.recent.add(row.key, since)
            elif row.kind == "part":
                self.recent.add(row.key, since)
                await self._add_part(data, row.key, row.id, since)
            else:
                self.recent.add(row.key, since)
                receipt = _receipt_of(data["receipt"])  # held afresh: its message is sent again after the restart
                result = self.receipts.receipt(receipt, data["recipient"])
                held = self.receipts.held_for(receipt)
                if held is not None:
                    held.pending_id = row.id
                else:
                    await _committed(result)
                    await self.services.settle_pending([row.id])
        if rows:
            log.info("gateway %s: took up %d parts and receipts held before the restart", self.gw.name,
                     sum(1 for r in rows if not r.done))

    async def sweep(self) -> None:
        """Held receipts past their wait, parts that never completed, old rows of stored parts."""
        self.receipts.expire()
        self.settle_reported()
        for msg in self.parts.expire(time.monotonic()):
            await self._store_set(msg)
        now = time.monotonic()
        if self.window > 0 and now - self._purged >= PURGE_EVERY:
            self._purged = now
            await self.services.purge_pending(datetime.now(timezone.utc) - timedelta(seconds=self.window))

    async def close(self) -> None:
        """Parts awaiting the others stay in the store for the next start; without a store that keeps
        them, what came is stored as it is."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if not self.services.keeps_pending:
            for msg in self.parts.expire(float("inf")):
                await self._store_set(msg)


def _receipt_data(receipt: Receipt) -> dict:
    return {"message_id": receipt.message_id, "other_id": receipt.other_id, "stat": receipt.stat,
            "outcome": receipt.outcome, "final": receipt.final, "error": receipt.error,
            "done": receipt.done.isoformat() if receipt.done else None}


def _receipt_of(data: dict) -> Receipt:
    done = datetime.fromisoformat(data["done"]) if data.get("done") else None
    return Receipt(data["message_id"], data["other_id"], data["stat"], data["outcome"], data["final"],
                   data["error"], done)


def _number(addr: str, ton: int) -> str:
    return f"+{addr}" if ton == 1 and addr.isdigit() else addr
