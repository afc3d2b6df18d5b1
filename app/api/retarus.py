"""The Retarus SMS REST v1 jobs API served by the console under ``/rest/v1/``.

``POST /jobs`` creates a job (201 ``{"jobId": ...}``), ``GET /jobs`` lists
the user's jobs, ``GET /jobs/{jobId}`` reports one job, ``GET /sms?jobId=``
reports its recipients, ``GET /version`` names the interface. HTTP Basic
authentication against the console's users; each user may make ``[api]
rate_limit`` requests in any 10 seconds (429 with ``Retry-After`` beyond).
Errors answer ``{"code": <HTTP status>, "message": "<what to change>"}``.
Jobs are ordinary console messages: they show in the Outbox by job, obey
routing, and their states feed the reports (see :mod:`.retarus_reports`).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from datetime import timedelta

from aiohttp import web
from app.engine import job_queries
from app.engine.requests import EngineError
from app.store.models import Job

from .auth import AuthError, UserInfo
from .retarus_jobs import RetarusError, bad, parse_bool, parse_job, parse_time, unprocessable
from .retarus_reports import COLUMNS, job_report, recipient_report

log = logging.getLogger(__name__)

PREFIX = "/rest/v1"
PROTOCOL = "retarus"
VERSION = {"buildNumber": 1, "buildTimestamp": "2025-01-01 00:00:00 +0000", "majorVersion": 2015,
           "minorVersion": 10, "versionInfo": "REST Interface", "message": "SMS Console"}
MAX_SPAN = timedelta(days=30)
_CTX = web.AppKey("retarus_ctx", object)


def setup(app: web.Application, ctx) -> None:
    """Serve the ``/rest/v1/`` API as a sub-application of the server's, with its own middleware."""
    sub = web.Application(middlewares=[connector_gate])
    sub[_CTX] = ctx
    sub.router.add_post("/jobs", post_job)
    sub.router.add_get("/jobs", list_jobs)
    sub.router.add_get("/jobs/{job_id}", get_job)
    sub.router.add_get("/sms", list_sms)
    sub.router.add_get("/version", version)
    app.add_subapp(PREFIX, sub)


@web.middleware
async def connector_gate(request: web.Request, handler):
    """The clients of a stopped Retarus connector get 503 in the API's JSON error shape."""
    if not request.app[_CTX].engine.connectors.running(PROTOCOL):
        return web.json_response({"code": 503, "message": f"the {PROTOCOL} connector is stopped"}, status=503)
    return await handler(request)


def _error(exc: RetarusError) -> web.Response:
    headers = dict(exc.headers)
    if exc.status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="SMS Console"'
    return web.json_response({"code": exc.status, "message": exc.message}, status=exc.status, headers=headers)


def _handler(fn):
    """Authenticate, count against the rate limit, answer RetarusError as its JSON body."""
    async def wrapped(request: web.Request) -> web.StreamResponse:
        ctx = request.app[_CTX]
        try:
            user = await _authorize(ctx, request)
            return await fn(ctx, user, request)
        except RetarusError as exc:
            return _error(exc)
        except EngineError as exc:
            return _error(unprocessable(str(exc)))
    wrapped.__name__ = fn.__name__
    wrapped.__doc__ = fn.__doc__
    return wrapped


async def _authorize(ctx, request: web.Request) -> UserInfo:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic" or not token:
        raise RetarusError(401, "authentication required: HTTP Basic with a console user")
    try:
        name, sep, password = base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise RetarusError(401, "the Authorization header is not valid HTTP Basic") from None
    if not sep:
        raise RetarusError(401, "the Authorization header is not valid HTTP Basic")
    connectors = ctx.engine.connectors
    if not connectors.running(PROTOCOL):
        raise RetarusError(503, "the Retarus connector is stopped in the console")
    try:
        user = await ctx.auth.check(name, password, request.remote or "")
    except AuthError as exc:
        if exc.throttled:
            raise RetarusError(429, exc.reason, {"Retry-After": ctx.limiter.retry_after(exc.retry_after)}) from None
        raise RetarusError(401, exc.reason) from None
    wait = ctx.limiter.hit(user.name)
    if wait:
        raise RetarusError(429, "too many requests in the last 10 seconds: retry later",
                           {"Retry-After": ctx.limiter.retry_after(wait)})
    ctx.auth.session(user, request, PROTOCOL, "v1")
    return user


