"""submit_sm, query_sm and cancel_sm of a bound customer.

A submitted text is queued like any other (routing, limits, the opt-out
list) with ``Engine.queue_messages_async``, source ``smpp``; its message_id is
the console's message id. A long text comes either whole in the
message_payload parameter or in parts, each with a concatenation header
(esm_class UDHI) or the sar_* parameters: the parts are put together here and
queued as one message, whose id every part's response carries.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.engine.ids import new_message_uid
from app.engine.requests import OutboundRequest
from app.sms.numbers import InvalidNumber, normalize_number

from . import pdu as P
from .store_ops import STATES, find
from .text import Segment, TextError, decode_text, parse_time, split_udh

if TYPE_CHECKING:
    from .bind import SmppBind

log = logging.getLogger(__name__)

#: Seconds the parts of a long message may take to arrive; then the parts that came are queued.
REASSEMBLY_SECONDS = 300.0
#: Long messages being put together at once, all users; one more part of a new one is refused.
MAX_REASSEMBLING = 10_000
_UDHI = 0x40
#: Refusals of the queue by their code, as SMPP statuses.
_REFUSALS = {"invalid-number": P.ESME_RINVDSTADR, "blocked": P.ESME_RINVDSTADR}


@dataclass
class _Long:
    uid: str
    total: int
    request: OutboundRequest
    parts: dict[int, str] = field(default_factory=dict)
    started: float = field(default_factory=time.monotonic)
    timer: asyncio.TimerHandle | None = None


def _destination(pdu: P.Pdu) -> str:
    addr = pdu.get("destination_addr", "").strip()
    if pdu.get("dest_addr_ton") == 1 and addr and not addr.startswith("+"):
        addr = "+" + addr  # international number without its plus
    return addr


def _request(bind: "SmppBind", pdu: P.Pdu) -> tuple[OutboundRequest, Segment | None]:
    """The message a submit_sm asks for (text still empty), and its part when it is one; raises TextError."""
    esm = pdu.get("esm_class", 0)
    if esm & 0x3C:
        raise TextError(P.ESME_RINVESMCLASS, f"esm_class 0x{esm:02x}: a submit_sm carries no receipt")
    destination = _destination(pdu)
    try:
        normalize_number(destination, bind.server.engine.settings.get("default_country") or None)
    except InvalidNumber as exc:
        raise TextError(P.ESME_RINVDSTADR, f"destination {destination!r}: {exc}") from None
    now = bind.server.engine.clock.now()
    scheduled = parse_time(pdu.get("schedule_delivery_time", ""), now, P.ESME_RINVSCHED)
    expires = parse_time(pdu.get("validity_period", ""), now, P.ESME_RINVEXPIRY)
    payload = pdu.tlvs.get(P.TAG_MESSAGE_PAYLOAD)
    if payload is not None and pdu.get("short_message"):
        raise TextError(P.ESME_RINVPARLEN, "both short_message and message_payload")
    data = payload if payload is not None else pdu.get("short_message", b"")
    segment = None
    if esm & _UDHI:
        segment, data = split_udh(data)
    elif P.TAG_SAR_MSG_REF_NUM in pdu.tlvs:
        try:
            segment = Segment(int.from_bytes(pdu.tlvs[P.TAG_SAR_MSG_REF_NUM], "big"),
                              pdu.tlvs[P.TAG_SAR_TOTAL_SEGMENTS][0], pdu.tlvs[P.TAG_SAR_SEGMENT_SEQNUM][0])
        except (KeyError, IndexError):
            raise TextError(P.ESME_RMISSINGOPTPARAM, "sar_msg_ref_num without sar_total_segments and "
                            "sar_segment_seqnum") from None
        if not 1 <= segment.number <= segment.total:
            raise TextError(P.ESME_RINVOPTPARSTREAM, f"part {segment.number} of {segment.total}")
    text = decode_text(data, pdu.get("data_coding", 0))
    request = OutboundRequest(
        recipients=[destination], text=text, sender=pdu.get("source_addr", "").strip(),
        status_report=(pdu.get("registered_delivery", 0) & 0x03) in (1, 2), scheduled_at=scheduled,
        validity_seconds=max(1, int((expires - now).total_seconds())) if expires else None)
    if segment is not None and segment.total == 1:
        segment = None
    return request, segment


async def handle_submit(bind: "SmppBind", pdu: P.Pdu) -> None:
    server = bind.server
    if not server.throttle.take(bind.user):
        return bind.refuse(pdu, P.ESME_RTHROTTLED, f"more than {server.cfg['throughput']} submit_sm a second "
                           "([smpp] throughput)")
    try:
        request, segment = _request(bind, pdu)
    except TextError as exc:
        return bind.refuse(pdu, exc.status, exc.reason)
    if segment is None:
        return await _queue(bind, pdu, request)
    key = (bind.user, request.sender, request.recipients[0], segment.reference, segment.total)
    long = server.long_messages.get(key)
    if long is None:
        if len(server.long_messages) >= MAX_REASSEMBLING:
            return bind.refuse(pdu, P.ESME_RMSGQFUL, "too many long messages being put together")
        long = server.long_messages[key] = _Long(new_message_uid(), segment.total, request)
        long.timer = asyncio.get_running_loop().call_later(
            REASSEMBLY_SECONDS, lambda: asyncio.ensure_future(_complete(bind, key, timed_out=True)))
    long.parts[segment.number] = request.text
    if len(long.parts) < long.total:
        bind.send(P.response(pdu, message_id=long.uid))
        return
    await _complete(bind, key, pdu=pdu)


async def _complete(bind: "SmppBind", key: tuple, *, pdu: P.Pdu | None = None, timed_out: bool = False) -> None:
    long = bind.server.long_messages.pop(key, None)
    if long is None:
        return
    if long.timer is not None:
        long.timer.cancel()
    if timed_out:
        log.warning("SMPP %s: only %d of %d parts of message %s came within %d s: queued what came",
                    bind.user, len(long.parts), long.total, long.uid, REASSEMBLY_SECONDS)
    text = "".join(long.parts[n] for n in sorted(long.parts))
    long.request.text, long.request.uid = text, long.uid
    await _queue(bind, pdu, long.request)


class SubmitBatcher:
    """The submit_sm of one user waiting while the user's previous ones are stored, queued as one job: one
    call of the engine's group commit instead of one each (a bind with a window of 64 hands over up to 64)."""

    def __init__(self, engine):
        self.engine = engine
        self._pending: dict[str, list[tuple[OutboundRequest, asyncio.Future]]] = {}
        #: Users whose previous submissions are being stored.
        self._storing: set[str] = set()
        self._handle: asyncio.Handle | None = None

    def queue(self, user: str, request: OutboundRequest) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        self._pending.setdefault(user, []).append((request, fut))
        if self._handle is None and user not in self._storing:
            self._handle = loop.call_soon(self._flush)
        return fut

    def _flush(self) -> None:
        self._handle = None
        for user in [u for u in self._pending if u not in self._storing]:
            self._storing.add(user)
            asyncio.ensure_future(self._store(user, self._pending.pop(user)))

    async def _store(self, user: str, calls: list[tuple[OutboundRequest, asyncio.Future]]) -> None:
        try:
            result = await self.engine.queue_messages_async([r for r, _ in calls], user=user, source="smpp")
        except Exception as exc:  # noqa: BLE001 - each caller answers with its refusal
            for _, fut in calls:
                if not fut.done():
                    fut.set_exception(exc)
        else:
            for (_, fut), item in zip(calls, result.items):
                if not fut.done():
                    fut.set_result(item)
        finally:
            self._storing.discard(user)
            if user in self._pending and self._handle is None:
                self._handle = asyncio.get_running_loop().call_soon(self._flush)


