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
#: Tokens kept at most; the oldest go first when more are issued.
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

    def issue(self, name: str, user: Any) -> tuple[str, int]:
        """A new token for ``user`` (named ``name``); returns the token and its lifetime in seconds."""
        self._purge()
        while len(self._grants) >= MAX_TOKENS:
            del self._grants[next(iter(self._grants))]
        token = secrets.token_urlsafe(32)
        self._grants[_digest(token)] = Grant(user, name, self.clock() + self.lifetime)
        return token, self.lifetime

    def check(self, token: str) -> Grant | None:
        """The grant of a valid, unexpired token; None otherwise."""
        key = _digest(token)
        grant = self._grants.get(key)
        if grant is None:
            return None
        if grant.expires_at <= self.clock():
            del self._grants[key]
            return None
        return grant

    def revoke_user(self, name: str) -> int:
        """Forget every token of a user (stopped by an operator); returns how many."""
        keys = [k for k, g in self._grants.items() if g.name == name]
        for k in keys:
            del self._grants[k]
        return len(keys)

    def _purge(self) -> None:
        now = self.clock()
        for k in [k for k, g in self._grants.items() if g.expires_at <= now]:
            del self._grants[k]

    def __len__(self) -> int:
        return len(self._grants)
