"""Run engine coroutines from Qt slots without blocking, and show failures in words."""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable

from PySide6.QtWidgets import QMessageBox, QWidget
from shiboken6 import isValid

from app.store.errors import describe_store_error

log = logging.getLogger(__name__)
_running: set[asyncio.Task] = set()


def spawn(coro: Awaitable, parent: QWidget | None = None, what: str = "") -> asyncio.Task:
    """Schedule ``coro`` on the shared loop; an error becomes a dialog, not a traceback."""
    task = asyncio.ensure_future(coro)
    _running.add(task)

    def done(t: asyncio.Task) -> None:
        _running.discard(t)
        if t.cancelled():
            return
        exc = t.exception()
        if exc is not None:
            log.error("%s failed: %s", what or "operation", exc, exc_info=exc)
            owner = parent if parent is not None and isValid(parent) else None  # closed meanwhile: no owner
            show_error(owner, what or "The operation failed", describe_store_error(exc) or str(exc))

    task.add_done_callback(done)
    return task


def show_error(parent: QWidget | None, title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setModal(False)
    box.show()


def settled() -> bool:
    """No coroutine started with :func:`spawn` is still running (on a loop that still runs)."""
    for task in list(_running):
        if task.get_loop().is_closed():
            _running.discard(task)  # its loop ended before it did: it never will
    return not _running
