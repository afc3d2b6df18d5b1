"""The main window: Inbox, Outbox, Sessions and Gateways tabs, menus with the
keyboard shortcuts, the unread count, notifications and remembered layout.

The window is built in two steps so that it shows at once: the frame (menus,
toolbar, the four tabs, the remembered geometry) needs neither the engine nor
the store, and is painted while they are opened; :meth:`MainWindow.attach`
then puts the tabs' contents in and enables the actions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox, QTabWidget

from app import APP_NAME, __version__

from .icons import icon
from .store_op import run_op
from .window_state import restore_frame, restore_layout, save_state

if TYPE_CHECKING:
    from .compose_dialog import ComposeDialog
    from .engine_bridge import EngineBridge

INBOX, OUTBOX, SESSIONS, GATEWAYS, STATISTICS = range(5)


class MainWindow(QMainWindow):
    def __init__(self, bridge: "EngineBridge | None" = None):
        super().__init__()
        self.bridge = None
        self.engine = None
        self.setObjectName("mainWindow")
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(icon("app"))
        self.resize(1180, 720)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        for title, name in self._tab_titles():
            opening = QLabel(self.tr("Opening the message store…"), self)
            opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
            opening.setEnabled(False)
            self.tabs.addTab(opening, icon(name), title)
        self.setCentralWidget(self.tabs)
        self._build_menus()
        restore_frame(self)
        if bridge is not None:
            self.attach(bridge)

    def _tab_titles(self) -> tuple[tuple[str, str], ...]:
        return ((self.tr("&Inbox"), "inbox"), (self.tr("&Outbox"), "outbox"),
                (self.tr("S&essions"), "sessions"), (self.tr("&Gateways"), "gateways"),
                (self.tr("S&tatistics"), "statistics"))

    def attach(self, bridge: "EngineBridge") -> None:
        """Fill the window from the engine: the tabs' contents, the status bar, the actions."""
        from .csv_drop import CsvDrop
        from .gateways_tab import GatewaysTab
        from .inbox_tab import InboxTab
        from .notifier import Notifier
        from .outbox_tab import OutboxTab
        from .sessions_tab import SessionsTab
        from .statistics_tab import StatisticsTab

        self.bridge = bridge
        self.engine = bridge.engine
        self.inbox_tab = InboxTab(bridge, self)
        self.outbox_tab = OutboxTab(bridge, self)
        self.sessions_tab = SessionsTab(bridge, self)
        self.gateways_tab = GatewaysTab(bridge, self)
        self.statistics_tab = StatisticsTab(bridge, self)
        current = self.tabs.currentIndex()
        for i, (tab, (title, name)) in enumerate(zip((self.inbox_tab, self.outbox_tab, self.sessions_tab,
                                                      self.gateways_tab, self.statistics_tab), self._tab_titles())):
            opening = self.tabs.widget(i)
            self.tabs.removeTab(i)
            opening.deleteLater()
            self.tabs.insertTab(i, tab, icon(name), title)
        self.tabs.setCurrentIndex(current)
        for tab in (self.inbox_tab, self.outbox_tab):
            tab.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.inbox_tab.forward_requested.connect(lambda text: self.compose(text=text))
        self.outbox_tab.copy_requested.connect(lambda to, text: self.compose(to=to, text=text))
        self.inbox_tab.conversations.replied.connect(
            lambda _m: self.statusBar().showMessage(self.tr("Reply queued"), 5000))

        self.view_menu.insertAction(self._tab_actions_start, self.inbox_tab.toggle_view_action)
        self.tools_menu.insertAction(self.simulate_action, self.gateways_tab.sending_pause.action)
        self.gateway_menu = self.menuBar().insertMenu(self.tools_menu.menuAction(), self._gateway_menu())
        self.tabs.currentChanged.connect(self.focus_main_view)
        self.inbox_tab.page_shown.connect(lambda _p: self.focus_main_view(self.tabs.currentIndex()))
        for a in self._engine_actions:
            a.setEnabled(True)
        self.unread_label = QLabel(self)
        self.unread_label.setObjectName("unreadLabel")
        self.statusBar().addPermanentWidget(self.unread_label)
        self.statusBar().addPermanentWidget(self.gateways_tab.sending_pause.status_label(self))
        from .store_status import StoreStatusLabel

        self.store_status = StoreStatusLabel(bridge, self)
        self.statusBar().addPermanentWidget(self.store_status)
        self.cluster_action = None
        if self.engine.cluster.shared:  # several consoles on one store: View → Cluster
            self.cluster_action = self._action(self.tr("&Cluster…"), self.show_cluster, None,
                                               self.tr("The consoles sharing the store and their gateways"))
            self.view_menu.addAction(self.cluster_action)
        self.notifier = Notifier(self)
        self.csv_drop = CsvDrop(self, lambda path: self.compose().import_csv(path))  # a CSV file: a bulk send
        bridge.message_stored.connect(self._on_stored)
        bridge.message_changed.connect(self._on_message)
        bridge.messages_deleted.connect(self._on_deleted)
        bridge.gateway_alert.connect(lambda gateway, text: self.notifier.gateway_alert(gateway, text))
        self.update_unread()
        restore_layout(self)

    def show_cluster(self) -> None:
        from .cluster_view import ClusterDialog

        dialog = ClusterDialog(self.engine, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.cluster_dialog = dialog

    def _gateway_menu(self):
        from PySide6.QtWidgets import QMenu

        menu = QMenu(self.tr("Gate&way"), self)
        menu.setObjectName("gatewayMenu")
        tab = self.gateways_tab
        for a in (tab.start_action, tab.stop_action, tab.restart_action, tab.pause_action, tab.resume_action):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(tab.sending_pause.action)
        # the menu acts on the Gateways tab's selection: choosing it from another tab shows that tab too
        for a in (tab.start_action, tab.stop_action, tab.restart_action, tab.pause_action, tab.resume_action):
            a.triggered.connect(lambda _c=False: self.tabs.setCurrentWidget(tab))
        return menu

    def show_first_run(self, api_url: str | None = None):
        """The first-run assistant (non-modal); ``api_url``: where the HTTP API listens."""
        from .first_run import DEFAULT_API_URL, FirstRunAssistant

        self.api_url = api_url or getattr(self, "api_url", None) or DEFAULT_API_URL
        wizard = FirstRunAssistant(self, self.api_url)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.open()
        return wizard

    def show_tab(self, index: int) -> None:
        """Show a tab with its main view focused, so the tab's shortcuts work at once."""
        self.tabs.setCurrentIndex(index)
        self.focus_main_view(index)

    def main_view(self, index: int):
        """The list or table a tab's keyboard shortcuts act on."""
        if not self.attached:
            return None
        tab = self.tabs.widget(index)
        if tab is self.inbox_tab:
            return self.inbox_tab.main_view()
        if tab is self.sessions_tab:
            return self.sessions_tab.customers.view
        return getattr(tab, "view", None)

    def focus_main_view(self, index: int) -> None:
        view = self.main_view(index)
        if view is not None:
            view.setFocus(Qt.FocusReason.OtherFocusReason)

    @property
    def attached(self) -> bool:
        return self.bridge is not None

    def _action(self, text: str, slot, shortcut=None, tip: str = "", icon_name: str = "") -> QAction:
        a = QAction(text, self)
        if icon_name:
            a.setIcon(icon(icon_name))
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        keys = a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        a.setToolTip(f"{tip or text.replace('&', '').rstrip('…')}" + (f" ({keys})" if keys else ""))
        a.triggered.connect(slot)
        return a

    def _build_menus(self) -> None:
        self.new_message_action = self._action(self.tr("&New message…"), lambda: self.compose(),
                                               QKeySequence.StandardKey.New, self.tr("Write and send a message"),
                                               "new-message")
        self.find_action = self._action(self.tr("&Find messages"), self.find, QKeySequence.StandardKey.Find,
                                        self.tr("Search all messages"), "search")
        self.contacts_action = self._action(self.tr("&Contacts…"), self.show_contacts, "Ctrl+Shift+C",
                                            self.tr("Contacts and groups"))
        self.settings_action = self._action(self.tr("&Settings…"), self.show_settings, "Ctrl+,",
                                            self.tr("Settings of the console"))
        self.simulate_action = self._action(self.tr("Simulate &incoming message"), self.simulate_incoming,
                                            "Ctrl+Shift+I", self.tr("Have the simulated gateway receive a message"))
        self.refresh_action = self._action(self.tr("&Refresh"), self.refresh, QKeySequence.StandardKey.Refresh,
                                           self.tr("Read the lists again"), "refresh")
        quit_action = self._action(self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        about_action = self._action(self.tr("&About"), self.about)
        shortcuts_action = self._action(self.tr("&Keyboard shortcuts"), self.show_shortcuts, "F1")
        self.first_run_action = self._action(self.tr("&First-run assistant…"), lambda: self.show_first_run(),
                                             tip=self.tr("Default country, an API user with a curl example, the "
                                                         "first gateway and a test message"))

        menu = self.menuBar()
        file_menu = menu.addMenu(self.tr("&File"))
        file_menu.addAction(self.new_message_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        edit_menu = menu.addMenu(self.tr("&Edit"))
        edit_menu.addAction(self.find_action)
        edit_menu.addAction(self.settings_action)
        self.view_menu = view_menu = menu.addMenu(self.tr("&View"))
        view_menu.addAction(self.refresh_action)
        self._tab_actions_start = view_menu.addSeparator()
        self.tab_actions = []
        for i, (name, _icon) in enumerate(self._tab_titles()):
            a = self._action(name, lambda _c=False, i=i: self.show_tab(i), f"Ctrl+{i + 1}")
            view_menu.addAction(a)
            self.tab_actions.append(a)
        self.tools_menu = tools = menu.addMenu(self.tr("&Tools"))
        tools.addAction(self.contacts_action)
        self.blocked_action = self._action(self.tr("&Opt-out list…"), self.show_blocked_numbers, "Ctrl+Shift+B",
                                           self.tr("Numbers no message may be sent to"))
        tools.addAction(self.blocked_action)
        tools.addAction(self.simulate_action)
        help_menu = menu.addMenu(self.tr("&Help"))
        help_menu.addAction(shortcuts_action)
        help_menu.addAction(self.first_run_action)
        help_menu.addAction(about_action)
        toolbar = self.addToolBar(self.tr("Main"))
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setMovable(False)
        for a in (self.new_message_action, self.find_action, self.contacts_action, self.settings_action):
            toolbar.addAction(a)
        # what needs the engine waits for it
        self._engine_actions = (self.new_message_action, self.find_action, self.contacts_action,
                                self.settings_action, self.simulate_action, self.refresh_action,
                                self.blocked_action, self.first_run_action)
        for a in self._engine_actions:
            a.setEnabled(False)

    # --- actions ----------------------------------------------------------------------

    def compose(self, to: str = "", text: str = "") -> "ComposeDialog":
        from .compose_dialog import ComposeDialog

        dialog = ComposeDialog(self.engine, self, to=to, text=text)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._queued(dialog))
        dialog.open()
        return dialog

    def _queued(self, dialog: "ComposeDialog") -> None:
        if dialog.result_ is not None:
            n = len(dialog.result_.accepted)
            self.statusBar().showMessage(self.tr("%n message(s) queued", "", n), 5000)
            self.tabs.setCurrentIndex(OUTBOX)

    def find(self) -> None:
        if self.tabs.currentIndex() == OUTBOX:
            self.outbox_tab.filters.focus_search()
            return
        self.tabs.setCurrentIndex(INBOX)
        self.inbox_tab.focus_search()

    def refresh(self) -> None:
        self.inbox_tab.model.reload()
        self.inbox_tab.conversations.list_model.refresh()
        self.outbox_tab.model.reload()
        self.outbox_tab.jobs.refresh()
        self.update_unread()

    def show_contacts(self):
        from .contacts_dialog import ContactsDialog

        dialog = ContactsDialog(self.engine, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_blocked_numbers(self):
        from .blocked_numbers_dialog import BlockedNumbersDialog

        dialog = BlockedNumbersDialog(self.engine, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_settings(self):
        from .settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.engine, self, self.bridge)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def simulate_incoming(self):
        """Ask for the sender and the text, then have the simulated gateway receive them."""
        from .simulate_dialog import SimulateDialog

        self.simulate_dialog = dialog = SimulateDialog(self.engine, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_shortcuts(self) -> None:
        from .shortcuts import shortcuts_html

        box = QMessageBox(QMessageBox.Icon.NoIcon, self.tr("Keyboard shortcuts"), shortcuts_html(self),
                          QMessageBox.StandardButton.Close, self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.open()

    def about(self) -> None:
        QMessageBox.about(self, self.tr("About %s") % APP_NAME,
                          self.tr("%s %s\nSend and receive SMS through USB GSM modems and REST providers.")
                          % (APP_NAME, __version__))

    # --- status ---------------------------------------------------------------------

    def _on_stored(self, msg) -> None:
        if msg.direction == "in":
            self.update_unread()
            self.notifier.message_received(msg)

    def _on_message(self, msg) -> None:
        if msg.direction == "in":
            self.update_unread()

    def _on_deleted(self, _ids) -> None:
        self.update_unread()

    def update_unread(self) -> None:
        run_op(self, self.engine, self.engine.unread_count, on_done=self._show_unread)

    def _show_unread(self, n: int) -> None:
        self.unread_label.setText(self.tr("%n unread", "", n))
        # the count first: the desktop adds the application's name to a title that does not end with it
        self.setWindowTitle(f"({n}) {APP_NAME}" if n else APP_NAME)
        self.notifier.set_unread(n)

    # --- window state -------------------------------------------------------------------

    def closeEvent(self, event) -> None:
        if self.attached:
            save_state(self)
            self.notifier.hide()
            self.statistics_tab.sampler.stop()
        super().closeEvent(event)


__all__ = ["MainWindow", "INBOX", "OUTBOX", "SESSIONS", "GATEWAYS", "STATISTICS"]
