"""Following configuration changes other consoles make to a shared PostgreSQL store.

A thread of its own holds a connection that ``LISTEN``s on the channel the store's triggers notify
(:mod:`app.store.notify`); each notification names a table. The loop then reads what changed, in the
store lane: settings, routing rules, gateways (added, removed, changed, moved to another owner), users
(their blocks read again; :class:`~app.engine.events.UsersChanged` tells the API to check passwords afresh)
and connector properties. After the listening connection was lost (a store outage), everything is read
again, since notifications sent meanwhile are gone.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import TYPE_CHECKING

from sqlalchemy.engine import make_url

from app.store.notify import CHANNEL

from .events import RoutingRulesChanged, UsersChanged

if TYPE_CHECKING:
    from .engine import Engine

log = logging.getLogger(__name__)

#: Notifications arriving within this time (seconds) are read as one change.
SETTLE = 0.05
EVERYTHING = frozenset({"setting", "routing_rule", "gateway", "user", "blocked_number"})


class ConfigSync:
    def __init__(self, engine: "Engine"):
        self.engine = engine
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        #: Set while the listening connection is up.
        self.listening = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pending: set[str] = set()
        self._handle: asyncio.Handle | None = None
        #: Changes applied so far (for tests and the Cluster view).
        self.applied = 0

    def start(self) -> None:
        if self.engine.db.is_sqlite or self._thread is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._stop.clear()
        self._thread = threading.Thread(target=self._listen, name="smsconsole-config-listener", daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        if self._thread is not None:
            self._stop.set()
            await asyncio.get_running_loop().run_in_executor(None, self._thread.join, 5)
            self._thread = None
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None

    # --- the listening thread ---------------------------------------------------------------------

    def _listen(self) -> None:
        import psycopg

        conninfo = make_url(self.engine.db.url).set(drivername="postgresql").render_as_string(hide_password=False)
        wait, first = 0.5, True
        while not self._stop.is_set():
            try:
                with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    if not first:  # what was notified while the connection was away is gone: read it all
                        self._notified(EVERYTHING)
                    first, wait = False, 0.5
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5):
                            self._notified({note.payload})
            except Exception as exc:  # noqa: BLE001 - the store is away: its health is told elsewhere
                self.listening.clear()
                log.debug("configuration listener: %s", exc)
                self._stop.wait(wait)
                wait = min(wait * 2, 10.0)

    def _notified(self, tables) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._take, frozenset(tables))

    # --- on the loop --------------------------------------------------------------------------------

    def _take(self, tables: frozenset[str]) -> None:
        self._pending |= tables
        if self._handle is None:
            self._handle = asyncio.get_running_loop().call_later(SETTLE, self._apply_soon)

    def _apply_soon(self) -> None:
        self._handle = None
        tables, self._pending = self._pending, set()
        asyncio.ensure_future(self.apply(tables))

    async def apply(self, tables: set[str]) -> None:
        """Read what changed in ``tables`` and follow it."""
        engine = self.engine
        if not engine.started:
            return
        loop = asyncio.get_running_loop()
        try:
            if "setting" in tables:
                await loop.run_in_executor(engine.store_lane, self._read_settings)
                engine.dispatcher.wake()
            if "user" in tables:
                await loop.run_in_executor(engine.store_lane, engine.sessions.load_blocked)
                engine.events.publish(UsersChanged())
            if "routing_rule" in tables:
                engine.router.reload()
                engine.events.publish(RoutingRulesChanged())
                engine.dispatcher.wake()
            if "gateway" in tables:
                await engine.cluster.owners.reconcile()
        except Exception as exc:  # noqa: BLE001
            if not engine.store_health.failed(exc):
                log.exception("following a configuration change failed")
            return
        self.applied += 1
        log.info("followed a change of %s in the shared store", ", ".join(sorted(tables)))

    def _read_settings(self) -> None:
        self.engine.load_settings()
        self.engine.connectors.load()
