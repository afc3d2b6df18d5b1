"""The Diafaan SMS Server HTTP API under ``/http/``.

Every command answers GET (query string) and POST (``application/x-www-form-
urlencoded`` body) alike. Replies are plain text (``OK: ...``, ``STATUS:...``,
``ERROR:<code> <text>``) or XML; refusals use the Diafaan error codes of
:mod:`app.api.diafaan_codes` with HTTP 200, as Diafaan clients expect, except
a user stopped by the operator (401), an oversized request (413) and an
internal failure (500).
"""

from __future__ import annotations

import logging
import re
from datetime import datetime
from typing import Awaitable, Callable
from urllib.parse import parse_qsl

from aiohttp import web

from app.engine import blackout
from app.engine.requests import EngineError, OutboundRequest
from app.sms.prepare import MESSAGE_TYPES
from app.store import models as m

from . import diafaan_codes as codes
from . import diafaan_xml
from .auth import AuthError, UserInfo
from .diafaan_codes import DiafaanError, error_line, status_line, text_reply, xml_reply
from .diafaan_commands import run_server_command
from .diafaan_queue import QueueBatcher

log = logging.getLogger(__name__)

PROTOCOL = "diafaan"
GUEST = "guest"
#: Largest form body and query string accepted.
MAX_REQUEST_BYTES = 256 * 1024
MAX_FIELDS = 200
MAX_RECIPIENTS = 1000
MAX_TEXT = 10_000
#: Received messages handed out at most per request (also without ``limit``).
MAX_RECEIVED = 1000
MAX_VALIDITY = 365 * 86400
PRIORITY_RANGE = (-1000, 1000)


class Params:
    """The request's parameters (query and form body together), each given at most once."""

    __slots__ = ("first", "repeated")

    def __init__(self, pairs):
        #: name -> its first value; ``repeated``: the names given more than once (refused when read)
        self.first: dict[str, str] = {}
        self.repeated: set[str] = set()
        for key, value in pairs:
            if key in self.first:
                self.repeated.add(key)
            else:
                self.first[key] = value

    def get(self, name: str, default: str = "") -> str:
        found = self.first.get(name)
        if found is None:
            return default
        if name in self.repeated:
            if name == "to":
                raise DiafaanError(codes.MULTIPLE_TO, "give the numbers in one to field, separated by ;")
            raise DiafaanError(codes.UNKNOWN_COMMAND, f"parameter {name} is given more than once")
        return found

    def required(self, name: str) -> str:
        value = self.get(name).strip()
        if not value:
            raise DiafaanError(codes.UNKNOWN_COMMAND, f"parameter {name} is required")
        return value

    def integer(self, name: str, low: int, high: int) -> int | None:
        raw = self.get(name).strip()
        if not raw:
            return None
        try:
            value = int(raw)
        except ValueError:
            raise DiafaanError(codes.UNKNOWN_COMMAND, f"{name} must be a whole number, got {raw!r}") from None
        if not low <= value <= high:
            raise DiafaanError(codes.UNKNOWN_COMMAND, f"{name} must be between {low} and {high}, got {value}")
        return value

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self.get(name, default).strip().lower() or default
        if value not in choices:
            raise DiafaanError(codes.UNKNOWN_COMMAND, f"{name} must be one of {', '.join(choices)}, got {value!r}")
        return value

    def names(self, name: str) -> list[str]:
        """A ``;``-separated list, blanks dropped."""
        return [p.strip() for p in self.get(name).split(";") if p.strip()]

    def numbers(self, name: str) -> list[str]:
        """A list of phone numbers separated by ``;`` or, as several Diafaan clients write them, ``,``."""
        return [p.strip() for p in re.split(r"[;,]", self.get(name)) if p.strip()]


