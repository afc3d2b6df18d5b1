"""``kind = "retarus"``: sends through a Retarus-compatible SMS REST v1
endpoint (Retarus itself, or another SMS Console's served API).

Messages the engine hands over are batched (a message waits up to
``batch_wait`` seconds for others to join it): those with the same text, sender
and options (encoding, flash, status report, validity, class of service —
``qos`` ``EXPRESS`` for a priority above 0 — and billcode) become one job of
up to ``batch_size`` recipients, and up to ``concurrency`` jobs are posted at
once, so a bulk send takes a handful of requests. Each recipient carries its message's public id as ``customerRef``,
which maps the provider's recipient reports back to the messages. A message
counts as sent once the provider has accepted its job; it is recorded with
the reference ``<jobId>/<message id>`` (the job and the recipient's
customerRef in it: one request per job, no second one to learn the SMS ids)
and :mod:`.retarus_status` tracks it from there, also after a restart. How a job is
posted without ever being created twice is in :mod:`.retarus_client`.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
from app.settings import Setting
from app.sms.counter import count

from .base import DeliveryReport, Gateway, GatewayState, OutboundSms, SendResult
from .credentials import PASSWORD_SETTINGS, CredentialError, resolve_password
from .retarus_client import PostOutcome, RetarusClient
from .retarus_status import StatusTracker, reference

log = logging.getLogger(__name__)

MAX_BATCH = 3000
AUTH_REASON = ("the provider refused the user name or password (HTTP 401): correct the credentials, "
               "then start the gateway again; messages stay queued")


def qos(sms: OutboundSms) -> str:
    """The Retarus class of service of a message: ``EXPRESS`` for a raised priority, else ``NORMAL``."""
    return "EXPRESS" if sms.priority > 0 else "NORMAL"


class RetarusGateway(Gateway):
    kind = "retarus"
    SETTINGS = (
        Setting("url", str, "", "Base URL of the REST v1 API, e.g. https://sms4a.de2.retarus.com/rest/v1.",
                required=True),
        Setting("secondary_url", str, "", "Second data centre, used when the first does not answer (optional)."),
        Setting("username", str, "", "Account user name.", required=True),
        *PASSWORD_SETTINGS,
        Setting("timeout", float, 30.0, "Seconds to wait for an answer.", minimum=0.01, maximum=600.0),
        Setting("verify_tls", bool, True, "Check the server's TLS certificate."),
        Setting("batch_size", int, MAX_BATCH, "Most recipients in one job.", minimum=1, maximum=MAX_BATCH),
        Setting("concurrency", int, 2, "Jobs posted at the same time.", minimum=1, maximum=16),
        Setting("batch_wait", float, 0.05, "Seconds a message waits for others with the same text to join its "
                "job (0: post what is there at once).", minimum=0.0, maximum=5.0),
        Setting("retries", int, 5, "Posts of one job after connection errors or 5xx before it goes back to the "
                "queue (the engine then retries it with its own backoff).", minimum=0, maximum=100),
        Setting("backoff", float, 0.5, "First wait after a failed post; doubles on each further failure.",
                minimum=0.001, maximum=600.0),
        Setting("backoff_max", float, 30.0, "Longest wait between two posts.", minimum=0.001, maximum=3600.0),
        Setting("poll_interval", float, 5.0, "Seconds between status polls of a job whose recipients change.",
                minimum=0.01, maximum=3600.0),
        Setting("poll_max_interval", float, 300.0, "Longest wait between status polls of a job that does not "
                "change.", minimum=0.01, maximum=86400.0),
        Setting("status_max_age", float, 72.0, "Hours after sending during which delivery statuses are asked "
                "for, also after a restart.", minimum=0.01, maximum=2160.0),
        Setting("duplicate_detection", bool, False, "Ask the provider to refuse a text already sent to the same "
                "recipient (409: the message fails as a duplicate)."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.batch_size: int = self.settings["batch_size"]
        # one batch being gathered per job posted at once
        self.window = self.batch_size * self.settings["concurrency"]
        self.client: RetarusClient | None = None
        self.tracker: StatusTracker | None = None
        self._closing = asyncio.Event()
        self._slots = asyncio.Semaphore(self.settings["concurrency"])
        self._batches: set[asyncio.Task] = set()
        self._posting = 0
        self.jobs_posted = 0

    # --- life -------------------------------------------------------------------------

    async def open(self) -> None:
        try:
            password = resolve_password(self.name, self.settings)
        except CredentialError as exc:
            raise RuntimeError(str(exc)) from None
        s = self.settings
        self._closing = asyncio.Event()
        self.client = RetarusClient([s["url"], s["secondary_url"]], s["username"], password, timeout=s["timeout"],
                                    verify=s["verify_tls"], retries=s["retries"], backoff=s["backoff"],
                                    backoff_max=s["backoff_max"], closing=self._closing,
                                    on_traffic=self.log_traffic)
        max_age = s["status_max_age"] * 3600
        self.tracker = StatusTracker(self.client.recipients, self._report, interval=s["poll_interval"],
                                     max_interval=s["poll_max_interval"], bases=self.client.urls, max_age=max_age)
        since = datetime.now(timezone.utc) - timedelta(seconds=max_age)
        try:
            waiting = await asyncio.to_thread(self.services.awaiting_reports, since)
        except Exception:  # the gateway sends all the same; earlier messages keep their last status
            log.exception("gateway %s: messages waiting for a status could not be read", self.name)
            waiting = []
        jobs = self.tracker.resume(self.client.url, waiting)
        if jobs:
            log.info("gateway %s: asking again for the statuses of %d message(s) in %d job(s)", self.name,
                     len(waiting), jobs)
        self.tracker.start()

    async def start(self) -> None:
        if self.state == GatewayState.AUTH_FAILED:  # the operator corrected the credentials
            await self.stop()
        await super().start()

    async def stop(self, timeout: float = 10.0) -> None:
        self._closing.set()  # batches waiting to post again give their messages back
        await super().stop(timeout)

    async def close(self) -> None:
        if self._batches:
            _, late = await asyncio.wait(set(self._batches), timeout=10.0)
            for task in late:
                task.cancel()
        if self.tracker is not None:
            await self.tracker.stop()
        if self.client is not None:
            await self.client.close()

    @property
    def busy(self) -> int:
        return self._queue.qsize() + self._posting

    # --- batching -------------------------------------------------------------------------

    @staticmethod
    def _key(sms: OutboundSms) -> tuple:
        minutes = math.ceil(sms.validity_seconds / 60) if sms.validity_seconds else 0
        return (sms.text, sms.sender, sms.encoding, sms.flash, sms.status_report, minutes, qos(sms), sms.billcode)

    def _groups(self, items: list[OutboundSms]) -> list[list[OutboundSms]]:
        groups: dict[tuple, list[OutboundSms]] = {}
        out = []
        for sms in items:
            group = groups.setdefault(self._key(sms), [])
            group.append(sms)
            if len(group) == self.batch_size:
                out.append(groups.pop(self._key(sms)))
        return out + list(groups.values())

    async def _gather(self, items: list[OutboundSms]) -> None:
        """Add to ``items`` what the queue holds and what comes within ``batch_wait`` of the first message,
        up to the window: messages handed over one at a time still share a job."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings["batch_wait"]
        while len(items) < self.window:
            if self._queue.empty():
                remaining = deadline - loop.time()
                if remaining <= 0:
                    return
                try:
                    item = await asyncio.wait_for(self._queue.get(), remaining)
                except TimeoutError:
                    return
            else:
                item = self._queue.get_nowait()
            items.append(item)
            self._posting += 1

    async def _work(self) -> None:
        groups: list[list[OutboundSms]] = []
        items: list[OutboundSms] = []
        try:
            while True:
                items = [await self._queue.get()]
                self._posting += 1
                await self._gather(items)
                groups, items = self._groups(items), []
                while groups:
                    await self._slots.acquire()
                    group = groups.pop(0)
                    if self.state not in (GatewayState.RUNNING, GatewayState.PAUSED):
                        self._slots.release()
                        self._posting -= len(group)
                        self.services.returned(group)
                        continue
                    self._post(group)
        except asyncio.CancelledError:
            waiting = items + [sms for group in groups for sms in group]
            if waiting:  # gathered but not posted: back to the queue
                self._posting -= len(waiting)
                self.services.returned(waiting)
            raise

    def _post(self, group: list[OutboundSms]) -> None:
        task = asyncio.create_task(self._send_batch(group), name=f"gateway:{self.name}:job")
        self._batches.add(task)
        task.add_done_callback(lambda t, n=len(group): self._batch_done(t, n))

    def _batch_done(self, task: asyncio.Task, n: int) -> None:
        self._batches.discard(task)
        self._posting -= n
        self._slots.release()
        self.last_activity = time.time()

    def _payload(self, group: list[OutboundSms], token: str) -> dict[str, Any]:
        first = group[0]
        options: dict[str, Any] = {
            "customerRef": token, "encoding": "UTF-16" if first.encoding == "ucs2" else "STANDARD",
            "statusRequested": first.status_report, "flash": first.flash,
            "maxParts": max(1, min(20, count(first.text, encoding=first.encoding).parts)), "qos": qos(first),
        }
        if first.billcode:
            options["billcode"] = first.billcode
        if first.sender:
            options["src"] = first.sender
        if first.validity_seconds:
            options["validityMin"] = max(5, min(2880, math.ceil(first.validity_seconds / 60)))
        if self.settings["duplicate_detection"]:
            options["duplicateDetection"] = True
        return {"options": options, "messages": [
            {"text": first.text, "recipients": [{"dst": s.recipient, "customerRef": s.uid} for s in group]}]}

    # --- one job -----------------------------------------------------------------------------

    async def _send_batch(self, group: list[OutboundSms]) -> None:
        token = f"SMSC.{uuid.uuid4().hex}"
        assert self.client is not None
        try:
            outcome = await self.client.post_job(self._payload(group, token))
        except asyncio.CancelledError:
            self._finish(group, SendResult(ok=False, reason=f"stopped while posting job {token}: the outcome is "
                                           "unknown, check the provider before retrying"))
            raise
        except Exception as exc:
            log.exception("gateway %s: posting a job failed", self.name)
            self._finish(group, SendResult(ok=False, reason=f"{type(exc).__name__}: {exc}", retryable=True))
            return
        self.jobs_posted += outcome.kind == "accepted"
        if outcome.kind == "accepted":
            await self._accepted(group, outcome)
        elif outcome.kind == "auth":
            self.services.returned(group)
            if self.state != GatewayState.AUTH_FAILED:
                log.error("gateway %s: %s", self.name, AUTH_REASON)
                self.set_state(GatewayState.AUTH_FAILED, AUTH_REASON)
        elif outcome.kind == "stopped":
            self.services.returned(group)
        elif outcome.kind == "duplicate":
            self._finish(group, SendResult(ok=False, reason=f"refused by the provider as a duplicate ({outcome.reason})"))
        elif outcome.kind == "refused":
            self._finish(group, SendResult(ok=False, reason=f"refused by the provider: {outcome.reason}"))
        elif outcome.kind == "unavailable":
            self._finish(group, SendResult(ok=False, reason=f"provider unavailable: {outcome.reason}",
                                           retryable=True))
        else:  # unknown
            self._finish(group, SendResult(ok=False, reason=(
                f"the provider did not answer whether job {token} was created ({outcome.reason}): check the "
                "provider before retrying")))

    async def _accepted(self, group: list[OutboundSms], outcome: PostOutcome) -> None:
        """Record each message sent with its reference in the job, track the job."""
        assert self.tracker is not None
        refs = {s.uid: reference(outcome.job_id, s.uid) for s in group}
        parts = count(group[0].text, encoding=group[0].encoding).parts
        self._finish(group, None, refs=refs, parts=parts)
        self.tracker.track(outcome.job_id, outcome.url, refs)

    def _finish(self, group: list[OutboundSms], result: SendResult | None, *, refs: dict[str, str] | None = None,
                parts: int = 1) -> None:
        for sms in group:
            res = result or SendResult(ok=True, references=(refs[sms.uid],), parts=parts)  # type: ignore[index]
            if res.ok:
                self.counters.count_sent()
            else:
                self.counters.failed += 1
            self.services.sent(sms, res)

    def _report(self, report: DeliveryReport) -> None:
        if self.state != GatewayState.STOPPED:  # resumed statuses may come while the gateway starts
            self.services.report(report)

    # --- facts -------------------------------------------------------------------------------

    def info(self) -> dict[str, Any]:
        client = self.client
        return {"url": client.url if client else self.settings["url"], "jobs_posted": self.jobs_posted,
                "requests": client.requests if client else 0,
                "tracked_jobs": len(self.tracker.jobs) if self.tracker else 0}

    def connection(self) -> dict[str, Any]:
        url = httpx.URL(self.client.url if self.client else self.settings["url"])
        return {"device": "", "remote_host": url.host, "remote_port": url.port or (443 if url.scheme == "https"
                                                                                  else 80)}
