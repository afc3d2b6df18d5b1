"""Group commit of queueing: the jobs submitted while the store is busy
(concurrent API requests) are stored together, in one transaction.

Each call keeps its own job, its own atomicity and its own result, exactly
as :meth:`Outbox.queue` would give it; its caller resumes only after the
transaction holding its messages has committed. A call refused with an error
fails alone. Should the shared transaction fail, each call is stored again
on its own, so one bad call never costs its neighbours their jobs.

With a running engine the transaction runs in the engine's store lane (its
worker thread for the store), or, when the console has a queue writer
(``[store] queue_process``) and it is up, in that process of its own
(:mod:`.queue_writer`). Either way the loop goes on taking requests
meanwhile; the calls that arrive while one group is being stored form the
next group. The stored jobs are announced on the loop.

Each job is checked as :meth:`Outbox.store` checks it (``check_job``, the
same settings, the same ``atomic`` rule), then the jobs of the group are
written with one statement per table rather than one per job. A job whose
check looks at stored messages (duplicate detection, a given message id)
first has the jobs before it written, so it sees them as it would one by one.
What checking needs of the engine (the time, the settings) is taken on the
loop when the group is formed (:class:`Terms`), and every job has its id
from then on, so whoever stores the group needs nothing but the store.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from app.store.timeutil import time_converter

from .ids import new_job_id
from .queueing import Batch, blocked_list_empty, check_job
from .requests import EngineError, OutboundRequest, QueueResult, job_ref
from .views import views_of

if TYPE_CHECKING:
    from .outbox import Outbox

log = logging.getLogger(__name__)

#: Recipients stored at most in one transaction; more wait for the next one.
MAX_RECIPIENTS = 20000

#: Groups being stored at once. One: the calls that come while a group is stored form the next one, as big
#: as they come. (With two, each group was about half the size, and a commit costs about as much for a few
#: messages as for fifty (the pages of every index it touched are written): fewer requests a second in all.)
IN_FLIGHT = 1

_Call = tuple[list[OutboundRequest], dict[str, Any], asyncio.Future]


class QueueGroup:
    def __init__(self, outbox: "Outbox"):
        self.outbox = outbox
        self._pending: list[_Call] = []
        self._handle: asyncio.Handle | None = None
        #: The groups being stored, oldest first (at most IN_FLIGHT).
        self._storing: list[asyncio.Future] = []

    async def queue(self, requests: list[OutboundRequest], **kwargs) -> QueueResult:
        """Store one job with the others waiting; returns once it is committed."""
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        self._pending.append((requests, kwargs, fut))
        if self._handle is None and len(self._storing) < IN_FLIGHT:
            self._handle = loop.call_soon(self._flush)
        return await fut

    async def drain(self) -> None:
        """Wait until every call queued so far is stored and answered."""
        while self._storing or self._pending:
            if not self._storing:
                self._flush()
                if not self._storing:
                    break
            await asyncio.wait(list(self._storing))
            await asyncio.sleep(0)  # its done-callback runs

    def _take(self) -> list[_Call]:
        take, count = 0, 0
        for requests, _, _ in self._pending:
            count += sum(len(r.recipients) for r in requests)
            take += 1
            if count >= MAX_RECIPIENTS:
                break
        group, self._pending = self._pending[:take], self._pending[take:]
        return [g for g in group if not g[2].done()]  # a caller that gave up before its turn is not stored

    def _flush(self) -> None:
        self._handle = None
        if len(self._storing) >= IN_FLIGHT:
            return
        group = self._take()
        if not group:
            return
        loop = asyncio.get_running_loop()
        engine = self.outbox.engine
        # the group is one transaction: its jobs are queued at one time
        terms = Terms(engine.clock.now(), **self.outbox.check_terms())
        calls = [(requests, kwargs if kwargs.get("job_id") else dict(kwargs, job_id=new_job_id(terms.now)))
                 for requests, kwargs, _ in group]
        writer = engine.queue_writer
        if writer is not None and writer.ready:
            storing = asyncio.wrap_future(writer.submit(calls, terms), loop=loop)
        else:
            storing = loop.run_in_executor(engine.store_lane, store_group, self.outbox.db, calls, terms)
            if writer is not None:
                writer.start_soon()
        self._storing.append(storing)
        storing.add_done_callback(functools.partial(self._stored, [fut for _, _, fut in group]))

    def _stored(self, futures: list[asyncio.Future], work: asyncio.Future) -> None:
        """On the loop: announce what was stored, answer the callers, start the next group."""
        self._storing.remove(work)
        if work.cancelled() or work.exception() is not None:
            exc = work.exception() if not work.cancelled() else asyncio.CancelledError()
            outcomes: list[Any] = [exc] * len(futures)
        else:
            outcomes = work.result()
        stored: list = []
        for fut, outcome in zip(futures, outcomes):
            if isinstance(outcome, BaseException):
                if not fut.done():
                    fut.set_exception(outcome)
                continue
            result = self.outbox.publish(*outcome, stored)  # announced even if its caller is gone: it is stored
            if not fut.done():
                fut.set_result(result)
        self.outbox.engine.messages_stored(stored)  # the group's messages, in order, once
        if self._pending and self._handle is None and len(self._storing) < IN_FLIGHT:
            self._handle = asyncio.get_running_loop().call_soon(self._flush)


@dataclass(frozen=True)
class Terms:
    """What checking a group's jobs needs of the engine, taken on the loop when the group is formed."""

    #: The time the group's jobs are queued at.
    now: datetime
    #: ``default_country``: national numbers are read in it (None: they are refused).
    country: str | None
    #: ``duplicate_window_seconds``.
    duplicate_window: int


