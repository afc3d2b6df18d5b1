"""The running service: named operations shared by the window and the HTTP
API, the gateways, and the dispatcher that feeds them.

Every state change of a message is committed before the side effect that
depends on it, and published as an event after the commit.
"""

from __future__ import annotations

import asyncio
import json
import logging
import functools
import sys
import threading
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any, Callable, Iterable, TypeVar

from sqlalchemy import func
from sqlmodel import col, select

from app.gateways.base import Gateway
from app.gateways.registry import gateway_class
from app.settings import GENERAL, SettingError
from app.store import derived, journal
from app.store import models as m
from app.store.database import Database
from app.store.models import GatewayRecord, Message, SettingValue

from .clock import Clock
from .dispatcher import Dispatcher
from .events import EventBus, GatewaysChanged, MessageChanged, MessagesDeleted
from . import file_edits, gateway_memory, lifecycle, shared_queue
from .desk_operations import DeskOperations
from .gateway_news import GatewayNews
from .instances import InstanceRegistry
from .store_health import StoreHealth
from .store_lane import StoreLane
from .outbox import BlockResult, Outbox
from .routing import Router, RoutingRule, replace_rules
from .requests import EngineError, OutboundRequest, QueueResult
from .connectors import ConnectorRegistry
from .contacts import ContactBook
from .sessions import SessionRegistry
from .peer_changes import PeerChanges
from .status_counts import StatusCounts
from .users import UserBook
from .views import GatewayView, MessageView, views_of

log = logging.getLogger(__name__)
T = TypeVar("T")

#: A fresh store's gateway: a modem on the built-in AT modem simulator (a pty in this process),
#: so a new user sends and receives through the real modem driver with no hardware.
#: How long the store lane may keep the interpreter before the loop gets it (seconds).
SWITCH_INTERVAL = 0.001
DEMO_GATEWAY = {"name": "Demo", "kind": "modem", "settings": {"port": "simulator"}}


def _share_interpreter() -> None:
    """A store thread and the loop share the interpreter: the loop gets it back within a millisecond of
    asking (Python's default is 5 ms, which a request or a window waiting on the loop would feel several
    times over while a store thread runs)."""
    sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL))