async def _queue(bind: "SmppBind", pdu: P.Pdu | None, request: OutboundRequest) -> None:
    item = await bind.server.batcher.queue(bind.user, request)
    if pdu is None:
        if item.message is None:
            log.warning("SMPP %s: long message %s refused: %s", bind.user, request.uid, item.error)
        return
    if item.message is None:
        return bind.refuse(pdu, _REFUSALS.get(item.code, P.ESME_RSUBMITFAIL), item.error)
    bind.send(P.response(pdu, message_id=item.message.uid))


def smpp_time(at) -> str:
    """An absolute SMPP time in UTC (``YYMMDDhhmmss000+``)."""
    return at.strftime("%y%m%d%H%M%S") + "000+" if at else ""


async def handle_query(bind: "SmppBind", pdu: P.Pdu) -> None:
    uid = pdu.get("message_id", "")
    found = await bind.server.engine.in_lane(find, bind.server.engine, bind.user, uid) if uid else None
    if found is None:
        return bind.refuse(pdu, P.ESME_RQUERYFAIL, f"no message {uid!r} of {bind.user}")
    bind.send(P.response(pdu, message_id=uid, final_date=smpp_time(found.finished_at),
                         message_state=STATES.get(found.status, P.UNKNOWN), error_code=0))


async def handle_cancel(bind: "SmppBind", pdu: P.Pdu) -> None:
    engine = bind.server.engine
    uid = pdu.get("message_id", "")
    if not uid:
        return bind.refuse(pdu, P.ESME_RINVMSGID, "cancel_sm names no message_id (cancelling by address is "
                           "not supported)")
    found = await engine.in_lane(find, engine, bind.user, uid)
    if found is None:
        return bind.refuse(pdu, P.ESME_RINVMSGID, f"no message {uid!r} of {bind.user}")
    cancelled = await engine.in_lane(engine.cancel, [found.id])
    if not cancelled:
        return bind.refuse(pdu, P.ESME_RCANCELFAIL, f"message {uid} is {found.status}: too late to cancel")
    bind.send(P.response(pdu))
