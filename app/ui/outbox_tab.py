"""The Outbox tab: outbound messages and their state, live, grouped by job,
with filters; cancel, retry, resend, copy, delete with undo, export."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QListView, QMenu, QSplitter, QTableView, QToolBar, QToolButton, QVBoxLayout, QWidget

from app.engine.requests import EngineError, OutboundRequest
from app.engine.undo_delete import DeletedBatch
from app.engine.views import MessageView
from app.store import models as m

from .empty_hint import EmptyHint
from .engine_bridge import EngineBridge
from .filter_bar import FilterBar
from .formatting import STATUS_COLOURS, state_words, status_colour
from .history_dialog import HistoryDialog
from .icons import dot, icon
from .job_list import JobDelegate, JobListModel
from .message_actions import MessageActions
from .store_op import run_op
from .reason_words import ShownTextDelegate, ShownTextRole, plain_reason, status_with_reason
from .message_export import ExportRunner
from .message_table_model import (Column, MessageTableModel, first_line, local_time, setup_message_view,
                                  time_column)

QUEUED_AT, TO, TEXT, STATUS, GATEWAY, PARTS, SENT_AT, DELIVERED_AT, REASON = range(9)

STATUS_FILTERS = (
    (QT_TRANSLATE_NOOP("OutboxTab", "Waiting"), (m.QUEUED, m.SCHEDULED, m.SENDING)),
    (QT_TRANSLATE_NOOP("OutboxTab", "Sent"), (m.SENT,)),
    (QT_TRANSLATE_NOOP("OutboxTab", "Delivered"), (m.DELIVERED,)),
    (QT_TRANSLATE_NOOP("OutboxTab", "Failed"), (m.FAILED, m.UNDELIVERED, m.EXPIRED)),
    (QT_TRANSLATE_NOOP("OutboxTab", "Cancelled"), (m.CANCELLED,)),
)


class OutboxModel(MessageTableModel):
    def __init__(self, bridge: EngineBridge, parent=None):
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        columns = (
            time_column(self.tr("Queued"), lambda m: m.created_at),
            Column(self.tr("To"), lambda m: m.recipient),
            Column(self.tr("Text"), lambda m: first_line(m.text)),
            Column(self.tr("Status"), lambda m: state_words(m.status)),
            Column(self.tr("Gateway"), lambda m: m.gateway or ""),
            Column(self.tr("Parts"), lambda m: m.parts, right),
            time_column(self.tr("Sent"), lambda m: m.sent_at),
            time_column(self.tr("Delivered"), lambda m: m.finished_at if m.status == "delivered" else None),
            Column(self.tr("Reason"), lambda m: m.reason),
        )
        super().__init__(bridge, "out", columns, parent)

    def extra_data(self, msg: MessageView, column: int, role: int):
        if column == STATUS and role == ShownTextRole:
            return status_with_reason(state_words(msg.status), msg.status, msg.reason)
        if column == STATUS and role == Qt.ItemDataRole.ForegroundRole:
            return status_colour(msg.status)
        if column == STATUS and role == Qt.ItemDataRole.DecorationRole:
            return dot(STATUS_COLOURS.get(msg.status, "#c62828"))
        if column == REASON and role == Qt.ItemDataRole.ToolTipRole:
            return msg.reason or None
        if column == STATUS and role == Qt.ItemDataRole.ToolTipRole:
            lines = []
            if msg.reason and msg.status != m.DELIVERED and plain_reason(msg.status, msg.reason) != msg.reason:
                lines.append(msg.reason)  # the standard's own words, for a support request
            if msg.status == m.DELIVERED and msg.finished_at is not None:
                lines.append(self.tr("Delivered %s") % local_time(msg.finished_at))
            if msg.possible_duplicate:
                lines.append(self.tr("Possibly sent twice: the console stopped while it was being sent"))
            return "\n".join(lines) or None
        return None


class OutboxTab(MessageActions, QWidget):
    status = Signal(str)
    #: Copy into a new message: (recipients, text).
    copy_requested = Signal(str, str)

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = bridge.engine
        self.last_deleted: DeletedBatch | None = None
        self.export: ExportRunner | None = None
        self.model = OutboxModel(bridge, self)
        self.view = QTableView(self)
        self.view.setObjectName("outboxView")
        self.view.setModel(self.model)
        # the Delivered column starts hidden (the status says delivered, its tooltip when), so the
        # table fits a 1,280-pixel window; the header's menu shows it
        # the reason shows with the status (the Reason column, hidden, has the words as they came)
        setup_message_view(self.view, stretch=STATUS, widths={TO: 125, TEXT: 200, GATEWAY: 80, PARTS: 45},
                           hidden=(DELIVERED_AT, REASON))
        self.view.setItemDelegateForColumn(STATUS, ShownTextDelegate(self.view))
        self.empty = EmptyHint(self.view, self._empty_text)

        self.jobs = JobListModel(bridge, self)
        self.job_view = QListView(self)
        self.job_view.setObjectName("jobList")
        self.job_view.setModel(self.jobs)
        self.job_view.setItemDelegate(JobDelegate(self.job_view))
        self.job_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the bars fit the width
        self.job_view.setToolTip(self.tr("Jobs: the messages submitted together, with their progress"))
        self.job_view.selectionModel().currentChanged.connect(lambda _c, _p: self.apply_filter())
        self.jobs.modelReset.connect(self._keep_job)
        self.job_id: str | None = None

        self.filters = FilterBar(self.engine, self, unread=False,
                                 statuses=tuple((self.tr(label), names) for label, names in STATUS_FILTERS))
        self.filters.changed.connect(self.apply_filter)
        bridge.gateways_changed.connect(self.filters.reload_gateways)

        self._build_actions()
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.setSpacing(0)
        rl.addWidget(self.filters)
        rl.addWidget(self.view, 1)
        self.splitter = QSplitter(self)
        self.splitter.setObjectName("outboxSplitter")
        self.splitter.addWidget(self.job_view)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([180, 1000])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.splitter, 1)

    def _action(self, text: str, tip: str, slot, shortcut=None, icon_name: str = "") -> QAction:
        a = QAction(text, self)
        if icon_name:
            a.setIcon(icon(icon_name))
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
            a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            tip += f" ({a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})"
        a.setToolTip(tip)
        a.triggered.connect(slot)
        self.addAction(a)
        return a

    def _build_actions(self) -> None:
        self.toolbar = QToolBar(self)
        self.toolbar.setObjectName("outboxToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.cancel_action = self._action(self.tr("Cancel"), self.tr("Cancel the selected queued or scheduled "
                                                                     "messages"), self.cancel, "Ctrl+K", "stop")
        self.retry_action = self._action(self.tr("Retry"), self.tr("Queue the selected failed, expired or "
                                                                   "cancelled messages again"), self.retry,
                                         "Ctrl+Shift+T", "refresh")
        self.resend_action = self._action(self.tr("Resend"), self.tr("Send the selected messages again as new "
                                                                     "messages"), self.resend, "Ctrl+Shift+S",
                                          "send")
        self.copy_action = self._action(self.tr("Copy"), self.tr("Copy the selected messages as text"), self.copy,
                                        QKeySequence.StandardKey.Copy)
        self.copy_to_new_action = self._action(self.tr("Copy to new…"), self.tr("Open a new message with the "
                                                                                "recipients and text"),
                                               self.copy_to_new, "Ctrl+Shift+N", "new-message")
        self.delete_action = self._action(self.tr("Delete"), self.tr("Delete the selected messages (undo with "
                                                                     "Ctrl+Z)"), self.delete,
                                          QKeySequence.StandardKey.Delete, "delete")
        self.undo_action = self._action(self.tr("Undo delete"), self.tr("Bring back the messages deleted last"),
                                        self.undo_delete, "Ctrl+Z")
        self.undo_action.setEnabled(False)
        self.history_action = self._action(self.tr("History…"), self.tr(
            "Show the history of the selected message: queued, sent, each part's report, delivered or why not"),
            self.show_history, "Ctrl+I")
        self.view.doubleClicked.connect(lambda _index: self.show_history())
        for a in (self.cancel_action, self.retry_action, self.resend_action, self.history_action, self.copy_action,
                  self.copy_to_new_action, self.delete_action, self.undo_action):
            self.toolbar.addAction(a)
        self.export_filter_action = self._action(self.tr("Export all shown…"), self.tr(
            "Export every message the job, search and filters select"), lambda: self.export_csv(False), "Ctrl+E")
        self.export_selected_action = self._action(self.tr("Export selected…"), self.tr(
            "Export the selected messages"), lambda: self.export_csv(True), "Ctrl+Shift+E")
        menu = QMenu(self)
        menu.addAction(self.export_filter_action)
        menu.addAction(self.export_selected_action)
        button = QToolButton(self)
        button.setText(self.tr("Export"))
        button.setToolTip(self.tr("Export messages to a CSV file"))
        button.setMenu(menu)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.toolbar.addWidget(button)

    # --- filters -----------------------------------------------------------------------------

    def apply_filter(self) -> None:
        current = self.job_view.currentIndex()
        self.job_id = self.jobs.job_id_at(current.row()) if current.isValid() else None
        flt = self.filters.filter("out")
        from dataclasses import replace

        self.model.set_filter(replace(flt, job_id=self.job_id))

    def show_job(self, job_id: str | None) -> None:
        self.jobs.refresh()
        row = self.jobs.row_of(job_id)
        if row >= 0:
            self.job_view.selectionModel().setCurrentIndex(self.jobs.index(row),
                                                           QItemSelectionModel.SelectionFlag.ClearAndSelect)

    def _keep_job(self) -> None:
        row = self.jobs.row_of(self.job_id)
        self.job_view.selectionModel().blockSignals(True)
        self.job_view.selectionModel().setCurrentIndex(self.jobs.index(max(row, 0)),
                                                       QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self.job_view.selectionModel().blockSignals(False)

    def _empty_text(self) -> str:
        if self.model.loading:
            return self.tr("Searching…")
        if not self.model.filter.is_plain:
            return self.tr("No sent messages match the job, search and filters.")
        return self.tr("Nothing sent yet.\nWrite a message with Ctrl+N; it appears here with its state.")

    # --- actions -------------------------------------------------------------------------------

    def selected_messages(self) -> list[MessageView]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.message_at(r) for r in rows]

    def cancel(self) -> None:
        run_op(self, self.engine, self.engine.cancel, self.selected_ids(), what=self.tr("Cancel"),
               on_done=lambda done: self.status.emit(self.tr("%n message(s) cancelled.", "", len(done))))

    def retry(self) -> None:
        run_op(self, self.engine, self.engine.retry, self.selected_ids(), what=self.tr("Retry"),
               on_done=lambda done: self.status.emit(self.tr("%n message(s) queued again.", "", len(done))))

    def resend(self) -> None:
        chosen = self.selected_messages()
        if not chosen:
            return
        requests = [OutboundRequest([v.recipient], v.text, sender=v.sender, priority=v.priority,
                                    status_report=v.status_report, flash=v.flash) for v in chosen]
        run_op(self, self.engine, self.engine.queue_messages, requests, source="gui", what=self.tr("Resend"),
               on_done=lambda result: self.status.emit(
                   self.tr("%n message(s) queued again as new messages.", "", len(result.accepted))),
               on_error=self._refused)

    def _refused(self, exc: Exception) -> bool:
        """A request the engine refused is told in the status bar."""
        if isinstance(exc, EngineError):
            self.status.emit(str(exc))
            return True
        return False

    def show_history(self) -> HistoryDialog | None:
        """The selected (or current) message's history, in a window of its own."""
        chosen = self.selected_messages()
        if not chosen:
            return None
        dialog = HistoryDialog(self.engine, chosen[0], self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def copy_to_new(self) -> None:
        chosen = self.selected_messages()
        if chosen:
            recipients = "; ".join(dict.fromkeys(v.recipient for v in chosen))
            self.copy_requested.emit(recipients, chosen[0].text)

