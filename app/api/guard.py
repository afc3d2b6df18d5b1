"""The edges every front end shares: what a malformed request gets, and what the log keeps of it.

* A request line longer than :data:`MAX_LINE` (the URL with its query
  string) is answered ``414 URI Too Long`` by the HTTP parser; a query string
  over a front end's own limit gets 414 in that protocol's shape.
* A header line longer than :data:`MAX_FIELD` gets 431.
* Anything else the parser refuses (a broken request line or header) gets
  its 4xx and one log line naming the address and the kind of fault, never the
  request's bytes (they may hold ``password=``).
* :func:`guard_middleware` answers a request whose handler fails
  unexpectedly with a 500 in the protocol's own shape. The first failure at
  one place in the code is logged with its traceback (credentials hidden, see
  :mod:`app.logging_setup`); repeats of it are one line each, so cheap garbage
  cannot flush the rotating log.
"""

from __future__ import annotations

import logging
import traceback

from aiohttp import web, web_protocol, web_server
from aiohttp.http_exceptions import HttpProcessingError, LineTooLong

from app.logging_setup import guard_loggers, redact

log = logging.getLogger(__name__)
#: The logger the HTTP protocol writes to (parser refusals), with credentials hidden.
protocol_log = logging.getLogger("app.api.http")

#: Longest request line accepted by the parser: the Diafaan query string limit (256 KiB) and room for the rest.
MAX_LINE = 256 * 1024 + 8 * 1024
#: Longest header line.
MAX_FIELD = 16 * 1024
#: Places in the code whose failure was already logged with a traceback (bounded).
_SEEN_FAILURES: set[tuple[str, str, int]] = set()
_MAX_SEEN = 1000


class GuardedRequestHandler(web_protocol.RequestHandler):
    """aiohttp's request handler, answering an overlong request line with 414 and logging a refused
    request in one line without its bytes."""

    def handle_error(self, request, status: int = 500, exc: BaseException | None = None,
                     message: str | None = None) -> web.StreamResponse:
        if isinstance(exc, HttpProcessingError):
            if isinstance(exc, LineTooLong) and len(exc.args) > 1 and exc.args[1] == MAX_FIELD:
                status, message = 431, "431 Request Header Fields Too Large: a header is longer than the server accepts"
            elif isinstance(exc, LineTooLong):
                status, message = 414, "414 URI Too Long: the request line is longer than the server accepts"
            else:
                status = exc.code if 400 <= exc.code < 500 else 400
                message = f"{status} Bad Request: the request is not valid HTTP"
            protocol_log.info("refused a malformed HTTP request from %s: %s", request.remote,
                              type(exc).__name__)
            resp = web.Response(status=status, text=message + "\n")
            resp.force_close()
            return resp
        return super().handle_error(request, status, exc, message)


class _GuardedServer(web_server.Server):
    def __call__(self) -> web_protocol.RequestHandler:
        return GuardedRequestHandler(self, loop=self._loop, **self._kwargs)


class GuardedRunner(web.AppRunner):
    """An AppRunner whose connections use :class:`GuardedRequestHandler` and the limits above."""

    def __init__(self, app: web.Application, **kwargs):
        guard_loggers()
        kwargs.setdefault("max_line_size", MAX_LINE)
        kwargs.setdefault("max_field_size", MAX_FIELD)
        kwargs.setdefault("logger", protocol_log)
        super().__init__(app, **kwargs)

    async def _make_server(self) -> web_server.Server:
        server = await super()._make_server()
        server.__class__ = _GuardedServer
        return server


def error_response(path: str, status: int, message: str) -> web.Response:
    """An error answer in the shape of the protocol that serves ``path``."""
    if path.startswith("/http/"):
        from .diafaan_codes import UNKNOWN_COMMAND, UNKNOWN_ERROR, error_line

        code = UNKNOWN_ERROR if status >= 500 else UNKNOWN_COMMAND
        return web.Response(status=status, text=error_line(code, message) + "\r\n", content_type="text/plain")
    if path.startswith(("/bulk/", "/oauth2/")):
        code = {404: "SESSION_MANAGER_NOT_FOUND", 405: "SESSION_MANAGER_METHOD_NOT_ALLOWED",
                414: "SESSION_MANAGER_QUERY_TOO_LONG"}.get(status) or (
            "SESSION_MANAGER_INTERNAL_ERROR" if status >= 500 else "SESSION_MANAGER_BAD_REQUEST")
        return web.json_response({"code": code, "message": message, "Code": code, "Message": message},
                                 status=status)
    return web.json_response({"code": status, "message": message}, status=status)


def log_failure(what: str, exc: BaseException) -> None:
    """Log an unexpected failure: with its traceback the first time it happens at that place, else in one line."""
    frames = traceback.extract_tb(exc.__traceback__)
    place = (type(exc).__name__, frames[-1].filename if frames else "", frames[-1].lineno if frames else 0)
    detail = redact(str(exc))[:200]
    if place in _SEEN_FAILURES:
        log.error("%s failed again: %s: %s (at %s:%s)", what, place[0], detail, place[1], place[2])
        return
    if len(_SEEN_FAILURES) < _MAX_SEEN:
        _SEEN_FAILURES.add(place)
    log.error("%s failed: %s: %s", what, place[0], detail, exc_info=exc)


@web.middleware
async def guard_middleware(request: web.Request, handler):
    """Overlong query strings get 414, unknown paths and methods 404/405, unexpected failures 500, all in the
    protocol's own shape."""
    if len(request.query_string) > MAX_LINE - 8 * 1024:
        return error_response(request.path, 414, "the query string is too long")
    try:
        return await handler(request)
    except web.HTTPException as exc:
        # the router's own 404 and 405 (no such path or method), answered in the protocol's shape
        if exc.status in (404, 405) and request.path.startswith(("/rest/", "/http/", "/bulk/", "/oauth2/")):
            shaped = error_response(request.path, exc.status, f"{exc.reason}: {request.method} "
                                                               f"{request.path[:80]} is not part of this API")
            if "Allow" in exc.headers:
                shaped.headers["Allow"] = exc.headers["Allow"]
            return shaped
        raise
    except Exception as exc:
        log_failure(f"{request.method} {request.path[:80]}", exc)
        return error_response(request.path, 500, "the server could not complete the request")
