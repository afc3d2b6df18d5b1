"""Blackout periods: spans of time in which a message must not be sent.

A period is written ``"start/end"`` in ISO-8601 with the sender's own UTC
offset (``2030-01-01T22:00:00+01:00/2030-01-02T07:00:00+01:00``), as the
Retarus ``blackoutPeriods`` are. A time without an offset is taken as UTC.
Periods are stored in UTC (JSON list of ``[start, end]``) and shown in local
time.
"""

from __future__ import annotations

import json
from datetime import datetime

from app.store.timeutil import as_utc

Period = tuple[datetime, datetime]


class BlackoutError(ValueError):
    """A blackout period cannot be understood; the message names it."""


def parse_period(text: str) -> Period:
    """``"start/end"`` → aware UTC (start, end); raises BlackoutError."""
    start_text, sep, end_text = text.strip().partition("/")
    if not sep or not start_text or not end_text:
        raise BlackoutError(f"blackout period {text!r} is not \"start/end\"")
    try:
        start = as_utc(datetime.fromisoformat(start_text.strip()))
        end = as_utc(datetime.fromisoformat(end_text.strip()))
    except ValueError:
        raise BlackoutError(f"blackout period {text!r}: times must be ISO-8601, "
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
