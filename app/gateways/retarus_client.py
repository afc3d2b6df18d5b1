"""HTTP side of the Retarus provider gateway: one httpx client (connection
reuse, timeouts) over a primary and an optional secondary base URL, and the
rule for posting a job so that no job is ever created twice.

The posting rule:

* every job carries a ``customerRef`` made for that batch, unique, kept for
  every attempt of the batch;
* 429: wait ``Retry-After`` (or back off) and post again — the job was not
  created; this never gives up while the gateway runs;
* connection refused, connect timeout, 5xx: the job was not created; back
  off and post again, to the other URL when a secondary is configured; after
  ``retries`` attempts the batch goes back to the engine as a retryable failure;
* a timeout or a dropped connection *after the request was sent*: the outcome
  is unknown, so the job is not posted again blindly. The gateway first asks
  the same URL for the jobs created since the attempt (``GET /jobs``) and looks
  for its ``customerRef``: found, the job is taken as accepted under that id;
  not found, the job is posted again. When the gateway stops before it could
  tell, the messages fail with a reason that says the outcome is unknown, so
  the operator decides;
* 401 stops the gateway (authentication failed), 400/422 fail the messages
  with the server's reason, 409 records them as refused duplicates.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Callable

import httpx

log = logging.getLogger(__name__)

#: Errors after which the request surely did not reach the server.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)
#: Errors after which the server may or may not have acted on it.
UNKNOWN = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
MAX_RETRY_AFTER = 600.0


@dataclass(frozen=True)
class PostOutcome:
    #: "accepted", "refused", "duplicate", "auth", "unavailable", "unknown", "stopped"
    kind: str
    job_id: str = ""
    reason: str = ""
    #: Base URL that holds the job (accepted).
    url: str = ""


def error_text(response: httpx.Response) -> str:
    """The server's reason: ``message`` of a ``{"code", "message"}`` body, else the status line."""
    try:
        body = response.json()
        if isinstance(body, dict) and body.get("message"):
            return f"{response.status_code}: {body['message']}"
    except ValueError:
        pass
    text = response.text.strip()[:200]
    return f"{response.status_code} {response.reason_phrase}" + (f": {text}" if text else "")


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return min(MAX_RETRY_AFTER, float(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return min(MAX_RETRY_AFTER, max(0.0, (when - datetime.now(timezone.utc)).total_seconds()))


#: Characters of an answer's body the traffic log keeps.
TRAFFIC_BODY = 160


class RetarusClient:
    def __init__(self, urls: list[str], username: str, password: str, *, timeout: float, verify: bool = True,
                 retries: int = 5, backoff: float = 0.5, backoff_max: float = 30.0,
                 closing: asyncio.Event | None = None, on_traffic: Callable[[str, str], None] | None = None):
        self.urls = [u.rstrip("/") for u in urls if u]
        #: Told ("out", each request) and ("in", its answer or why there was none), for a traffic log.
        self.on_traffic = on_traffic
        self.active = 0
        self.retries = retries
        self.backoff = backoff
        self.backoff_max = backoff_max
        self.closing = closing or asyncio.Event()
        self.requests = 0
        self.http = httpx.AsyncClient(auth=(username, password), timeout=timeout, verify=verify,
                                      limits=httpx.Limits(max_connections=16, max_keepalive_connections=16),
                                      headers={"Accept": "application/json"})

    @property
    def url(self) -> str:
        return self.urls[self.active]

    async def close(self) -> None:
        await self.http.aclose()

    async def request(self, method: str, path: str, *, base: str | None = None, **kwargs) -> httpx.Response:
        self.requests += 1
        url = (base or self.url) + path
        if self.on_traffic is None:
            return await self.http.request(method, url, **kwargs)
        payload = kwargs.get("json")
        recipients = sum(len(m.get("recipients", ())) for m in payload.get("messages", ())) \
            if isinstance(payload, dict) else 0
        shown = str(httpx.URL(url, params=kwargs["params"])) if kwargs.get("params") else url
        self.on_traffic("out", f"{method} {shown}"
                               + (f" ({recipients} recipient{'s' * (recipients != 1)})" if recipients else ""))
        try:
            response = await self.http.request(method, url, **kwargs)
        except httpx.HTTPError as exc:
            self.on_traffic("in", f"no answer to {method} {shown}: {_describe(exc)}")
            raise
        body = " ".join(response.text.split())
        self.on_traffic("in", f"{response.status_code} {response.reason_phrase}"
                              + (f": {body[:TRAFFIC_BODY]}{'…' if len(body) > TRAFFIC_BODY else ''}" if body else ""))
        return response

    def failover(self) -> None:
        if len(self.urls) > 1:
            self.active = (self.active + 1) % len(self.urls)
            log.warning("Retarus: switching to %s", self.url)

    async def pause(self, seconds: float) -> bool:
        """Wait, unless the gateway is closing; returns False when it is."""
        try:
            async with asyncio.timeout(seconds):
                await self.closing.wait()
            return False
        except TimeoutError:
            return True

    def delay(self, attempt: int) -> float:
        return min(self.backoff_max, self.backoff * 2 ** max(0, attempt - 1)) * random.uniform(0.8, 1.2)

    # --- posting a job -------------------------------------------------------------

    async def post_job(self, payload: dict[str, Any], on_unknown: Callable[[], None] | None = None) -> PostOutcome:
        """Create the job following the module's posting rule."""
        token = payload["options"]["customerRef"]
        attempt = 0
        unknown: tuple[str, datetime] | None = None
        last = ""
        while True:
            if self.closing.is_set():
                return PostOutcome("unknown" if unknown else "stopped", reason=last)
            if unknown is not None:
                try:
                    found = await self.find_job(token, *unknown)
                except (httpx.HTTPError, ValueError, ServerError) as exc:
                    attempt += 1
                    last = f"looking up job {token} after an unanswered post: {_describe(exc)}"
                    log.warning("Retarus: %s", last)
                    if not await self.pause(self.delay(attempt)):
                        return PostOutcome("unknown", reason=last)
                    continue
                if found:
                    log.info("Retarus: job %s was created by the unanswered post: %s", token, found)
                    return PostOutcome("accepted", job_id=found, url=unknown[0])
                unknown = None
            base = self.url
            sent_at = datetime.now(timezone.utc)
            try:
                r = await self.request("POST", "/jobs", base=base, json=payload)
            except NOT_SENT as exc:
                last = f"{base}: {_describe(exc)}"
                outcome = await self._again(attempt := attempt + 1, last)
                if outcome:
                    return outcome
                continue
            except UNKNOWN as exc:
                last = f"{base}: no answer to the post ({_describe(exc)})"
                log.warning("Retarus: %s; checking whether job %s was created", last, token)
                if on_unknown:
                    on_unknown()
                unknown = (base, sent_at)
                continue
            code = r.status_code
            if code in (200, 201):
                job_id = r.json().get("jobId") if r.content else None
                if not job_id:
                    return PostOutcome("refused", reason=f"{code} without a jobId")
                return PostOutcome("accepted", job_id=job_id, url=base)
            if code == 429:
                wait = retry_after(r)
                wait = self.delay(attempt + 1) if wait is None else wait
                log.info("Retarus: too many requests; posting again in %.1f s", wait)
                if not await self.pause(wait):
                    return PostOutcome("stopped", reason=error_text(r))
                continue
            if code == 401:
                return PostOutcome("auth", reason=error_text(r))
            if code == 409:
                return PostOutcome("duplicate", reason=error_text(r))
            if 400 <= code < 500:
                return PostOutcome("refused", reason=error_text(r))
            last = f"{base}: {error_text(r)}"
            outcome = await self._again(attempt := attempt + 1, last)
            if outcome:
                return outcome

    async def _again(self, attempt: int, reason: str) -> PostOutcome | None:
        """After a post that surely created nothing: fail over, back off; an outcome when giving up."""
        log.warning("Retarus: %s (attempt %d)", reason, attempt)
        if attempt > self.retries:
            self.failover()
            return PostOutcome("unavailable", reason=reason)
        self.failover()
        if not await self.pause(self.delay(attempt)):
            return PostOutcome("stopped", reason=reason)
        return None

    async def find_job(self, token: str, base: str, since: datetime) -> str | None:
        """The id of the job with customerRef ``token`` created at ``base`` around ``since``, or None."""
        params = {"jobIdsOnly": "true", "fromTs": (since - timedelta(minutes=10)).isoformat(),
                  "toTs": (datetime.now(timezone.utc) + timedelta(minutes=10)).isoformat(), "limit": 1000}
        offset = 0
        while True:
            r = await self.request("GET", "/jobs", base=base, params={**params, "offset": offset})
            if r.status_code != 200:
                raise ServerError(error_text(r))
            jobs = r.json()
            for job in jobs:
                ref = job.get("customerRef")
                if ref is None:
                    detail = await self.request("GET", f"/jobs/{job['jobId']}", base=base)
                    if detail.status_code != 200:
                        raise ServerError(error_text(detail))
                    ref = detail.json().get("customerRef")
                if ref == token:
                    return job["jobId"]
            if len(jobs) < 1000:
                return None
            offset += len(jobs)

    # --- reports -----------------------------------------------------------------------

    async def recipients(self, base: str, job_id: str) -> list[dict[str, Any]]:
        r = await self.request("GET", "/sms", base=base, params={"jobId": job_id})
        if r.status_code != 200:
            raise ServerError(error_text(r))
        return r.json()


class ServerError(Exception):
    """A report or lookup request was answered with an error status."""


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