async def read_params(request: web.Request) -> Params:
    if len(request.query_string) > MAX_REQUEST_BYTES:
        raise DiafaanError(codes.UNKNOWN_COMMAND, "the query string is too long", http_status=414)
    pairs = list(request.query.items())
    if request.method == "POST" and request.can_read_body:
        ctype = request.content_type
        if ctype not in ("application/x-www-form-urlencoded", "application/octet-stream", "text/plain"):
            raise DiafaanError(codes.UNKNOWN_COMMAND, "send the body as application/x-www-form-urlencoded")
        if (request.content_length or 0) > MAX_REQUEST_BYTES:
            raise DiafaanError(codes.UNKNOWN_COMMAND, "the request body is too large", http_status=413)
        body = await request.content.read(MAX_REQUEST_BYTES + 1)
        if len(body) > MAX_REQUEST_BYTES:
            raise DiafaanError(codes.UNKNOWN_COMMAND, "the request body is too large", http_status=413)
        try:
            pairs += parse_qsl(body.decode(request.charset or "utf-8"), keep_blank_values=True,
                               max_num_fields=MAX_FIELDS, errors="strict")
        except (UnicodeDecodeError, LookupError):
            raise DiafaanError(codes.UNKNOWN_COMMAND, "the body is not UTF-8 text") from None
        except ValueError:
            raise DiafaanError(codes.UNKNOWN_COMMAND, f"more than {MAX_FIELDS} parameters") from None
    if len(pairs) > MAX_FIELDS:
        raise DiafaanError(codes.UNKNOWN_COMMAND, f"more than {MAX_FIELDS} parameters")
    return Params(pairs)


