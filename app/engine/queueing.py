"""Turning requests into message rows: validation, opt-outs, duplicates,
blackout periods and schedule, checked per recipient before anything is stored."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import literal_column
from sqlmodel import Session, select

from app.sms.errors import EncodeError
from app.sms.numbers import MAX_DIGITS, MIN_DIGITS, InvalidNumber, normalize_number, validate_sender
from app.sms.prepare import prepare
from app.store import models as m
from app.store.models import Message

from app.store.search import counterpart_sql

from . import blackout
from .lifecycle import initial_status
from .ids import new_job_id, new_message_uids
from .requests import EngineError, OutboundRequest, QueueItem

#: Every column of a new outbound message with its default; rows are copies of it.
_TEMPLATE: dict[str, Any] = {k: v for k, v in Message(uid="", direction=m.OUT, status=initial_status(False)).model_dump().items()
                             if k != "id"}
_CHUNK = 500
#: Whom a message is with; indexed (``ix_message_counterpart``), so outbound messages are found by recipient.
_COUNTERPART = literal_column(counterpart_sql())
#: An international number in canonical form: ``normalize_number`` returns it unchanged.
_CANONICAL = re.compile(rf"\+[1-9][0-9]{{{MIN_DIGITS - 1},{MAX_DIGITS - 1}}}", re.ASCII)


@functools.lru_cache(maxsize=1024)
def _sender_refusal(sender: str) -> str | None:
    """Why ``sender`` cannot be used, or None (a busy API sends from few sender ids: checked once each)."""
    try:
        validate_sender(sender)
    except InvalidNumber as exc:
        return f"sender id {sender!r} cannot be used: {exc}"
    return None


def _prepare(req: OutboundRequest):
    """Apply the message type and text options; raise EncodeError when it cannot be sent."""
    if req.sender:
        refusal = _sender_refusal(req.sender)
        if refusal:
            raise EncodeError(refusal)
    return prepare(req.text, message_type=req.message_type, encoding=req.encoding,
                   invalid_characters=req.invalid_characters, max_parts=req.max_parts, national=req.national)


@dataclass
class Batch:
    """The outcome of checking requests: rows to insert and one item per recipient, in order."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    #: QueueItem for refusals; for accepted recipients an index into ``rows``.
    items: list[QueueItem | int] = field(default_factory=list)


def build_rows(s: Session, requests: list[OutboundRequest], *, now: datetime, job_id: str, user: str,
               country: str | None, duplicate_window: int, blocked_list: bool = True) -> Batch:
    """``blocked_list``: False when the opt-out list is known to be empty (no lookup per request)."""
    batch = Batch()
    for req in requests:
        if req.uid and len(req.recipients) > 1:
            raise EngineError("a message id can only be given for a single recipient")
        if req.recipient_blackout is not None and len(req.recipient_blackout) != len(req.recipients):
            raise EngineError("per-recipient blackout periods must be given for every recipient")
        if req.uid and s.exec(select(Message.id).where(Message.uid == req.uid)).first() is not None:
            batch.items.append(QueueItem(req.recipients[0] if req.recipients else "",
                                         error=f"message id {req.uid} is already in use", code="duplicate-id"))
            continue
        try:
            prepared = _prepare(req)
            job_periods = blackout.parse_periods(req.blackout) if req.blackout else []
        except (EncodeError, blackout.BlackoutError) as exc:
            code = "invalid-blackout" if isinstance(exc, blackout.BlackoutError) else "invalid-text"
            batch.items += [QueueItem(r, error=str(exc), code=code) for r in req.recipients]
            continue
        numbers: list[str | QueueItem] = []
        for raw in req.recipients:
            if type(raw) is str and _CANONICAL.fullmatch(raw):  # already what normalize_number returns
                numbers.append(raw)
                continue
            try:
                numbers.append(normalize_number(raw, country))
            except InvalidNumber as exc:
                numbers.append(QueueItem(raw, error=f"invalid number {raw!r}: {exc}", code="invalid-number"))
        valid = [n for n in numbers if isinstance(n, str)]
        # by the list's index: its length costs nothing here
        blocked = blocked_among(s.connection(), valid) if blocked_list else {}
        earlier = _recent(s, req, prepared.text, valid, now, duplicate_window) if req.duplicate_detection else {}
        base = dict(_TEMPLATE, direction=m.OUT, sender=req.sender, text=prepared.text,
                    message_type=req.message_type, encoding=prepared.encoding, parts=prepared.count.parts,
                    flash=req.flash or prepared.flash, status_report=req.status_report, priority=req.priority,
                    gateways_allowed=";".join(req.gateways), job_id=job_id, customer_ref=req.customer_ref,
                    message_info=req.message_info, billcode=req.billcode, user=user, created_at=now,
                    updated_at=now, scheduled_at=req.scheduled_at,
                    expires_at=now + timedelta(seconds=req.validity_seconds) if req.validity_seconds else None)
        base.update(_schedule(job_periods, req.scheduled_at, now))  # once per request, not per recipient
        uids = iter(new_message_uids(len(numbers), now))
        refs = req.recipient_refs
        for i, number in enumerate(numbers):
            if isinstance(number, QueueItem):
                batch.items.append(number)
                continue
            if number in blocked:
                why = f" ({blocked[number]})" if blocked[number] else ""
                batch.items.append(QueueItem(number, error=f"number {number} is on the blocked list{why}: "
                                             "messages to it are refused", code="blocked"))
                continue
            if number in earlier:
                batch.items.append(QueueItem(number, error=(
                    f"duplicate: the same text from the same sender was accepted for {number} within the last "
                    f"{duplicate_window} s (message {earlier[number]})"), code="duplicate"))
                continue
            row = base.copy()
            row["uid"] = req.uid or next(uids)
            row["recipient"] = number
            if req.recipient_blackout is not None and req.recipient_blackout[i]:
                try:
                    periods = blackout.merge(job_periods + blackout.parse_periods(req.recipient_blackout[i]))
                except blackout.BlackoutError as exc:
                    batch.items.append(QueueItem(number, error=str(exc), code="invalid-blackout"))
                    continue
                row.update(_schedule(periods, req.scheduled_at, now))
            if refs and refs[i]:
                row["customer_ref"] = refs[i]
            if req.duplicate_detection:
                earlier[number] = row["uid"]
            batch.items.append(len(batch.rows))
            batch.rows.append(row)
    return batch


