"""Blackout periods: spans of time in which a message must not be sent.

A period is written ``"start/end"`` in ISO-8601 with the sender's own UTC
offset (``2030-01-01T22:00:00+01:00/2030-01-02T07:00:00+01:00``), as the
Retarus ``blackoutPeriods`` are. A time without an offset is taken as UTC.
Periods are stored in UTC (JSON list of ``[start, end]``) and shown in local
time.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from app.store.timeutil import as_utc

Period = tuple[datetime, datetime]

#: Times a request may name (schedules, periods, report ranges): anything else is a client's mistake, and
#: its arithmetic (adding a validity, converting an offset) could leave the calendar.
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(3000, 1, 1, tzinfo=timezone.utc)


class BlackoutError(ValueError):
    """A blackout period cannot be understood; the message names it."""


def parse_time(text: str, *, naive_local: bool = False) -> datetime:
    """An ISO-8601 time (``Z`` allowed) as aware UTC, between 1970 and 2999; raises ValueError.

    A time without an offset is UTC, or the server's local time with ``naive_local``.
    """
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        if when.tzinfo is None and naive_local:
            when = when.astimezone()
        when = as_utc(when)
    except (ValueError, OverflowError, OSError):
        raise ValueError(f"{text[:40]!r} is not an ISO-8601 time") from None
    if not EARLIEST <= when < LATEST:
        raise ValueError(f"{text[:40]!r} is not between 1970 and 2999")
    return when


def parse_period(text: str) -> Period:
    """``"start/end"`` → aware UTC (start, end); raises BlackoutError."""
    start_text, sep, end_text = text.strip().partition("/")
    if not sep or not start_text or not end_text:
        raise BlackoutError(f"blackout period {text!r} is not \"start/end\"")
    try:
        start = parse_time(start_text)
        end = parse_time(end_text)
    except ValueError:
        raise BlackoutError(f"blackout period {text[:100]!r}: times must be ISO-8601 between 1970 and 2999, "
                            "e.g. 2030-01-01T22:00:00+01:00") from None
    if end <= start:
        raise BlackoutError(f"blackout period {text!r} ends before it starts")
    return start, end


def parse_periods(texts: list[str]) -> list[Period]:
    return merge([parse_period(t) for t in texts])


def merge(periods: list[Period]) -> list[Period]:
    """Sorted, with overlapping or touching periods joined."""
    out: list[list[datetime]] = []
    for start, end in sorted(periods):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(s, e) for s, e in out]


def dumps(periods: list[Period]) -> str:
    """The stored form: JSON list of UTC ``[start, end]``; empty string for none."""
    if not periods:
        return ""
    return json.dumps([[s.isoformat(), e.isoformat()] for s, e in periods])


def loads(stored: str | None) -> list[Period]:
    if not stored:
        return []
    return [(as_utc(datetime.fromisoformat(s)), as_utc(datetime.fromisoformat(e))) for s, e in json.loads(stored)]


def next_free(periods: list[Period], at: datetime) -> datetime:
    """The first moment at or after ``at`` outside every period (periods merged and sorted)."""
    for start, end in periods:
        if start <= at < end:
            at = end
    return at


def held_until(stored: str | None, at: datetime) -> datetime | None:
    """When a message with these stored periods may go, if ``at`` falls inside one; else None."""
    if not stored:
        return None
    free = next_free(loads(stored), at)
    return free if free > at else None
