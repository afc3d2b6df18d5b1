"""Outbound messages in the store: queueing, send outcomes, delivery reports,
and recovery of work interrupted by a crash."""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import or_
from sqlmodel import col, select

from app.gateways.base import DeliveryReport, Gateway, OutboundSms, SendResult
from app.sms.errors import EncodeError
from app.sms.numbers import InvalidNumber, normalize_number, validate_sender
from app.sms.prepare import prepare
from app.store import models as m
from app.store.models import BlockedNumber, Job, Message

from .events import MessageChanged, MessageStored
from .ids import new_job_id, new_message_uid
from .requests import EngineError, OutboundRequest, QueueItem, QueueResult
from .views import MessageView

if TYPE_CHECKING:
    from .engine import Engine

log = logging.getLogger(__name__)

INTERRUPTED_REASON = "interrupted while sending: sent again, may arrive twice"
INTERRUPTED_FAIL_REASON = "interrupted while sending: the outcome is unknown, retry to send again"


def _prepare(req: OutboundRequest):
    """Apply the message type and text options; raise EncodeError when it cannot be sent."""
    if req.sender:
        try:
            validate_sender(req.sender)
        except InvalidNumber as exc:
            raise EncodeError(f"sender id {req.sender!r} cannot be used: {exc}") from None
    return prepare(req.text, message_type=req.message_type, encoding=req.encoding,
                   invalid_characters=req.invalid_characters, max_parts=req.max_parts, national=req.national)


