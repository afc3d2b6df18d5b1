"""The HORISEN SMS Session Manager API under ``/bulk/sms-session-manager/v1/``,
with its OAuth 2.0 client-credentials token endpoint ``POST /oauth2/access-token``.

``client_id`` is a console user's name, ``client_secret`` its password (or
its API secret). Every session-manager endpoint needs ``Authorization:
Bearer <token>`` and the user's privilege for it. Errors are JSON objects
with the seed's ``code``/``message`` (and, for clients written against the
seed's examples, the same values as ``Code``/``Message``).
"""

from __future__ import annotations

import base64
import json
import logging
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qsl, urlencode

from aiohttp import web

from app.engine.requests import EngineError

from .auth import AuthError, UserInfo
from .filters import FilterError, parse_list_query
from .horisen_sessions import (CUSTOMER_FIELDS, CUSTOMER_SEARCH, SUPPLIER_FIELDS, SUPPLIER_SEARCH,
                               customer_record, supplier_record)
from .tokens import TokenStore

log = logging.getLogger(__name__)

PROTOCOL = "horisen"
BASE = "/bulk/sms-session-manager/v1"
TOKEN_PATH = "/oauth2/access-token"
MAX_BODY = 16 * 1024
MAX_QUERY = 16 * 1024

VIEW_CUSTOMERS = "sms-session-manager.view"
VIEW_SUPPLIERS = "sms-supplier-session-manager.view"
MANAGE_CUSTOMERS = "customer-connection-session-manager.manage"
MANAGE_SUPPLIERS = "supplier-gate-session-manager.manage"
PRIVILEGES = (VIEW_CUSTOMERS, VIEW_SUPPLIERS, MANAGE_CUSTOMERS, MANAGE_SUPPLIERS)
#: The application's token store (tests move its clock to see tokens expire).
TOKENS = web.AppKey("horisen_tokens", TokenStore)


class HorisenError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers or {}

    def response(self) -> web.Response:
        body = {"code": self.code, "message": self.message, "Code": self.code, "Message": self.message}
        return web.json_response(body, status=self.status, headers=self.headers)


def _bad(code: str, message: str) -> HorisenError:
    return HorisenError(400, code, message)


Handler = Callable[[web.Request, UserInfo], Awaitable[web.StreamResponse]]


