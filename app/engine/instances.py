"""The consoles sharing one store: each registers under its name at start and keeps a heartbeat.

A name already held by a live console is refused at start with one line, so a second console of the
same name never settles the first one's live claims as its own. Times are the store's (PostgreSQL's
``now()``). A console is live while its heartbeat is younger than :data:`STALE`; one stopped cleanly says
so; one killed is taken as gone once its heartbeat is old, or at once when it ran on this host and its
process is no more. On a SQLite store (one machine, one console) nothing is registered.
"""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
import socket
import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app.store.database import StoreError
from app.store.models import InstanceRecord

from .config_sync import ConfigSync
from .gateway_owners import GatewayOwners
from .shared_queue import store_now

if TYPE_CHECKING:
    from .engine import Engine

log = logging.getLogger(__name__)

I = InstanceRecord.__table__
#: Seconds between two heartbeats.
HEARTBEAT = 5.0
#: A running console whose heartbeat is older than this (seconds) is gone.
STALE = 3 * HEARTBEAT
RUNNING, STOPPED, GONE = "running", "stopped", "gone"


class InstanceNameInUse(StoreError):
    """Another live console sharing the store has this console's name."""


def default_instance_name(shared: bool) -> str:
    """The name of a console when the configuration gives none: ``local`` on its own store, the host's name
    on a shared one (unique among machines; two consoles on one host need names of their own)."""
    if not shared:
        return "local"
    return socket.gethostname()[:64] or "local"


@dataclass(frozen=True)
class InstanceView:
    """A console sharing the store, as the Cluster view shows it."""

    name: str
    host: str
    pid: int
    state: str
    started_at: datetime | None
    heartbeat_at: datetime | None
    #: Seconds since its last heartbeat, by the store's clock.
    heartbeat_age: float | None
    send_rate: float
    gateways: tuple[str, ...]


