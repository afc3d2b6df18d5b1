"""Send limits of a gateway: at most so many messages a minute and a day.

Any gateway kind can hold one: it asks :meth:`SendLimiter.room` how many more messages it may take
now, tells :meth:`SendLimiter.count` of each message sent, and restores the counts from the store at
start (:meth:`SendLimiter.restore`), so a restart keeps them where they were. ``reset-send-limit``
starts both counts afresh.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from app.settings import Setting

if TYPE_CHECKING:
    from .services import GatewayServices

log = logging.getLogger(__name__)

#: The settings of a gateway kind whose sends are limited.
LIMIT_SETTINGS = (
    Setting("per_minute", int, 0, "Most messages sent per minute (0: no limit).", minimum=0),
    Setting("per_day", int, 0, "Most messages sent per day (0: no limit); reset-send-limit resets the count.",
            minimum=0),
)


class SendLimiter:
    def __init__(self, per_minute: int = 0, per_day: int = 0):
        self.per_minute = per_minute
        self.per_day = per_day
        self._sent_times: deque[float] = deque()
        self._day = ""
        self._day_count = 0

    @property
    def limited(self) -> bool:
        return bool(self.per_minute or self.per_day)

    def room(self, busy: int) -> int | None:
        """How many more messages may be taken now, with ``busy`` taken and not yet sent (None: no limit)."""
        room = None
        if self.per_minute:
            room = self.per_minute - self.last_minute() - busy
        if self.per_day:
            day = self.per_day - self.today() - busy
            room = day if room is None else min(room, day)
        return None if room is None else max(0, room)

    def last_minute(self) -> int:
        """Messages sent in the last 60 seconds."""
        now = time.monotonic()
        while self._sent_times and now - self._sent_times[0] >= 60:
            self._sent_times.popleft()
        return len(self._sent_times)

    def today(self) -> int:
        """Messages sent today (local time), since the last reset."""
        return self._day_count if self._day == time.strftime("%Y-%m-%d") else 0

    def count(self) -> None:
        """One message was sent."""
        self._sent_times.append(time.monotonic())
        today = time.strftime("%Y-%m-%d")
        if self._day != today:
            self._day, self._day_count = today, 0
        self._day_count += 1

    def reset(self) -> None:
        """Start counting both limits afresh (Diafaan's reset-send-limit)."""
        self._day_count = 0
        self._sent_times.clear()

    def info(self) -> dict[str, str]:
        """The counts against their limits, for the gateway's information."""
        out = {}
        if self.per_minute:
            out["sent_last_minute"] = f"{self.last_minute()}/{self.per_minute}"
        if self.per_day:
            out["sent_today"] = f"{self.today()}/{self.per_day}"
        return out

    async def restore(self, services: "GatewayServices", gateway: str) -> None:
        """Count from the store what the limits count: today's sent messages for the per-day limit, and when
        the last minute's were sent for the per-minute limit (read off the loop).

        The store may not hold a send of a moment ago yet (results are committed in groups), so a count
        already held is kept where it is higher.
        """
        if not services.counts_sends or not self.limited:
            return
        now = datetime.now().astimezone()
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)

        def read() -> tuple[int, list[datetime]]:
            return (services.sent_count(midnight) if self.per_day else 0,
                    services.latest_sends(now - timedelta(seconds=60), self.per_minute) if self.per_minute else [])

        try:
            today, recent = await asyncio.to_thread(read)
        except Exception:
            log.exception("gateway %s: the messages it sent lately could not be counted; its send limits "
                          "count from 0", gateway)
            return
        day = midnight.strftime("%Y-%m-%d")
        if self.per_day and (self._day != day or today > self._day_count):
            self._day, self._day_count = day, today
        if len(recent) > self.last_minute():
            clock, wall = time.monotonic(), datetime.now().astimezone()
            self._sent_times = deque(clock - (wall - sent).total_seconds() for sent in recent)