def check_job(s: Session, requests: list[OutboundRequest], *, now: datetime, country: str | None,
              duplicate_window: int, user: str = "", job_id: str | None = None, atomic: bool = False,
              blocked_list: bool = True) -> tuple[str, Batch]:
    """One job checked: its id (``job_id``, else a new one), its rows to store (none when ``atomic`` and a
    recipient is refused) with the refusals. What it needs of the engine (the time, the settings) is given,
    so any process holding a store session can check a job."""
    job_id = job_id or new_job_id(now)
    batch = build_rows(s, requests, now=now, job_id=job_id, user=user, country=country,
                       duplicate_window=duplicate_window, blocked_list=blocked_list)
    if atomic and len(batch.rows) < len(batch.items):
        batch.items = [it for it in batch.items if not isinstance(it, int)]
        batch.rows = []
    return job_id, batch


#: What :func:`_schedule` gives a message with no blackout period and no time of its own (shared, never changed).
_NOW: dict[str, Any] = {"blackout": "", "status": initial_status(False), "scheduled_at": None, "reason": ""}


def _schedule(periods: list, scheduled_at: datetime | None, now: datetime) -> dict[str, Any]:
    """Queued, or scheduled for its time or the end of the blackout period it would fall in."""
    if not periods and scheduled_at is None:
        return _NOW
    values: dict[str, Any] = {"blackout": blackout.dumps(periods), "status": initial_status(False),
                              "scheduled_at": scheduled_at,
                              "reason": ""}
    asked = scheduled_at if scheduled_at and scheduled_at > now else now
    at = blackout.next_free(periods, asked)
    if at > now:
        values["status"] = initial_status(True)
        values["scheduled_at"] = at
    if at > asked:
        values["reason"] = f"held by a blackout period until {at.isoformat()}"
    return values


def blocked_list_empty(conn) -> bool:
    """Whether no number is on the opt-out list (one lookup for many jobs stored together)."""
    return conn.exec_driver_sql("SELECT 1 FROM blocked_number LIMIT 1").first() is None


def blocked_among(conn, numbers: list[str]) -> dict[str, str]:
    """Those of ``numbers`` on the opt-out list, with their reasons (looked up by its primary key)."""
    found: dict[str, str] = {}
    if not numbers:
        return found
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    cur = conn.connection.cursor()  # the driver's own: a job of one recipient is one tiny lookup
    try:
        if len(numbers) > _CHUNK:  # a big job: not one lookup per slice when the list is empty
            cur.execute("SELECT 1 FROM blocked_number LIMIT 1")
            if cur.fetchone() is None:
                return found
        for i in range(0, len(numbers), _CHUNK):
            chunk = numbers[i:i + _CHUNK]
            cur.execute(f"SELECT number, reason FROM blocked_number WHERE number IN "
                        f"({', '.join([mark] * len(chunk))})", tuple(chunk))
            found.update(cur.fetchall())
    finally:
        cur.close()
    return found


def _recent(s: Session, req: OutboundRequest, text: str, numbers: list[str], now: datetime,
            window: int) -> dict[str, str]:
    """recipient -> uid of a message with the same sender and text accepted within the window."""
    since = now - timedelta(seconds=window)
    found: dict[str, str] = {}
    for i in range(0, len(numbers), _CHUNK):
        chunk = numbers[i:i + _CHUNK]
        # no condition on the direction: SQLite would scan the outbound messages by it
        q = select(Message.recipient, Message.uid, Message.direction).where(
            _COUNTERPART.in_(chunk), Message.created_at >= since,
            Message.sender == req.sender, Message.text == text, Message.status != m.CANCELLED)
        found.update((number, uid) for number, uid, direction in s.exec(q) if direction == m.OUT)
    return found
