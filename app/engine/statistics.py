"""Figures for the Statistics view and for monitoring: messages per hour and per day by gateway
and direction, the delivery rate, failures by reason, and samples of the queue, the send rate and
each modem's signal and registration over the last day.

Store reads cover a time window through the index on ``message.created_at`` (one grouped query per
figure), so their cost follows the window's traffic, never the whole history. The samples are
kept in memory by :class:`StatisticsSampler` (a day at one a minute); they start with the console.
No Qt here.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING

from sqlalchemy import text as sql

from app.store import models as m

if TYPE_CHECKING:
    from .engine import Engine

#: Outcomes that end a message badly (the delivery rate's denominator with ``delivered``).
FAILED_STATES = (m.FAILED, m.UNDELIVERED, m.EXPIRED)
HOURS = 24
DAYS = 14
#: How many failure reasons are listed (the others are summed as one).
TOP_REASONS = 8


@dataclass(frozen=True)
class Sample:
    at: float
    queue: int
    #: Messages handed over by all gateways since the previous sample, per minute.
    send_rate: float


@dataclass(frozen=True)
class ModemSample:
    at: float
    bars: int | None
    dbm: int | None
    registered: bool


@dataclass
class Statistics:
    now: datetime
    #: Start of each hour (UTC), oldest first, and the counts per (gateway, direction) in each.
    hours: list[datetime]
    per_hour: dict[tuple[str, str], list[int]]
    days: list[datetime]
    per_day: dict[tuple[str, str], list[int]]
    delivered: int
    failed: int
    failures: list[tuple[str, int]]
    samples: list[Sample] = field(default_factory=list)
    modems: dict[str, list[ModemSample]] = field(default_factory=dict)

    @property
    def delivery_rate(self) -> float | None:
        """Delivered of the messages that reached an outcome in the last day (None: none did)."""
        done = self.delivered + self.failed
        return self.delivered / done if done else None


def _bucket(is_sqlite: bool, length: int) -> str:
    """The first ``length`` characters of ``created_at`` as ``YYYY-MM-DD HH`` (13) or ``YYYY-MM-DD`` (10)."""
    if is_sqlite:
        return f"substr(created_at, 1, {length})"
    return "to_char(created_at, 'YYYY-MM-DD HH24')" if length == 13 else "to_char(created_at, 'YYYY-MM-DD')"


def _series(rows, starts: list[datetime], fmt: str) -> dict[tuple[str, str], list[int]]:
    where = {s.strftime(fmt): i for i, s in enumerate(starts)}
    out: dict[tuple[str, str], list[int]] = {}
    for bucket, gateway, direction, n in rows:
        i = where.get(str(bucket))
        if i is not None:
            out.setdefault((gateway or "", direction), [0] * len(starts))[i] += int(n)
    return out


def read_statistics(engine: "Engine", now: datetime | None = None, *, days: int = DAYS) -> Statistics:
    """The store's figures for the last ``HOURS`` hours and ``days`` days (blocking: run it in the store lane)."""
    now = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    hour0 = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=HOURS - 1)
    day0 = now.replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=days - 1)
    hours = [hour0 + timedelta(hours=i) for i in range(HOURS)]
    day_starts = [day0 + timedelta(days=i) for i in range(days)]
    is_sqlite = engine.db.is_sqlite
    naive = {"hour0": hour0.replace(tzinfo=None), "day0": day0.replace(tzinfo=None),
             "since": (now - timedelta(hours=HOURS)).replace(tzinfo=None)}
    grouped = ("SELECT {b} AS bucket, gateway, direction, count(*) FROM message WHERE created_at >= :{p} "
               "GROUP BY {b}, gateway, direction")
    failed = ", ".join(f"'{s}'" for s in FAILED_STATES)
    # SQLite: "+" keeps the planner on the time index (the status index would walk the whole history)
    p = "+" if is_sqlite else ""
    with engine.db.engine.connect() as conn:
        per_hour_rows = conn.execute(sql(grouped.format(b=_bucket(is_sqlite, 13), p="hour0")), naive).all()
        per_day_rows = conn.execute(sql(grouped.format(b=_bucket(is_sqlite, 10), p="day0")), naive).all()
        outcomes = dict(conn.execute(sql(
            f"SELECT status, count(*) FROM message WHERE created_at >= :since AND {p}direction = '{m.OUT}' "
            f"AND {p}status IN ('{m.DELIVERED}', {failed}) GROUP BY status"), naive).all())
        reasons = conn.execute(sql(
            f"SELECT coalesce(reason, ''), count(*) AS n FROM message WHERE created_at >= :since "
            f"AND {p}direction = '{m.OUT}' AND {p}status IN ({failed}) GROUP BY coalesce(reason, '') "
            f"ORDER BY n DESC"), naive).all()
    failures = [(r or "", int(n)) for r, n in reasons[:TOP_REASONS]]
    rest = sum(int(n) for _r, n in reasons[TOP_REASONS:])
    if rest:
        failures.append(("…", rest))
    return Statistics(now=now, hours=hours, per_hour=_series(per_hour_rows, hours, "%Y-%m-%d %H"),
                      days=day_starts, per_day=_series(per_day_rows, day_starts, "%Y-%m-%d"),
                      delivered=int(outcomes.get(m.DELIVERED, 0)),
                      failed=sum(int(outcomes.get(s, 0)) for s in FAILED_STATES), failures=failures)


