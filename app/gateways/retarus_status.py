"""Status tracking of the jobs a Retarus gateway created: polls
``GET /sms?jobId=`` and turns recipient reports into delivery reports.

=============================================  ===========================
Retarus status                                 console state
=============================================  ===========================
``SUC_ACC``                                    sent (as recorded when the
                                               job was accepted)
``SUC_FIN``                                    delivered
``FAILED_FIN``, ``TIMEOUT``                    undelivered
``INVALID_DST``, ``BLOCKED``, ``NOT_ACC_FIN``,  failed
``SEND_ERR``, ``CON_ERR``, ``STATUS_ERR``,
processStatus ``CANCELED``
=============================================  ===========================

The reason text of the report is kept. A job is polled every
``poll_interval`` seconds while its recipients change, twice as long after
each poll that shows no change (up to ``poll_max_interval``), and no more
once every recipient is final (processStatus ``DONE`` or ``CANCELED``) or
once it is older than ``max_age`` seconds. A poll that fails is tried again
later at the next base URL (the other data centre), if there is one.

Nothing is kept here that the store does not hold: each message sent through
the provider is recorded with the reference ``<jobId>/<customerRef>``, so a
gateway started again (after a stop or a restart of the console) resumes
tracking with :meth:`StatusTracker.resume` from the messages still ``sent``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from .base import DeliveryReport

log = logging.getLogger(__name__)

DELIVERED = ("SUC_FIN",)
UNDELIVERED = ("FAILED_FIN", "TIMEOUT")
FINAL_PROCESS = ("DONE", "CANCELED")


def outcome(report: dict[str, Any]) -> str | None:
    """"delivered", "undelivered", "failed", or None while the recipient is not settled."""
    status = report.get("status") or ""
    process = report.get("processStatus") or ""
    if status in DELIVERED:
        return "delivered"
    if process == "CANCELED":
        return "failed"
    if process != "DONE" or status == "SUC_ACC":
        return None
    return "undelivered" if status in UNDELIVERED else "failed"


def _time(value: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


@dataclass
class TrackedJob:
    job_id: str
    base: str
    #: recipient customerRef -> the reference the message was recorded with
    refs: dict[str, str]
    interval: float
    due: float
    #: When its first message was sent (seconds since the epoch).
    sent: float = 0.0
    seen: dict[str, tuple] = field(default_factory=dict)


def reference(job_id: str, customer_ref: str) -> str:
    """The reference of the recipient ``customer_ref`` of job ``job_id``: ``<jobId>/<customerRef>``."""
    return f"{job_id}/{customer_ref}"


def job_of(ref: str) -> str | None:
    """The job id in a reference made by :func:`reference` (None for any other)."""
    job_id, sep, customer_ref = ref.partition("/")
    return job_id if sep and job_id and customer_ref else None


class StatusTracker:
    """Polls the tracked jobs on one task; ``report(DeliveryReport)`` is called for each settled recipient."""

    def __init__(self, fetch, report: Callable[[DeliveryReport], None], *, interval: float, max_interval: float,
                 bases: Iterable[str] = (), max_age: float | None = None):
        self.fetch = fetch
        self.report = report
        self.interval = interval
        self.max_interval = max_interval
        #: The base URLs a job may be asked for at, in turn after a failed poll.
        self.bases = [b for b in bases if b]
        self.max_age = max_age
        self.jobs: dict[str, TrackedJob] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="retarus-status")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None

    def track(self, job_id: str, base: str, refs: dict[str, str], *, sent: float | None = None,
              due: float | None = None) -> None:
        """Poll ``job_id`` at ``base`` for the recipients ``refs`` (customerRef -> recorded reference)."""
        job = self.jobs.get(job_id)
        if job is not None:
            job.refs.update(refs)
        else:
            self.jobs[job_id] = TrackedJob(job_id, base, dict(refs), self.interval,
                                           time.monotonic() + (self.interval if due is None else due),
                                           sent=time.time() if sent is None else sent)
        self._wake.set()

    def resume(self, base: str, messages: Iterable[tuple[str, str, datetime | None]]) -> int:
        """Track again the messages (uid, reference, sent_at) still waiting for an outcome; their jobs are
        polled at once. Returns how many jobs that is."""
        jobs: dict[str, tuple[dict[str, str], float]] = {}
        for uid, ref, sent_at in messages:
            job_id = job_of(ref or "")
            if job_id is None:
                continue
            at = sent_at.replace(tzinfo=sent_at.tzinfo or timezone.utc).timestamp() if sent_at else time.time()
            refs, first = jobs.get(job_id, ({}, at))
            refs[uid] = ref
            jobs[job_id] = (refs, min(first, at))
        for job_id, (refs, first) in jobs.items():
            self.track(job_id, base, refs, sent=first, due=0.0)
        return len(jobs)

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            now = time.monotonic()
            if self.max_age is not None:
                self._expire(time.time() - self.max_age)
            due = [j for j in self.jobs.values() if j.due <= now]
            for job in due:
                await self.poll(job)
            nxt = min((j.due for j in self.jobs.values()), default=None)
            wait = self.max_interval if nxt is None else max(0.0, nxt - time.monotonic())
            try:
                async with asyncio.timeout(wait):
                    await self._wake.wait()
            except TimeoutError:
                pass

    def _expire(self, horizon: float) -> None:
        for job in [j for j in self.jobs.values() if j.sent < horizon]:
            log.info("Retarus: job %s is older than %.0f h: its %d open statuses are no longer asked for",
                     job.job_id, (self.max_age or 0) / 3600, len(job.refs))
            del self.jobs[job.job_id]

    async def poll(self, job: TrackedJob) -> None:
        try:
            reports = await self.fetch(job.base, job.job_id)
        except Exception as exc:  # the provider is unreachable: try later, at the other data centre if any
            log.warning("Retarus: status of job %s unavailable at %s: %s", job.job_id, job.base, exc)
            if len(self.bases) > 1:
                i = self.bases.index(job.base) if job.base in self.bases else -1
                job.base = self.bases[(i + 1) % len(self.bases)]
            self._later(job, changed=False)
            return
        changed = False
        for rcp in reports:
            ref = rcp.get("customerRef")
            if ref not in job.refs:
                continue
            state = (rcp.get("processStatus"), rcp.get("status"))
            if job.seen.get(ref) != state:
                job.seen[ref] = state
                changed = True
            result = outcome(rcp)
            if result is None and rcp.get("processStatus") in FINAL_PROCESS:
                job.refs.pop(ref)  # accepted, no report asked: stays sent
                continue
            if result is not None:
                reference = job.refs.pop(ref)
                self.report(DeliveryReport(
                    reference=reference, outcome=result,
                    reason=rcp.get("reason") or rcp.get("status") or rcp.get("processStatus") or "",
                    at=_time(rcp.get("finishedTs")), recipient=rcp.get("dst", "")))
        if not job.refs:
            del self.jobs[job.job_id]
        else:
            self._later(job, changed)

    def _later(self, job: TrackedJob, changed: bool) -> None:
        job.interval = self.interval if changed else min(self.max_interval, job.interval * 2)
        job.due = time.monotonic() + job.interval