class Engine(DeskOperations, GatewayNews):
    def __init__(self, db: Database, *, clock: Clock | None = None, instance_id: str = "local",
                 queue_process: bool = False):
        """``queue_process``: queued jobs are stored by a process of their own (:mod:`.queue_writer`) when
        the store allows it."""
        self.db = db
        self._queue_process = queue_process and db.shareable
        self._queue_writer = None
        self.clock = clock or Clock()
        self.instance_id = instance_id
        self.events = EventBus()
        self.gateways: dict[str, Gateway] = {}
        #: Secret gateway settings (passwords, PINs) from the configuration file, by gateway name:
        #: kept in memory only, never written to the store.
        self.gateway_secrets: dict[str, dict[str, Any]] = {}
        self.settings: dict[str, Any] = GENERAL.defaults()
        #: Messages per state, kept up to date from the journal (request-server-status, statistics).
        self.counts = StatusCounts(shared=not db.is_sqlite)
        #: On a shared store, once a window follows it: the changes other consoles make to messages,
        #: announced here too (:meth:`follow_other_consoles`).
        self.peers: PeerChanges | None = None
        #: The last hour's traffic and the last day's delivery rate (read every minute in the store lane).
        self.recent_figures = None
        self.outbox = Outbox(self)
        self.router = Router(self)
        self.dispatcher = Dispatcher(self)
        self.sessions = SessionRegistry(self)
        self.connectors = ConnectorRegistry(self)
        self.contacts = ContactBook(self)
        self.users = UserBook(self)
        #: The consoles sharing the store (this one registers at start).
        self.cluster = InstanceRegistry(self)
        #: Whether the store answers (told once when it goes away and once when it is back).
        self.store_health = StoreHealth(self)
        self.started = False
        #: Counts pauses and resumes of gateways and of all sending: a dispatcher pass planned on an older
        #: snapshot of them claims nothing.
        self.dispatch_epoch = 0
        self._unread: int | None = None
        #: Guards the counters both the loop and the store lane change (unread, dispatch epoch).
        self._tally = threading.Lock()
        self._store_lane: StoreLane | None = None
        self._dispatch_lane: StoreLane | None = None
        self._list_readers: ThreadPoolExecutor | None = None

    # --- life ----------------------------------------------------------------

    def open_store(self) -> None:
        """Create or migrate the schema and read the stored settings."""
        self.db.create()
        self.load_settings()
        self.connectors.load()
        self.sessions.load_blocked()

    def ensure_demo_gateway(self) -> None:
        """A fresh store gets the simulated Demo gateway, so the console works with no hardware."""
        with self.db.session() as s:
            if s.exec(select(func.count()).select_from(GatewayRecord)).one() == 0:
                s.add(GatewayRecord(name=DEMO_GATEWAY["name"], kind=DEMO_GATEWAY["kind"],
                                    settings=json.dumps(DEMO_GATEWAY["settings"])))
                s.commit()

    def load_settings(self) -> None:
        """Read the stored settings (at start, and when another console sharing the store changed them)."""
        with self.db.session() as s:
            for row in s.exec(select(SettingValue)):
                if row.key in GENERAL:
                    try:
                        self.settings[row.key] = GENERAL[row.key].check(json.loads(row.value))
                    except (SettingError, ValueError):
                        log.warning("ignoring stored setting %s with an invalid value", row.key)

    async def start(self) -> None:
        """Recover interrupted work, start enabled gateways, start dispatching. The store work runs in
        the store lane; what it changed is announced on the loop.

        On a shared store the console first takes its name (refused, with InstanceNameInUse, while another
        live console has it)."""
        self.events.attach(asyncio.get_running_loop())
        records = await self.in_lane(self._prepare)
        for rec in records:
            try:
                self.gateways[rec.name] = self._build(rec)
            except (SettingError, ValueError) as exc:
                log.error("gateway %s cannot be loaded: %s", rec.name, exc)
        self.started = True
        if self.queue_writer is not None:
            self.queue_writer.start_soon()  # in the background: the lane stores what is queued meanwhile
        here = self.cluster.owners.assigned  # on a shared store: this console's, and the shared ones it holds
        await asyncio.gather(*(g.start() for g in self.gateways.values() if g.settings["enabled"] and g.name in here))
        self.dispatcher.start()
        self.cluster.start()

    def _prepare(self) -> list[GatewayRecord]:
        """The store side of :meth:`start`: schema, settings, this console's name, interrupted messages, the
        gateways' records."""
        self.open_store()
        self.cluster.register()
        self.ensure_demo_gateway()
        self.outbox.recover_interrupted()
        self.cluster.owners.assigned = self.cluster.owners.assign()
        with self.db.session() as s:
            return list(s.exec(select(GatewayRecord).order_by(GatewayRecord.id)))

    async def stop(self) -> None:
        """Finish in-flight sends, return waiting ones to the queue, close the store."""
        await self.dispatcher.stop()
        if self._dispatch_lane is not None:
            await asyncio.to_thread(self._dispatch_lane.shutdown, True)
            self._dispatch_lane = None
        await asyncio.gather(*(g.stop() for g in self.gateways.values()), return_exceptions=True)
        await self.outbox.settle()
        await self.cluster.stop()
        self.started = False
        if self._list_readers is not None:
            self._list_readers.shutdown(wait=True)
            self._list_readers = None
        await self.outbox.group.drain()
        if self._queue_writer is not None:
            await asyncio.to_thread(self._queue_writer.close)
            self._queue_writer = None
        await self.in_lane(self.db.close)
        if self._store_lane is not None:
            self._store_lane.shutdown(wait=True)
            self._store_lane = None

    @property
    def store_lane(self) -> StoreLane:
        """The worker thread that runs the engine's store work one piece at a time, so the loop never waits
        on the store; the dispatcher's passes and the writer of send outcomes are its background work
        (``store_lane.background``, see :mod:`.store_lane`)."""
        if self._store_lane is None:
            _share_interpreter()
            self._store_lane = StoreLane("smsconsole-store")
        return self._store_lane

    @property
    def dispatch_lane(self) -> Executor:
        """Where the dispatcher's passes run. On SQLite (one writer at a time) the store lane's background
        work. On a shared store (PostgreSQL) a worker thread of their own with its own connection
        (``smsconsole-dispatch``): a pass waits on the database server while the store lane writes the
        gateways' outcomes and the API's jobs, so the console's work and the server's overlap instead of
        taking turns. The outcomes of a pass's sends are written after it committed (the gateways get them
        only then), so they never overtake their claims."""
        if self.db.is_sqlite:
            return self.store_lane.background
        if self._dispatch_lane is None:
            _share_interpreter()
            self._dispatch_lane = StoreLane("smsconsole-dispatch")
        return self._dispatch_lane

    @property
    def queue_writer(self):
        """The queue writer (:mod:`.queue_writer`) of a running engine that has one, else None."""
        if self._queue_writer is None and self._queue_process and self.started:
            from .queue_writer import QueueWriter

            self._queue_writer = QueueWriter(self.db, self.store_lane)
        return self._queue_writer

    @property
    def list_readers(self) -> ThreadPoolExecutor:
        """Two worker threads that read pages of the window's message lists (searches, filters) with
        read-only sessions, beside the store lane, so a slow search waits for no write. Shut down by
        :meth:`stop`."""
        if self._list_readers is None:
            self._list_readers = ThreadPoolExecutor(2, thread_name_prefix="message-list")
        return self._list_readers

    async def in_lane(self, operation: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run an engine operation that reads or writes the store in the store lane and return its result;
        the events it publishes are delivered on the loop. How the loop (an API handler, the window) calls
        the store without waiting on it."""
        call = functools.partial(operation, *args, **kwargs)
        return await asyncio.get_running_loop().run_in_executor(self.store_lane, call)

    def _build(self, rec: GatewayRecord) -> Gateway:
        settings = json.loads(rec.settings or "{}")
        settings.update(self.gateway_secrets.get(rec.name, {}))
        settings["enabled"] = rec.enabled
        gw = gateway_class(rec.kind)(rec.name, settings, self)
        gw.origin = rec.origin  # "config": declared in the configuration file, which wins at start
        gw.record = (rec.settings, rec.enabled)  # as stored: a change by another console rebuilds it
        return gw

    # --- settings ------------------------------------------------------------

    def set_setting(self, key: str, value: Any) -> None:
        if key not in GENERAL:
            raise EngineError(f"unknown setting {key!r}")
        try:
            value = GENERAL[key].check(value)
        except SettingError as exc:
            raise EngineError(f"{key}: {exc}") from None
        with self.db.session() as s:
            at = shared_queue.store_now(s.connection(), self.clock.now())
            s.merge(SettingValue(key=key, value=json.dumps(value), changed_by=self.instance_id, changed_at=at))
            s.commit()
        self.settings[key] = value
        if key == "sending_paused":
            self._new_dispatch_epoch()

    def set_settings(self, values: dict[str, Any]) -> None:
        """Change the settings in ``values`` that differ from the current ones, in order; a refused value
        stops there (EngineError)."""
        for key, value in values.items():
            if self.settings.get(key) != value:
                self.set_setting(key, value)

    # --- messages: operations ------------------------------------------------

    def queue_messages(self, requests: Iterable[OutboundRequest], **kwargs) -> QueueResult:
        """Validate, store as queued (or scheduled) and wake the dispatcher."""
        result = self.outbox.queue(list(requests), **kwargs)
        if result.accepted:
            self.dispatcher.wake()
        return result

    async def queue_messages_async(self, requests: Iterable[OutboundRequest], **kwargs) -> QueueResult:
        """As :meth:`queue_messages`, stored in one transaction with the other calls of this loop turn.

        For concurrent callers (API requests): each keeps its own job, atomicity and result, and
        resumes once its messages are committed.
        """
        result = await self.outbox.group.queue(list(requests), **kwargs)
        if result.accepted:
            self.dispatcher.wake()
        return result

    def cancel(self, ids: Iterable[int]) -> list[MessageView]:
        """Cancel queued or scheduled messages; returns the ones cancelled."""
        now = self.clock.now()
        return self._transition(ids, lifecycle.CANCEL, reason="cancelled by the operator", finished_at=now,
                                updated_at=now)

    def retry(self, ids: Iterable[int]) -> list[MessageView]:
        """Queue failed, expired, undelivered or cancelled messages again (a validity already past is
        dropped)."""
        now = self.clock.now()
        ids = list(ids)
        with self.db.session() as s:
            rows = s.exec(select(Message.id, Message.status, Message.expires_at).where(
                col(Message.id).in_(ids), Message.direction == m.OUT,
                col(Message.status).in_(lifecycle.RETRY.sources))).all()
            conn = s.connection()
            for status in {r[1] for r in rows}:
                lifecycle.apply(conn, lifecycle.RETRY, [
                    {"b_id": i, "reason": "", "updated_at": now,
                     "expires_at": None if expires and expires <= now else expires}
                    for i, st, expires in rows if st == status], expect=status)
            changed = views_of(conn, [r[0] for r in rows])
            s.commit()
        changed = [v for v in changed if v.status == m.QUEUED]
        self._publish_changed(changed)
        if changed:
            self.dispatcher.wake()
        return changed

    def _transition(self, ids, transition: lifecycle.Transition, **values) -> list[MessageView]:
        with self.db.session() as s:
            conn = s.connection()
            done = lifecycle.apply_all(conn, transition, [i for i in ids], **values)
            out = views_of(conn, done)
            s.commit()
        self._publish_changed(out)
        return out

    def _publish_changed(self, views: list[MessageView]) -> None:
        for v in views:
            self.events.publish(MessageChanged(v))

    def pause_all(self) -> None:
        """Global pause: hold every outgoing message in the queue (kept across restarts)."""
        self.set_setting("sending_paused", True)

    def resume_all(self) -> None:
        self.set_setting("sending_paused", False)
        self.dispatcher.wake()

    # --- routing rules and the opt-out list --------------------------------------------

    def routing_rules(self) -> list[RoutingRule]:
        """The routing rules in the order they are tried."""
        return list(self.router.rules())

    def set_routing_rules(self, rules: list[RoutingRule], *, origin: str | None = None) -> list[RoutingRule]:
        """Replace the routing rules (all of them, or only those of ``origin``) with ``rules``, in order."""
        from .events import RoutingRulesChanged

        replace_rules(self, rules, origin=origin)
        self.dispatcher.wake()
        self.events.publish(RoutingRulesChanged())
        return self.routing_rules()

    def blocked_numbers(self) -> list[tuple[str, str]]:
        """The opt-out list: (number, reason), by number."""
        return self.outbox.blocked_numbers()

    def block_number(self, number: str, reason: str = "") -> list[MessageView]:
        """Refuse messages to ``number`` from now on; its waiting messages fail. Returns those."""
        return self.outbox.block_number(number, reason)

    def block_numbers(self, entries: Iterable[tuple[str, str]]) -> BlockResult:
        """Block many (number, reason) pairs in one transaction: an imported opt-out list."""
        return self.outbox.block_numbers(entries)

    def unblock_number(self, number: str) -> bool:
        return self.outbox.unblock_number(number)

    def mark_read(self, ids: Iterable[int], read: bool = True) -> list[MessageView]:
        with self.db.session() as s:
            rows = s.exec(select(Message).where(col(Message.id).in_(list(ids)),
                                                Message.direction == m.IN, Message.read != read)).all()
            for row in rows:
                row.read = read
                s.add(row)
            s.commit()
            views = [MessageView.of(r) for r in rows]
        self._unread_add(-len(views) if read else len(views))
        for v in views:
            self.events.publish(MessageChanged(v))
        return views

    def delete_messages(self, ids: Iterable[int]) -> int:
        """Delete messages for good. Messages being sent cannot be deleted."""
        ids = list(ids)
        with self.db.session() as s:
            found = s.exec(select(Message.id, Message.direction, Message.read, Message.status).where(
                col(Message.id).in_(ids), Message.status != m.SENDING)).all()
            rows = [r[0] for r in found]
            self._unread_add(-sum(1 for r in found if r[1] == m.IN and not r[2]))
            if rows:
                s.exec(Message.__table__.delete().where(Message.__table__.c.id.in_(rows)))
                if self.db.is_sqlite:
                    derived.after_delete(s.connection())
                s.commit()
        if rows:
            self.counts.deleted([r[3] for r in found])
            self.events.publish(MessagesDeleted(tuple(rows)))
        return len(rows)

    # --- messages: queries -----------------------------------------------------

    def message(self, key: int | str) -> MessageView | None:
        with self.db.session() as s:
            if isinstance(key, int):
                row = s.get(Message, key)
            else:
                row = s.exec(select(Message).where(Message.uid == key)).first()
            return MessageView.of(row) if row else None

    async def message_history(self, message_id: int) -> list[journal.JournalEntry]:
        """A message's timeline, oldest first: its creation, then every change of state and every part's
        report from the journal. Read in the store lane."""
        return await asyncio.get_running_loop().run_in_executor(self.store_lane, self._history, message_id)

    def _history(self, message_id: int) -> list[journal.JournalEntry]:
        with self.db.engine.connect() as conn:
            row = conn.execute(select(Message.created_at, Message.direction, Message.gateway, Message.status)
                               .where(Message.id == message_id)).first()
            if row is None:
                return []
            entries = journal.timeline(conn, message_id)
        created, direction, gateway, status = row
        first = entries[0].from_status if entries else status
        start = journal.JournalEntry(0, created, "", first, 0, "", gateway if direction == m.IN else None, None)
        return [start, *entries]

    def list_messages(self, direction: str, *, before_id: int | None = None, limit: int = 200,
                      unread_only: bool = False) -> list[MessageView]:
        """Newest first, ``limit`` at a time; page on with the last id seen."""
        q = select(Message).where(Message.direction == direction)
        if before_id is not None:
            q = q.where(Message.id < before_id)
        if unread_only:
            q = q.where(Message.read == False)  # noqa: E712
        q = q.order_by(col(Message.id).desc()).limit(limit)
        with self.db.session() as s:
            return [MessageView.of(r) for r in s.exec(q)]

    def unread_count(self) -> int:
        """Unread received messages; counted once, then kept up to date."""
        if self._unread is None:
            if self.db.is_sqlite:
                # The per-correspondent summary holds the unread counts: summing it is
                # cheap where counting a million message rows is not.
                from sqlalchemy import text

                from app.store import derived

                derived.catch_up(self.db.engine)
                with self.db.engine.connect() as conn:
                    self._unread = conn.execute(text("SELECT coalesce(sum(unread), 0) FROM conversation")).scalar()
            else:
                with self.db.session() as s:
                    self._unread = s.exec(select(func.count()).select_from(Message).where(
                        Message.direction == m.IN, Message.read == False)).one()  # noqa: E712
        return self._unread

    def _unread_add(self, n: int) -> None:
        with self._tally:
            if self._unread is not None:
                self._unread += n

    def _new_dispatch_epoch(self) -> None:
        """A pause or resume (of all sending or of a gateway): a dispatcher pass planned before it claims
        nothing."""
        with self._tally:
            self.dispatch_epoch += 1

    def status_figures(self) -> tuple[dict[str, int], int]:
        """Messages per state and the send queue's length (queued and scheduled), as the engine keeps them:
        no store access, so a monitoring question never waits for the store. Both empty until the first
        count (moments after the start)."""
        counts = self.counts.snapshot()
        return counts, counts.get(m.QUEUED, 0) + counts.get(m.SCHEDULED, 0)

    def status_counts(self) -> dict[str, int]:
        with self.db.session() as s:
            rows = s.exec(select(Message.status, func.count()).group_by(Message.status)).all()
        return dict(rows)

    # --- gateways: operations -----------------------------------------------------

    def gateway(self, name: str) -> Gateway:
        try:
            return self.gateways[name]
        except KeyError:
            raise EngineError(f"there is no gateway named {name!r}") from None

    async def start_gateway(self, name: str) -> None:
        gw = self.gateway(name)
        await self.cluster.owners.check_start(name)
        await gw.start()
        self.dispatcher.wake()

    async def stop_gateway(self, name: str) -> None:
        """Stop a gateway; returns once the outcome of what it had in flight is recorded."""
        await self.gateway(name).stop()
        await self.outbox.settle()

    async def restart_gateway(self, name: str) -> None:
        await self.stop_gateway(name)
        await self.start_gateway(name)

    def pause_gateway(self, name: str) -> None:
        self.gateway(name).pause()

    def resume_gateway(self, name: str) -> None:
        self.gateway(name).resume()
        self.dispatcher.wake()

    def add_gateway(self, name: str, kind: str, settings: dict[str, Any], *, enabled: bool = True,
                    origin: str = "store") -> None:
        """Declare a gateway (validated against its kind's settings) and keep it in the store. Run in the store
        lane (the window does), the gateway is built on the loop before the result is back there."""
        name = name.strip()
        settings = dict(settings)
        enabled = settings.pop("enabled", enabled)
        if not name:
            raise EngineError("a gateway needs a name")
        if self.cluster.owners.default_owner(kind):  # a modem added on a shared store is this console's
            settings.setdefault("owner", self.cluster.owners.default_owner(kind))
        if name in self.gateways:
            raise EngineError(f"a gateway named {name!r} exists already")
        try:
            cls = gateway_class(kind)
            cls.setting_group().validate({**settings, "name": name, "kind": kind})
        except (SettingError, ValueError) as exc:
            raise EngineError(str(exc)) from None
        rec = GatewayRecord(name=name, kind=kind, enabled=enabled, settings=json.dumps(settings), origin=origin)
        with self.db.session() as s:
            file_edits.stamp(self, s, rec)
            s.add(rec)
            s.commit()
            s.refresh(rec)
            s.expunge(rec)

        def adopt() -> None:  # on the loop, which owns the gateways (before the caller hears of the result)
            if self.started:
                self.gateways[name] = self._build(rec)
            self.events.publish(GatewaysChanged())

        self.events.call_on_loop(adopt)

    async def remove_gateway(self, name: str) -> None:
        gw = self.gateway(name)
        await gw.stop()
        del self.gateways[name]
        await self.in_lane(self._forget_gateway, name)
        self.events.publish(GatewaysChanged())

    def _forget_gateway(self, name: str) -> None:
        """In the store lane: remove a gateway's record and what it remembered of its device."""
        with self.db.session() as s:
            rec = s.exec(select(GatewayRecord).where(GatewayRecord.name == name)).first()
            if rec:
                s.delete(rec)
                s.commit()
        gateway_memory.forget(self, name)

    def gateway_view(self, gw: Gateway) -> GatewayView:
        state = gw.state.value
        return GatewayView(
            name=gw.name, kind=gw.kind, state=state, state_reason=gw.state_reason,
            enabled=gw.settings["enabled"], sent=gw.counters.sent, failed=gw.counters.failed,
            received=gw.counters.received, busy=gw.busy, info={**gw.info(), **gw.limiter.info()},
            settings={k: v for k, v in gw.settings.items()
                      if not gw.setting_group()[k].secret},
            per_minute=tuple(gw.counters.last_hour()),
            origin=getattr(gw, "origin", "store"),
        )

    def gateway_views(self) -> list[GatewayView]:
        return [self.gateway_view(g) for g in self.gateways.values()]

    async def accept_modem_identity(self, name: str) -> str:
        """Take the new SIM (or modem) a modem gateway found as its own, so it sends again."""
        return await gateway_memory.accept_identity(self, name)

    def simulate_incoming(self, gateway: str | None = None, *, sender: str | None = None,
                          text: str | None = None) -> None:
        """Have a simulated gateway receive a message (for trying the console out); it is stored moments
        later, as any received message, and announced (MessageStored)."""
        candidates = [g for g in self.gateways.values()
                      if hasattr(g, "simulate_incoming") and (gateway is None or g.name == gateway)]
        running = [g for g in candidates if g.running]
        if not running:
            raise EngineError("no simulated gateway is running: start one in the Gateways tab")
        running[0].simulate_incoming(sender=sender, text=text)


__all__ = ["Engine", "EngineError", "OutboundRequest"]
