"""The Inbox tab: received messages, newest first, unread in bold."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QToolBar, QVBoxLayout, QWidget

from .engine_bridge import EngineBridge
from .message_table_model import Column, MessageTableModel, first_line, local_time

RECEIVED, FROM, TEXT, GATEWAY, TO = range(5)


class InboxModel(MessageTableModel):
    def __init__(self, bridge: EngineBridge, parent=None):
        columns = (
            Column(self.tr("Received"), lambda m: local_time(m.created_at)),
            Column(self.tr("From"), lambda m: m.sender),
            Column(self.tr("Text"), lambda m: first_line(m.text)),
            Column(self.tr("Gateway"), lambda m: m.gateway or ""),
            Column(self.tr("To"), lambda m: m.recipient),
        )
        super().__init__(bridge, "in", columns, parent)


class InboxTab(QWidget):
    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = bridge.engine
        self.model = InboxModel(bridge, self)
        self.view = QTableView(self)
        self.view.setObjectName("inboxView")
        self.view.setModel(self.model)
        _setup_view(self.view, stretch=TEXT)
        self.view.doubleClicked.connect(self._open)

        bar = QToolBar(self)
        self.mark_read_action = QAction(self.tr("Mark read"), self)
        self.mark_read_action.setShortcut(QKeySequence("Ctrl+R"))
        self.mark_read_action.triggered.connect(lambda: self._mark(True))
        self.mark_unread_action = QAction(self.tr("Mark unread"), self)
        self.mark_unread_action.setShortcut(QKeySequence("Ctrl+U"))
        self.mark_unread_action.triggered.connect(lambda: self._mark(False))
        self.delete_action = QAction(self.tr("Delete"), self)
        self.delete_action.setShortcut(QKeySequence.StandardKey.Delete)
        self.delete_action.triggered.connect(self._delete)
        for a in (self.mark_read_action, self.mark_unread_action, self.delete_action):
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            bar.addAction(a)
            self.addAction(a)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(bar)
        layout.addWidget(self.view)

    def selected_ids(self) -> list[int]:
        rows = {i.row() for i in self.view.selectionModel().selectedRows()}
        return [self.model.message_at(r).id for r in sorted(rows)]

    def _mark(self, read: bool) -> None:
        self.engine.mark_read(self.selected_ids(), read)

    def _delete(self) -> None:
        self.engine.delete_messages(self.selected_ids())

    def _open(self, index) -> None:
        self.engine.mark_read([self.model.message_at(index.row()).id], True)


def _setup_view(view: QTableView, *, stretch: int) -> None:
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(False)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    for col in range(view.model().columnCount()):
        if col != stretch:
            view.setColumnWidth(col, 140)
