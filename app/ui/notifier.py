"""New-message notifications: a tray icon and message where the desktop has a tray,
always the unread count in the window title and a line in the status bar."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QMenu, QSystemTrayIcon

from app import APP_NAME
from app.engine.views import MessageView

from .icons import icon


class Notifier:
    def __init__(self, window: QMainWindow):
        self.window = window
        self.engine = window.engine
        self.tray: QSystemTrayIcon | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(icon("app"), window)
            self.tray.setToolTip(APP_NAME)
            menu = QMenu(window)
            menu.addAction(window.tr("Show window"), self.raise_window)
            menu.addAction(window.tr("New message…"), lambda: (self.raise_window(), window.compose()))
            self.tray.setContextMenu(menu)
            self.tray.activated.connect(lambda _reason: self.raise_window())
            self.tray.messageClicked.connect(self.raise_window)
            self.tray.show()
        #: What was told last (for the status bar and tests).
        self.last_notice = ""

    def raise_window(self) -> None:
        w = self.window
        w.showNormal() if w.isMinimized() else w.show()
        w.raise_()
        w.activateWindow()

    def message_received(self, msg: MessageView) -> None:
        if not self.engine.settings.get("notify_new_messages", True):
            return
        who = self.engine.contacts.name_of(msg.sender) or msg.sender
        text = msg.text if len(msg.text) <= 120 else msg.text[:119] + "…"
        self.last_notice = self.window.tr("New message from %s: %s") % (who, text)
        self.window.statusBar().showMessage(self.last_notice, 10000)
        if self.tray is not None and not self.window.isActiveWindow():
            self.tray.showMessage(self.window.tr("New message from %s") % who, text,
                                  QSystemTrayIcon.MessageIcon.Information, 8000)

    def set_unread(self, n: int) -> None:
        if self.tray is not None:
            self.tray.setToolTip(f"{APP_NAME} — " + self.window.tr("%n unread", "", n) if n else APP_NAME)

    def hide(self) -> None:
        if self.tray is not None:
            self.tray.hide()
