"""How times, states and numbers are shown to the operator."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtGui import QColor


def local_time(value: datetime | None) -> str:
    """UTC from the store, shown in the operator's local time."""
    if value is None:
        return ""
    return value.astimezone().strftime("%Y-%m-%d %H:%M:%S")


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


def status_colour(status: str) -> QColor:
    return QColor(STATUS_COLOURS.get(status, "#c62828"))


def gateway_colour(state: str) -> QColor:
    return QColor(GATEWAY_COLOURS.get(state, "#c62828"))


def short_time(value: datetime | None) -> str:
    """Time today, else the date: what a conversation list shows."""
    if value is None:
        return ""
    local = value.astimezone()
    if local.date() == datetime.now().astimezone().date():
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d")
