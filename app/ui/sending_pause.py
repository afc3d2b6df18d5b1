"""Pause all / Resume all sending: one checkable action for the Gateways tab and the
Tools menu, and the status bar words that say sending is held."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QWidget

from app.engine.engine import Engine

from .icons import icon
from .store_op import run_op


class SendingPause(QObject):
    """Holds every outgoing message in the queue while checked (``engine.pause_all``)."""

    #: True while sending is paused, whoever paused it (this window, the API, a setting).
    paused_changed = Signal(bool)

    def __init__(self, engine: Engine, parent: QObject | None = None):
        super().__init__(parent)
        self.engine = engine
        self.action = QAction(icon("pause"), self.tr("Pause all sending"), self)
        self.action.setObjectName("pauseAllAction")
        self.action.setCheckable(True)
        self.action.toggled.connect(self._toggled)
        self._paused: bool | None = None
        # The engine publishes no event for a setting; a dict lookup each second is enough.
        self._poll = QTimer(self, interval=1000, timeout=self.sync)
        self._poll.start()
        self.sync()

    @property
    def paused(self) -> bool:
        return bool(self.engine.settings.get("sending_paused"))

    def _toggled(self, checked: bool) -> None:
        if checked != self.paused:
            run_op(self, self.engine, self.engine.pause_all if checked else self.engine.resume_all,
                   on_done=lambda _r: self.sync(), what=self.tr("Pause sending") if checked else
                   self.tr("Resume sending"))
        self.sync()

    def sync(self) -> None:
        """Show the engine's state (it may have been changed through the API)."""
        paused = self.paused
        if paused == self._paused:
            return
        self._paused = paused
        self.action.blockSignals(True)
        self.action.setChecked(paused)
        self.action.blockSignals(False)
        self.action.setText(self.tr("Resume all sending") if paused else self.tr("Pause all sending"))
        self.action.setIcon(icon("resume" if paused else "pause"))
        self.action.setToolTip(
            self.tr("Sending is paused: every outgoing message waits in the queue. Click to send again.")
            if paused else
            self.tr("Hold every outgoing message in the queue, on all gateways, until resumed (kept across "
                    "restarts)"))
        self.paused_changed.emit(paused)

    def status_label(self, parent: QWidget) -> QLabel:
        """A status bar label that reads "Sending paused" while it is, and is hidden otherwise."""
        label = QLabel(self.tr("Sending paused"), parent)
        label.setObjectName("sendingPausedLabel")
        label.setStyleSheet("color: #ef6c00; font-weight: bold;")
        label.setToolTip(self.tr("Every outgoing message waits in the queue. Resume all sending in the Gateways "
                                 "tab or the Tools menu."))
        label.setVisible(self.paused)
        self.paused_changed.connect(label.setVisible)
        return label
