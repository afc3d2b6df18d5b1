"""Which console runs which gateway when several share a store.

A gateway's ``owner`` setting names the console (its instance name) that runs it: a modem belongs to the
machine it is plugged into. An empty owner means any one console: the first to find it without a live
runner takes its run (``gateway.runner`` until ``runner_until``, by the store's clock) and renews it with
each heartbeat; when that console dies its run lapses and another one takes it. Each heartbeat also tells
which gateways run on the other live consoles, so a message fails over to a gateway running elsewhere and
one whose only gateway belongs to a console that is gone says so. On a SQLite store (one console) every
gateway runs here.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, true, update

from app.store.models import GatewayRecord, InstanceRecord

from .events import GatewaysChanged
from .requests import EngineError
from .shared_queue import store_now

if TYPE_CHECKING:
    from .engine import Engine

log = logging.getLogger(__name__)

G = GatewayRecord.__table__
I = InstanceRecord.__table__
#: The owner of a gateway any one console may run.
ANY = ""
#: Gateway kinds whose default owner is the console that declares them (the device is on its machine).
LOCAL_KINDS = frozenset({"modem"})


def owner_of(settings_json: str | None) -> str:
    return json.loads(settings_json or "{}").get("owner", ANY) or ANY


class GatewayOwners:
    def __init__(self, engine: "Engine"):
        self.engine = engine
        #: Gateways this console is to run (None: not yet decided).
        self.assigned: set[str] | None = None
        #: Gateways running on other live consoles.
        self.remote_up: frozenset[str] = frozenset()
        #: The live consoles (this one included), and each gateway's owner, as of the last heartbeat.
        self.live: frozenset[str] = frozenset()
        self.owners: dict[str, str] = {}
        #: Who runs each gateway now (several consoles on one store).
        self.runners: dict[str, str] = {}

    @property
    def shared(self) -> bool:
        return not self.engine.db.is_sqlite

    def default_owner(self, kind: str) -> str:
        return self.engine.instance_id if self.shared and kind in LOCAL_KINDS else ANY

    # --- the store side (store lane, or the start before the loop runs gateways) ----------------------

    def assign(self) -> set[str]:
        """Take or keep the run of the gateways this console is to run; returns their names."""
        from .instances import RUNNING, STALE

        me = self.engine.instance_id
        if not self.shared:
            with self.engine.db.engine.connect() as conn:
                return {r[0] for r in conn.execute(select(G.c.name))}
        with self.engine.db.engine.begin() as conn:
            now = store_now(conn, self.engine.clock.now())
            live: set[str] = {me}
            remote: set[str] = set()
            for name, state, beat, running in conn.execute(select(I.c.name, I.c.state, I.c.heartbeat_at,
                                                                  I.c.gateways)):
                if state == RUNNING and beat is not None and (now - beat).total_seconds() < STALE and name != me:
                    live.add(name)
                    remote.update(n for n in running.split(";") if n)
            rows = conn.execute(select(G.c.name, G.c.settings, G.c.runner, G.c.runner_until)
                                .order_by(G.c.id).with_for_update()).all()
            mine: set[str] = set()
            owners: dict[str, str] = {}
            runners: dict[str, str] = {}
            until = now + timedelta(seconds=STALE)
            for name, settings, runner, runner_until in rows:
                owner = owners[name] = owner_of(settings)
                held = (runner and runner != me and runner in live and runner_until is not None
                        and runner_until >= now)
                if owner == me or (owner == ANY and not held):
                    mine.add(name)
                    runners[name] = me
                elif runner and runner in live:
                    runners[name] = runner
            if mine:
                conn.execute(update(G).where(G.c.name.in_(mine)).values(runner=me, runner_until=until))
            conn.execute(update(G).where(G.c.runner == me, G.c.name.notin_(mine) if mine else true())
                         .values(runner=None, runner_until=None))
        self.live, self.owners, self.runners = frozenset(live), owners, runners
        self.remote_up = frozenset(remote - mine)
        return mine

    def release(self) -> None:
        """A clean stop: the gateways this console ran are free for another one at once."""
        if self.shared:
            with self.engine.db.engine.begin() as conn:
                conn.execute(update(G).where(G.c.runner == self.engine.instance_id)
                             .values(runner=None, runner_until=None))

    # --- the loop side --------------------------------------------------------------------------------

    async def reconcile(self) -> None:
        """Follow the store: start what became this console's to run, stop what no longer is; build the
        gateways other consoles added, drop those they removed."""
        loop = asyncio.get_running_loop()
        engine = self.engine
        mine, records = await loop.run_in_executor(engine.store_lane, self._assign_and_read)
        rebuilt: set[str] = set()
        for rec in records:
            gw = engine.gateways.get(rec.name)
            if gw is None or getattr(gw, "record", None) != (rec.settings, rec.enabled):
                if gw is not None:
                    await gw.stop()
                try:
                    engine.gateways[rec.name] = engine._build(rec)
                except Exception as exc:  # noqa: BLE001 - a bad record is told, the others go on
                    log.error("gateway %s cannot be loaded: %s", rec.name, exc)
                    continue
                rebuilt.add(rec.name)
        changed = bool(rebuilt)
        known = {r.name for r in records}
        for name in [n for n in engine.gateways if n not in known]:
            await engine.gateways.pop(name).stop()
            changed = True
        before = self.assigned or set()
        self.assigned = mine
        for name in sorted(mine):
            gw = engine.gateways.get(name)
            if gw is not None and gw.settings["enabled"] and not gw.running and (name not in before or name in rebuilt):
                log.info("gateway %s runs on this console now (instance %r)", name, engine.instance_id)
                await gw.start()
        for name in sorted(before - mine):
            gw = engine.gateways.get(name)
            if gw is not None and gw.running:
                log.info("gateway %s runs elsewhere now: stopped here", name)
                await engine.stop_gateway(name)
        if changed:
            engine.events.publish(GatewaysChanged())
        engine.dispatcher.wake()

    def _assign_and_read(self) -> tuple[set[str], list[GatewayRecord]]:
        mine = self.assign()
        with self.engine.db.session() as s:
            from sqlmodel import select as sselect

            return mine, list(s.exec(sselect(GatewayRecord).order_by(GatewayRecord.id)))

    def runs_here(self, name: str) -> bool:
        return not self.shared or self.assigned is None or name in self.assigned

    async def check_start(self, name: str) -> None:
        """Refuse to start here a gateway another console runs (or is to run)."""
        if self.runs_here(name):
            return
        await self.reconcile()  # a gateway new to this console: its run is taken (or not) first
        if self.runs_here(name):
            return
        owner = self.owners.get(name, ANY)
        if owner and owner != self.engine.instance_id:
            raise EngineError(f"gateway {name!r} belongs to instance {owner!r}: change its owner to run it here")
        runner = self.runners.get(name)
        if runner and runner != self.engine.instance_id:
            raise EngineError(f"gateway {name!r} runs on instance {runner!r}; any one console runs it at a time")

    def why_not_here(self, name: str) -> str | None:
        """Why a gateway that does not run on this console cannot take a message anywhere, or None when it
        runs on another live console (that one sends the message)."""
        if name in self.remote_up:
            return None
        owner = self.owners.get(name, ANY)
        if owner and owner != self.engine.instance_id and owner not in self.live:
            return f"{name} belongs to instance {owner!r}, which is gone"
        if owner and owner != self.engine.instance_id:
            return f"{name} is not running on instance {owner!r}"
        return ""

    async def set_owner(self, name: str, owner: str) -> None:
        """Give gateway ``name`` to console ``owner`` (empty: any one console); every console follows at
        its next heartbeat, this one at once."""
        from .gateway_properties import set_gateway_property

        await set_gateway_property(self.engine, name, "owner", owner.strip(), reload=False)
        await self.reconcile()