@_handler
async def post_job(ctx, user: UserInfo, request: web.Request) -> web.Response:
    """Create a job; 201 with its id."""
    # JSON is UTF-8 (RFC 8259; json.loads also recognises UTF-16/32): a charset parameter is not needed
    try:
        body = json.loads(await request.read())
    except (ValueError, RecursionError):
        raise bad("the body is not valid JSON (UTF-8)") from None
    engine = ctx.engine
    parsed = parse_job(body, country=engine.settings.get("default_country") or None, now=engine.clock.now())
    gateways = engine.connectors.send_gateways(PROTOCOL, [])
    if gateways == []:
        raise unprocessable("no gateway may carry messages of the Retarus connector (routing)")
    for req in parsed.requests:
        req.gateways = gateways or []
    result = await engine.queue_messages_async(parsed.requests, user=user.name, source=PROTOCOL,
                                               job_options=json.dumps(parsed.options), atomic=True)
    refused = result.refused
    if refused:
        first = next((r for r in refused if r.code == "duplicate"), refused[0])
        raise RetarusError(409 if first.code == "duplicate" else 422, first.error)
    return web.json_response({"jobId": result.job_id}, status=201)


def _owner(user: UserInfo) -> str | None:
    """Whose jobs the user sees: their own, or everyone's for an administrator."""
    return None if user.admin else user.name


async def _job(ctx, user: UserInfo, job_id: str) -> Job:
    job = await ctx.engine.in_lane(job_queries.find_job, ctx.engine, job_id, _owner(user))
    if job is None:
        raise RetarusError(404, f"there is no job {job_id!r} for this user")
    return job


async def _rows(ctx, job_ids: list[str]) -> dict[str, list]:
    return await ctx.engine.in_lane(job_queries.job_messages, ctx.engine, job_ids, COLUMNS)


@_handler
async def get_job(ctx, user: UserInfo, request: web.Request) -> web.Response:
    """The job report: options, receiptTs, finishedTs once every recipient is final, recipientIds."""
    job_id = request.match_info["job_id"].strip()
    if not job_id:
        raise bad("no job id given")
    job = await _job(ctx, user, job_id)
    rows = await _rows(ctx, [job.id])
    return web.json_response(job_report(job, rows[job.id]))


@_handler
async def list_sms(ctx, user: UserInfo, request: web.Request) -> web.Response:
    """Recipient reports of one job, in the order they were submitted."""
    job_id = request.query.get("jobId", "").strip()
    if not job_id:
        raise bad("no jobId given")
    job = await _job(ctx, user, job_id)
    rows = await _rows(ctx, [job.id])
    return web.json_response([recipient_report(r) for r in rows[job.id]])


def _query_int(request: web.Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad(f"{name} must be a whole number, not {raw!r}") from None
    if not lo <= value <= hi:
        raise bad(f"{name} must be between {lo} and {hi}, not {value}")
    return value


@_handler
async def list_jobs(ctx, user: UserInfo, request: web.Request) -> web.Response:
    """The user's jobs created between fromTs and toTs (at most 30 days apart), oldest first."""
    q = request.query
    if "jobIdsOnly" in q and not parse_bool(q["jobIdsOnly"], "jobIdsOnly"):
        raise bad("jobIdsOnly must be true (the only value supported)")
    now = ctx.engine.clock.now()
    to_ts = parse_time(q["toTs"], "toTs") if q.get("toTs") else now
    from_ts = parse_time(q["fromTs"], "fromTs") if q.get("fromTs") else to_ts - MAX_SPAN
    if to_ts <= from_ts:
        raise bad("toTs must be after fromTs")
    if to_ts - from_ts > MAX_SPAN:
        raise bad("fromTs may be at most 30 days before toTs")
    limit = _query_int(request, "limit", 100, 1, 1000)
    offset = _query_int(request, "offset", 0, 0, 2**31)
    unfinished = parse_bool(q["open"], "open") if q.get("open") else None
    jobs = await ctx.engine.in_lane(job_queries.jobs_between, ctx.engine, from_ts, to_ts, user=_owner(user),
                                    unfinished=unfinished, limit=limit, offset=offset)
    rows = await _rows(ctx, [j.id for j in jobs])
    return web.json_response([job_report(j, rows[j.id], with_ids=False) for j in jobs])


@_handler
async def version(ctx, user: UserInfo, request: web.Request) -> web.Response:
    """The interface's version information."""
    from app import __version__

    return web.json_response({**VERSION, "message": f"SMS Console {__version__}"})


__all__ = ["setup", "PREFIX"]
