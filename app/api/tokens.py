"""Bearer tokens of the OAuth 2.0 client-credentials grant, with expiry.

Tokens live in memory only (a restart logs every client out, which then asks
for a new one, as client-credentials clients do on 401). Only a SHA-256
digest of each token is kept, so the table holds nothing a client could
present.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any, Callable

DEFAULT_LIFETIME = 3600
#: Tokens one user holds at most; a new one ends that user's oldest, never another user's.
MAX_PER_USER = 50
#: Tokens kept at most; when full, a new one ends the oldest token of the user holding the most.
MAX_TOKENS = 10_000


@dataclass(frozen=True)
class Grant:
    """What a token stands for: the user it was issued to, and until when."""

    user: Any
    name: str
    expires_at: float


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class TokenStore:
    def __init__(self, lifetime: int = DEFAULT_LIFETIME, clock: Callable[[], float] = time.monotonic):
        self.lifetime = lifetime
        self.clock = clock
        self._grants: dict[str, Grant] = {}
        #: Each user's token digests, oldest first.
        self._by_user: dict[str, dict[str, None]] = {}

    def issue(self, name: str, user: Any) -> tuple[str, int]:
        """A new token for ``user`` (named ``name``); returns the token and its lifetime in seconds.

        A user who already holds :data:`MAX_PER_USER` tokens loses the oldest of them, so no user can
        push out the tokens of others."""
        if len(self._grants) >= MAX_TOKENS:
            self._purge()
        own = self._by_user.setdefault(name, {})
        while len(own) >= MAX_PER_USER:
            self._drop(next(iter(own)))
        if len(self._grants) >= MAX_TOKENS:
            richest = max(self._by_user.values(), key=len)
            self._drop(next(iter(richest)))
        token = secrets.token_urlsafe(32)
        key = _digest(token)
        self._grants[key] = Grant(user, name, self.clock() + self.lifetime)
        self._by_user.setdefault(name, {})[key] = None
        return token, self.lifetime

    def _drop(self, key: str) -> None:
        grant = self._grants.pop(key, None)
        if grant is None:
            return
        own = self._by_user.get(grant.name)
        if own is not None:
            own.pop(key, None)
            if not own:
                del self._by_user[grant.name]

    def check(self, token: str) -> Grant | None:
        """The grant of a valid, unexpired token; None otherwise."""
        key = _digest(token)
        grant = self._grants.get(key)
        if grant is None:
            return None
        if grant.expires_at <= self.clock():
            self._drop(key)
            return None
        return grant

    def revoke_user(self, name: str) -> int:
        """Forget every token of a user (stopped by an operator); returns how many."""
        keys = list(self._by_user.get(name, ()))
        for k in keys:
            self._drop(k)
        return len(keys)

    def _purge(self) -> None:
        now = self.clock()
        for k in [k for k, g in self._grants.items() if g.expires_at <= now]:
            self._drop(k)

    def __len__(self) -> int:
        return len(self._grants)

    def held_by(self, name: str) -> int:
        """How many tokens user ``name`` holds."""
        return len(self._by_user.get(name, ()))
