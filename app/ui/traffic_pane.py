"""A gateway's traffic log (the AT dialogue or the HTTP exchange) as it happened: oldest at the
top, following the end while the view is at the bottom, with a filter, Copy and Save."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QLineEdit, QPlainTextEdit, QPushButton, QVBoxLayout,
                               QWidget)


def traffic_lines(entries: Iterable) -> list[str]:
    """``12:00:01.250 → AT+CMGS=23`` for each entry, in the order given."""
    return [f"{datetime.fromtimestamp(t.at).strftime('%H:%M:%S.%f')[:-3]} "
            f"{'→' if t.direction == 'out' else '←' if t.direction == 'in' else '·'} {t.text}" for t in entries]


class TrafficPane(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("trafficLog")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setPlaceholderText(self.tr("No traffic yet. The gateway's dialogue with its modem or provider "
                                             "appears here as it happens, the newest at the bottom."))
        font = QGuiApplication.font()
        font.setFamily("monospace")
        font.setStyleHint(font.StyleHint.Monospace)
        self.text.setFont(font)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("trafficFilter")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.setPlaceholderText(self.tr("Filter the log (e.g. CMGS, ERROR, a number)"))
        self.filter_edit.textChanged.connect(lambda _t: self._show())
        self.copy_button = QPushButton(self.tr("Copy log"), self)
        self.copy_button.setObjectName("copyTrafficButton")
        self.copy_button.setToolTip(self.tr("Copy the lines shown, for a support request"))
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.text.toPlainText()))
        self.save_button = QPushButton(self.tr("Save…"), self)
        self.save_button.setObjectName("saveTrafficButton")
        self.save_button.setToolTip(self.tr("Save the lines shown to a text file"))
        self.save_button.clicked.connect(lambda: self.save())
        bar = QHBoxLayout()
        bar.setContentsMargins(0, 0, 0, 0)
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(self.copy_button)
        bar.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.text, 1)
        self._lines: list[str] = []
        self.name = ""

    def set_lines(self, name: str, lines: list[str]) -> None:
        """Show a gateway's lines (oldest first); the view follows the end unless scrolled up."""
        if name == self.name and lines == self._lines:
            return
        self.name, self._lines = name, lines
        self._show()

    def clear(self) -> None:
        self.name, self._lines = "", []
        self.text.clear()

    def shown_lines(self) -> list[str]:
        words = self.filter_edit.text().strip().lower()
        return [line for line in self._lines if words in line.lower()] if words else list(self._lines)

    def _show(self) -> None:
        bar = self.text.verticalScrollBar()
        following = bar.value() >= bar.maximum() - 2
        position = bar.value()
        text = "\n".join(self.shown_lines())
        if text == self.text.toPlainText():
            return
        self.text.setPlainText(text)
        bar.setValue(bar.maximum() if following else min(position, bar.maximum()))

    def save(self, path: str | None = None) -> str | None:
        if path is None:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Save traffic log"),
                                                  f"{self.name or 'gateway'}-traffic-{stamp}.log",
                                                  self.tr("Log files (*.log *.txt);;All files (*)"))
            if not path:
                return None
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.text.toPlainText() + "\n")
        return path
