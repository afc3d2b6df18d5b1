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
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from app.gateways.base import GatewayState, OutboundSms
from app.store import journal
from app.store import models as m

from . import blackout, shared_queue, statistics
from . import lifecycle as lc
from .events import MessageChanged, MessagesDeleted
from .outbox import blocked_reason
from .queueing import blocked_among
from .views import MessageView, view_of, views_of

if TYPE_CHECKING:
    from .engine import Engine

log = logging.getLogger(__name__)

#: Longest wait between passes; also how soon a shared store's changes are seen.
MAX_IDLE = 1.0
#: Messages looked at in one pass (a pass of 250 takes about 25-40 ms on a slow machine).
BATCH = 250
#: Fewest messages read when the gateways have room for only a few.
MIN_BATCH = 32
#: At most this many messages a pass claims while the store lane answers clients.
ANSWERING_BATCH = 48
#: Time-driven work (expiry, release of scheduled messages, the next due time) is looked for at most
#: this often (seconds), however often the dispatcher is woken: its answers change only as time passes.
HOUSEKEEP_EVERY = 0.2
#: Shortest time from the start of one pass to the start of the next when a wake-up (rather than more work
#: left by the pass) starts it: wake-ups meanwhile (API jobs stored, gateways' outcomes committed) are then
#: served by one pass instead of one pass each, at a cost of at most this much latency.
PASS_GAP = 0.01
#: How often the Outbox's "waiting for a gateway" reasons are brought up to date (seconds).
ANNOTATE_EVERY = 5.0
#: How often the event journal is pruned of events older than its retention (seconds).
PRUNE_EVERY = 600.0
EXPIRED_REASON = "validity period ended before it could be sent"
PAUSED_REASON = "waiting: sending is paused"
T = shared_queue.T


@dataclass(frozen=True)
class _Snapshot:
    """The loop's state a pass plans with (see :meth:`Dispatcher._snapshot`)."""

    now: datetime
    room: dict[str, int]
    paused: bool
    #: ``Engine.dispatch_epoch`` when taken: a pass whose snapshot is older than a pause claims nothing.
    epoch: int
    #: The store lane answers clients: the pass takes at most ANSWERING_BATCH messages (a short piece).
    short: bool = False


@dataclass
class _Pass:
    """What a pass committed: the changes to announce and the messages to hand over."""

    now: datetime
    changed: list[MessageView]
    handed: list[tuple[str, OutboundSms, MessageView]]
    more: bool
    next_due: datetime | None
    #: Whether the pass talked to the store (a pass with nothing to do may not).
    touched: bool = True


