"""Who may use the HTTP API: user names and passwords checked against the
``user`` table, with a short-lived cache of successful checks and a growing
delay for repeated failures from one address.

Checking a password costs one scrypt derivation (about 50 ms), which runs in
a worker thread so the event loop never waits for it. A client that sends
1,000 requests a second with the same credentials must not cost 1,000
derivations, so a successful check is remembered for ``CACHE_SECONDS``:

* the cache key is the user name and an HMAC-SHA256 of the password under a
  random key made when the process starts; the password itself is never kept,
  and the key is never written anywhere;
* only successes are cached, so a wrong password always costs a full check
  (and counts as a failure);
* requests that arrive with the same credentials while their check runs
  (a client opening many connections at once) share that one derivation;
* on every hit the user's block (Sessions tab, ``stop_customer``) is checked
  again, so a stopped user is refused at once; a changed password, a disabled
  user or changed privileges take effect when the entry expires, or at once
  through :meth:`Authenticator.forget`.

Guessing is slowed down per address and per user name alike, also when the
guesses come in parallel: the checks of one address (and of one user name)
run one after another, each waiting :meth:`Authenticator.penalty` after the
first ``FREE_FAILURES`` failures, and a guess that finds ``MAX_WAITING``
checks of its address or user already in line is refused at once (the
front ends answer 429 with ``Retry-After``) without its password being
looked at. Credentials that succeeded within ``PROVEN_SECONDS`` skip the
line (they are still verified), so an attack from a shared address does not
lock out a client that already knows its password.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import os
import time
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlmodel import select

from app.store.models import User
from app.store.passwords import verify_password

if TYPE_CHECKING:
    from app.engine.engine import Engine
    from app.engine.sessions import CustomerSession

#: How long a successful check is remembered.
CACHE_SECONDS = 30.0
#: Failures from one address within this many seconds count together.
FAILURE_WINDOW = 300.0
#: Failures allowed from one address before each further attempt is delayed.
FREE_FAILURES = 3
#: Longest delay of one attempt, in seconds.
MAX_DELAY = 10.0
#: Checks of one address or user name that may be in line at once (one running, the others waiting).
MAX_WAITING = 3
#: How long credentials that succeeded skip the line of failed guesses.
PROVEN_SECONDS = 24 * 3600.0
#: Entries kept at most in each of the tables of remembered credentials and failure counts.
MAX_ENTRIES = 10_000
#: A scrypt hash of a random password, checked when the user does not exist so
#: that an unknown name takes as long as a wrong password.
_DUMMY_HASH = ("scrypt$16384$8$1$7a1c3e0f5b2d4c6e8a9b0c1d2e3f4a5b$"
               "4f1b6e0a3c8d2e7f9a5b1c6d0e4f8a2b7c3d9e5f1a6b0c4d8e2f7a3b9c5d1e6f")


class AuthError(Exception):
    """Credentials refused. ``reason`` says why in words; ``blocked`` is true
    when the user exists but may not log in now (disabled or stopped)."""

    def __init__(self, reason: str, blocked: bool = False, *, retry_after: float = 0.0):
        super().__init__(reason)
        self.reason = reason
        self.blocked = blocked
        #: Seconds to wait before trying again when the login was refused for too many failures, else 0.
        self.retry_after = retry_after

    @property
    def throttled(self) -> bool:
        return self.retry_after > 0


@dataclass(frozen=True)
class UserInfo:
    name: str
    admin: bool = False
    privileges: frozenset[str] = field(default_factory=frozenset)
    user_id: int = 0

    def has(self, privilege: str) -> bool:
        """Whether the user may use ``privilege`` (administrators may use all)."""
        return self.admin or privilege in self.privileges


class Authenticator:
    """Checks API credentials and opens customer sessions for the requests."""

    def __init__(self, engine: "Engine", *, cache_seconds: float = CACHE_SECONDS):
        self.engine = engine
        self.cache_seconds = cache_seconds
        self._key = os.urandom(32)
        self._cache: dict[tuple[str, bytes], tuple[UserInfo, float]] = {}
        #: Checks under way, shared by the requests that bring the same credentials meanwhile.
        self._checking: dict[tuple[str, bytes], asyncio.Future] = {}
        self._failures: dict[str, deque[float]] = {}
        #: Credentials (as cache keys) that succeeded, and until when they skip the line.
        self._proven: dict[tuple[str, bytes], float] = {}
        #: Per address and per user name: the lock that keeps their checks in line, and how many are in it.
        self._lines: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    # --- checking -------------------------------------------------------------

    async def check(self, name: str, password: str, ip: str) -> UserInfo:
        """The user these credentials belong to; raises :class:`AuthError`.

        A coroutine: the password derivation runs in a worker thread. Unless the
        credentials are remembered or proven, the check waits its turn behind the
        other checks of its address and user name and the :meth:`penalty` their
        failures earned, or is refused at once (``retry_after``) when that line is full.
        """
        blocked = self.engine.sessions.blocked_users
        key = (name, hmac.new(self._key, password.encode("utf-8", "surrogatepass"), hashlib.sha256).digest())
        now = time.monotonic()
        hit = self._cache.get(key)
        if hit is not None and hit[1] > now:
            if name in blocked:
                raise AuthError(f"user {name!r} was stopped by the operator", blocked=True)
            return hit[0]
        checking = self._checking.get(key)
        if checking is not None:  # the same credentials are being checked: their answer is this one's
            row, ok = await asyncio.shield(checking)
        elif self._proven.get(key, 0.0) > now:
            row, ok = await self._shared_check(key, name, password)
        else:
            row, ok = await self._check_in_line(key, name, password, ip)
        if not ok or row is None:
            self._fail(ip)
            self._fail(_user_key(name))
            raise AuthError("wrong user name or password")
        if not row["enabled"]:
            raise AuthError(f"user {name!r} is disabled", blocked=True)
        if name in blocked:
            raise AuthError(f"user {name!r} was stopped by the operator", blocked=True)
        self._failures.pop(ip, None)
        self._failures.pop(_user_key(name), None)
        info = UserInfo(name=name, admin=row["admin"], privileges=frozenset(row["privileges"]),
                        user_id=row["id"])
        now = time.monotonic()
        self._prune(now)
        self._cache[key] = (info, now + self.cache_seconds)
        self._proven.pop(key, None)
        self._proven[key] = now + PROVEN_SECONDS
        return info

    async def _shared_check(self, key, name: str, password: str) -> tuple[dict[str, Any] | None, bool]:
        """Verify, sharing the derivation with the requests that bring the same credentials meanwhile."""
        checking = self._checking.get(key)
        if checking is None:
            checking = self._checking[key] = asyncio.ensure_future(self._verify(name, password))
            checking.add_done_callback(lambda _: self._checking.pop(key, None))
        return await asyncio.shield(checking)

    async def _check_in_line(self, key, name: str, password: str, ip: str) -> tuple[dict[str, Any] | None, bool]:
        """Verify after the checks of this address and this user name that are already in line, and after the
        penalty their failures earned; refuse at once when the line is full."""
        keys = sorted({ip, _user_key(name)})
        lines = [self._lines.setdefault(k, (asyncio.Lock(), [0])) for k in keys]
        if any(count[0] >= MAX_WAITING for _lock, count in lines):
            wait = max(max(self.penalty(k) for k in keys), 1.0)
            raise AuthError(f"too many failed logins from this address or for this user: retry in {wait:.0f} s",
                            retry_after=wait)
        for _lock, count in lines:
            count[0] += 1
        try:
            async with contextlib.AsyncExitStack() as stack:
                for lock, _count in lines:
                    await stack.enter_async_context(lock)
                delay = max(self.penalty(k) for k in keys)
                if delay:
                    await asyncio.sleep(delay)
                return await self._shared_check(key, name, password)
        finally:
            for k, (_lock, count) in zip(keys, lines):
                count[0] -= 1
                if count[0] == 0:
                    self._lines.pop(k, None)

    async def _verify(self, name: str, password: str) -> tuple[dict[str, Any] | None, bool]:
        """The user's row and whether the password (or the user's API secret) matches; in worker threads."""
        row = await self.engine.in_lane(self._load, name)
        ok = await asyncio.to_thread(verify_password, password, row["hash"] if row else _DUMMY_HASH)
        if not ok and row is not None and row["secret"]:  # the user's separate API secret
            ok = await asyncio.to_thread(verify_password, password, row["secret"])
        return row, ok

    def _load(self, name: str) -> dict[str, Any] | None:
        with self.engine.db.session() as s:
            row = s.exec(select(User).where(User.name == name)).first()
            if row is None:
                return None
            try:
                privileges = [p for p in json.loads(row.privileges or "[]") if isinstance(p, str)]
            except ValueError:
                privileges = []
            return {"id": row.id or 0, "hash": row.password_hash, "enabled": row.enabled, "admin": row.admin,
                    "privileges": privileges, "secret": row.api_secret_hash}

    def forget(self, name: str | None = None) -> None:
        """Drop remembered checks of ``name`` (all users when None), e.g. after a password change."""
        if name is None:
            self._cache.clear()
        else:
            for key in [k for k in self._cache if k[0] == name]:
                del self._cache[key]

    def _prune(self, now: float) -> None:
        if len(self._cache) > 1000:
            for key in [k for k, (_, until) in self._cache.items() if until <= now]:
                del self._cache[key]
        if len(self._proven) >= MAX_ENTRIES:
            for key in [k for k, until in self._proven.items() if until <= now] or list(self._proven)[:100]:
                del self._proven[key]

    # --- failed logins ----------------------------------------------------------

    def _fail(self, key: str) -> None:
        """Count a failed login of ``key`` (an address, or a user name as :func:`_user_key` spells it)."""
        if len(self._failures) >= MAX_ENTRIES and key not in self._failures:
            horizon = time.monotonic() - FAILURE_WINDOW
            for k in [k for k, q in self._failures.items() if not q or q[-1] < horizon] or list(self._failures)[:100]:
                del self._failures[k]
        self._failures.setdefault(key, deque(maxlen=64)).append(time.monotonic())

    def failures(self, ip: str) -> int:
        """Failed logins from ``ip`` (or of a user, keyed as :func:`_user_key` says) within the last
        ``FAILURE_WINDOW`` seconds."""
        q = self._failures.get(ip)
        if not q:
            return 0
        horizon = time.monotonic() - FAILURE_WINDOW
        while q and q[0] < horizon:
            q.popleft()
        return len(q)

    def penalty(self, ip: str) -> float:
        """Seconds the next attempt from ``ip`` waits: nothing for the first
        failures, then doubling from a quarter second up to ``MAX_DELAY``."""
        extra = self.failures(ip) - FREE_FAILURES
        if extra < 0:
            return 0.0
        return min(MAX_DELAY, 0.25 * 2 ** extra)

    def user_failures(self, name: str) -> int:
        """Failed logins of user ``name`` (from any address) within the last ``FAILURE_WINDOW`` seconds."""
        return self.failures(_user_key(name))

    # --- sessions ------------------------------------------------------------------

    def session(self, user: UserInfo, request, protocol: str, protocol_version: str = "") -> "CustomerSession":
        """Open (or tick) the customer session of this user, address and protocol."""
        ip = request.remote or ""
        host = request.host or ""
        return self.engine.sessions.open_customer(user.name, ip, host, protocol, protocol_version,
                                                  user_id=user.user_id)


def _user_key(name: str) -> str:
    """The failure-count key of a user name (addresses never start with ``user:``)."""
    return "user:" + name
