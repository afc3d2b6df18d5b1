"""The embedded HTTP server: aiohttp.web on the engine's event loop.

:class:`ApiServer` binds ``[api] listen`` (HTTPS when ``tls_cert`` and
``tls_key`` are set) and serves every front end in :data:`FRONT_ENDS`; each
front-end module has ``setup(app, ctx)`` and adds its routes. A server that
cannot start raises :class:`ApiStartError` with one line for the operator.
"""

from __future__ import annotations

import importlib
import logging
import os
import ssl
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from aiohttp import web

from app.config import Config, parse_listen
from app.engine.events import UsersChanged
from app.settings import SettingError

from .auth import Authenticator
from .guard import GuardedRunner, guard_middleware
from .ratelimit import RateLimiter

if TYPE_CHECKING:
    from app.engine.engine import Engine

log = logging.getLogger(__name__)

#: Front-end modules, each with ``setup(app: web.Application, ctx: ApiContext)``.
FRONT_ENDS = ("app.api.retarus", "app.api.diafaan", "app.api.horisen", "app.api.openapi", "app.api.prometheus")
#: Largest request body accepted (a 3,000-recipient job with long texts fits easily).
MAX_BODY = 16 * 1024 * 1024
#: ``[api] rate_limit`` when the configuration does not say.
DEFAULT_RATE_LIMIT = 10000


class ApiStartError(RuntimeError):
    """The API cannot be served; ``str()`` is the one line to show."""


@dataclass
class ApiContext:
    """What the front ends share: the engine, the configuration, authentication, request limits."""

    engine: "Engine"
    cfg: Config
    auth: Authenticator
    limiter: RateLimiter = field(default_factory=lambda: RateLimiter(DEFAULT_RATE_LIMIT))


class ApiServer:
    def __init__(self, engine: "Engine", cfg: Config, *, front_ends: tuple[str, ...] = FRONT_ENDS):
        limit = cfg.api.get("rate_limit", DEFAULT_RATE_LIMIT)
        self.ctx = ApiContext(engine=engine, cfg=cfg, auth=Authenticator(engine), limiter=RateLimiter(limit))
        self.app = web.Application(client_max_size=MAX_BODY, middlewares=[guard_middleware])
        for name in front_ends:
            importlib.import_module(name).setup(self.app, self.ctx)
        self.port: int | None = None
        self.host: str = ""
        self.scheme = "https" if cfg.api["tls_cert"] else "http"
        self._runner: web.AppRunner | None = None
        self._unsubscribe: Callable[[], None] | None = None

    @property
    def url(self) -> str:
        """Base URL of the running server, e.g. ``http://127.0.0.1:9710``."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    def _ssl_context(self) -> ssl.SSLContext | None:
        cert, key = self.ctx.cfg.api["tls_cert"], self.ctx.cfg.api["tls_key"]
        if not cert:
            return None
        for path in (cert, key):
            if not os.path.isfile(path):
                raise ApiStartError(f"cannot serve HTTPS: {path}: no such file")
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        try:
            ctx.load_cert_chain(cert, key)
        except (OSError, ssl.SSLError) as exc:
            raise ApiStartError(f"cannot serve HTTPS with {cert} and {key}: {exc}") from None
        return ctx

    async def start(self) -> None:
        """Bind and serve; raises ApiStartError (port taken, bad address, unreadable certificate)."""
        try:
            host, port = parse_listen(self.ctx.cfg.api["listen"])
        except SettingError as exc:
            raise ApiStartError(f"api.listen: {exc}") from None
        ssl_context = self._ssl_context()
        runner = GuardedRunner(self.app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, host, port, ssl_context=ssl_context, backlog=1024)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            why = (os.strerror(exc.errno) if exc.errno else str(exc)).lower()
            raise ApiStartError(f"cannot listen on {host}:{port}: {why}") from None
        self._runner = runner
        # a user changed here or by another console sharing the store: remembered checks of it no longer hold
        self._unsubscribe = self.ctx.engine.events.subscribe(self._event)
        sockets = site._server.sockets if site._server else ()  # aiohttp has no public accessor
        self.host = host
        self.port = sockets[0].getsockname()[1] if sockets else port
        log.info("HTTP API serving on %s", self.url)

    def _event(self, event) -> None:
        if isinstance(event, UsersChanged):
            self.ctx.auth.forget(event.name)

    async def stop(self) -> None:
        """Stop accepting, let running requests finish, close the connections."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()
            log.info("HTTP API stopped")
