"""The window's one way to run an engine operation that reads or writes the store.

``run_op(parent, engine, operation, *args, on_done=...)`` runs ``operation(*args)`` in the engine's
store lane (:meth:`Engine.in_lane`), so the loop, and with it the window, never waits on the store. The
result comes back on the loop to ``on_done``, unless ``parent`` (a widget, or a model) was deleted
meanwhile. An operation that takes longer than :data:`BUSY_AFTER` shows the busy cursor, and with
``progress_text`` a small window saying what it does; a failure is told in words
(:func:`app.ui.tasks.spawn`, with the store's own words for a locked or full store).

:func:`settled` says whether every operation started here has finished (the tests wait for it).
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget
from shiboken6 import isValid

from . import tasks

T = TypeVar("T")

#: Seconds an operation runs before the window shows it is busy.
BUSY_AFTER = 0.3


def run_op(parent: QObject | None, engine, operation: Callable[..., T], *args: Any,
           on_done: Callable[[T], Any] | None = None, on_error: Callable[[Exception], bool] | None = None,
           what: str = "", progress_text: str | None = None, **kwargs: Any) -> asyncio.Task | None:
    """Run the engine's ``operation(*args, **kwargs)`` in the store lane; ``on_done(result)`` on the loop.

    ``on_error(exc)`` may take a failure the caller tells in its own way (a refused request in the status
    bar): it returns True when it did; any other failure is told in a message box. Once the loop has ended
    (the window is closing: a model's timer fires late) nothing is run, and None is returned."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return None

    async def run() -> T:
        busy = _Busy(parent, progress_text)
        timer = asyncio.get_running_loop().call_later(BUSY_AFTER, busy.show)
        try:
            result = await engine.in_lane(operation, *args, **kwargs)
        except Exception as exc:
            if on_error is not None and (parent is None or isValid(parent)) and on_error(exc):
                return None
            raise
        finally:
            timer.cancel()
            busy.close()
        if on_done is not None and (parent is None or isValid(parent)):
            on_done(result)
        return result

    return tasks.spawn(run(), _widget(parent), what)


def _widget(parent: QObject | None) -> QWidget | None:
    """The window an error message belongs to: ``parent``'s, when it is a widget or a model of one."""
    while parent is not None and isValid(parent) and not isinstance(parent, QWidget):
        parent = parent.parent()
    return parent if parent is not None and isValid(parent) else None


def settled() -> bool:
    """No operation started with :func:`run_op` (nor any coroutine the window spawned) is still running."""
    return tasks.settled()


class _Busy:
    """The busy cursor, and a small window with ``text``, while a long operation runs."""

    def __init__(self, parent: QObject | None, text: str | None):
        self.parent = _widget(parent)
        self.text = text
        self.shown = False
        self.dialog: QProgressDialog | None = None

    def show(self) -> None:
        self.shown = True
        QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BusyCursor))
        if self.text and (self.parent is None or isValid(self.parent)):
            dialog = QProgressDialog(self.text, "", 0, 0, self.parent)
            dialog.setObjectName("store_op_busy")
            dialog.setWindowTitle(QCoreApplication.translate("StoreOp", "Please wait"))
            dialog.setCancelButton(None)
            dialog.setMinimumDuration(0)
            dialog.setWindowModality(Qt.WindowModality.WindowModal)
            dialog.show()
            self.dialog = dialog

    def close(self) -> None:
        if self.shown:
            QApplication.restoreOverrideCursor()
            self.shown = False
        if self.dialog is not None and isValid(self.dialog):
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = None
