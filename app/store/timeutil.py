"""UTC time handling shared by the store and the engine.

Times are stored in UTC and handed around as timezone-aware datetimes; the
window converts them to local time for display.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.types import DateTime, TypeDecorator


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(value: datetime) -> datetime:
    """A naive datetime is taken as UTC; an aware one is converted to UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


class UTCDateTime(TypeDecorator):
    """Stores aware datetimes as naive UTC and returns them aware again.

    SQLite has no time zone type; PostgreSQL gets a plain ``timestamp``, so
    both stores hold the same values.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return as_utc(value).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc)


def time_converter(conn):
    """How a time is passed to the driver in a raw statement, as ``UTCDateTime`` would store it."""
    return _sqlite_time if conn.dialect.name == "sqlite" else _naive_utc


def _naive_utc(value: datetime) -> datetime:
    return as_utc(value).replace(tzinfo=None)


def _sqlite_time(value: datetime) -> str:
    return as_utc(value).strftime("%Y-%m-%d %H:%M:%S.%f")
