"""Password guessing slowed per client address, across its connections.

Each address has a count of failed binds (wrong password, unknown system_id). Past the first
``FREE_FAILURES``, every bind from it waits before its password is even checked, twice as long after each
further failure, up to ``MAX_DELAY`` seconds: a right password is answered as late as a wrong one, so
dropping a slow attempt tells nothing. At most ``MAX_ATTEMPTS`` binds from one address are checked at
once; more are refused at once with ESME_RBINDFAIL. A successful bind clears its address's count; an
address without a failure for ``FORGET_SECONDS`` is forgotten.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

#: Failed binds an address may make before its binds wait.
FREE_FAILURES = 3
#: The wait after the first failure beyond the free ones, and the longest wait (seconds).
FIRST_DELAY, MAX_DELAY = 1.0, 60.0
#: Binds of one address being checked (or waiting) at once.
MAX_ATTEMPTS = 3
#: Seconds without a failure after which an address starts afresh.
FORGET_SECONDS = 900.0


@dataclass
class _Address:
    failures: int = 0
    last_failure: float = 0.0
    attempts: int = 0


class BindGuard:
    def __init__(self, *, clock=time.monotonic):
        self.clock = clock
        self._addresses: dict[str, _Address] = {}

    def _get(self, host: str) -> _Address:
        now = self.clock()
        for key in [k for k, a in self._addresses.items()
                    if not a.attempts and now - a.last_failure > FORGET_SECONDS]:
            del self._addresses[key]
        return self._addresses.setdefault(host, _Address())

    def enter(self, host: str) -> float | None:
        """Start a bind attempt from ``host``: the seconds it waits before its password is checked, or None
        when the address has ``MAX_ATTEMPTS`` under way already (refuse it)."""
        entry = self._get(host)
        if entry.attempts >= MAX_ATTEMPTS:
            return None
        entry.attempts += 1
        return self.delay(host)

    def delay(self, host: str) -> float:
        entry = self._addresses.get(host)
        beyond = entry.failures - FREE_FAILURES if entry else 0
        return 0.0 if beyond < 1 else min(MAX_DELAY, FIRST_DELAY * 2 ** (beyond - 1))

    def leave(self, host: str, *, ok: bool | None) -> None:
        """End an attempt: ``ok`` True clears the address's failures, False counts one, None neither (a bind
        refused for another reason than its password)."""
        entry = self._addresses.get(host)
        if entry is None:
            return
        entry.attempts = max(0, entry.attempts - 1)
        if ok:
            entry.failures = 0
        elif ok is False:
            entry.failures += 1
            entry.last_failure = self.clock()

    def failures(self, host: str) -> int:
        entry = self._addresses.get(host)
        return entry.failures if entry else 0