class HorisenApi:
    def __init__(self, ctx, tokens: TokenStore | None = None):
        self.ctx = ctx
        self.engine = ctx.engine
        self.tokens = tokens or TokenStore()

    # --- plumbing -----------------------------------------------------------------

    def guarded(self, privilege: str, handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        """Bearer token, privilege, connector state and size checks around ``handler``."""
        async def run(request: web.Request) -> web.StreamResponse:
            try:
                if not self.engine.connectors.running(PROTOCOL):
                    raise HorisenError(503, "SESSION_MANAGER_CONNECTOR_STOPPED",
                                       "the HORISEN session manager connector is stopped")
                if len(request.query_string) > MAX_QUERY:
                    raise HorisenError(414, "SESSION_MANAGER_QUERY_TOO_LONG", "the query string is too long")
                user = self.bearer(request)
                if not user.has(privilege):
                    raise HorisenError(403, "SESSION_MANAGER_FORBIDDEN",
                                       f"user {user.name!r} lacks the privilege {privilege}")
                self.ctx.auth.session(user, request, PROTOCOL)
                return await handler(request, user)
            except HorisenError as exc:
                return exc.response()
            except Exception:
                log.exception("session manager request %s %s failed", request.method, request.path)
                return HorisenError(500, "SESSION_MANAGER_INTERNAL_ERROR",
                                    "the server could not complete the request").response()
        return run

    def bearer(self, request: web.Request) -> UserInfo:
        challenge = {"WWW-Authenticate": 'Bearer realm="sms-session-manager"'}
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise HorisenError(401, "SESSION_MANAGER_UNAUTHORIZED",
                               f"send Authorization: Bearer <token> (get one with POST {TOKEN_PATH})", challenge)
        grant = self.tokens.check(token.strip())
        if grant is None:
            raise HorisenError(401, "SESSION_MANAGER_INVALID_TOKEN",
                               "the access token is unknown or expired: ask for a new one", challenge)
        if grant.name in self.engine.sessions.blocked_users:
            raise HorisenError(401, "SESSION_MANAGER_USER_STOPPED",
                               f"user {grant.name!r} was stopped by the operator: ask for it to be unblocked",
                               challenge)
        return grant.user

    async def json_body(self, request: web.Request) -> dict[str, Any]:
        if (request.content_length or 0) > MAX_BODY:
            raise HorisenError(413, "SESSION_MANAGER_BODY_TOO_LARGE", f"the body must be under {MAX_BODY} bytes")
        raw = await request.content.read(MAX_BODY + 1)
        if len(raw) > MAX_BODY:
            raise HorisenError(413, "SESSION_MANAGER_BODY_TOO_LARGE", f"the body must be under {MAX_BODY} bytes")
        try:
            data = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise _bad("SESSION_MANAGER_INVALID_BODY", "the body must be a JSON object") from None
        if not isinstance(data, dict):
            raise _bad("SESSION_MANAGER_INVALID_BODY", "the body must be a JSON object")
        return data

    # --- OAuth 2.0 ------------------------------------------------------------------

    async def access_token(self, request: web.Request) -> web.Response:
        def oauth_error(status: int, error: str, description: str) -> web.Response:
            return web.json_response({"error": error, "error_description": description, "code": error,
                                      "message": description}, status=status,
                                     headers={"Cache-Control": "no-store"})

        if (request.content_length or 0) > MAX_BODY:
            return oauth_error(413, "invalid_request", "the body is too large")
        raw = await request.content.read(MAX_BODY + 1)
        if len(raw) > MAX_BODY:
            return oauth_error(413, "invalid_request", "the body is too large")
        try:
            form = dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True, max_num_fields=20, errors="strict"))
        except (UnicodeDecodeError, ValueError):
            return oauth_error(400, "invalid_request", "send an application/x-www-form-urlencoded UTF-8 body")
        if form.get("grant_type") != "client_credentials":
            return oauth_error(400, "unsupported_grant_type", "grant_type must be client_credentials")
        client_id, secret = form.get("client_id", ""), form.get("client_secret", "")
        if not client_id and request.headers.get("Authorization", "").lower().startswith("basic "):
            try:
                decoded = base64.b64decode(request.headers["Authorization"][6:].strip(), validate=True)
                client_id, _, secret = decoded.decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                return oauth_error(400, "invalid_request", "malformed Basic authorization header")
        if not client_id:
            return oauth_error(400, "invalid_request", "client_id and client_secret are required")
        try:
            user = await self.ctx.auth.check(client_id, secret, request.remote or "")
        except AuthError as exc:
            if exc.throttled:
                answer = oauth_error(429, "temporarily_unavailable", exc.reason)
                answer.headers["Retry-After"] = self.ctx.limiter.retry_after(exc.retry_after)
                return answer
            return oauth_error(401, "invalid_client", exc.reason)
        token, lifetime = self.tokens.issue(user.name, user)
        self.ctx.auth.session(user, request, PROTOCOL)
        return web.json_response({"access_token": token, "token_type": "Bearer", "expires_in": lifetime},
                                 headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    # --- sessions ---------------------------------------------------------------------

    def _list(self, request: web.Request, rows: list[dict], fields: dict[str, type],
              search: tuple[str, ...]) -> web.Response:
        pairs = list(request.query.items())
        try:
            q = parse_list_query(pairs, fields, search)
        except FilterError as exc:
            raise _bad("SESSION_MANAGER_INVALID_FILTER", str(exc)) from None
        page, total = q.apply(rows)
        kept = [(k, v) for k, v in pairs if k not in ("paging", "page_number", "page_size")]

        def link(number: int, size: int) -> str:
            return f"{request.path}?{urlencode(kept + [('page_number', number), ('page_size', size)])}"

        return web.json_response({"data": page, "meta": {"pagination": q.pagination(total, len(page), link)}})

    def _customers(self) -> list[dict]:
        self.engine.sessions.expire_idle()
        blocked = self.engine.sessions.blocked_users
        return [customer_record(s, blocked) for s in self.engine.sessions.customers.values()]

    def _suppliers(self) -> list[dict]:
        return [supplier_record(s) for s in self.engine.sessions.suppliers()]

    @staticmethod
    def _one(request: web.Request, rows: list[dict], what: str) -> web.Response:
        sid = request.match_info["id"]
        if not (sid.isascii() and sid.isdigit()) or len(sid) > 18:
            raise _bad("SESSION_MANAGER_INVALID_ID", f"the {what} session id must be a whole number")
        for row in rows:
            if row["sessionID"] == str(int(sid)):
                return web.json_response(row)
        raise HorisenError(404, "SESSION_MANAGER_SESSION_NOT_FOUND", f"there is no {what} session {sid}")

    async def list_customers(self, request, _user):
        return self._list(request, self._customers(), CUSTOMER_FIELDS, CUSTOMER_SEARCH)

    async def get_customer(self, request, _user):
        return self._one(request, self._customers(), "customer")

    async def list_suppliers(self, request, _user):
        return self._list(request, self._suppliers(), SUPPLIER_FIELDS, SUPPLIER_SEARCH)

    async def get_supplier(self, request, _user):
        return self._one(request, self._suppliers(), "supplier")

    # --- actions ------------------------------------------------------------------------

    async def customer_action(self, request: web.Request, user: UserInfo) -> web.Response:
        action = request.match_info["action"]
        if action != "stop":
            raise _bad("SESSION_MANAGER_ACTION_NOT_SUPPORTED", f"action {action[:40]!r} is not supported (stop)")
        body = await self.json_body(request)
        name = body.get("authName")
        if not isinstance(name, str) or not name.strip() or len(name) > 64:
            raise _bad("SESSION_MANAGER_AUTH_NAME_REQUIRED", "authName (the user name) is required")
        try:
            await self.engine.sessions.stop_customer_async(name)
        except EngineError:
            raise HorisenError(404, "SESSION_MANAGER_AUTH_NAME_NOT_FOUND",
                               f"there is no user named {name[:64]!r}") from None
        log.info("session manager: %s stopped the API user %s", user.name, name)
        return web.json_response({"authName": name}, status=201)

    async def supplier_action(self, request: web.Request, user: UserInfo) -> web.Response:
        action = request.match_info["action"]
        if action != "restart":
            raise _bad("SESSION_MANAGER_ACTION_NOT_SUPPORTED", f"action {action[:40]!r} is not supported (restart)")
        body = await self.json_body(request)
        name = body.get("cName")
        if not isinstance(name, str) or not name.strip():
            raise _bad("SESSION_MANAGER_CNAME_REQUIRED", "cName (the gateway name) is required")
        if name not in self.engine.gateways:
            raise HorisenError(404, "SESSION_MANAGER_CNAME_NOT_FOUND", f"there is no gateway named {name[:64]!r}")
        try:
            await self.engine.restart_gateway(name)
        except EngineError as exc:
            raise HorisenError(409, "SESSION_MANAGER_RESTART_FAILED", str(exc)) from None
        log.info("session manager: %s restarted the gateway %s", user.name, name)
        return web.json_response({"cName": name}, status=201)


def setup(app: web.Application, ctx) -> None:
    api = HorisenApi(ctx)
    app[TOKENS] = api.tokens  # the token store, for the operator's tools and tests
    oauth = web.Application()
    oauth.router.add_post(TOKEN_PATH.removeprefix("/oauth2"), api.access_token)
    app.add_subapp("/oauth2", oauth)
    manager = web.Application()
    routes = (
        ("GET", "/sess-manager", VIEW_CUSTOMERS, api.list_customers),
        ("GET", "/sess-manager/{id}", VIEW_CUSTOMERS, api.get_customer),
        ("GET", "/sess-manager-suppliers", VIEW_SUPPLIERS, api.list_suppliers),
        ("GET", "/sess-manager-suppliers/{id}", VIEW_SUPPLIERS, api.get_supplier),
        ("PUT", "/customer-connections/{action}", MANAGE_CUSTOMERS, api.customer_action),
        ("PUT", "/supplier-gates/{action}", MANAGE_SUPPLIERS, api.supplier_action),
    )
    for method, path, privilege, handler in routes:
        manager.router.add_route(method, path, api.guarded(privilege, handler))
    app.add_subapp(BASE, manager)