class Outbox:
    def __init__(self, engine: "Engine"):
        self.engine = engine

    @property
    def db(self):
        return self.engine.db

    # --- queueing ----------------------------------------------------------------

    def queue(self, requests: list[OutboundRequest], *, user: str = "", source: str = "gui",
              job_id: str | None = None, job_options: str = "{}") -> QueueResult:
        """Store every acceptable recipient of every request as one job.

        Refused recipients (invalid or blocked number, reused id) are reported
        in the result, in order; the others are stored.
        """
        now = self.engine.clock.now()
        country = self.engine.settings.get("default_country") or None
        job_id = job_id or new_job_id(now)
        items: list[QueueItem] = []
        rows: list[Message] = []
        with self.db.session() as s:
            blocked = set()
            all_numbers = [r for req in requests for r in req.recipients]
            if all_numbers:
                blocked = set(s.exec(select(BlockedNumber.number)).all())
            for req in requests:
                if req.uid and len(req.recipients) > 1:
                    raise EngineError("a message id can only be given for a single recipient")
                if req.uid and s.exec(select(Message.id).where(Message.uid == req.uid)).first() is not None:
                    items.append(QueueItem(req.recipients[0] if req.recipients else "",
                                           error=f"message id {req.uid} is already in use", code="duplicate-id"))
                    continue
                try:
                    prepared = _prepare(req)
                except EncodeError as exc:
                    items += [QueueItem(r, error=str(exc), code="invalid-text") for r in req.recipients]
                    continue
                for i, raw in enumerate(req.recipients):
                    try:
                        number = normalize_number(raw, country)
                    except InvalidNumber as exc:
                        items.append(QueueItem(raw, error=f"invalid number {raw!r}: {exc}", code="invalid-number"))
                        continue
                    if number in blocked:
                        items.append(QueueItem(raw, error=f"number {number} is blocked", code="blocked"))
                        continue
                    ref = req.recipient_refs[i] if req.recipient_refs else ""
                    row = Message(
                        uid=req.uid or new_message_uid(), direction=m.OUT,
                        status=m.SCHEDULED if req.scheduled_at and req.scheduled_at > now else m.QUEUED,
                        sender=req.sender, recipient=number, text=prepared.text, message_type=req.message_type,
                        encoding=prepared.encoding, parts=prepared.count.parts,
                        flash=req.flash or prepared.flash, status_report=req.status_report, priority=req.priority,
                        gateways_allowed=";".join(req.gateways), job_id=job_id,
                        customer_ref=ref or req.customer_ref, message_info=req.message_info,
                        billcode=req.billcode, user=user, created_at=now, updated_at=now,
                        scheduled_at=req.scheduled_at,
                        expires_at=(now + timedelta(seconds=req.validity_seconds)
                                    if req.validity_seconds else None),
                    )
                    rows.append(row)
                    items.append(QueueItem(number, message=None))
            if rows:
                s.add(Job(id=job_id, user=user, source=source, options=job_options, created_at=now))
                s.add_all(rows)
                s.commit()
            views = iter([MessageView.of(r) for r in rows])
        items = [QueueItem(it.recipient, message=next(views)) if not it.error else it for it in items]
        for it in items:
            if it.message is not None:
                self.engine.events.publish(MessageStored(it.message))
        return QueueResult(job_id=job_id, items=tuple(items))

    # --- outcomes ----------------------------------------------------------------

    def record_result(self, gateway: Gateway, sms: OutboundSms, result: SendResult) -> None:
        now = self.engine.clock.now()
        with self.db.session() as s:
            row = s.get(Message, sms.message_id)
            if row is None:
                return
            row.updated_at = now
            if result.ok:
                row.status = m.SENT
                row.sent_at = now
                row.reference = ",".join(result.references) or None
                row.parts = result.parts
                row.reason = ""
                row.gateway = gateway.name
            else:
                self._failed(row, result.reason, result.retryable, now)
            s.add(row)
            s.commit()
            view = MessageView.of(row)
        self.engine.events.publish(MessageChanged(view))

    def _failed(self, row: Message, reason: str, retryable: bool, now) -> None:
        settings = self.engine.settings
        if retryable and row.attempts < settings["max_attempts"]:
            delay = settings["retry_base_seconds"] * (2 ** max(0, row.attempts - 1))
            delay *= random.uniform(0.8, 1.2)
            row.status = m.QUEUED
            row.next_attempt_at = now + timedelta(seconds=delay)
            row.reason = f"retrying after: {reason}"
            row.gateway = None
        else:
            row.status = m.FAILED
            row.finished_at = now
            row.reason = reason if not retryable else f"{reason} (after {row.attempts} attempts)"

    def requeue(self, ids: list[int]) -> None:
        """Messages handed to a gateway that never tried them go back to the queue."""
        now = self.engine.clock.now()
        with self.db.session() as s:
            rows = s.exec(select(Message).where(col(Message.id).in_(ids), Message.status == m.SENDING)).all()
            for row in rows:
                row.status = m.QUEUED
                row.gateway = None
                row.attempts = max(0, row.attempts - 1)
                row.updated_at = now
                s.add(row)
            s.commit()
            views = [MessageView.of(r) for r in rows]
        for v in views:
            self.engine.events.publish(MessageChanged(v))

    def record_report(self, gateway: Gateway, report: DeliveryReport) -> None:
        if report.outcome == "pending":
            return
        ref = report.reference
        now = self.engine.clock.now()
        with self.db.session() as s:
            row = s.exec(select(Message).where(
                Message.direction == m.OUT, Message.gateway == gateway.name,
                col(Message.status).in_((m.SENT, m.SENDING)),
                or_(Message.reference == ref, col(Message.reference).startswith(ref + ","),
                    col(Message.reference).endswith("," + ref), col(Message.reference).contains("," + ref + ",")),
            ).order_by(col(Message.id).desc())).first()
            if row is None:
                log.info("gateway %s: delivery report for unknown reference %s", gateway.name, ref)
                return
            row.status = m.DELIVERED if report.outcome == "delivered" else m.UNDELIVERED
            row.finished_at = report.at or now
            row.updated_at = now
            row.reason = report.reason
            s.add(row)
            s.commit()
            view = MessageView.of(row)
        self.engine.events.publish(MessageChanged(view))

    # --- crash recovery -----------------------------------------------------------

    def recover_interrupted(self) -> int:
        """Settle messages left in ``sending`` by a process that stopped without recording the answer.

        The rule (setting ``interrupted_rule``): ``resend`` queues them again and
        flags them ``possible_duplicate`` (the device may have sent them before
        the stop); ``fail`` marks them failed so the operator decides.
        Returns how many were settled.
        """
        rule = self.engine.settings["interrupted_rule"]
        now = self.engine.clock.now()
        with self.db.session() as s:
            q = select(Message).where(Message.direction == m.OUT, Message.status == m.SENDING)
            q = q.where(or_(Message.claimed_by == None, Message.claimed_by == self.engine.instance_id))  # noqa: E711
            rows = s.exec(q).all()
            for row in rows:
                row.possible_duplicate = True
                row.updated_at = now
                row.claimed_by = None
                if rule == "resend":
                    row.status = m.QUEUED
                    row.gateway = None
                    row.reason = INTERRUPTED_REASON
                else:
                    row.status = m.FAILED
                    row.finished_at = now
                    row.reason = INTERRUPTED_FAIL_REASON
                s.add(row)
            s.commit()
        if rows:
            log.warning("%d message(s) were interrupted while sending; rule %r applied", len(rows), rule)
        return len(rows)
