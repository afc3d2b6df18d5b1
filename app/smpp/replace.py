"""replace_sm (SMPP 3.4 §4.10): a customer replaces a message it submitted that still waits to be sent.

The message_id names the message (for a submit_multi, every destination still waiting, as cancel_sm
does); source_addr must be the message's own sender. What changes, as §4.10.1 says:

- ``short_message`` (or SMPP 5.0's ``message_payload``): the new text. replace_sm has no data_coding: the
  octets are read in the data_coding the message was submitted with (1 IA5, 3 Latin-1, 8 UCS-2), which the
  options of the message's job keep (``store_ops.job_options``: ``"data_coding"``; a replace that moves
  the message to another job takes it along). Options without it: the SMSC default alphabet (data_coding
  0, GSM 03.38 unpacked), or UCS-2 for a message whose text goes as UCS-2 (one queued before the job
  kept the coding). Empty: the text stays.
- ``schedule_delivery_time`` and ``validity_period`` (absolute or relative): empty keeps the message's own.
- ``registered_delivery``: the receipts wanted from now on (as submit_sm's). For a submit_multi it holds
  for every destination's receipt still to come, since the destinations share one job.
- ``sm_default_msg_id``: the console keeps no predefined messages; anything but 0 is refused.

Answers: ESME_ROK once the change is committed; ESME_RINVMSGID for an id the user has no message of;
ESME_RINVSRCADR when source_addr is not the message's sender; ESME_RREPLACEFAIL when nothing named
waits any more (sent, final, or claimed for sending while the replace ran).

A submit_sm with ``replace_if_present_flag`` 1 (§5.2.18) replaces the same way the user's newest message
still waiting from its source_addr to its destination (all of it: text, schedule, validity, receipts, as
the submit_sm gives them) and is answered with that message's id; with none waiting it is queued as a
new message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import update
from sqlmodel import col, select

from app.engine.events import MessageChanged
from app.engine.ids import new_job_id
from app.engine.replacing import KEEP, Replacement, replace_waiting
from app.engine.requests import EngineError, OutboundRequest
from app.engine.views import views_of
from app.sms.numbers import InvalidNumber, normalize_number
from app.store import models as m
from app.store.models import Job, Message

from . import pdu as P
from .store_ops import Member, job_options, message_set, submitted_coding
from .text import GSM, UCS2, TextError, decode_text, parse_time

if TYPE_CHECKING:
    from app.engine.engine import Engine

    from .bind import SmppBind


@dataclass(frozen=True)
class _Ask:
    """A replace_sm as read from its PDU (the text still as octets: its coding is the message's)."""

    uid: str
    sender: str
    data: bytes | None
    scheduled_at: Any
    expires_at: Any
    registered_delivery: int


async def handle_replace(bind: "SmppBind", pdu: P.Pdu) -> None:
    engine = bind.server.engine
    uid = pdu.get("message_id", "")
    if not uid:
        return bind.refuse(pdu, P.ESME_RINVMSGID, "replace_sm without a message_id")
    if pdu.get("sm_default_msg_id", 0):
        return bind.refuse(pdu, P.ESME_RINVDFTMSGID, "the console keeps no predefined messages "
                           f"(sm_default_msg_id {pdu.get('sm_default_msg_id')})")
    payload = pdu.tlvs.get(P.TAG_MESSAGE_PAYLOAD)
    if payload is not None and pdu.get("short_message"):
        return bind.refuse(pdu, P.ESME_RINVPARLEN, "both short_message and message_payload")
    data = payload if payload is not None else pdu.get("short_message", b"")
    now = engine.clock.now()
    try:
        scheduled = parse_time(pdu.get("schedule_delivery_time", ""), now, P.ESME_RINVSCHED)
        expires = parse_time(pdu.get("validity_period", ""), now, P.ESME_RINVEXPIRY)
    except TextError as exc:
        return bind.refuse(pdu, exc.status, exc.reason)
    ask = _Ask(uid, pdu.get("source_addr", "").strip(), data or None, KEEP if scheduled is None else scheduled,
               KEEP if expires is None else expires, pdu.get("registered_delivery", 0))
    status, reason, due = await engine.in_lane(replace, engine, bind.user, ask)
    if status != P.ESME_ROK:
        return bind.refuse(pdu, status, reason)
    if due:
        engine.dispatcher.wake()
    bind.send(P.response(pdu))


def replace(engine: "Engine", user: str, ask: _Ask) -> tuple[int, str, bool]:
    """In the store lane: (status, reason, whether a replaced message is due now)."""
    now = engine.clock.now()
    with engine.db.session() as s:
        members = message_set(s, user, ask.uid)
        if not members:
            return P.ESME_RINVMSGID, f"no message {ask.uid!r} of {user}", False
        if ask.sender and members[0].sender != ask.sender:
            return P.ESME_RINVSRCADR, (f"source_addr {ask.sender!r} is not the sender of message {ask.uid!r} "
                                       f"({members[0].sender!r})"), False
        waiting = [r for r in members if r.status in (m.QUEUED, m.SCHEDULED)]
        if not waiting:
            return P.ESME_RREPLACEFAIL, f"message {ask.uid!r} is {members[0].status}: no longer waiting", False
        coding = _coding(s, waiting[0])
        text = KEEP
        if ask.data is not None:
            try:
                text = decode_text(ask.data, coding if coding is not None
                                   else UCS2 if waiting[0].encoding == "ucs2" else GSM)
            except TextError as exc:
                return exc.status, exc.reason, False
        rd = ask.registered_delivery
        options = job_options(rd, coding or GSM)
        change = Replacement(text=text, scheduled_at=ask.scheduled_at, expires_at=ask.expires_at,
                             status_report=(rd & 0x03) in (1, 2), job_id=_job_for(s, members, options, now))
        try:
            views = _committed(engine, s, [r.id for r in waiting], change, now)
        except EngineError as exc:
            return P.ESME_RREPLACEFAIL, str(exc), False
    if not views:
        return P.ESME_RREPLACEFAIL, f"message {ask.uid!r} was taken for sending meanwhile", False
    return P.ESME_ROK, "", any(v.status == m.QUEUED for v in views)


def _committed(engine: "Engine", s, ids: list[int], change: Replacement, now) -> list:
    """Replace what still waits of ``ids`` and commit, with what went before in the session (nothing when
    none still waits); the views of the messages replaced, announced."""
    done = replace_waiting(s.connection(), ids, change, now)
    if not done:
        s.rollback()
        return []
    views = views_of(s.connection(), done)
    s.commit()
    for view in views:
        engine.events.publish(MessageChanged(view))
    return views


async def replace_present(bind: "SmppBind", request: OutboundRequest, options: str) -> str | None:
    """A submit_sm with replace_if_present_flag 1 (its job ``options``: receipts and data_coding): the id of
    the waiting message it replaced (None: none waits, queue it as a new one)."""
    engine = bind.server.engine
    try:
        recipient = normalize_number(request.recipients[0], engine.settings.get("default_country") or None)
    except InvalidNumber:
        return None
    uid, due = await engine.in_lane(_replace_present, engine, bind.user, request, recipient, options)
    if due:
        engine.dispatcher.wake()
    return uid


def _replace_present(engine: "Engine", user: str, request: OutboundRequest, recipient: str,
                     options: str) -> tuple[str | None, bool]:
    now = engine.clock.now()
    with engine.db.session() as s:
        row = s.exec(select(Message.uid, Message.id, Message.status, Message.sender, Message.job_id,
                            Message.encoding, Message.finished_at)
                     .where(Message.user == user, Message.direction == m.OUT, Message.sender == request.sender,
                            Message.recipient == recipient, col(Message.status).in_([m.QUEUED, m.SCHEDULED]))
                     .order_by(col(Message.id).desc()).limit(1)).first()
        if row is None:
            return None, False
        member = Member(*row[1:])
        expires = now + timedelta(seconds=request.validity_seconds) if request.validity_seconds else None
        change = Replacement(text=request.text, scheduled_at=request.scheduled_at, expires_at=expires,
                             status_report=request.status_report,
                             job_id=_job_for(s, [member], options, now))
        try:
            views = _committed(engine, s, [member.id], change, now)
        except EngineError:  # the new text cannot be sent: queued, it is refused as any would be
            views = []
    return (row[0], views[0].status == m.QUEUED) if views else (None, False)


def _coding(s, member: Member) -> int | None:
    """The data_coding the message was submitted with, as its job's options keep it (None: not kept)."""
    options = s.exec(select(Job.options).where(Job.id == member.job_id)).first() if member.job_id else None
    return submitted_coding(options)


def _job_for(s, members: list, options: str, now) -> Any:
    """The job the messages go in for the receipts ``options`` ask for: theirs when it asks for the same
    (KEEP), else a new one, which the whole set joins (a submit_multi's destinations stay one set)."""
    jobs = {r.job_id for r in members if r.job_id}
    rows = s.exec(select(Job).where(col(Job.id).in_(jobs))).all() if jobs else []
    if rows and all(j.options == options for j in rows):
        return KEEP
    old = rows[0] if rows else None
    job = Job(id=new_job_id(now), user=old.user if old else "", source=old.source if old else "smpp",
              customer_ref=old.customer_ref if old else "", options=options, created_at=now)
    s.add(job)
    s.flush()
    moving = [r.id for r in members if r.status not in (m.QUEUED, m.SCHEDULED)]
    if moving:  # the job only, not the status: the destinations already sent keep theirs
        s.connection().execute(update(Message).where(col(Message.id).in_(moving)).values(job_id=job.id))
    return job.id
