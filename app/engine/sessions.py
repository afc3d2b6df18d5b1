"""Who is connected: customer sessions (API clients of the console) and
supplier sessions (the console's own gateway connections)."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from .events import SessionsChanged

if TYPE_CHECKING:
    from app.gateways.base import Gateway

    from .engine import Engine


@dataclass(frozen=True)
class CustomerSession:
    session_id: int
    user: str
    ip: str
    server: str
    protocol: str
    protocol_version: str = ""
    started: float = field(default_factory=time.time)
    last_tick: float = field(default_factory=time.time)
    state: str = "open"
    blocked: bool = False
    user_id: int = 0
    #: SMPP: the bind's mode (transmitter, receiver, transceiver); empty for HTTP sessions.
    mode: str = ""


@dataclass(frozen=True)
class SupplierSession:
    session_id: int
    gateway: str
    kind: str
    status: str
    started: float | None
    last_tick: float | None
    device: str = ""
    remote_host: str = ""
    remote_port: int = 0
    gate_id: int = 0
    #: The connection's number within its gateway (1, 2 for an SMPP transmitter and receiver).
    conn_id: int = 1
    #: SMPP: the bind's mode (transceiver, transmitter, receiver).
    mode: str = ""
    local_host: str = ""
    local_port: int = 0


#: Closed customer sessions kept for the Sessions tab and the HORISEN API (the oldest go first).
MAX_CLOSED = 1000
#: A session's last tick is at most this old while its requests come in (seconds).
_TICK_SECONDS = 0.1
#: Seconds between two looks for idle sessions while requests come in.
_SWEEP_SECONDS = 1.0


class SessionRegistry:
    def __init__(self, engine: "Engine", *, clock=time.time):
        self.engine = engine
        self.clock = clock
        self._ids = itertools.count(1)
        #: Open and recently closed customer sessions by id, oldest first.
        self.customers: dict[int, CustomerSession] = {}
        #: (user, address, protocol) -> id of the open session.
        self._open: dict[tuple[str, str, str], int] = {}
        self._closed = 0
        self._swept = 0.0
        #: Users whose API access was stopped by an operator, until unblocked.
        self.blocked_users: set[str] = set()
        #: Called with the user's name when an operator stops a user: connected front ends (SMPP binds)
        #: end the user's connections.
        self.on_stop: list = []

    # customer sessions are opened and ticked by the HTTP API
    def open_customer(self, user: str, ip: str, server: str, protocol: str, protocol_version: str = "",
                      user_id: int = 0) -> CustomerSession:
        now = self.clock()
        if now - self._swept >= _SWEEP_SECONDS:
            self.expire_idle()
        sid = self._open.get((user, ip, protocol))
        if sid is not None:
            current = self.customers[sid]
            if now - current.last_tick < _TICK_SECONDS:  # a client sending hundreds a second: ticked already
                return current
            ticked = replace(current, last_tick=now)
            self.customers[sid] = ticked
            return ticked
        sess = CustomerSession(next(self._ids), user, ip, server, protocol, protocol_version, started=now,
                               last_tick=now, user_id=user_id, blocked=user in self.blocked_users)
        self.customers[sess.session_id] = sess
        self._open[(user, ip, protocol)] = sess.session_id
        self.engine.events.publish(SessionsChanged())
        return sess

    def open_connection(self, user: str, address: str, server: str, protocol: str, protocol_version: str,
                        mode: str, user_id: int = 0) -> CustomerSession:
        """A session for one connection (an SMPP bind): its own row, closed by :meth:`close_connection`."""
        now = self.clock()
        sess = CustomerSession(next(self._ids), user, address, server, protocol, protocol_version, started=now,
                               last_tick=now, user_id=user_id, mode=mode, blocked=user in self.blocked_users)
        self.customers[sess.session_id] = sess
        self._open[(user, address, protocol)] = sess.session_id
        self.engine.events.publish(SessionsChanged())
        return sess

    def tick(self, session_id: int) -> None:
        """The connection was heard from (an enquire_link)."""
        sess = self.customers.get(session_id)
        if sess is not None and sess.state == "open":
            self.customers[session_id] = replace(sess, last_tick=self.clock())

    def close_connection(self, session_id: int) -> None:
        if session_id in self.customers and self.customers[session_id].state != "closed":
            self._close([session_id])

    def expire_idle(self) -> int:
        """Close the sessions idle for longer than the ``session_idle_seconds`` setting; returns how many."""
        now = self._swept = self.clock()
        horizon = now - self.engine.settings.get("session_idle_seconds", 600)
        # connections (SMPP binds) stay open while connected: their server unbinds the silent ones
        idle = [sid for sid in self._open.values()
                if self.customers[sid].last_tick < horizon and not self.customers[sid].mode]
        self._close(idle)
        return len(idle)

    def _close(self, ids: list[int], *, blocked: bool = False) -> None:
        """Mark sessions closed (and blocked); keep the latest MAX_CLOSED closed ones."""
        if not ids:
            return
        for sid in ids:
            sess = self.customers[sid]
            if sess.state != "closed":
                self._open.pop((sess.user, sess.ip, sess.protocol), None)
                self._closed += 1
            self.customers[sid] = replace(sess, state="closed", blocked=sess.blocked or blocked)
        if self._closed > MAX_CLOSED:
            for sid in [sid for sid, sess in self.customers.items() if sess.state == "closed"][:self._closed - MAX_CLOSED]:
                del self.customers[sid]
            self._closed = MAX_CLOSED
        self.engine.events.publish(SessionsChanged())

    def load_blocked(self) -> None:
        """Read the users an operator stopped; they stay blocked across restarts."""
        from sqlmodel import select

        from app.store.models import User

        with self.engine.db.session() as s:
            self.blocked_users = set(s.exec(select(User.name).where(User.api_blocked == True)))  # noqa: E712

    def _store_blocked(self, user: str, blocked: bool) -> bool:
        """Record the block on the user's row; False when there is no such user."""
        from sqlmodel import select

        from app.store.models import User

        with self.engine.db.session() as s:
            row = s.exec(select(User).where(User.name == user)).first()
            if row is None:
                return False
            row.api_blocked = blocked
            s.add(row)
            s.commit()
        return True

    def stop_customer(self, user: str) -> int:
        """End the user's sessions and block the user until unblocked (kept in the store).

        Raises EngineError when no user has that name.
        """
        from .requests import EngineError

        if not self._store_blocked(user, True):
            raise EngineError(f"there is no user named {user!r}")
        return self._end_blocked(user)

    async def stop_customer_async(self, user: str) -> int:
        """:meth:`stop_customer` with its store write in the store lane."""
        from .requests import EngineError

        if not await self.engine.in_lane(self._store_blocked, user, True):
            raise EngineError(f"there is no user named {user!r}")
        return self._end_blocked(user)

    def _end_blocked(self, user: str) -> int:
        self.blocked_users.add(user)
        for stop in list(self.on_stop):
            stop(user)
        ended = [sid for key, sid in self._open.items() if key[0] == user]
        # the user's sessions stay listed, closed and blocked, so everyone sees who was stopped
        self._close(ended, blocked=True)
        for sid, sess in self.customers.items():
            if sess.user == user and not sess.blocked:
                self.customers[sid] = replace(sess, blocked=True)
        self.engine.events.publish(SessionsChanged())
        return len(ended)

    def end_protocol(self, protocol: str) -> int:
        """End every customer session of one API front-end (its connector was stopped)."""
        ended = [sid for key, sid in self._open.items() if key[2] == protocol]
        self._close(ended)
        return len(ended)

    def unblock(self, user: str) -> None:
        self._store_blocked(user, False)
        self._lift_block(user)

    async def unblock_async(self, user: str) -> None:
        """:meth:`unblock` with its store write in the store lane."""
        await self.engine.in_lane(self._store_blocked, user, False)
        self._lift_block(user)

    def _lift_block(self, user: str) -> None:
        self.blocked_users.discard(user)
        for sid, sess in self.customers.items():
            if sess.user == user and sess.blocked:
                self.customers[sid] = replace(sess, blocked=False)
        self.engine.events.publish(SessionsChanged())

    def suppliers(self) -> list[SupplierSession]:
        out = []
        for i, gw in enumerate(self.engine.gateways.values(), start=1):
            for j, conn in enumerate(gw.connections(), start=1):
                out.append(SupplierSession(
                    session_id=len(out) + 1, gateway=gw.name, kind=gw.kind, status=gw.state.value,
                    started=gw.started_at, last_tick=gw.last_activity or gw.started_at,
                    device=conn.get("device", ""), remote_host=conn.get("remote_host", ""),
                    remote_port=conn.get("remote_port", 0), gate_id=i, conn_id=j, mode=conn.get("mode", ""),
                    local_host=conn.get("local_host", ""), local_port=conn.get("local_port", 0)))
        return out

    def gateway_changed(self, gateway: "Gateway") -> None:
        self.engine.events.publish(SessionsChanged())
