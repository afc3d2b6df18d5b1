"""The main window: Inbox, Outbox, Sessions and Gateways tabs."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget

from app import APP_NAME, __version__
from app.engine.requests import EngineError

from .compose_dialog import ComposeDialog
from .engine_bridge import EngineBridge
from .gateways_tab import GatewaysTab
from .inbox_tab import InboxTab
from .outbox_tab import OutboxTab
from .sessions_tab import SessionsTab
from .tasks import show_error

INBOX, OUTBOX, SESSIONS, GATEWAYS = range(4)


class MainWindow(QMainWindow):
    def __init__(self, bridge: EngineBridge):
        super().__init__()
        self.bridge = bridge
        self.engine = bridge.engine
        self.setWindowTitle(APP_NAME)
        self.resize(1100, 680)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.inbox_tab = InboxTab(bridge, self)
        self.outbox_tab = OutboxTab(bridge, self)
        self.sessions_tab = SessionsTab(bridge, self)
        self.gateways_tab = GatewaysTab(bridge, self)
        self.tabs.addTab(self.inbox_tab, self.tr("&Inbox"))
        self.tabs.addTab(self.outbox_tab, self.tr("&Outbox"))
        self.tabs.addTab(self.sessions_tab, self.tr("S&essions"))
        self.tabs.addTab(self.gateways_tab, self.tr("&Gateways"))
        self.setCentralWidget(self.tabs)

        self.new_message_action = QAction(self.tr("&New message…"), self)
        self.new_message_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_message_action.setToolTip(self.tr("Write and send a message (Ctrl+N)"))
        self.new_message_action.triggered.connect(self.compose)
        self.simulate_action = QAction(self.tr("Simulate &incoming message"), self)
        self.simulate_action.setToolTip(self.tr("Have the simulated gateway receive a message"))
        self.simulate_action.triggered.connect(self.simulate_incoming)
        quit_action = QAction(self.tr("&Quit"), self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        about_action = QAction(self.tr("&About"), self)
        about_action.triggered.connect(self.about)

        menu = self.menuBar()
        file_menu = menu.addMenu(self.tr("&File"))
        file_menu.addAction(self.new_message_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        tools = menu.addMenu(self.tr("&Tools"))
        tools.addAction(self.simulate_action)
        menu.addMenu(self.tr("&Help")).addAction(about_action)
        toolbar = self.addToolBar(self.tr("Main"))
        toolbar.setObjectName("mainToolbar")
        toolbar.addAction(self.new_message_action)

        self.unread_label = QLabel(self)
        self.unread_label.setObjectName("unreadLabel")
        self.statusBar().addPermanentWidget(self.unread_label)
        bridge.message_stored.connect(self._on_message)
        bridge.message_changed.connect(self._on_message)
        bridge.messages_deleted.connect(lambda _ids: self.update_unread())
        self.update_unread()
        self._restore()

    # --- actions ----------------------------------------------------------------------

    def compose(self, to: str = "", text: str = "") -> ComposeDialog:
        dialog = ComposeDialog(self.engine, self, to=to, text=text)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._queued(dialog))
        dialog.open()
        return dialog

    def _queued(self, dialog: ComposeDialog) -> None:
        if dialog.result_ is not None:
            n = len(dialog.result_.accepted)
            self.statusBar().showMessage(self.tr("%n message(s) queued", "", n), 5000)
            self.tabs.setCurrentIndex(OUTBOX)

    def simulate_incoming(self) -> None:
        try:
            self.engine.simulate_incoming()
        except EngineError as exc:
            show_error(self, self.tr("Simulate incoming message"), str(exc))

    def about(self) -> None:
        QMessageBox.about(self, self.tr("About %s") % APP_NAME,
                          self.tr("%s %s\nSend and receive SMS through USB GSM modems and REST providers.")
                          % (APP_NAME, __version__))

    # --- status ---------------------------------------------------------------------

    def _on_message(self, msg) -> None:
        if msg.direction == "in":
            self.update_unread()

    def update_unread(self) -> None:
        n = self.engine.unread_count()
        self.unread_label.setText(self.tr("%n unread", "", n))
        self.setWindowTitle(f"{APP_NAME} ({n})" if n else APP_NAME)

    # --- window state -------------------------------------------------------------------

    def _restore(self) -> None:
        s = QSettings()
        geometry = s.value("mainWindow/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        self.tabs.setCurrentIndex(int(s.value("mainWindow/tab", INBOX)))

    def closeEvent(self, event) -> None:
        s = QSettings()
        s.setValue("mainWindow/geometry", self.saveGeometry())
        s.setValue("mainWindow/tab", self.tabs.currentIndex())
        super().closeEvent(event)