class InstanceRegistry:
    def __init__(self, engine: "Engine"):
        self.engine = engine
        self.shared = not engine.db.is_sqlite
        self.token = secrets.token_hex(8)
        self.host = socket.gethostname()[:255]
        self.pid = os.getpid()
        self.registered = False
        #: Set when another console took this one's name (this one's heartbeat had stopped too long).
        self.lost = False
        self._task: asyncio.Task | None = None
        self._sent = 0
        self._sent_at = time.monotonic()
        #: Which console runs which gateway.
        self.owners = GatewayOwners(engine)
        #: Follows the configuration changes other consoles make.
        self.config = ConfigSync(engine)

    @property
    def name(self) -> str:
        return self.engine.instance_id

    # --- registration --------------------------------------------------------------------------------

    def register(self) -> None:
        """Take this console's name in the store, or refuse with :class:`InstanceNameInUse`."""
        if not self.shared or self.registered:
            return
        try:
            with self.engine.db.engine.begin() as conn:
                now = store_now(conn, self.engine.clock.now())
                row = conn.execute(select(I).where(I.c.name == self.name).with_for_update()).mappings().first()
                if row is not None and row["state"] == RUNNING and row["token"] != self.token:
                    age = (now - row["heartbeat_at"]).total_seconds() if row["heartbeat_at"] else None
                    if age is not None and age < STALE and not self._gone_here(row):
                        raise InstanceNameInUse(
                            f"instance name {self.name!r} is in use by the console on {row['host']} (pid "
                            f"{row['pid']}, last heartbeat {max(age, 0):.0f} s ago): give each console sharing "
                            f"the store its own [store] instance")
                values = dict(host=self.host, pid=self.pid, token=self.token, state=RUNNING, started_at=now,
                              heartbeat_at=now, send_rate=0.0, gateways="")
                if row is None:
                    conn.execute(I.insert().values(name=self.name, **values))
                else:
                    conn.execute(update(I).where(I.c.name == self.name).values(**values))
        except IntegrityError:
            raise InstanceNameInUse(f"instance name {self.name!r} was taken by a console starting at the same "
                                    f"moment: give each console sharing the store its own [store] instance") from None
        self.registered = True
        self._sent = self._sent_total()
        log.info("registered as instance %r on %s", self.name, self.host)

    def _gone_here(self, row) -> bool:
        """Whether the holder of the name ran on this host and its process has ended."""
        if row["host"] != self.host or not row["pid"]:
            return False
        try:
            os.kill(row["pid"], 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False

    def unregister(self) -> None:
        """A clean stop: the name is free at once."""
        if not self.registered:
            return
        with self.engine.db.engine.begin() as conn:
            conn.execute(update(I).where(I.c.name == self.name, I.c.token == self.token).values(
                state=STOPPED, heartbeat_at=store_now(conn, self.engine.clock.now()), send_rate=0.0, gateways=""))
        self.owners.release()
        self.registered = False

    # --- heartbeat -----------------------------------------------------------------------------------

    def start(self) -> None:
        if self.shared and self._task is None:
            self._task = asyncio.create_task(self._run(), name="instance heartbeat")
            self.config.start()

    async def stop(self) -> None:
        await self.config.stop()
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        if self.registered:
            await asyncio.get_running_loop().run_in_executor(self.engine.store_lane, self.unregister)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(HEARTBEAT)
            rate, running = self._rate(), self._running()
            try:
                await loop.run_in_executor(self.engine.store_lane, self.beat, rate, running)
                if not self.lost:
                    await self.owners.reconcile()
            except Exception as exc:
                if not self.engine.store_health.failed(exc):
                    log.exception("heartbeat not written")
            else:
                self.engine.store_health.ok()

    def _sent_total(self) -> int:
        return sum(g.counters.sent for g in list(self.engine.gateways.values()))

    def _rate(self) -> float:
        sent, at = self._sent_total(), time.monotonic()
        rate = (sent - self._sent) / max(at - self._sent_at, 1e-6)
        self._sent, self._sent_at = sent, at
        return round(max(rate, 0.0), 1)

    def _running(self) -> tuple[str, ...]:
        from app.gateways.base import GatewayState

        return tuple(g.name for g in list(self.engine.gateways.values()) if g.state == GatewayState.RUNNING)

    def beat(self, rate: float = 0.0, gateways: tuple[str, ...] = ()) -> bool:
        """Write the heartbeat (store lane). False when another console holds this name now."""
        with self.engine.db.engine.begin() as conn:
            done = conn.execute(update(I).where(I.c.name == self.name, I.c.token == self.token).values(
                heartbeat_at=store_now(conn, self.engine.clock.now()), send_rate=rate, state=RUNNING,
                gateways=";".join(gateways))).rowcount
        if not done and not self.lost:
            self.lost = True
            log.error("instance %r: another console registered under this name after this one's heartbeat "
                      "stopped; this console no longer takes messages from the shared queue", self.name)
        return bool(done)

    # --- the view ------------------------------------------------------------------------------------

    def instances(self) -> list[InstanceView]:
        """Every console that registered with the store, by name (safe in a worker thread)."""
        if not self.shared:
            return []
        with self.engine.db.engine.connect() as conn:
            now = store_now(conn, self.engine.clock.now())
            rows = conn.execute(select(I).order_by(I.c.name)).mappings().all()
        out = []
        for r in rows:
            age = (now - r["heartbeat_at"]).total_seconds() if r["heartbeat_at"] else None
            state = r["state"]
            if state == RUNNING and (age is None or age >= STALE):
                state = GONE
            out.append(InstanceView(r["name"], r["host"], r["pid"], state, r["started_at"], r["heartbeat_at"],
                                    age, r["send_rate"] if state == RUNNING else 0.0,
                                    tuple(n for n in r["gateways"].split(";") if n) if state == RUNNING else ()))
        return out

    def live_names(self) -> set[str]:
        """Names of the consoles alive now (this one included)."""
        return {v.name for v in self.instances() if v.state == RUNNING} | {self.name}