class DiafaanApi:
    def __init__(self, ctx):
        self.ctx = ctx
        self.engine = ctx.engine
        self.batcher = QueueBatcher(ctx.engine, PROTOCOL)
        self.commands: dict[str, Callable[[web.Request, Params], Awaitable[web.Response]]] = {
            "send-message": self.send_message,
            "request-status-update": self.request_status_update,
            "remove-queued-message": self.remove_queued_message,
            "request-server-status": self.request_server_status,
            "request-received-messages": self.request_received_messages,
            "send-server-command": self.send_server_command,
        }

    async def handle(self, request: web.Request) -> web.StreamResponse:
        command = request.match_info["command"]
        try:
            handler = self.commands.get(command)
            if handler is None:
                raise DiafaanError(codes.UNKNOWN_COMMAND, f"there is no command {command[:40]!r}")
            if command != "send-server-command" and not self.engine.connectors.running(PROTOCOL):
                raise DiafaanError(codes.NOT_ALLOWED, "the Diafaan connector is stopped", http_status=503)
            params = await read_params(request)
            return await handler(request, params)
        except DiafaanError as exc:
            return text_reply(exc.line(), exc.http_status)
        except Exception:
            log.exception("diafaan %s failed", command[:40])
            return text_reply(error_line(codes.UNKNOWN_ERROR, "the server could not complete the request"), 500)

    async def login(self, request: web.Request, params: Params, *, guest: bool = True) -> UserInfo:
        """The user of the request (the guest account when no username is given and ``guest``)."""
        name = params.get("username").strip()
        password = params.get("password")
        if not name and not guest:
            raise DiafaanError(codes.UNKNOWN_COMMAND, "username and password are required")
        ip = request.remote or ""
        try:
            user = await self.ctx.auth.check(name or GUEST, password, ip)
        except AuthError as exc:
            if not name:
                raise DiafaanError(codes.GUEST_NOT_AVAILABLE) from None
            status = 429 if exc.throttled else 401 if exc.blocked else 200
            raise DiafaanError(codes.AUTHENTICATION, exc.reason, http_status=status) from None
        wait = self.ctx.limiter.hit(user.name)
        if wait:
            raise DiafaanError(codes.NOT_ALLOWED, "too many requests, try again shortly", http_status=429)
        self.ctx.auth.session(user, request, PROTOCOL)
        return user

    # --- send-message ---------------------------------------------------------------

    async def send_message(self, request: web.Request, params: Params) -> web.Response:
        user = await self.login(request, params)
        numbers = params.numbers("to")
        contact_names = params.names("contact-name")
        if not numbers and not contact_names:
            raise DiafaanError(codes.NO_RECIPIENTS, "give numbers in to or names in contact-name")
        options = self._send_options(params)
        # entries in reply order: a number to send to, or the error line of a name that gave none
        entries: list[tuple[str, str]] = [("number", n) for n in numbers]
        named = await self.engine.in_lane(self.engine.resolve_contact_names, contact_names) if contact_names else []
        for name, found in named:
            if found:
                entries += [("number", n) for n in found]
            else:
                entries.append(("error", error_line(codes.NO_RECIPIENTS, f"no contact or group named {name!r}")))
        recipients = [v for kind, v in entries if kind == "number"]
        if len(recipients) > MAX_RECIPIENTS:
            raise DiafaanError(codes.UNKNOWN_COMMAND, f"at most {MAX_RECIPIENTS} recipients per request")
        guid = options.pop("uid")
        if guid and len(recipients) > 1:
            raise DiafaanError(codes.UNKNOWN_COMMAND, "message-guid can only be given for a single recipient")
        lines: list[str] = []
        if recipients:
            items = iter(await self.batcher.queue(
                user.name, OutboundRequest(recipients=recipients, uid=guid or None, **options)))
            for kind, value in entries:
                if kind == "error":
                    lines.append(value)
                    continue
                item = next(items, None)
                if item is None:  # a reused guid refuses the one recipient it names
                    break
                lines.append(f"OK: {item.message.uid}" if item.message is not None
                             else error_line(codes.MESSAGE_REJECTED, item.error))
        else:
            lines = [v for _k, v in entries]
        return text_reply(lines)

    def _send_options(self, params: Params) -> dict:
        text = params.get("message")
        if len(text) > MAX_TEXT:
            raise DiafaanError(codes.UNKNOWN_COMMAND, f"message is longer than {MAX_TEXT} characters")
        mtype = params.get("message-type", "sms.automatic").strip().lower() or "sms.automatic"
        if mtype not in MESSAGE_TYPES:
            raise DiafaanError(codes.UNKNOWN_COMMAND, f"message-type must be one of {', '.join(MESSAGE_TYPES)}")
        guid = params.get("message-guid").strip()
        if len(guid) > 80 or any(not c.isprintable() for c in guid):
            raise DiafaanError(codes.UNKNOWN_COMMAND, "message-guid must be printable and at most 80 characters")
        info = params.get("message-info")
        if len(info) > 512:
            raise DiafaanError(codes.UNKNOWN_COMMAND, "message-info must be at most 512 characters")
        sender = params.get("from").strip()
        if len(sender) > 32:
            raise DiafaanError(codes.UNKNOWN_COMMAND, "from must be at most 32 characters")
        # the gateways named that exist (letter case aside); only a list naming none of them is refused
        named = params.names("gateway")
        requested: list[str] = []
        if named:
            known = {g.casefold(): g for g in self.engine.gateways}
            requested = list(dict.fromkeys(known[n.casefold()] for n in named if n.casefold() in known))
        if named and not requested:
            raise DiafaanError(codes.UNKNOWN_COMMAND, f"there is no gateway named {named[0][:64]!r}")
        gateways = self.engine.connectors.send_gateways(PROTOCOL, requested)
        if gateways == []:
            raise DiafaanError(codes.MESSAGE_REJECTED, "no gateway is routed for messages of this connector")
        return {
            # Diafaan clients follow delivery (STATUS:201), so a report is always asked for
            "status_report": True, "text": text, "message_type": mtype, "uid": guid, "message_info": info, "sender": sender,
            "gateways": gateways or [], "priority": params.integer("priority", *PRIORITY_RANGE) or 0,
            "validity_seconds": params.integer("validity-period", 1, MAX_VALIDITY),
            "scheduled_at": _scheduled(params.get("scheduled").strip()),
        }

    # --- status and queue -----------------------------------------------------------

    async def _own_message(self, user: UserInfo, params: Params):
        uid = params.required("message-id")
        msg = await self.engine.in_lane(self.engine.message, uid) if len(uid) <= 80 else None
        if msg is None or msg.direction != m.OUT or not (user.admin or msg.user == user.name):
            raise DiafaanError(codes.MESSAGE_NOT_FOUND)
        return msg

    async def request_status_update(self, request: web.Request, params: Params) -> web.Response:
        user = await self.login(request, params)
        info = params.choice("info", ("status", "error-code", "gateway"), "status")
        msg = await self._own_message(user, params)
        if info == "gateway":
            return text_reply(f"GATEWAY:{msg.gateway or ''}")
        if info == "error-code":
            if msg.status in (m.FAILED, m.UNDELIVERED, m.EXPIRED, m.CANCELLED):
                code = codes.STATUS_CODES[msg.status][0]
                reason = " ".join((msg.reason or codes.STATUS_CODES[msg.status][1]).split())
                return text_reply(f"ERROR-CODE:{code} {reason}")
            return text_reply("ERROR-CODE:0 No error")
        return text_reply(status_line(msg.status))

    async def remove_queued_message(self, request: web.Request, params: Params) -> web.Response:
        user = await self.login(request, params)
        msg = await self._own_message(user, params)
        if not await self.engine.in_lane(self.engine.cancel, [msg.id]):
            raise DiafaanError(codes.NOT_ALLOWED, f"the message is {msg.status}, only queued or scheduled "
                                                  "messages can be removed")
        return text_reply("OK: Message removed from the send queue")

    # --- server status and received messages ------------------------------------------

    async def request_server_status(self, request: web.Request, params: Params) -> web.Response:
        await self.login(request, params, guest=False)
        from app import __version__

        connectors = {n: self.engine.connectors.running(n) for n in self.engine.connectors.properties}
        counts, queue = self.engine.status_figures()  # kept by the engine: no count over the store
        return xml_reply(diafaan_xml.server_status(self.engine.gateway_views(), connectors, counts, queue,
                                                   __version__, self.engine.recent_figures))

    async def request_received_messages(self, request: web.Request, params: Params) -> web.Response:
        user = await self.login(request, params)
        limit = params.integer("limit", 1, MAX_RECEIVED) or MAX_RECEIVED
        remove = params.choice("remove", ("0", "1"), "0") == "1"
        newest = params.choice("order", ("newest", "oldest"), "oldest") == "newest"
        closed = tuple(g for g in self.engine.gateways
                       if not self.engine.connectors.route(PROTOCOL, g)["receive"])
        # the rule of the README: an administrator gets every message the connector receives, another user
        # the answers to that user's own messages
        found = await self.engine.in_lane(self.engine.received_messages, limit=limit, newest=newest, remove=remove,
                                          gateways_excluded=closed, owner=None if user.admin else user.name)
        return xml_reply(diafaan_xml.received_messages(found, removed=remove))

    async def send_server_command(self, request: web.Request, params: Params) -> web.Response:
        user = await self.login(request, params, guest=False)
        if not user.admin:
            raise DiafaanError(codes.NOT_ALLOWED, "send-server-command is for administrators only")
        if not self.engine.settings["send_server_command_enabled"]:
            raise DiafaanError(codes.NOT_ALLOWED, "send-server-command is disabled (setting "
                                                  "send_server_command_enabled)")
        try:
            return await run_server_command(self.engine, params)
        except EngineError as exc:
            raise DiafaanError(codes.NOT_ALLOWED, str(exc)) from None


def _scheduled(raw: str) -> datetime | None:
    """ISO 8601 with or without zone; without one it is the server's local time."""
    if not raw:
        return None
    try:
        return blackout.parse_time(raw, naive_local=True)
    except ValueError:
        raise DiafaanError(codes.UNKNOWN_COMMAND, f"scheduled must be an ISO 8601 time between 1970 and 2999 "
                                                  f"such as 2030-12-31T19:35:00, got {raw[:40]!r}") from None


def setup(app: web.Application, ctx) -> None:
    api = DiafaanApi(ctx)
    # on the server's own router, not a sub-application: its connector gate and error shape are in
    # DiafaanApi.handle, and a sub-application's routing and middleware cost every request (thousands a second)
    app.router.add_route("GET", "/http/{command}", api.handle)
    app.router.add_route("POST", "/http/{command}", api.handle)
