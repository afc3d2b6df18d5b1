"""What escapes the window's code is logged with its traceback and told to the operator in words.

``sys.excepthook`` catches exceptions raised in Qt slots and callbacks; the loop's exception handler
catches those of tasks nobody awaited. A store failure (locked, disk full, connection lost) gets its
own words (:func:`app.store.errors.describe_store_error`); anything else says what failed and where the
details are. The same message is shown once until the operator closes it.
"""

from __future__ import annotations

import asyncio
import logging
import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.store.errors import describe_store_error

log = logging.getLogger(__name__)


class ErrorHook:
    def __init__(self, parent: QWidget | None, log_path: str = ""):
        self.parent = parent
        self.log_path = log_path
        self._open: dict[str, QMessageBox] = {}
        self._previous = sys.excepthook

    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> "ErrorHook":
        sys.excepthook = self.excepthook
        if loop is not None:
            loop.set_exception_handler(self.loop_exception)
        return self

    def uninstall(self) -> None:
        sys.excepthook = self._previous

    def excepthook(self, kind, exc, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            self._previous(kind, exc, tb)
            return
        log.error("unexpected error in the window", exc_info=(kind, exc, tb))
        self.show(exc)

    def loop_exception(self, loop, context: dict) -> None:
        exc = context.get("exception")
        log.error("unexpected error in the event loop: %s", context.get("message", ""), exc_info=exc)
        if exc is not None:
            self.show(exc)

    def words(self, exc: BaseException) -> str:
        store = describe_store_error(exc)
        if store is not None:
            return store
        # QCoreApplication.translate written out: pyside6-lupdate reads no alias of it
        where = (QCoreApplication.translate("ErrorHook", " The details are in the log file %s.") % self.log_path
                 if self.log_path else "")
        return QCoreApplication.translate(
            "ErrorHook", "Something went wrong: %s. The console goes on; what you were doing may not have "
            "finished.") % (str(exc) or type(exc).__name__) + where

    def show(self, exc: BaseException) -> QMessageBox:
        text = self.words(exc)
        box = self._open.get(text)
        if box is not None and box.isVisible():
            return box
        box = QMessageBox(QMessageBox.Icon.Warning, QCoreApplication.translate("ErrorHook", "SMS Console"), text,
                          QMessageBox.StandardButton.Ok, self.parent)
        box.setModal(False)
        box.finished.connect(lambda _r, t=text: self._open.pop(t, None))
        self._open[text] = box
        box.show()
        return box
