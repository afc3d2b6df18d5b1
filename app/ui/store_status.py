"""The status bar's word on the store: shown while the store does not answer, gone when it is back."""

from __future__ import annotations

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QLabel, QMainWindow

from app.engine.events import StoreHealthChanged

from .engine_bridge import EngineBridge


class StoreStatusLabel(QLabel):
    def __init__(self, bridge: EngineBridge, window: QMainWindow):
        super().__init__(window)
        self.setObjectName("storeStatusLabel")
        self.setStyleSheet("color: #c0392b; font-weight: bold;")
        self.window_ = window
        self.hide()
        bridge.store_health_changed.connect(self.on_health)

    def on_health(self, event: StoreHealthChanged) -> None:
        if not event.reachable:
            since = QDateTime.currentDateTime().toString("HH:mm:ss")
            self.setText(self.tr("Store unreachable since %1: sending and receiving wait").replace("%1", since))
            self.setToolTip(event.cause)
            self.show()
            return
        self.hide()
        self.window_.statusBar().showMessage(
            self.tr("Store reachable again after %1 s").replace("%1", f"{event.gone_for:.1f}"), 15000)
