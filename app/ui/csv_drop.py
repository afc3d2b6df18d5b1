"""Dropping a CSV file on a window: the file goes to the CSV import (column chooser and
preview) instead of landing as text in whatever field is under the mouse."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtCore import QEvent, QMimeData, QObject
from PySide6.QtWidgets import QWidget

#: File name endings taken as recipient lists.
CSV_SUFFIXES = (".csv",)


def dropped_csv(mime: QMimeData | None) -> str | None:
    """The path of the first local CSV file among the dragged URLs, or None."""
    if mime is None or not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile() and Path(url.toLocalFile()).suffix.lower() in CSV_SUFFIXES:
            return url.toLocalFile()
    return None


class CsvDrop(QObject):
    """Takes CSV files dropped on ``widget`` (and on ``also``, fields that take drops of their
    own) and hands their path to ``on_drop``; other drops are left to the widgets."""

    _EVENTS = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)

    def __init__(self, widget: QWidget, on_drop: Callable[[str], object], also: tuple[QWidget, ...] = ()):
        super().__init__(widget)
        self.on_drop = on_drop
        widget.setAcceptDrops(True)
        for w in (widget, *also):
            w.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if event.type() not in self._EVENTS:
            return False
        path = dropped_csv(event.mimeData())
        if path is None:
            return False
        event.acceptProposedAction()
        if event.type() == QEvent.Type.Drop:
            self.on_drop(path)
        return True
