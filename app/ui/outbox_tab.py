"""The Outbox tab: outbound messages and their state, live."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QTableView, QToolBar, QVBoxLayout, QWidget

from app.engine.views import MessageView

from .engine_bridge import EngineBridge
from .formatting import status_colour
from .inbox_tab import _setup_view
from .message_table_model import Column, MessageTableModel, first_line, local_time

QUEUED_AT, TO, TEXT, STATUS, GATEWAY, PARTS, SENT_AT, REASON = range(8)


class OutboxModel(MessageTableModel):
    def __init__(self, bridge: EngineBridge, parent=None):
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        columns = (
            Column(self.tr("Queued"), lambda m: local_time(m.created_at)),
            Column(self.tr("To"), lambda m: m.recipient),
            Column(self.tr("Text"), lambda m: first_line(m.text)),
            Column(self.tr("Status"), lambda m: m.status),
            Column(self.tr("Gateway"), lambda m: m.gateway or ""),
            Column(self.tr("Parts"), lambda m: m.parts, right),
            Column(self.tr("Sent"), lambda m: local_time(m.sent_at)),
            Column(self.tr("Reason"), lambda m: m.reason),
        )
        super().__init__(bridge, "out", columns, parent)

    def extra_data(self, msg: MessageView, column: int, role: int):
        if column == STATUS and role == Qt.ItemDataRole.ForegroundRole:
            return status_colour(msg.status)
        return None


class OutboxTab(QWidget):
    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = bridge.engine
        self.model = OutboxModel(bridge, self)
        self.view = QTableView(self)
        self.view.setObjectName("outboxView")
        self.view.setModel(self.model)
        _setup_view(self.view, stretch=TEXT)

        bar = QToolBar(self)
        self.cancel_action = QAction(self.tr("Cancel"), self)
        self.cancel_action.setToolTip(self.tr("Cancel the selected queued or scheduled messages"))
        self.cancel_action.triggered.connect(lambda: self.engine.cancel(self.selected_ids()))
        self.retry_action = QAction(self.tr("Retry"), self)
        self.retry_action.setToolTip(self.tr("Queue the selected failed, expired or cancelled messages again"))
        self.retry_action.triggered.connect(lambda: self.engine.retry(self.selected_ids()))
        self.delete_action = QAction(self.tr("Delete"), self)
        self.delete_action.triggered.connect(lambda: self.engine.delete_messages(self.selected_ids()))
        for a in (self.cancel_action, self.retry_action, self.delete_action):
            bar.addAction(a)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(bar)
        layout.addWidget(self.view)

    def selected_ids(self) -> list[int]:
        rows = {i.row() for i in self.view.selectionModel().selectedRows()}
        return [self.model.message_at(r).id for r in sorted(rows)]
