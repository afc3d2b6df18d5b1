"""submit_sm, data_sm, query_sm and cancel_sm of a bound customer.

A submitted text is queued like any other (routing, limits, the opt-out
list) with ``Engine.queue_messages_async``, source ``smpp``; its message_id is
the console's message id. A long text comes either whole in the
message_payload parameter or in parts, each with a concatenation header
(esm_class UDHI) or the sar_* parameters: the parts are put together and
queued as one message, whose id every part's response carries; each part is
kept in the store before it is answered (``reassembly.py``).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from app.engine.requests import OutboundRequest
from app.sms.numbers import InvalidNumber, normalize_number

from . import pdu as P
from .reassembly import add_part, complete
from .replace import replace_present
from .store_ops import STATES, cancellable, job_options, set_state
from .text import Segment, TextError, decode_text, parse_time, split_udh

if TYPE_CHECKING:
    from .bind import SmppBind

log = logging.getLogger(__name__)

_UDHI = 0x40
#: Refusals of the queue by their code, as SMPP statuses.
_REFUSALS = {"invalid-number": P.ESME_RINVDSTADR, "blocked": P.ESME_RINVDSTADR}


def _destination(pdu: P.Pdu) -> str:
    addr = pdu.get("destination_addr", "").strip()
    if pdu.get("dest_addr_ton") == 1 and addr and not addr.startswith("+"):
        addr = "+" + addr  # international number without its plus
    return addr


def check_destination(bind: "SmppBind", destination: str) -> None:
    """Raise TextError(ESME_RINVDSTADR) unless the destination is a number the console can send to."""
    try:
        normalize_number(destination, bind.server.engine.settings.get("default_country") or None)
    except InvalidNumber as exc:
        raise TextError(P.ESME_RINVDSTADR, f"destination {destination!r}: {exc}") from None


def _request(bind: "SmppBind", pdu: P.Pdu, destination: str | None = None) -> tuple[OutboundRequest, Segment | None]:
    """The message a submit_sm, data_sm or submit_multi asks for (to ``destination`` or its
    destination_addr), and its part when it is one; raises TextError."""
    esm = pdu.get("esm_class", 0)
    if esm & 0x3C:
        raise TextError(P.ESME_RINVESMCLASS, f"esm_class 0x{esm:02x}: a {pdu.name} carries no receipt")
    if destination is None:
        destination = _destination(pdu)
        check_destination(bind, destination)
    now = bind.server.engine.clock.now()
    scheduled = parse_time(pdu.get("schedule_delivery_time", ""), now, P.ESME_RINVSCHED)
    expires = parse_time(pdu.get("validity_period", ""), now, P.ESME_RINVEXPIRY)
    ttl = pdu.tlvs.get(P.TAG_QOS_TIME_TO_LIVE)  # data_sm's validity: seconds from now
    if ttl:
        expires = now + timedelta(seconds=int.from_bytes(ttl, "big"))
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


def throttled(bind: "SmppBind", pdu: P.Pdu, messages: int = 1) -> bool:
    """Refuse the PDU with ESME_RTHROTTLED (and say True) when its ``messages`` take its user over
    ``[smpp] throughput``."""
    server = bind.server
    if server.throttle.take(bind.user, messages):
        return False
    what = f" ({messages} destinations)" if messages > 1 else ""
    bind.refuse(pdu, P.ESME_RTHROTTLED, f"more than {server.cfg['throughput']} messages a second{what} "
                "([smpp] throughput)")
    return True


async def handle_submit(bind: "SmppBind", pdu: P.Pdu) -> None:
    """submit_sm, and data_sm (the same message; answered with data_sm_resp)."""
    server = bind.server
    if throttled(bind, pdu):
        return
    try:
        request, segment = _request(bind, pdu)
    except TextError as exc:
        return bind.refuse(pdu, exc.status, exc.reason)
    options = job_options(pdu.get("registered_delivery", 0), pdu.get("data_coding", 0))
    if segment is None:
        if pdu.get("replace_if_present_flag") == 1:  # only submit_sm has it
            replaced = await replace_present(bind, request, options)
            if replaced is not None:
                return bind.send(P.response(pdu, message_id=replaced))
        return await _queue(bind, pdu, request, options)
    long, last = await add_part(server, bind.user, request, segment, options)  # kept in the store
    if long is None:
        return bind.refuse(pdu, P.ESME_RMSGQFUL, "too many long messages being put together")
    if not last:
        return bind.send(P.response(pdu, message_id=long.uid))
    item = await complete(server, long)
    if item.message is None:
        return bind.refuse(pdu, refusal_status(item.code), item.error)
    bind.send(P.response(pdu, message_id=item.message.uid))


class SubmitBatcher:
    """The submit_sm of one user waiting while the user's previous ones are stored, queued as one job: one
    call of the engine's group commit instead of one each (a bind with a window of 64 hands over up to 64).
    Messages asking for other receipts than the default go in a job of their own, whose options say which
    (``store_ops.job_options``)."""

    def __init__(self, engine):
        self.engine = engine
        self._pending: dict[tuple[str, str], list[tuple[OutboundRequest, asyncio.Future]]] = {}
        #: (user, job options) whose previous submissions are being stored.
        self._storing: set[tuple[str, str]] = set()
        self._handle: asyncio.Handle | None = None

    def queue(self, user: str, request: OutboundRequest, options: str = "{}") -> asyncio.Future:
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        key = (user, options)
        self._pending.setdefault(key, []).append((request, fut))
        if self._handle is None and key not in self._storing:
            self._handle = loop.call_soon(self._flush)
        return fut

    def _flush(self) -> None:
        self._handle = None
        for key in [k for k in self._pending if k not in self._storing]:
            self._storing.add(key)
            asyncio.ensure_future(self._store(key, self._pending.pop(key)))

    async def _store(self, key: tuple[str, str], calls: list[tuple[OutboundRequest, asyncio.Future]]) -> None:
        user, options = key
        try:
            result = await self.engine.queue_messages_async([r for r, _ in calls], user=user, source="smpp",
                                                            job_options=options)
        except Exception as exc:  # noqa: BLE001 - each caller answers with its refusal
            for _, fut in calls:
                if not fut.done():
                    fut.set_exception(exc)
        else:
            for (_, fut), item in zip(calls, result.items):
                if not fut.done():
                    fut.set_result(item)
        finally:
            self._storing.discard(key)
            if key in self._pending and self._handle is None:
                self._handle = asyncio.get_running_loop().call_soon(self._flush)


async def _queue(bind: "SmppBind", pdu: P.Pdu, request: OutboundRequest, options: str) -> None:
    item = await bind.server.batcher.queue(bind.user, request, options)
    if item.message is None:
        return bind.refuse(pdu, refusal_status(item.code), item.error)
    bind.send(P.response(pdu, message_id=item.message.uid))


def refusal_status(code: str) -> int:
    """The SMPP status of a recipient the queue refused (by the refusal's code)."""
    return _REFUSALS.get(code, P.ESME_RSUBMITFAIL)


def smpp_time(at) -> str:
    """An absolute SMPP time in UTC (``YYMMDDhhmmss000+``)."""
    return at.strftime("%y%m%d%H%M%S") + "000+" if at else ""


async def handle_query(bind: "SmppBind", pdu: P.Pdu) -> None:
    """query_sm: the message's state, or a submit_multi's (every destination final: see
    ``store_ops.set_state``)."""
    uid = pdu.get("message_id", "")
    found = await bind.server.engine.in_lane(set_state, bind.server.engine, bind.user, uid) if uid else None
    if found is None:
        return bind.refuse(pdu, P.ESME_RQUERYFAIL, f"no message {uid!r} of {bind.user}")
    status, final_date = found
    bind.send(P.response(pdu, message_id=uid, final_date=smpp_time(final_date),
                         message_state=STATES.get(status, P.UNKNOWN), error_code=0))


async def handle_cancel(bind: "SmppBind", pdu: P.Pdu) -> None:
    """cancel_sm by message_id (every destination of a submit_multi), or with an empty message_id every
    waiting message from source_addr to destination_addr."""
    engine = bind.server.engine
    uid, sender = pdu.get("message_id", ""), pdu.get("source_addr", "").strip()
    recipient = ""
    if not uid:
        recipient = _destination(pdu)
        try:
            recipient = normalize_number(recipient, engine.settings.get("default_country") or None)
        except InvalidNumber as exc:
            return bind.refuse(pdu, P.ESME_RINVDSTADR, f"cancel_sm destination {recipient!r}: {exc}")
        if not sender:
            return bind.refuse(pdu, P.ESME_RINVSRCADR, "cancel_sm names neither message_id nor source_addr")
    ids = await engine.in_lane(cancellable, engine, bind.user, uid, sender, recipient)
    cancelled = await engine.in_lane(engine.cancel, ids) if ids else []
    if not cancelled:
        what = f"message {uid!r}" if uid else f"message from {sender!r} to {recipient!r}"
        return bind.refuse(pdu, P.ESME_RCANCELFAIL, f"no waiting {what} of {bind.user} to cancel")
    bind.send(P.response(pdu))
