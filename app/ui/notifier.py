"""New-message notifications: a tray icon and message where the desktop has a tray,
always the unread count in the window title and a line in the status bar. Gateway
alerts (a modem down too long, its SIM changed) go the same ways, always."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMainWindow, QMenu, QSystemTrayIcon

from app import APP_NAME
from app.engine.views import MessageView

from .icons import icon
from .store_op import run_op


def tray_available() -> bool:
    """Whether the desktop shows tray icons (none offscreen, on many Wayland desktops, on servers)."""
    return QSystemTrayIcon.isSystemTrayAvailable()


class Notifier:
    """Tells the operator about new messages.

    ``use_tray`` chooses the way: None asks the desktop (:func:`tray_available`);
    True or False decide it (a test, or a desktop that tells wrongly).
    """

    def __init__(self, window: QMainWindow, use_tray: bool | None = None):
        self.window = window
        self.engine = window.engine
        self.tray: QSystemTrayIcon | None = None
        if tray_available() if use_tray is None else use_tray:
            self.tray = QSystemTrayIcon(icon("app"), window)
            self.tray.setObjectName("trayIcon")
            self.tray.setToolTip(APP_NAME)
            menu = QMenu(window)
            menu.addAction(QCoreApplication.translate("Notifier", "Show window"), self.raise_window)
            menu.addAction(QCoreApplication.translate("Notifier", "New message…"),
                           lambda: (self.raise_window(), window.compose()))
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
        """Say it in the status bar; pop up a tray message too when the operator looks elsewhere."""
        if not self.engine.settings.get("notify_new_messages", True):
            return
        run_op(self.window, self.engine, self.engine.contacts.name_of, msg.sender,
               on_done=lambda name: self._tell(msg, name or msg.sender))

    def _tell(self, msg: MessageView, who: str) -> None:
        text = msg.text if len(msg.text) <= 120 else msg.text[:119] + "…"
        self.last_notice = QCoreApplication.translate("Notifier", "New message from %s: %s") % (who, text)
        self.window.statusBar().showMessage(self.last_notice, 10000)
        if self.tray is not None and not self.window.isActiveWindow():
            self.tray.showMessage(QCoreApplication.translate("Notifier", "New message from %s") % who, text,
                                  QSystemTrayIcon.MessageIcon.Information, 8000)

    def gateway_alert(self, gateway: str, text: str) -> None:
        """A gateway needs the operator: the status bar, and the tray even while the window is active."""
        self.last_notice = text
        self.window.statusBar().showMessage(text, 30000)
        if self.tray is not None:
            self.tray.showMessage(QCoreApplication.translate("Notifier", "Gateway %s") % gateway, text,
                                  QSystemTrayIcon.MessageIcon.Warning, 15000)

    def set_unread(self, n: int) -> None:
        if self.tray is not None:
            unread = QCoreApplication.translate("Notifier", "%n unread", None, n)
            self.tray.setToolTip(f"{APP_NAME} — {unread}" if n else APP_NAME)

    def hide(self) -> None:
        if self.tray is not None:
            self.tray.hide()
