"""Decides what goes out, when, and through which gateway.

Each pass: expire messages past their validity, release scheduled ones whose
time has come (unless a blackout period holds them), then walk the due queue
— highest priority first, then first queued — handing each message to the
least busy gateway its route allows. ``sending`` (with this instance's claim
and lease) is committed before a gateway sees the message. A pass looks at a
bounded number of messages and the loop runs between passes, so a large
queue never stalls it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from app.gateways.base import Gateway, OutboundSms
from app.store import models as m

from . import blackout, shared_queue
from .events import MessageChanged
from .outbox import row_view
from .views import MessageView

if TYPE_CHECKING:
    from .engine import Engine

log = logging.getLogger(__name__)

#: Longest wait between passes; also how soon a shared store's changes are seen.
MAX_IDLE = 1.0
#: Messages looked at in one pass (a pass of 250 takes about 25-40 ms on a slow machine).
BATCH = 250
#: Time-driven work (expiry, release of scheduled messages, the next due time) is looked for at most
#: this often (seconds), however often the dispatcher is woken: its answers change only as time passes.
HOUSEKEEP_EVERY = 0.2
#: How often the Outbox's "waiting for a gateway" reasons are brought up to date (seconds).
ANNOTATE_EVERY = 5.0
EXPIRED_REASON = "validity period ended before it could be sent"
PAUSED_REASON = "waiting: sending is paused"
T = shared_queue.T


_view = row_view


class Dispatcher:
    def __init__(self, engine: "Engine"):
        self.engine = engine
        #: Messages handed to a gateway and not yet answered: id -> view when handed.
        self.inflight: dict[int, MessageView] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._cursor: tuple[int, int] | None = None
        self._annotate_at: datetime | None = None
        self._leases_at: datetime | None = None
        self._housekeep_at: datetime | None = None
        self._next_due_at: datetime | None = None

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
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

    # --- one pass ----------------------------------------------------------------

    def tick(self) -> float:
        """One pass. Returns how long to wait before the next one (0: go on at once)."""
        engine = self.engine
        now = engine.clock.now()
        changed: list[MessageView] = []
        handed: list[tuple[Gateway, OutboundSms]] = []
        more = False
        with engine.db.session() as s:
            timed = self._housekeep_at is None or now >= self._housekeep_at
            if timed:
                self._housekeep_at = now + timedelta(seconds=HOUSEKEEP_EVERY)
                self._housekeeping(s, now, changed)
            room = {g.name: g.window - g.busy for g in engine.gateways.values() if g.can_accept()}
            paused = engine.settings["sending_paused"]
            annotate = self._annotate_at is None or now >= self._annotate_at
            if annotate:
                self._annotate_at = now + timedelta(seconds=ANNOTATE_EVERY)
            if (room and not paused) or (annotate and self._cursor is None):
                rows = shared_queue.queued_batch(s, now, BATCH, after=self._cursor,
                                                 skip_locked=not engine.db.is_sqlite)
                chosen, updates, last = self._plan(rows, room, paused, now, changed)
                for name, picked in chosen.items():
                    claimed = shared_queue.claim(s, [r["id"] for r in picked], name, instance=engine.instance_id,
                                                 now=now, lease=engine.settings["lease_seconds"])
                    for row in picked:
                        if row["id"] in claimed:
                            handed.append((engine.gateways[name], self._hand(row, name, now, changed)))
                for group in updates.values():
                    shared_queue.set_many(s, group)
                full = len(rows) == BATCH and any(v > 0 for v in room.values()) and not paused
                self._cursor = last if full and last is not None else None
                more = bool(handed) or self._cursor is not None
            s.commit()
            if timed and not more:
                self._next_due_at = self._next_due(s, now)
            next_due = None if more else self._next_due_at
        for v in changed:
            engine.events.publish(MessageChanged(v))
        for gw, sms in handed:
            gw.submit(sms)
        if more:
            return 0.0
        if next_due is None:
            return MAX_IDLE
        if next_due <= now:  # due, and looked for again once the time-driven work may run
            return max(0.0, (self._housekeep_at - now).total_seconds())
        return min(MAX_IDLE, (next_due - now).total_seconds())

    def _plan(self, rows, room, paused, now, changed):
        """Choose a gateway for each row; collect the other changes (expired, held, waiting reasons)."""
        router = self.engine.router
        chosen: dict[str, list[dict]] = defaultdict(list)
        updates: dict[tuple, list[dict]] = defaultdict(list)
        last = None
        limited = not paused and any(v > 0 for v in room.values())
        for row in rows:
            if limited and not any(v > 0 for v in room.values()):
                break
            last = (row["priority"], row["id"])
            if row["expires_at"] is not None and row["expires_at"] <= now:
                self._change(row, updates, changed, status=m.EXPIRED, reason=EXPIRED_REASON, finished_at=now,
                             updated_at=now)
                continue
            held = blackout.held_until(row["blackout"], now)
            if held is not None:
                self._change(row, updates, changed, status=m.SCHEDULED, scheduled_at=held, updated_at=now,
                             reason=f"held by a blackout period until {held.isoformat()}")
                continue
            if paused:
                if row["reason"] != PAUSED_REASON:
                    self._change(row, updates, changed, reason=PAUSED_REASON)
                continue
            route = router.route(row["recipient"], row["sender"], row["user"], row["message_type"],
                                 row["gateways_allowed"], row["gateways_failed"])
            gw = router.choose(route, room)
            if gw is not None:
                room[gw.name] -= 1
                chosen[gw.name].append(row)
                continue
            why = router.why_waiting(route)
            if why and why != row["reason"]:
                self._change(row, updates, changed, reason=why)
        return chosen, updates, last

    @staticmethod
    def _change(row: dict, updates, changed: list[MessageView], **values) -> None:
        row.update(values)
        updates[tuple(sorted(values))].append({"b_id": row["id"], **values})
        changed.append(_view(row))

    def _hand(self, row: dict, gateway: str, now: datetime, changed: list[MessageView]) -> OutboundSms:
        row.update(status=m.SENDING, gateway=gateway, attempts=row["attempts"] + 1, updated_at=now, reason="")
        view = _view(row)
        changed.append(view)
        self.inflight[row["id"]] = view
        validity = None
        if row["expires_at"] is not None:
            validity = max(0, int((row["expires_at"] - now).total_seconds()))
        return OutboundSms(message_id=row["id"], uid=row["uid"], recipient=row["recipient"], text=row["text"],
                           sender=row["sender"], message_type=row["message_type"],
                           encoding=row["encoding"] or "gsm", flash=row["flash"], status_report=row["status_report"],
                           validity_seconds=validity, customer_ref=row["customer_ref"],
                           priority=row["priority"], billcode=row["billcode"] or "")

    # --- time-driven work ----------------------------------------------------------

    def _housekeeping(self, s, now: datetime, changed: list[MessageView]) -> None:
        """Expire what is past its validity, release what is due, keep the shared queue's leases."""
        updates: dict[tuple, list[dict]] = defaultdict(list)
        for status in (m.QUEUED, m.SCHEDULED):
            q = select(T).where(T.c.status == status, T.c.expires_at <= now, T.c.direction == m.OUT).limit(BATCH)
            for row in s.connection().execute(q).mappings():
                self._change(dict(row), updates, changed, status=m.EXPIRED, reason=EXPIRED_REASON,
                             finished_at=now, updated_at=now)
        q = select(T).where(T.c.status == m.SCHEDULED, T.c.scheduled_at <= now, T.c.direction == m.OUT).limit(BATCH)
        for row in s.connection().execute(q).mappings():
            row = dict(row)
            held = blackout.held_until(row["blackout"], now)
            if held is not None:
                self._change(row, updates, changed, scheduled_at=held, updated_at=now,
                             reason=f"held by a blackout period until {held.isoformat()}")
            else:
                reason = "" if row["reason"].startswith("held by") else row["reason"]
                self._change(row, updates, changed, status=m.QUEUED, updated_at=now, reason=reason)
        for group in updates.values():
            shared_queue.set_many(s, group)
        lease = self.engine.settings["lease_seconds"]
        if self._leases_at is None or now >= self._leases_at:
            self._leases_at = now + timedelta(seconds=lease / 3)
            shared_queue.renew_leases(s, instance=self.engine.instance_id, now=now, lease=lease)
            s.commit()
            self.engine.outbox.take_over_expired()

    def _next_due(self, s, now: datetime) -> datetime | None:
        conn = s.connection()
        times = [
            conn.execute(select(func.min(T.c.scheduled_at)).where(
                T.c.status == m.SCHEDULED, T.c.scheduled_at.is_not(None))).scalar(),
            conn.execute(select(func.min(T.c.next_attempt_at)).where(
                T.c.status == m.QUEUED, T.c.next_attempt_at > now)).scalar(),
        ]
        times = [t for t in times if t is not None]
        return min(times) if times else None
