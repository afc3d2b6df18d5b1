"""Decides what goes out, when, and through which gateway.

Each pass: expire messages past their validity, release scheduled ones whose
time has come, then hand the oldest of the highest priority to the least busy
gateway that may carry them. ``sending`` is committed before a gateway sees
the message.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from sqlalchemy import func, or_
from sqlmodel import col, select

from app.gateways.base import Gateway, OutboundSms
from app.store import models as m
from app.store.models import Message

from .events import MessageChanged
from .views import MessageView

if TYPE_CHECKING:
    from .engine import Engine

log = logging.getLogger(__name__)

#: Longest wait between passes; also how soon a shared store's changes are seen.
MAX_IDLE = 1.0
EXPIRED_REASON = "validity period ended before it could be sent"


class Dispatcher:
    def __init__(self, engine: "Engine"):
        self.engine = engine
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._stopping = False

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="dispatcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._stopping = True
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    def wake(self) -> None:
        self._wake.set()

    async def _run(self) -> None:
        # asyncio.timeout rather than wait_for: wait_for can swallow a
        # cancellation that arrives as the wait completes (Python < 3.12).
        while not self._stopping:
            self._wake.clear()
            try:
                delay = self.tick()
            except Exception:
                log.exception("dispatcher pass failed")
                delay = MAX_IDLE
            if delay > 0:
                try:
                    async with asyncio.timeout(delay):
                        await self._wake.wait()
                except TimeoutError:
                    pass
            else:
                await asyncio.sleep(0)

    def tick(self) -> float:
        """One pass. Returns how long to wait before the next one (0: go on at once)."""
        now = self.engine.clock.now()
        changed: list[MessageView] = []
        handed: list[tuple[Gateway, OutboundSms]] = []
        with self.engine.db.session() as s:
            pending = (m.QUEUED, m.SCHEDULED)
            for row in s.exec(select(Message).where(
                    Message.direction == m.OUT, col(Message.status).in_(pending),
                    Message.expires_at != None, Message.expires_at <= now)):  # noqa: E711
                row.status = m.EXPIRED
                row.reason = EXPIRED_REASON
                row.finished_at = row.updated_at = now
                s.add(row)
                changed.append(row)
            for row in s.exec(select(Message).where(
                    Message.direction == m.OUT, Message.status == m.SCHEDULED, Message.scheduled_at <= now)):
                row.status = m.QUEUED
                row.updated_at = now
                s.add(row)
                changed.append(row)
            s.flush()

            free = {g.name: g.window - g.busy for g in self.engine.gateways.values() if g.can_accept()}
            capacity = sum(free.values())
            more = False
            if capacity > 0:
                rows = s.exec(select(Message).where(
                    Message.direction == m.OUT, Message.status == m.QUEUED,
                    or_(Message.next_attempt_at == None, Message.next_attempt_at <= now),  # noqa: E711
                ).order_by(col(Message.priority).desc(), col(Message.id)).limit(capacity * 4)).all()
                for row in rows:
                    if capacity <= 0:
                        more = True
                        break
                    gw = self._choose(row, free)
                    if gw is None:
                        continue
                    free[gw.name] -= 1
                    capacity -= 1
                    row.status = m.SENDING
                    row.gateway = gw.name
                    row.attempts += 1
                    row.updated_at = now
                    row.claimed_by = self.engine.instance_id
                    s.add(row)
                    changed.append(row)
                    handed.append((gw, _outbound(row)))
            s.commit()
            views = [MessageView.of(r) for r in changed]
            next_due = None if more else self._next_due(s, now)
        for v in views:
            self.engine.events.publish(MessageChanged(v))
        for gw, sms in handed:
            gw.submit(sms)
        if more:
            return 0.0
        if next_due is None:
            return MAX_IDLE
        return max(0.0, min(MAX_IDLE, (next_due - now).total_seconds()))

    def _choose(self, row: Message, free: dict[str, int]) -> Gateway | None:
        allowed = [n for n in row.gateways_allowed.split(";") if n] if row.gateways_allowed else None
        best = None
        for name, room in free.items():
            if room <= 0 or (allowed is not None and name not in allowed):
                continue
            gw = self.engine.gateways[name]
            if best is None or gw.busy < best.busy:
                best = gw
        return best

    def _next_due(self, s, now):
        q = select(func.min(Message.scheduled_at)).where(Message.direction == m.OUT, Message.status == m.SCHEDULED)
        times = [s.exec(q).one()]
        times.append(s.exec(select(func.min(Message.next_attempt_at)).where(
            Message.direction == m.OUT, Message.status == m.QUEUED, Message.next_attempt_at > now)).one())
        times = [t for t in times if t is not None]
        return min(times) if times else None


def _outbound(row: Message) -> OutboundSms:
    validity = None
    if row.expires_at is not None:
        validity = max(0, int((row.expires_at - row.updated_at).total_seconds()))
    return OutboundSms(message_id=row.id, uid=row.uid, recipient=row.recipient, text=row.text,
                       sender=row.sender, message_type=row.message_type, encoding=row.encoding or "gsm",
                       flash=row.flash,
                       status_report=row.status_report, validity_seconds=validity,
                       customer_ref=row.customer_ref)
