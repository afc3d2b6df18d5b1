"""How times, states and numbers are shown to the operator."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtGui import QColor


def local_time(value: datetime | None) -> str:
    """UTC from the store, shown in the operator's local time."""
    if value is None:
        return ""
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def table_time(value: datetime | None) -> str:
    """A time as a table cell shows it: the time of day when it is today, else the date and minute.

    The cell's tooltip gives the whole time (:func:`local_time`).
    """
    return _by_day(value, "%H:%M:%S", "%Y-%m-%d %H:%M")


def _by_day(value: datetime | None, today: str, other_day: str) -> str:
    """``value`` in local time, in the ``today`` format when it is today, else in ``other_day``."""
    if value is None:
        return ""
    local = value.astimezone()
    return local.strftime(today if local.date() == datetime.now().astimezone().date() else other_day)


STATUS_COLOURS = {
    "queued": "#7a7a7a",
    "scheduled": "#6a5acd",
    "sending": "#1e88e5",
    "sent": "#2e7d32",
    "delivered": "#1b5e20",
    "failed": "#c62828",
    "undelivered": "#c62828",
    "expired": "#ef6c00",
    "cancelled": "#8d6e63",
    "received": "#2e7d32",
}

GATEWAY_COLOURS = {
    "running": "#2e7d32",
    "paused": "#ef6c00",
    "starting": "#1e88e5",
    "stopping": "#1e88e5",
    "stopped": "#7a7a7a",
}


#: Message states and gateway states as the operator reads them (translated in the context "States").
STATE_WORDS = {
    "queued": QT_TRANSLATE_NOOP("States", "queued"),
    "scheduled": QT_TRANSLATE_NOOP("States", "scheduled"),
    "sending": QT_TRANSLATE_NOOP("States", "sending"),
    "sent": QT_TRANSLATE_NOOP("States", "sent"),
    "delivered": QT_TRANSLATE_NOOP("States", "delivered"),
    "failed": QT_TRANSLATE_NOOP("States", "failed"),
    "undelivered": QT_TRANSLATE_NOOP("States", "undelivered"),
    "expired": QT_TRANSLATE_NOOP("States", "expired"),
    "cancelled": QT_TRANSLATE_NOOP("States", "cancelled"),
    "received": QT_TRANSLATE_NOOP("States", "received"),
    "running": QT_TRANSLATE_NOOP("States", "running"),
    "paused": QT_TRANSLATE_NOOP("States", "paused"),
    "starting": QT_TRANSLATE_NOOP("States", "starting"),
    "stopping": QT_TRANSLATE_NOOP("States", "stopping"),
    "stopped": QT_TRANSLATE_NOOP("States", "stopped"),
    "error": QT_TRANSLATE_NOOP("States", "error"),
    "SIM changed": QT_TRANSLATE_NOOP("States", "SIM changed"),
}


def state_words(state: str) -> str:
    """A message or gateway state in the operator's language (unknown states as they are)."""
    return QCoreApplication.translate("States", STATE_WORDS[state]) if state in STATE_WORDS else state


def status_colour(status: str) -> QColor:
    return QColor(STATUS_COLOURS.get(status, "#c62828"))


def gateway_colour(state: str) -> QColor:
    return QColor(GATEWAY_COLOURS.get(state, "#c62828"))


def short_time(value: datetime | None) -> str:
    """Time today, else the date: what a conversation list shows."""
    return _by_day(value, "%H:%M", "%Y-%m-%d")