def store_group(db, calls: list[tuple[list[OutboundRequest], dict[str, Any]]], terms: Terms) -> list[Any]:
    """Store the calls in one transaction (the store lane, or the queue writer's process); per call its
    ``(job_id, batch)`` or its error. Should the shared transaction fail, each call is stored on its own."""
    outcomes: list[Any] = []
    try:
        with db.session() as s:
            writer = _JobWriter(s)
            # in the group's transaction: a number blocked meanwhile is one of a later group
            blocked_list = not blocked_list_empty(s.connection())
            for requests, kwargs in calls:
                try:
                    outcomes.append(_check(s, writer, requests, terms, blocked_list=blocked_list, **kwargs))
                except EngineError as exc:  # refused before anything of it was inserted
                    outcomes.append(exc)
            writer.write()
            s.commit()
        return outcomes
    except Exception:
        log.exception("storing %d jobs together failed; storing each on its own", len(calls))
    outcomes = []
    for requests, kwargs in calls:
        try:
            with db.session() as s:
                writer = _JobWriter(s)
                outcome = _check(s, writer, requests, terms, **kwargs)
                writer.write()
                s.commit()
        except Exception as exc:
            outcome = exc
        outcomes.append(outcome)
    return outcomes


def _check(s, writer: "_JobWriter", requests: list[OutboundRequest], terms: Terms, *, user: str = "",
           source: str = "gui", job_id: str | None = None, job_options: str = "{}", atomic: bool = False,
           blocked_list: bool = True) -> tuple[str, Batch]:
    """One job checked as :meth:`Outbox.store` checks it, handed to ``writer``."""
    if any(r.duplicate_detection or r.uid for r in requests):
        writer.write()  # its check looks for stored messages: the earlier jobs of the group count
    job_id, batch = check_job(s, requests, now=terms.now, country=terms.country,
                              duplicate_window=terms.duplicate_window, user=user, job_id=job_id,
                              atomic=atomic, blocked_list=blocked_list)
    if batch.rows:
        writer.add(job_id, user, source, job_options, terms.now, batch, job_ref(requests))
    return job_id, batch


def stored_jobs(db, calls: list[tuple[list[OutboundRequest], dict[str, Any]]], terms: Terms) -> list[Any]:
    """Store the calls that are not in the store yet, after a writer that was storing them stopped before
    answering (its transaction may have committed or not): a call whose job is stored is answered with
    its stored messages, the others are stored now. Every call has its job id."""
    wanted = [kwargs["job_id"] for _, kwargs in calls]
    with db.session() as s:
        conn = s.connection()
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        found: dict[str, list[int]] = {}
        for i in range(0, len(wanted), _ID_CHUNK):
            chunk = tuple(wanted[i:i + _ID_CHUNK])
            for job_id, message_id in conn.exec_driver_sql(
                    f"SELECT job_id, id FROM message WHERE job_id IN ({', '.join([mark] * len(chunk))}) "
                    f"ORDER BY id", chunk):
                found.setdefault(job_id, []).append(message_id)
        views = {v.id: v for v in views_of(conn, [i for ids in found.values() for i in ids])}
    rest = [call for call in calls if call[1]["job_id"] not in found]
    stored = iter(store_group(db, rest, terms) if rest else [])
    outcomes: list[Any] = []
    for _, kwargs in calls:
        ids = found.get(kwargs["job_id"])
        if ids is None:
            outcomes.append(next(stored))
        else:  # its refusals, if it had any, were in the answer that never came: its messages are what counts
            rows = [dict(views[i].__dict__) for i in ids]
            outcomes.append((kwargs["job_id"], Batch(rows=rows, items=list(range(len(rows))))))
    return outcomes


class _JobWriter:
    """Jobs checked and not yet written: the job rows with one statement, their messages with another,
    the new message ids with one query (the statements of :meth:`Outbox.store`, once for many jobs)."""

    def __init__(self, s):
        self.s = s
        self._jobs: list[tuple[str, str, str, str, Any, Batch, str]] = []

    def add(self, job_id: str, user: str, source: str, job_options: str, now, batch: Batch, ref: str = "") -> None:
        self._jobs.append((job_id, user, source, job_options, now, batch, ref))

    def write(self) -> None:
        if not self._jobs:
            return
        from .outbox import _insert_rows  # the outbox module imports this one

        jobs, self._jobs = self._jobs, []
        conn = self.s.connection()
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        stored_time = time_converter(conn)
        stamps: dict[int, Any] = {}  # the jobs of a group share their time: converted once

        def stamp(now) -> Any:
            if id(now) not in stamps:
                stamps[id(now)] = stored_time(now)
            return stamps[id(now)]
        conn.exec_driver_sql(f'INSERT INTO job (id, "user", source, customer_ref, options, created_at) '
                             f'VALUES ({mark}, {mark}, {mark}, {mark}, {mark}, {mark})',
                             [(job_id, user, source, ref, options, stamp(now))
                              for job_id, user, source, options, now, _, ref in jobs])
        rows = [row for *_, batch, _ref in jobs for row in batch.rows]
        _insert_rows(conn, rows)
        ids: dict[str, int] = {}
        for i in range(0, len(jobs), _ID_CHUNK):
            chunk = tuple(job[0] for job in jobs[i:i + _ID_CHUNK])
            ids.update(conn.exec_driver_sql(
                f"SELECT uid, id FROM message WHERE job_id IN ({', '.join([mark] * len(chunk))})", chunk).all())
        for row in rows:
            row["id"] = ids[row["uid"]]


#: Job ids looked up at most in one query.
_ID_CHUNK = 500
