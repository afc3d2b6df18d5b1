"""The Inbox tab: conversations by correspondent, or every message as a table
under a search and filters; mark read, reply, forward, copy, delete with undo, export."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QCheckBox, QMenu, QStackedWidget, QTableView, QToolBar, QToolButton, QVBoxLayout, QWidget

from app.engine.undo_delete import DeletedBatch
from app.engine.views import MessageView

from .conversation_pane import ConversationPane
from .empty_hint import EmptyHint
from .engine_bridge import EngineBridge
from .filter_bar import FilterBar
from .filtering import counterpart
from .icons import icon
from .message_actions import MessageActions
from .message_export import ExportRunner
from .store_op import run_op
from .message_table_model import Column, MessageTableModel, first_line, setup_message_view, time_column

RECEIVED, FROM, TEXT, GATEWAY, TO = range(5)
CONVERSATIONS, MESSAGES = range(2)


class InboxModel(MessageTableModel):
    def __init__(self, bridge: EngineBridge, parent=None):
        columns = (
            time_column(self.tr("Received"), lambda m: m.created_at),
            Column(self.tr("From"), lambda m: m.sender if m.direction == "in" else self.tr("(sent)")),
            Column(self.tr("Text"), lambda m: first_line(m.text)),
            Column(self.tr("Gateway"), lambda m: m.gateway or ""),
            Column(self.tr("To"), lambda m: m.recipient),
        )
        super().__init__(bridge, "in", columns, parent)


class InboxTab(MessageActions, QWidget):
    #: Something to tell in the status bar (deleted with undo, exported...).
    status = Signal(str)
    #: Forward: open the compose dialog with this text.
    forward_requested = Signal(str)
    #: The page shown (CONVERSATIONS or MESSAGES) changed.
    page_shown = Signal(int)

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = bridge.engine
        self.last_deleted: DeletedBatch | None = None
        self.export: ExportRunner | None = None

        self.model = InboxModel(bridge, self)
        self.view = QTableView(self)
        self.view.setObjectName("inboxView")
        self.view.setModel(self.model)
        setup_message_view(self.view, stretch=TEXT, widths={FROM: 140, GATEWAY: 100, TO: 130})
        self.view.doubleClicked.connect(self._open)
        self.empty = EmptyHint(self.view, self._empty_text)
        self.conversations = ConversationPane(bridge, self)

        self.filters = FilterBar(self.engine, self)
        self.sent_too = QCheckBox(self.tr("Sent &too"), self.filters)
        self.sent_too.setObjectName("sentTooCheck")
        self.sent_too.setToolTip(self.tr("Search and list sent messages as well as received ones"))
        self.filters.layout().insertWidget(1, self.sent_too)
        self.sent_too.toggled.connect(lambda _v: self.apply_filter())
        self.filters.changed.connect(self.apply_filter)
        bridge.gateways_changed.connect(self.filters.reload_gateways)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.conversations)
        self.pages.addWidget(self.view)
        self.pages.setCurrentIndex(MESSAGES)

        self._build_actions()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.filters)
        layout.addWidget(self.pages, 1)
        self.setTabOrder(self.filters.search_edit, self.view)

    def _action(self, text: str, slot, *, shortcut=None, tip: str = "", icon_name: str = "") -> QAction:
        a = QAction(text, self)
        if icon_name:
            a.setIcon(icon(icon_name))
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            tip = f"{tip} ({a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})" if tip else tip
        a.setToolTip(tip or text.replace("&", ""))
        a.triggered.connect(slot)
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("inboxToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        group = QActionGroup(self)
        self.conversations_action = self._action(self.tr("Conversations"), lambda: self.show_page(CONVERSATIONS),
                                                 tip=self.tr("Messages grouped by correspondent"),
                                                 icon_name="sessions")
        self.messages_action = self._action(self.tr("All messages"), lambda: self.show_page(MESSAGES),
                                            tip=self.tr("Every message as a table, with search and filters"),
                                            icon_name="inbox")
        for a in (self.conversations_action, self.messages_action):
            a.setCheckable(True)
            group.addAction(a)
            self.toolbar.addAction(a)
        self.messages_action.setChecked(True)
        self.toggle_view_action = self._action(self.tr("Switch view"), self.toggle_page, shortcut="Ctrl+T",
                                               tip=self.tr("Switch between conversations and all messages"))
        self.toolbar.addSeparator()
        self.reply_action = self._action(self.tr("&Reply"), self.reply, shortcut="Ctrl+Shift+R",
                                         tip=self.tr("Reply to the sender in the conversation"), icon_name="send")
        self.forward_action = self._action(self.tr("&Forward…"), self.forward, shortcut="Ctrl+Shift+F",
                                           tip=self.tr("Send the text of the message to someone else"))
        self.mark_read_action = self._action(self.tr("Mark read"), lambda: self._mark(True), shortcut="Ctrl+R",
                                             tip=self.tr("Mark the selected messages read"))
        self.mark_unread_action = self._action(self.tr("Mark unread"), lambda: self._mark(False),
                                               shortcut="Ctrl+U", tip=self.tr("Mark the selected messages unread"))
        self.delete_action = self._action(self.tr("Delete"), self.delete, shortcut=QKeySequence.StandardKey.Delete,
                                          tip=self.tr("Delete the selected messages (undo with Ctrl+Z)"),
                                          icon_name="delete")
        self.undo_action = self._action(self.tr("Undo delete"), self.undo_delete, shortcut="Ctrl+Z",
                                        tip=self.tr("Bring back the messages deleted last"))
        self.undo_action.setEnabled(False)
        self.copy_action = self._action(self.tr("Copy"), self.copy, shortcut=QKeySequence.StandardKey.Copy,
                                        tip=self.tr("Copy the selected messages as text"))
        for a in (self.reply_action, self.forward_action, self.mark_read_action, self.mark_unread_action,
                  self.delete_action, self.undo_action, self.copy_action):
            self.toolbar.addAction(a)
        self.export_selected_action = self._action(self.tr("Export selected…"), lambda: self.export_csv(True),
                                                   shortcut="Ctrl+Shift+E")
        self.export_filter_action = self._action(self.tr("Export all shown…"), lambda: self.export_csv(False),
                                                 shortcut="Ctrl+E",
                                                 tip=self.tr("Export every message the search and filters select"))
        menu = QMenu(self)
        menu.addAction(self.export_filter_action)
        menu.addAction(self.export_selected_action)
        button = QToolButton(self)
        button.setObjectName("exportButton")
        button.setText(self.tr("Export"))
        button.setToolTip(self.tr("Export messages to a CSV file"))
        button.setMenu(menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.toolbar.addWidget(button)

    # --- pages and filters --------------------------------------------------------------

    def show_page(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        (self.conversations_action if page == CONVERSATIONS else self.messages_action).setChecked(True)
        self.filters.setVisible(page == MESSAGES)
        if page == CONVERSATIONS:
            self.conversations.read_if_shown()
        self.page_shown.emit(page)

    def main_view(self):
        """The list the shortcuts act on: the conversations, or the table of all messages."""
        return self.conversations.list_view if self.pages.currentIndex() == CONVERSATIONS else self.view

    def toggle_page(self) -> None:
        self.show_page(MESSAGES if self.pages.currentIndex() == CONVERSATIONS else CONVERSATIONS)

    def apply_filter(self) -> None:
        self.model.set_filter(self.filters.filter(None if self.sent_too.isChecked() else "in"))

    def focus_search(self) -> None:
        self.show_page(MESSAGES)
        self.filters.focus_search()

    def _empty_text(self) -> str:
        if self.model.loading:
            return self.tr("Searching…")
        if self.model.error:
            return self.tr("The search failed: %s") % self.model.error
        if not self.model.filter.is_plain:
            return self.tr("No messages match the search and filters.\nChange them, or clear the search field.")
        return self.tr("No messages received yet.\nMessages your gateways receive appear here.")

    # --- selection and actions -------------------------------------------------------------

    def selected_messages(self) -> list[MessageView]:
        if self.pages.currentIndex() == CONVERSATIONS:
            rows = sorted({i.row() for i in self.conversations.thread_view.selectionModel().selectedIndexes()})
            return [self.conversations.thread_model.message_at(r) for r in rows]
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.message_at(r) for r in rows]

    def _mark(self, read: bool) -> None:
        run_op(self, self.engine, self.engine.mark_read, self.selected_ids(), read, what=self.tr("Mark read"))

    def forward(self) -> None:
        chosen = self.selected_messages()
        if chosen:
            self.forward_requested.emit(chosen[0].text)

    def reply(self) -> None:
        chosen = self.selected_messages()
        number = counterpart(chosen[0]) if chosen else self.conversations.number
        if not number:
            return
        self.show_page(CONVERSATIONS)
        self.conversations.select_number(number)
        self.conversations.reply_edit.setFocus()

    def _open(self, index) -> None:
        msg = self.model.message_at(index.row())
        if msg.direction == "in" and not msg.read:
            run_op(self, self.engine, self.engine.mark_read, [msg.id], True, what=self.tr("Mark read"))