@dataclass(frozen=True)
class RecentFigures:
    """What monitoring asks for most (``request-server-status``): the last hour's traffic and the last day's
    delivery rate, read by the dispatcher's time-driven work every ``RECENT_EVERY`` seconds."""

    at: datetime
    sent_last_hour: int
    received_last_hour: int
    delivered_last_day: int
    failed_last_day: int

    @property
    def delivery_rate(self) -> float | None:
        done = self.delivered_last_day + self.failed_last_day
        return self.delivered_last_day / done if done else None


#: Seconds between two readings of :class:`RecentFigures`.
RECENT_EVERY = 60.0


def read_recent(conn, is_sqlite: bool, now: datetime) -> RecentFigures:
    """The recent figures, through the time index (blocking: the store lane runs it)."""
    now = now.astimezone(timezone.utc)
    naive = {"hour": (now - timedelta(hours=1)).replace(tzinfo=None),
             "day": (now - timedelta(days=1)).replace(tzinfo=None)}
    p = "+" if is_sqlite else ""  # SQLite: stay on the time index, as read_statistics does
    by_direction = dict(conn.execute(sql(
        f"SELECT direction, count(*) FROM message WHERE created_at >= :hour GROUP BY {p}direction"), naive).all())
    failed = ", ".join(f"'{s}'" for s in FAILED_STATES)
    outcomes = dict(conn.execute(sql(
        f"SELECT status, count(*) FROM message WHERE created_at >= :day AND {p}direction = '{m.OUT}' "
        f"AND {p}status IN ('{m.DELIVERED}', {failed}) GROUP BY status"), naive).all())
    return RecentFigures(now, int(by_direction.get(m.OUT, 0)), int(by_direction.get(m.IN, 0)),
                         int(outcomes.get(m.DELIVERED, 0)), sum(int(outcomes.get(s, 0)) for s in FAILED_STATES))


async def statistics(engine: "Engine", sampler: "StatisticsSampler | None" = None) -> Statistics:
    """The figures, read in the engine's store lane, with the sampler's series."""
    stats = await asyncio.get_running_loop().run_in_executor(engine.store_lane, read_statistics, engine)
    if sampler is not None:
        stats.samples = list(sampler.samples)
        stats.modems = {name: list(series) for name, series in sampler.modems.items()}
    return stats


def modem_reading(gateway) -> ModemSample | None:
    """A modem's signal and registration now (None for other kinds)."""
    if gateway.kind != "modem":
        return None
    info = gateway.info()
    facts = getattr(getattr(gateway, "driver", None), "facts", None)
    connected = gateway.state in ("running", "paused")
    return ModemSample(time.time(), info.get("signal_bars") if connected else None,
                       info.get("signal_dbm") if connected else None,
                       bool(connected and getattr(facts, "registered", False)))


class StatisticsSampler:
    """Samples the queue, the send rate and each modem's signal once a ``interval`` (in memory, a day)."""

    def __init__(self, engine: "Engine", interval: float = 60.0, keep: float = 86400.0):
        self.engine = engine
        self.interval = interval
        size = max(2, int(keep / interval))
        self.samples: deque[Sample] = deque(maxlen=size)
        self.modems: dict[str, deque[ModemSample]] = {}
        self._size = size
        self._last: tuple[float, int] | None = None
        self._task: asyncio.Task | None = None

    def sample(self, now: float | None = None) -> Sample:
        """Take one sample of what the engine knows in memory (no store access)."""
        now = time.time() if now is None else now
        _counts, queue = self.engine.status_figures()
        sent = sum(g.counters.sent for g in self.engine.gateways.values())
        rate = 0.0
        if self._last is not None and now > self._last[0]:
            rate = max(0, sent - self._last[1]) * 60.0 / (now - self._last[0])
        self._last = (now, sent)
        s = Sample(now, queue, rate)
        self.samples.append(s)
        for name, gw in self.engine.gateways.items():
            reading = modem_reading(gw)
            if reading is not None:
                self.modems.setdefault(name, deque(maxlen=self._size)).append(reading)
        for name in set(self.modems) - set(self.engine.gateways):
            del self.modems[name]
        return s

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.ensure_future(self._run())

    async def _run(self) -> None:
        while True:
            self.sample()
            await asyncio.sleep(self.interval)

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