class Dispatcher:
    def __init__(self, engine: "Engine"):
        self.engine = engine
        #: Messages handed to a gateway and not yet answered: id -> view when handed.
        self.inflight: dict[int, MessageView] = {}
        self._wake = asyncio.Event()
        self._idle = asyncio.Event()  # set while no pass is under way
        self._idle.set()
        #: While a pass runs in the store lane: messages announced meanwhile by others (the window,
        #: the API cancelling one, say); the pass's older views of them are not announced.
        self._meanwhile: set[int] | None = None
        engine.events.subscribe(self._seen)
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._cursor: tuple[int, int] | None = None
        self._annotate_at: datetime | None = None
        self._leases_at: datetime | None = None
        self._prune_at: datetime | None = None
        self._recent_at: datetime | None = None
        self._housekeep_at: datetime | None = None
        self._next_due_at: datetime | None = None

    def start(self) -> None:
        if self._task is None:
            self._stopping = False
            self._task = asyncio.create_task(self._run(), name="dispatcher")

    async def stop(self) -> None:
        """Stop after the pass under way: what it claimed is handed to the gateways first."""
        if self._task is not None:
            self._stopping = True
            self._wake.set()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    def wake(self) -> None:
        """Run a pass soon; callable from the store lane too (an operation the window ran there)."""
        self.engine.events.call_on_loop(self._wake.set)

    def _seen(self, event) -> None:
        if self._meanwhile is not None:
            if isinstance(event, MessageChanged):
                self._meanwhile.add(event.message.id)
            elif isinstance(event, MessagesDeleted):
                self._meanwhile.update(event.ids)

    async def idle(self) -> None:
        """Returns once no pass is under way (the one running, if any, committed and applied)."""
        await self._idle.wait()

    async def _run(self) -> None:
        """Passes run in the engine's dispatch lane (the store lane's background work; on a shared store a
        worker thread of their own); their results are applied here."""
        loop = asyncio.get_running_loop()
        while not self._stopping:
            self._wake.clear()
            began = loop.time()
            now = self.engine.clock.now()
            snapshot = self._snapshot(now)
            if self._nothing_to_do(snapshot):
                # no gateway takes work and no time-driven work is due: the pass would only open and close a
                # transaction (a burst of wake-ups from API jobs while the gateways are full, say)
                delay = self._apply(_Pass(now, [], [], False, self._next_due_at, touched=False))
                await self._wait(delay, began)
                continue
            self._idle.clear()
            self._meanwhile = set()
            work = loop.run_in_executor(self.engine.dispatch_lane, self._store_pass, snapshot)
            try:
                done = await asyncio.shield(work)
            except asyncio.CancelledError:
                work.add_done_callback(self._return_claims)
                self._meanwhile = None
                self._idle.set()
                raise
            except Exception as exc:
                if not self.engine.store_health.failed(exc):
                    log.exception("dispatcher pass failed")
                done = None
            else:
                if done.touched:
                    self.engine.store_health.ok()
            newer, self._meanwhile = self._meanwhile, None
            try:
                delay = self._apply(done, newer) if done is not None else self._after_failure()
            finally:
                self._idle.set()
            if self._stopping:
                break
            await self._wait(delay, began)

    async def _wait(self, delay: float, began: float) -> None:
        """Wait ``delay`` seconds or until woken; a pass started by a wake-up starts PASS_GAP after ``began``."""
        if delay <= 0 or self._stopping:
            await asyncio.sleep(0)
            return
        loop = asyncio.get_running_loop()
        # asyncio.timeout rather than wait_for: wait_for can swallow a
        # cancellation that arrives as the wait completes (Python < 3.12).
        try:
            async with asyncio.timeout(delay):
                await self._wake.wait()
        except TimeoutError:
            return
        gap = began + PASS_GAP - loop.time()
        if gap > 0 and not self._stopping:
            await asyncio.sleep(gap)  # wake-ups in the meantime join this one

    def _nothing_to_do(self, snapshot: "_Snapshot") -> bool:
        """A pass now would touch nothing: no gateway has room (or sending is paused), no time-driven work
        is due, no look at the waiting messages is due, and no earlier pass left work behind."""
        now = snapshot.now
        return ((not snapshot.room or snapshot.paused) and self._cursor is None
                and self._housekeep_at is not None and now < self._housekeep_at
                and self._annotate_at is not None and now < self._annotate_at)

    def _after_failure(self) -> float:
        """The wait after a failed pass: growing while the store is away."""
        health = self.engine.store_health
        return MAX_IDLE if health.reachable else health.retry_delay()

    def _return_claims(self, work: asyncio.Future) -> None:
        """A pass finished after the dispatcher was cancelled: what it claimed goes back to the queue."""
        if work.cancelled() or work.exception() is not None:
            return
        done: _Pass = work.result()
        for v in done.changed:
            self.engine.events.publish(MessageChanged(v))
        if done.handed:
            self.engine.outbox.requeue([sms for _, sms, _ in done.handed])

    # --- one pass ----------------------------------------------------------------

    def tick(self) -> float:
        """One pass on the calling thread. Returns how long to wait before the next one (0: go on at once)."""
        return self._apply(self._store_pass(self._snapshot(self.engine.clock.now())))

    def _snapshot(self, now: datetime) -> "_Snapshot":
        """What a pass plans with, taken on the loop before it starts: how many more messages each gateway
        that takes work can be handed, and whether sending is paused. A gateway paused (or sending paused)
        while the pass runs is seen by :meth:`_apply`, which hands its messages back untried."""
        room = {g.name: g.window - g.busy for g in self.engine.gateways.values() if g.can_accept()}
        if self.engine.cluster.lost:  # another console runs under this one's name now: it takes nothing
            room = {}
        return _Snapshot(now, room, self.engine.settings["sending_paused"], self.engine.dispatch_epoch,
                         short=self.engine.store_lane.answering())

    def _store_pass(self, snapshot: "_Snapshot") -> "_Pass":
        """The store side of a pass: time-driven work, the due queue planned and claimed, all committed.

        Touches no gateway and publishes nothing (it may run in a worker thread); :meth:`_apply` does that.
        """
        engine = self.engine
        now = snapshot.now
        changed: list[MessageView] = []
        handed: list[tuple[str, OutboundSms, MessageView]] = []
        more = stale = False
        with engine.db.session() as s:
            timed = self._housekeep_at is None or now >= self._housekeep_at
            if timed:
                self._housekeep_at = now + timedelta(seconds=HOUSEKEEP_EVERY)
                self._housekeeping(s, now, changed)
            annotate = self._annotate_at is None or now >= self._annotate_at
            if annotate:
                self._annotate_at = now + timedelta(seconds=ANNOTATE_EVERY)
            room, paused = dict(snapshot.room), snapshot.paused
            if (room and not paused) or (annotate and self._cursor is None):
                # as many as the gateways have room for (a few more, for those routed elsewhere); a full
                # batch when the waiting ones are to be looked at
                want = sum(v for v in room.values() if v > 0)
                limit = BATCH if annotate or paused or not want else min(BATCH, max(MIN_BATCH, 2 * want))
                if snapshot.short and want and not paused:
                    limit = min(limit, ANSWERING_BATCH)
                rows = shared_queue.queued_batch(s, now, limit, after=self._cursor,
                                                 skip_locked=not engine.db.is_sqlite)
                blocked = blocked_among(s.connection(), list({r["recipient"] for r in rows}))
                if engine.dispatch_epoch != snapshot.epoch:
                    # a gateway or all sending was paused (or resumed) since the snapshot, maybe before these
                    # messages were queued: claim nothing on a stale view; the next pass takes a fresh one
                    rows, stale = [], True
                chosen, updates, last = self._plan(rows, room, paused, now, blocked)
                for name, picked in chosen.items():
                    claimed = shared_queue.claim(s, [r["id"] for r in picked], name, instance=engine.instance_id,
                                                 now=now, lease=engine.settings["lease_seconds"])
                    for row in picked:
                        if row["id"] in claimed:
                            sms, view = self._hand(row, name, now)
                            changed.append(view)
                            handed.append((name, sms, view))
                self._write(s, updates, changed)
                full = len(rows) == limit and any(v > 0 for v in room.values()) and not paused
                self._cursor = last if full and last is not None else None
                more = bool(handed) or self._cursor is not None or stale
            touched = s.in_transaction()
            s.commit()
            if timed and not more:
                self._next_due_at = self._next_due(s, now)
                touched = True
            next_due = None if more else self._next_due_at
        return _Pass(now, changed, handed, more, next_due, touched)

    def _apply(self, done: "_Pass", newer: set[int] | None = None) -> float:
        """Announce a committed pass and hand its messages to their gateways; returns the wait before the next.

        ``newer``: messages announced by others since the pass began; its views of them are older.
        """
        newer = newer if newer is not None else set()
        engine = self.engine
        for _, sms, view in done.handed:
            self.inflight[sms.message_id] = view
            newer.discard(sms.message_id)  # claimed by this pass: its view is the newest
        for v in done.changed:
            if v.id not in newer:
                engine.events.publish(MessageChanged(v))
        untried = []
        paused = engine.settings["sending_paused"]
        for name, sms, _ in done.handed:
            gw = engine.gateways.get(name)
            if gw is not None and gw.state == GatewayState.RUNNING and not paused:
                gw.submit(sms)
            else:  # sending or the gateway paused, stopped or removed while the pass ran: back to the queue, untried
                untried.append(sms)
        if untried:
            engine.outbox.requeue(untried)
        now = done.now
        if done.more:
            return 0.0
        if done.next_due is None:
            return MAX_IDLE
        if done.next_due <= now:  # due, and looked for again once the time-driven work may run
            return max(0.0, (self._housekeep_at - now).total_seconds())
        return min(MAX_IDLE, (done.next_due - now).total_seconds())

    def _plan(self, rows, room, paused, now, blocked):
        """Choose a gateway for each row; collect the other changes (expired, blocked, held, waiting reasons)."""
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
                self._change(row, updates, lc.EXPIRE, reason=EXPIRED_REASON, finished_at=now, updated_at=now)
                continue
            if row["recipient"] in blocked:  # blocked after it was queued (it came back untried, say)
                self._change(row, updates, lc.BLOCK, finished_at=now, updated_at=now,
                             reason=blocked_reason(row["recipient"], blocked[row["recipient"]]))
                continue
            held = blackout.held_until(row["blackout"], now)
            if held is not None:
                self._change(row, updates, lc.HOLD, scheduled_at=held, updated_at=now,
                             reason=f"held by a blackout period until {held.isoformat()}")
                continue
            if paused:
                if row["reason"] != PAUSED_REASON:
                    self._change(row, updates, lc.NOTE, reason=PAUSED_REASON)
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
                self._change(row, updates, lc.NOTE, reason=why)
        return chosen, updates, last

    @staticmethod
    def _change(row: dict, updates, transition: lc.Transition, **values) -> None:
        """Note a change of a row read as it was; written by :meth:`_write` only if its status is unchanged."""
        updates[(transition, tuple(sorted(values)), row["status"])].append({"b_id": row["id"], **values})

    @staticmethod
    def _write(s, updates, changed: list[MessageView]) -> None:
        """Write the noted changes, each only if the message still has the status it was read with
        (the window or the API may have cancelled it meanwhile), and announce them as stored."""
        ids = []
        conn = s.connection()
        for (transition, _keys, status), group in updates.items():
            lc.apply(conn, transition, group, expect=status)
            ids += [u["b_id"] for u in group]
        updates.clear()
        changed.extend(views_of(conn, ids))

    def _hand(self, row: dict, gateway: str, now: datetime) -> tuple[OutboundSms, MessageView]:
        # the view of the row as the claim wrote it (lifecycle.CLAIM)
        row.update(status=lc.CLAIM.target, gateway=gateway, attempts=row["attempts"] + 1, updated_at=now,
                   reason="", claim_seq=row["claim_seq"] + 1)
        validity = None
        if row["expires_at"] is not None:
            validity = max(0, int((row["expires_at"] - now).total_seconds()))
        sms = OutboundSms(message_id=row["id"], uid=row["uid"], recipient=row["recipient"], text=row["text"],
                          sender=row["sender"], message_type=row["message_type"],
                          encoding=row["encoding"] or "gsm", flash=row["flash"], status_report=row["status_report"],
                          validity_seconds=validity, customer_ref=row["customer_ref"],
                          priority=row["priority"], billcode=row["billcode"] or "", claim=row["claim_seq"],
                          earlier_parts=row["reference"] is not None)  # parts are kept only with a reference
        return sms, view_of(row)

    # --- time-driven work ----------------------------------------------------------

    def _housekeeping(self, s, now: datetime, changed: list[MessageView]) -> None:
        """Expire what is past its validity, release what is due, keep the shared queue's leases."""
        updates: dict[tuple, list[dict]] = defaultdict(list)
        for status in (m.QUEUED, m.SCHEDULED):
            q = select(T).where(T.c.status == status, T.c.expires_at <= now, T.c.direction == m.OUT).limit(BATCH)
            for row in s.connection().execute(q).mappings():
                self._change(dict(row), updates, lc.EXPIRE, reason=EXPIRED_REASON, finished_at=now,
                             updated_at=now)
        q = select(T).where(T.c.status == m.SCHEDULED, T.c.scheduled_at <= now, T.c.direction == m.OUT).limit(BATCH)
        for row in s.connection().execute(q).mappings():
            row = dict(row)
            held = blackout.held_until(row["blackout"], now)
            if held is not None:
                self._change(row, updates, lc.NOTE, scheduled_at=held, updated_at=now,
                             reason=f"held by a blackout period until {held.isoformat()}")
            else:
                reason = "" if row["reason"].startswith("held by") else row["reason"]
                self._change(row, updates, lc.RELEASE, updated_at=now, reason=reason)
        self._write(s, updates, changed)
        self.engine.counts.advance(s.connection())
        if self.engine.peers is not None:  # a shared store: what the other consoles changed, for the window
            changed.extend(self.engine.peers.read(s.connection()))
        if self._recent_at is None or now >= self._recent_at:
            self._recent_at = now + timedelta(seconds=statistics.RECENT_EVERY)
            self.engine.recent_figures = statistics.read_recent(s.connection(), self.engine.db.is_sqlite, now)
        if self._prune_at is None or now >= self._prune_at:
            pruned = journal.prune(s.connection(), now, self.engine.settings["journal_retention_days"])
            # more to prune: the next slice soon; else look again in a while
            self._prune_at = now + timedelta(seconds=PRUNE_EVERY if pruned < journal.PRUNE_SLICE else 1)
        lease = self.engine.settings["lease_seconds"]
        if self._leases_at is None or now >= self._leases_at:
            self._leases_at = now + timedelta(seconds=lease / 3)
            shared_queue.renew_leases(s, instance=self.engine.instance_id, now=now, lease=lease)
            s.commit()
            changed.extend(self.engine.outbox.claims_taken_over())

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
