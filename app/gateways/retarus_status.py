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
once every recipient is final (processStatus ``DONE`` or ``CANCELED``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable

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
    seen: dict[str, tuple] = field(default_factory=dict)


class StatusTracker:
    """Polls the tracked jobs on one task; ``report(DeliveryReport)`` is called for each settled recipient."""

    def __init__(self, fetch, report: Callable[[DeliveryReport], None], *, interval: float, max_interval: float):
        self.fetch = fetch
        self.report = report
        self.interval = interval
        self.max_interval = max_interval
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

    def track(self, job_id: str, base: str, refs: dict[str, str]) -> None:
        self.jobs[job_id] = TrackedJob(job_id, base, dict(refs), self.interval, time.monotonic() + self.interval)
        self._wake.set()

    async def _run(self) -> None:
        while True:
            self._wake.clear()
            now = time.monotonic()
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

    async def poll(self, job: TrackedJob) -> None:
        try:
            reports = await self.fetch(job.base, job.job_id)
        except Exception as exc:  # the provider is unreachable: try later
            log.warning("Retarus: status of job %s unavailable: %s", job.job_id, exc)
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
