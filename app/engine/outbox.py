"""Outbound messages in the store: queueing, send outcomes, delivery reports,
the opt-out list, and recovery of work interrupted by a crash.

Send outcomes are committed in batches: each answer a gateway gives is
recorded, in one transaction with the others of the same loop turn, before
anything else happens to the message (its event, its next try).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable

from sqlalchemy import bindparam, literal_column, or_
from sqlmodel import col, select

from app.gateways.base import DeliveryReport, Gateway, IncomingSms, OutboundSms, SendResult
from app.sms.numbers import InvalidNumber, normalize_number
from app.store import models as m
from app.store.models import BlockedNumber, Message
from app.store.search import counterpart_sql
from app.store.timeutil import time_converter

from . import lifecycle, shared_queue
from .events import MessageChanged
from .inserts import insert_rows as _insert_rows
from .queue_group import QueueGroup
from .queueing import Batch, check_job
from .outcomes import Outcome, OutcomeWriter, Received, Report, Returned, Work, Written
from .requests import EngineError, OutboundRequest, QueueItem, QueueResult, job_ref
from .views import MessageView, adopt_view, changed_view, views_of

if TYPE_CHECKING:
    from .engine import Engine

log = logging.getLogger(__name__)

INTERRUPTED_REASON = "interrupted while sending: sent again, may arrive twice"
INTERRUPTED_FAIL_REASON = "interrupted while sending: the outcome is unknown, retry to send again"
#: Gateway answers committed at most in one transaction of the store lane.
FLUSH_LIMIT = 500
#: ... while the store lane answers clients (:meth:`StoreLane.answering`): they wait for no long write.
FLUSH_LIMIT_ANSWERING = 64
#: Failures in a row of one run of news (other than the store being away) after which its items are written
#: one transaction each: one the store refuses for good is set aside, logged, and holds back no other.
SPLIT_AFTER = 3
#: Seconds send outcomes, reports and returns wait for more news before they go to the store lane, when
#: no run is being written: the news of one send (its outcome, then its report a moment later) and of the
#: sends around it then share one transaction. A received message goes at once (someone may be waiting
#: to read it), taking what waits with it.
FLUSH_GATHER = 0.005
#: Numbers looked up and written at a time when blocking many.
_BLOCK_CHUNK = 500


@dataclass
class BlockResult:
    """What blocking numbers did: numbers newly on the list and already on it (as stored, with the
    reason given), those refused (as given, why), and the waiting messages failed because of it."""

    added: list[tuple[str, str]] = field(default_factory=list)
    already: list[tuple[str, str]] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    failed: list[MessageView] = field(default_factory=list)


def blocked_reason(number: str, why: str) -> str:
    """The reason a waiting message to a number put on the opt-out list fails with."""
    return f"number {number} is on the blocked list" + (f" ({why})" if why else "")


class Outbox:
    def __init__(self, engine: "Engine"):
        self.engine = engine
        #: Jitter source of retry delays; tests seed it.
        self.random = random.Random()
        #: Writes gateways' news in the store lane.
        self.writer = OutcomeWriter(engine, self.random)
        #: News taken and not yet handed to the writer, in the order the gateways gave it.
        self._results: list[Work] = []
        #: Futures of news whose giver waits for its commit (by the item's id, with the item).
        self._waiting: dict[int, tuple[Work, asyncio.Future]] = {}
        self._flush_handle: asyncio.Handle | None = None
        #: The flush handle is the FLUSH_GATHER wait (a received message cuts it short).
        self._gathering = False
        #: Answers being committed in the store lane.
        self._flushing: asyncio.Future | None = None
        #: Failures in a row of the run being written (other than the store being away); see SPLIT_AFTER.
        self._failures = 0
        #: Jobs submitted together by concurrent callers, stored in one transaction.
        self.group = QueueGroup(self)

    @property
    def db(self):
        return self.engine.db

    # --- queueing ----------------------------------------------------------------

    def queue(self, requests: list[OutboundRequest], *, user: str = "", source: str = "gui",
              job_id: str | None = None, job_options: str = "{}", atomic: bool = False) -> QueueResult:
        """Store every acceptable recipient of every request as one job.

        ``atomic``: when any recipient is refused, store none (the result then
        holds only the refusals), as an API that accepts or refuses whole jobs needs.

        Refused recipients (invalid, blocked or duplicate number, reused id,
        unusable blackout period) are reported in the result, in order; the
        others are stored in one transaction.
        """
        with self.db.session() as s:
            stored = self.store(s, requests, user=user, source=source, job_id=job_id, job_options=job_options,
                                atomic=atomic)
            s.commit()
        return self.publish(*stored)

    def check(self, s, requests: list[OutboundRequest], *, user: str = "", job_id: str | None = None,
              atomic: bool = False, now=None, blocked_list: bool = True) -> tuple[str, Batch, Any]:
        """One job checked: its id, its rows to store (none when ``atomic`` and a recipient is refused)
        with the refusals, and the time it is queued at (``now``, or the clock's). ``blocked_list``: False
        when the opt-out list is known to be empty."""
        now = now or self.engine.clock.now()
        job_id, batch = check_job(s, requests, now=now, user=user, job_id=job_id, atomic=atomic,
                                  blocked_list=blocked_list, **self.check_terms())
        return job_id, batch, now

    def check_terms(self) -> dict[str, Any]:
        """The settings checking a job depends on (read on any thread: a dict of plain values)."""
        settings = self.engine.settings
        return {"country": settings.get("default_country") or None,
                "duplicate_window": settings["duplicate_window_seconds"]}

    def store(self, s, requests: list[OutboundRequest], *, user: str = "", source: str = "gui",
              job_id: str | None = None, job_options: str = "{}", atomic: bool = False) -> tuple[str, Batch]:
        """Check and insert one job in the session's transaction (not committed); see :meth:`queue`."""
        job_id, batch, now = self.check(s, requests, user=user, job_id=job_id, atomic=atomic)
        if batch.rows:
            # the driver's own statements (no per-statement compiling: small jobs come by the thousand),
            # then the new ids by uid in one query
            conn = s.connection()
            mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
            conn.exec_driver_sql(f'INSERT INTO job (id, "user", source, customer_ref, options, created_at) '
                                 f'VALUES ({mark}, {mark}, {mark}, {mark}, {mark}, {mark})',
                                 (job_id, user, source, job_ref(requests), job_options, time_converter(conn)(now)))
            _insert_rows(conn, batch.rows)
            ids = dict(conn.exec_driver_sql(f"SELECT uid, id FROM message WHERE job_id = {mark}", (job_id,)).all())
            for row in batch.rows:
                row["id"] = ids[row["uid"]]
        return job_id, batch

    def publish(self, job_id: str, batch: Batch, announced: list[MessageView] | None = None) -> QueueResult:
        """The result of a committed job; its messages are announced (or added to ``announced``, which the
        caller announces together with other jobs')."""
        views = [adopt_view(r) for r in batch.rows]
        items = tuple(QueueItem(views[it].recipient, message=views[it]) if type(it) is int else it
                      for it in batch.items)
        if announced is None:
            self.engine.messages_stored(views)
        else:
            announced += views
        return QueueResult(job_id=job_id, items=items)

    # --- outcomes, reports, messages handed back -----------------------------------------

    def record_result(self, gateway: Gateway, sms: OutboundSms, result: SendResult) -> None:
        """Take a gateway's answer; it is committed with the other news of this loop turn."""
        self._take(Outcome(gateway.name, sms, result))

    def record_report(self, gateway: Gateway, report: DeliveryReport) -> asyncio.Future | None:
        """A delivery report from any gateway kind: the message becomes delivered or undelivered. It is
        written after every answer taken before it, so it never overtakes the outcome of its own send.
        Returns a future done once it is committed (None without a running loop: committed already)."""
        if report.outcome != "pending":
            return self._take(Report(gateway.name, report), wait=True)
        return None

    def record_received(self, gateway: Gateway, sms: IncomingSms) -> asyncio.Future | None:
        """A message a gateway received, stored in order with the other news (a fingerprint already stored
        is skipped). Returns a future done once it is committed, so a modem deletes it from its storage
        only then (None without a running loop: committed already)."""
        return self._take(Received(gateway.name, sms, self.engine.clock.now()), wait=True)

    def requeue(self, sms: Iterable[OutboundSms]) -> None:
        """Messages handed to a gateway that never tried them go back to the queue (while this console's
        claim on them holds)."""
        claims = tuple((one.message_id, one.claim) for one in sms)
        for i, _ in claims:
            self.engine.dispatcher.inflight.pop(i, None)
        if claims:
            self._take(Returned(claims))

    def _take(self, item: Work, *, wait: bool = False) -> asyncio.Future | None:
        """Queue news for the writer. With a running loop it is committed in the engine's store lane
        (a worker thread), FLUSH_LIMIT items at a time, and announced on the loop once committed;
        without one (scripts) at once. ``wait``: return a future done once it is committed."""
        self._results.append(item)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
            return None
        done = None
        if wait:
            done = loop.create_future()
            self._waiting[id(item)] = (item, done)
        if self._flushing is None:
            if isinstance(item, Received) and self._gathering:
                self._flush_handle.cancel()  # a received message is not kept waiting for more news
                self._flush_handle = None
            if self._flush_handle is None:
                self._gathering = not isinstance(item, Received)
                self._flush_handle = (loop.call_later(FLUSH_GATHER, self._flush_some) if self._gathering
                                      else loop.call_soon(self._flush_some))
        return done

    def _flush_some(self) -> None:
        """Hand the next FLUSH_LIMIT items to the store lane; the rest follow when they are committed."""
        if self._flush_handle is not None:
            self._flush_handle.cancel()  # called directly (settle) while a wait was pending
        self._flush_handle = None
        self._gathering = False
        if self._flushing is not None or not self._results:
            return
        lane = self.engine.store_lane
        limit = FLUSH_LIMIT_ANSWERING if lane.answering() else FLUSH_LIMIT
        results, self._results = self._results[:limit], self._results[limit:]
        loop = asyncio.get_running_loop()
        now = self.engine.clock.now()
        commit = self.writer.commit_each if self._failures >= SPLIT_AFTER else self.writer.commit
        # a received message is what clients wait for (a reply, a code): its run is answering work, so a
        # request that comes after it reads it; the rest of the news is the lane's background work
        executor = lane if any(type(item) is Received for item in results) else lane.background
        self._flushing = loop.run_in_executor(executor, commit, results, now)
        self._flushing.add_done_callback(functools.partial(self._flushed, results, now))

    def _flushed(self, results, now, work: asyncio.Future) -> None:
        self._flushing = None
        health = self.engine.store_health
        if work.cancelled() or work.exception() is not None:
            if not work.cancelled() and not health.failed(work.exception()):
                self._failures += 1
                log.error("recording %d send outcomes and reports failed; trying again%s", len(results),
                          " one at a time" if self._failures >= SPLIT_AFTER else "", exc_info=work.exception())
            self._retry(results)  # nothing of them is lost: tried again shortly
            return
        health.ok()
        written = work.result()
        if isinstance(written, tuple):  # written one at a time (commit_each)
            written, dealt, aside = written
            if dealt < len(results):  # stopped by an error that may pass: the rest is tried again
                self._retry(results[dealt:])
            else:
                self._failures = 0
            results = [item for item in results[:dealt] if not any(item is a for a in aside)]
            for item in aside:
                if isinstance(item, Outcome):
                    self.engine.dispatcher.inflight.pop(item.sms.message_id, None)
                _, done = self._waiting.pop(id(item), (None, None))
                if done is not None and not done.done():
                    done.set_result(None)
        else:
            self._failures = 0
        self._announce_results(results, now, written)
        if self.writer.unmatched and any(isinstance(i, Outcome) and i.result.ok for i in results):
            for report in self.writer.take_unmatched():  # their sends' outcomes may be written now
                self._take(report)
        for item in results:
            _, done = self._waiting.pop(id(item), (None, None))
            if done is not None and not done.done():
                done.set_result(None)
        if self._results and self._flush_handle is None:
            self._flush_handle = asyncio.get_running_loop().call_soon(self._flush_some)

    def _retry(self, results: list[Work]) -> None:
        """Put ``results`` back in front of the news taken since, and try again after a wait."""
        self._results[:0] = results
        if self._flush_handle is None or self._gathering:
            if self._flush_handle is not None:
                self._flush_handle.cancel()
            self._gathering = False
            health = self.engine.store_health
            delay = 0.5 if health.reachable else health.retry_delay()
            self._flush_handle = asyncio.get_running_loop().call_later(delay, self._flush_some)

    async def settle(self) -> None:
        """Wait until every item taken so far is committed and announced."""
        while self._flushing is not None or self._results:
            if self._flushing is None:
                self._flush_some()
            await asyncio.wait([self._flushing])
            await asyncio.sleep(0)  # its done-callback runs

    def flush(self) -> None:
        """Commit, on the calling thread, the items not yet handed to the store lane; announce them.
        Only for use without a running loop (scripts, start-up and shutdown)."""
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        self._gathering = False
        results, self._results = self._results, []
        if results:
            now = self.engine.clock.now()
            self._announce_results(results, now, self.writer.commit(results, now))

    def _announce_results(self, results: list[Work], now, written: Written) -> None:
        """Publish committed news (on the loop's thread) and wake the dispatcher."""
        for view in written.received:
            self.engine.message_received(view)
        changed = written.changed
        inflight = self.engine.dispatcher.inflight
        views: list[MessageView] = []
        for item in results:
            if isinstance(item, Outcome):
                before = inflight.pop(item.sms.message_id, None)
                # announced even when a later item of the run changed it again (its report, gathered into
                # the same run): listeners see sent, then the later view
                if item.result.ok and before is not None:
                    views.append(changed_view(before, status=m.SENT, sent_at=now, parts=item.result.parts,
                                              reason="", gateway=item.gateway, updated_at=now))
        views.extend(changed)
        for v in views:
            self.engine.events.publish(MessageChanged(v))
        if changed or any(g.can_accept() for g in self.engine.gateways.values()):
            self.engine.dispatcher.wake()  # room for more, or a message to fail over or send again

    # --- opt-out list -----------------------------------------------------------------

    def blocked_numbers(self) -> list[tuple[str, str]]:
        with self.db.session() as s:
            return [tuple(r) for r in s.exec(select(BlockedNumber.number, BlockedNumber.reason)
                                              .order_by(BlockedNumber.number)).all()]

    def block_number(self, number: str, reason: str = "") -> list[MessageView]:
        """Put a number on the opt-out list; its waiting messages fail with the reason. Returns them."""
        result = self.block_numbers([(number, reason)])
        if result.refused:
            raise EngineError(f"cannot block {number!r}: {result.refused[0][1]}")
        return result.failed

    def block_numbers(self, entries: Iterable[tuple[str, str]]) -> BlockResult:
        """Put numbers (with their reasons) on the opt-out list in one transaction; the waiting
        messages to them fail with the reason. A number given twice keeps its last reason."""
        country = self.engine.settings.get("default_country") or None
        result = BlockResult()
        wanted: dict[str, str] = {}
        for raw, reason in entries:
            try:
                wanted[normalize_number(raw, country)] = reason
            except InvalidNumber as exc:
                result.refused.append((raw, str(exc)))
        now = self.engine.clock.now()
        numbers = list(wanted)
        table = BlockedNumber.__table__
        with self.db.session() as s:
            for i in range(0, len(numbers), _BLOCK_CHUNK):
                chunk = numbers[i:i + _BLOCK_CHUNK]
                known = set(s.exec(select(BlockedNumber.number).where(col(BlockedNumber.number).in_(chunk))))
                new = [{"number": n, "reason": wanted[n]} for n in chunk if n not in known]
                if new:
                    s.exec(table.insert(), params=new)
                if known:
                    s.exec(table.update().where(table.c.number == bindparam("b_number"))
                           .values(reason=bindparam("b_reason")),
                           params=[{"b_number": n, "b_reason": wanted[n]} for n in chunk if n in known])
                result.added += [(n, wanted[n]) for n in chunk if n not in known]
                result.already += [(n, wanted[n]) for n in chunk if n in known]
                waiting = s.exec(select(Message.id, Message.recipient).where(
                    literal_column(counterpart_sql()).in_(chunk), Message.direction == m.OUT,
                    col(Message.status).in_(lifecycle.BLOCK.sources))).all()
                lifecycle.apply(s.connection(), lifecycle.BLOCK, [
                    {"b_id": i, "reason": blocked_reason(number, wanted[number]), "finished_at": now,
                     "updated_at": now} for i, number in waiting])
                result.failed += views_of(s.connection(), [i for i, _ in waiting])
            s.commit()
        for v in result.failed:
            self.engine.events.publish(MessageChanged(v))
        return result

    def unblock_number(self, number: str) -> bool:
        with self.db.session() as s:
            row = s.get(BlockedNumber, number)
            if row is None:
                return False
            s.delete(row)
            s.commit()
        return True

    # --- crash recovery -----------------------------------------------------------

    def recover_interrupted(self) -> int:
        """At start: settle messages this instance left in ``sending`` without recording the answer."""
        with self.db.session() as s:
            q = select(Message.id).where(Message.direction == m.OUT, Message.status == m.SENDING)
            q = q.where(or_(Message.claimed_by == None, Message.claimed_by == self.engine.instance_id))  # noqa: E711
            return self._announce(self.settle_interrupted(s, list(s.exec(q).all())))

    def take_over_expired(self) -> int:
        """Settle the claims of instances sharing the store that stopped renewing their leases."""
        return self._announce(self.claims_taken_over())

    def claims_taken_over(self) -> list[MessageView]:
        """:meth:`take_over_expired` without announcing the changes (for a worker thread); returns them."""
        now = self.engine.clock.now()
        with self.db.session() as s:
            expired = shared_queue.expired_claims(s, instance=self.engine.instance_id, now=now,
                                                  skip_locked=not self.db.is_sqlite)
            if not expired.ids:
                return []
            for owner, (count, oldest, newest) in sorted(expired.by_instance.items()):
                lapsed = f"{newest:.1f} s" if oldest - newest < 0.1 else f"{newest:.1f} to {oldest:.1f} s"
                log.warning("taking over %d message(s) claimed by instance %r, whose claims had expired %s "
                            "ago (lease %d s): it stopped renewing them", count, owner, lapsed,
                            self.engine.settings["lease_seconds"])
            return self.settle_interrupted(s, expired.ids)

    def _announce(self, views: list[MessageView]) -> int:
        for v in views:
            self.engine.events.publish(MessageChanged(v))
        return len(views)

    def settle_interrupted(self, s, ids: list[int]) -> list[MessageView]:
        """Apply the interrupted-send rule (setting ``interrupted_rule``) and commit; returns the changes.

        ``resend`` queues them again and flags them ``possible_duplicate`` (the
        device may have sent them before the stop); ``fail`` marks them failed,
        also flagged, so the operator decides.
        """
        rule = self.engine.settings["interrupted_rule"]
        now = self.engine.clock.now()
        conn = s.connection()
        if rule == "resend":
            done = lifecycle.apply_all(conn, lifecycle.INTERRUPTED_RESEND, ids, reason=INTERRUPTED_REASON,
                                       updated_at=now)
        else:
            done = lifecycle.apply_all(conn, lifecycle.INTERRUPTED_FAIL, ids, reason=INTERRUPTED_FAIL_REASON,
                                       finished_at=now, updated_at=now)
        views = views_of(conn, done)
        s.commit()
        if done:
            log.warning("%d message(s) were interrupted while sending; rule %r applied", len(done), rule)
        return views
