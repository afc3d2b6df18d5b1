"""Diafaan HTTP API vocabulary: error codes and message status codes.

Error codes (``ERROR:<code> <text>``) are the Diafaan SMS Server's:

=== ===================================================
300 Unknown error
301 No recipients found
302 Multiple to fields detected
303 Guest login not available
304 Authentication error
306 Unknown command or insufficient parameters
307 Operation not allowed
309 Message id not found
310 HTTP callback authentication not supported for this command
311 Message rejected
312 Web application user not found
=== ===================================================

Status codes (``STATUS:<code> <text>``) of ``request-status-update``: the
four that clients test for (200 sent, 201 delivered, 300 send error, 301
undelivered), the pending states as 1xx and the other final states as 3xx.
The text after the code never contains a message id or other digits a
client could mistake for a code.
"""

from __future__ import annotations

from aiohttp import web

from app.store import models as m

UNKNOWN_ERROR = 300
NO_RECIPIENTS = 301
MULTIPLE_TO = 302
GUEST_NOT_AVAILABLE = 303
AUTHENTICATION = 304
UNKNOWN_COMMAND = 306
NOT_ALLOWED = 307
MESSAGE_NOT_FOUND = 309
CALLBACK_AUTH_NOT_SUPPORTED = 310
MESSAGE_REJECTED = 311
USER_NOT_FOUND = 312

ERROR_TEXTS = {
    UNKNOWN_ERROR: "Unknown error",
    NO_RECIPIENTS: "No recipients found",
    MULTIPLE_TO: "Multiple to fields detected",
    GUEST_NOT_AVAILABLE: "Guest login not available",
    AUTHENTICATION: "Authentication error",
    UNKNOWN_COMMAND: "Unknown command or insufficient parameters",
    NOT_ALLOWED: "Operation not allowed",
    MESSAGE_NOT_FOUND: "Message id not found",
    CALLBACK_AUTH_NOT_SUPPORTED: "HTTP callback authentication not supported for this command",
    MESSAGE_REJECTED: "Message rejected",
    USER_NOT_FOUND: "Web application user not found",
}

#: Message status -> (code, text) of a STATUS line.
STATUS_CODES = {
    m.QUEUED: (100, "Message queued"),
    m.SCHEDULED: (101, "Message scheduled"),
    m.SENDING: (102, "Message being sent"),
    m.SENT: (200, "Message sent"),
    m.DELIVERED: (201, "Message delivered"),
    m.FAILED: (300, "Send error"),
    m.UNDELIVERED: (301, "Message not delivered"),
    m.EXPIRED: (302, "Validity period expired"),
    m.CANCELLED: (303, "Message cancelled"),
}


class DiafaanError(Exception):
    """A request refused with ``ERROR:<code> <text>``; ``detail`` says what to change."""

    def __init__(self, code: int, detail: str = "", http_status: int = 200):
        super().__init__(code, detail)
        self.code = code
        self.detail = detail
        self.http_status = http_status

    def line(self) -> str:
        return error_line(self.code, self.detail)


def error_line(code: int, detail: str = "") -> str:
    """``ERROR:<code> <seed text>`` with ``: <detail>`` when there is more to say."""
    text = ERROR_TEXTS[code]
    detail = " ".join(detail.split())  # one line, whatever a client sent
    return f"ERROR:{code} {text}: {detail}" if detail else f"ERROR:{code} {text}"


def status_line(status: str) -> str:
    code, text = STATUS_CODES[status]
    return f"STATUS:{code} {text}"


def text_reply(lines: list[str] | str, status: int = 200) -> web.Response:
    """Lines separated by CRLF, as the Diafaan SMS Server writes them."""
    body = lines if isinstance(lines, str) else "\r\n".join(lines)
    return web.Response(body=body.encode("utf-8"), status=status, headers=_TEXT)


_TEXT = {"Content-Type": "text/plain; charset=utf-8"}


def xml_reply(body: bytes) -> web.Response:
    return web.Response(body=body, content_type="text/xml", charset="utf-8")
