"""A line of text in the middle of an empty list, saying why it is empty and what to do."""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel


class EmptyHint(QObject):
    def __init__(self, view: QAbstractItemView, text: Callable[[], str]):
        super().__init__(view)
        self.view = view
        self.text = text
        self.label = QLabel(view.viewport())
        self.label.setObjectName("emptyHint")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.label.setEnabled(False)  # drawn in the palette's dimmed text colour
        model = view.model()
        for signal in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.layoutChanged):
            signal.connect(self.update)
        if hasattr(model, "loaded"):
            model.loaded.connect(self.update)
        view.viewport().installEventFilter(self)
        self.update()

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        r = self.view.viewport().rect().adjusted(24, 24, -24, -24)
        self.label.setGeometry(r)

    def update(self, *_args) -> None:
        empty = self.view.model().rowCount() == 0
        if empty:
            self.label.setText(self.text())
            self._place()
        self.label.setVisible(empty)
