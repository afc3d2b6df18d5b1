"""The SMPP 3.4 server: customers (the console's users) bind to the console and submit messages; their
delivery receipts and the messages that answer them come back as deliver_sm.

One asyncio server on the engine's loop, started with the HTTP API by
``smsconsole serve`` and by the window when ``[smpp] enabled`` (or the
Settings dialog's choice). A user binds with its name as system_id and its
SMPP password; each bind is a customer session of the Sessions tab, and
stopping the user there (or with HORISEN ``customer-connections/stop``)
unbinds it and refuses the next binds with ESME_RBINDFAIL.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from typing import TYPE_CHECKING, Any

from app.config import parse_listen
from app.engine.events import MessageChanged, MessageStored
from app.settings import SettingError
from app.store import models as m

from .bind import SmppBind
from .delivery import UserDelivery
from .guard import BindGuard
from .reassembly import adopt_while_running, restore
from .store_ops import NOTICES
from .submit import SubmitBatcher

if TYPE_CHECKING:
    from app.engine.engine import Engine

log = logging.getLogger(__name__)


class SmppStartError(RuntimeError):
    """The SMPP server cannot be served; ``str()`` is the one line to show."""


class Throttle:
    """Per-user token buckets: ``rate`` messages a second with a burst of one second's worth. A submission
    of ``n`` messages (a submit_multi's destinations) needs ``n`` tokens, or a full bucket when ``n`` is
    more than it holds; it then leaves the bucket in debt, which the next seconds pay back."""

    def __init__(self, rate: int, *, clock=time.monotonic):
        self.rate, self.clock = rate, clock
        self._buckets: dict[str, tuple[float, float]] = {}

    def take(self, user: str, n: int = 1) -> bool:
        if not self.rate:
            return True
        now = self.clock()
        tokens, last = self._buckets.get(user, (float(self.rate), now))
        tokens = min(float(self.rate), tokens + (now - last) * self.rate)
        if tokens < min(n, self.rate):
            self._buckets[user] = (tokens, now)
            return False
        self._buckets[user] = (tokens - n, now)
        return True


class SmppServer:
    system_id = "SMSConsole"

    def __init__(self, engine: "Engine", smpp: dict[str, Any]):
        self.engine = engine
        self.cfg = smpp
        self.throttle = Throttle(smpp["throughput"])
        #: Failed binds per client address (password guessing is slowed across connections).
        self.guard = BindGuard()
        self.host, self.port = "", 0
        self._server: asyncio.Server | None = None
        self._binds: dict[str, list[SmppBind]] = {}
        self._connections: set[SmppBind] = set()
        self._tasks: set[asyncio.Task] = set()
        self._deliveries: dict[str, UserDelivery] = {}
        #: Long messages being put together, by their parts' key (see reassembly.py).
        self.long_messages: dict = {}
        self.batcher = SubmitBatcher(engine)
        self._unsubscribe = None
        self.stopped = False

    # --- running ----------------------------------------------------------------

    async def start(self) -> None:
        try:
            host, port = parse_listen(self.cfg["listen"])
        except SettingError as exc:
            raise SmppStartError(f"smpp.listen: {exc}") from None
        try:
            server = await asyncio.start_server(self._accept, host, port, backlog=256, start_serving=False)
        except OSError as exc:
            why = (os.strerror(exc.errno) if exc.errno else str(exc)).lower()
            raise SmppStartError(f"cannot listen for SMPP on {host}:{port}: {why}") from None
        self.stopped = False
        try:
            await restore(self)  # the parts held when it last ran, before a bind can add to them
        except BaseException:
            self._forget_long_messages()
            server.close()
            raise
        self._server = server
        await server.start_serving()
        self.host, self.port = host, server.sockets[0].getsockname()[1]
        self.engine.sessions.on_stop.append(self._user_stopped)
        self._unsubscribe = self.engine.events.subscribe(self._event)
        if self.engine.cluster.shared:  # the held parts of consoles that are gone
            self.spawn(adopt_while_running, self)
        log.info("SMPP server on %s:%d", self.host, self.port)

    async def stop(self) -> None:
        self.stopped = True
        if self._server is None:
            return
        server, self._server = self._server, None
        server.close()
        if self._unsubscribe:
            self._unsubscribe()
        if self._user_stopped in self.engine.sessions.on_stop:
            self.engine.sessions.on_stop.remove(self._user_stopped)
        await asyncio.gather(*(b.unbind() for b in list(self._connections)), return_exceptions=True)
        self._forget_long_messages()
        for task in list(self._tasks):
            task.cancel()
        for d in self._deliveries.values():
            d.task.cancel()
        await asyncio.gather(*self._tasks, *(d.task for d in self._deliveries.values()), return_exceptions=True)
        await server.wait_closed()
        log.info("SMPP server stopped")

    def _forget_long_messages(self) -> None:
        """Their parts stay in the store for the next start."""
        for long in self.long_messages.values():
            if long.timer is not None:
                long.timer.cancel()
        self.long_messages.clear()

    def spawn(self, fn, *args) -> None:
        """Run ``fn(*args)`` in a task of the server's (cancelled when it stops)."""
        task = asyncio.ensure_future(fn(*args))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        bind = SmppBind(self, reader, writer)
        self._connections.add(bind)
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            await bind.run()
        finally:
            self._connections.discard(bind)
            self._tasks.discard(task)

    # --- binds --------------------------------------------------------------------

    def binds_of(self, user: str) -> list[SmppBind]:
        return self._binds.get(user, [])

    def bound(self, bind: SmppBind) -> None:
        self._binds.setdefault(bind.user, []).append(bind)
        if bind.receives:
            delivery = self._deliveries.get(bind.user)
            if delivery is None or delivery.task.done():
                self._deliveries[bind.user] = UserDelivery(self, bind.user, bind.admin)
            else:
                delivery.wake.set()

    def unbound(self, bind: SmppBind) -> None:
        binds = self._binds.get(bind.user)
        if binds and bind in binds:
            binds.remove(bind)
            if not binds:
                del self._binds[bind.user]

    def _user_stopped(self, user: str) -> None:
        for bind in list(self.binds_of(user)):
            log.info("SMPP %s: %s stopped by an operator: unbinding", bind.address, user)
            self.spawn(bind.unbind)

    def _event(self, event) -> None:
        """Wake the delivery tasks for what may be theirs: a message received, or one sent or finished
        (not the messages customers queue, which arrive many at a time)."""
        if not self._deliveries:
            return
        if isinstance(event, MessageStored):
            news = event.message.direction == m.IN
        elif isinstance(event, MessageChanged):
            news = event.message.direction == m.OUT and event.message.status in NOTICES
        else:
            return
        if news:
            for delivery in self._deliveries.values():
                delivery.wake.set()
