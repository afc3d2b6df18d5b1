"""Requests per user in a sliding window (Retarus: "too many requests in the last 10 seconds")."""

from __future__ import annotations

import math
import time
from collections import deque

WINDOW_SECONDS = 10.0


class RateLimiter:
    """At most ``limit`` requests per key within ``window`` seconds (0: no limit)."""

    def __init__(self, limit: int, window: float = WINDOW_SECONDS, *, clock=time.monotonic):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._seen: dict[str, deque[float]] = {}

    def hit(self, key: str) -> float:
        """Count one request; returns 0 when allowed, else the seconds until one would be."""
        if self.limit <= 0:
            return 0.0
        now = self._clock()
        q = self._seen.setdefault(key, deque())
        horizon = now - self.window
        while q and q[0] <= horizon:
            q.popleft()
        if len(q) >= self.limit:
            return max(0.001, q[0] + self.window - now)
        q.append(now)
        return 0.0

    @staticmethod
    def retry_after(wait: float) -> str:
        """The ``Retry-After`` header value (whole seconds, at least 1)."""
        return str(max(1, math.ceil(wait)))
