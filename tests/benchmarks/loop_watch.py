"""The longest time the event loop was held: a task wakes every ``period`` seconds and keeps the
largest gap between its wake-ups beyond that period (what a window or a gateway would feel)."""

from __future__ import annotations

import asyncio
import time


class LoopWatch:
    def __init__(self, period: float = 0.005):
        self.period = period
        self.longest = 0.0
        self._stop = False
        self._task: asyncio.Task | None = None

    def start(self) -> "LoopWatch":
        self._task = asyncio.ensure_future(self._watch())
        return self

    async def stop(self) -> float:
        """Stop watching; the longest hold in seconds."""
        self._stop = True
        if self._task is not None:
            await self._task
        return self.longest

    async def _watch(self) -> None:
        last = time.perf_counter()
        while not self._stop:
            await asyncio.sleep(self.period)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last - self.period)
            last = now
