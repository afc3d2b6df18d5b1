"""The conversation view of the Inbox: correspondents on the left, the thread
with both directions on the right, and a reply box under it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QListView, QPlainTextEdit, QPushButton,
                               QSplitter, QVBoxLayout, QWidget)

from app.engine.requests import EngineError, OutboundRequest

from .conversation_delegates import BubbleDelegate, ConversationDelegate
from .conversation_models import ConversationListModel, ThreadModel
from .engine_bridge import EngineBridge
from .store_op import run_op
from .icons import icon
from .sms_counter import counter_text


class ConversationPane(QWidget):
    #: The operator replied: the queued message.
    replied = Signal(object)

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = bridge.engine
        self.list_model = ConversationListModel(bridge, self)
        self.thread_model = ThreadModel(bridge, self)

        self.list_view = QListView(self)
        self.list_view.setObjectName("conversationList")
        self.list_view.setModel(self.list_model)
        self.list_view.setItemDelegate(ConversationDelegate(self.list_view))
        self.list_view.setUniformItemSizes(True)
        self.list_view.selectionModel().currentChanged.connect(self._open_current)
        self.list_model.modelReset.connect(self._keep_selection)
        self.list_model.layoutChanged.connect(self._keep_selection)  # the first page came

        self.header = QLabel(self)
        self.header.setObjectName("threadHeader")
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.header.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.header.setFont(font)
        self.thread_view = QListView(self)
        self.thread_view.setObjectName("threadView")
        self.thread_view.setModel(self.thread_model)
        self.thread_view.setItemDelegate(BubbleDelegate(self.thread_view))
        self.thread_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.thread_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.thread_view.setResizeMode(QListView.ResizeMode.Adjust)
        self.thread_view.setWordWrap(True)
        self.thread_view.verticalScrollBar().valueChanged.connect(self._maybe_older)
        self.thread_model.rowsInserted.connect(self._scroll_on_new)
        self.thread_model.shown.connect(self.thread_view.scrollToBottom)

        self.reply_edit = QPlainTextEdit(self)
        self.reply_edit.setObjectName("replyEdit")
        self.reply_edit.setPlaceholderText(self.tr("Write a reply… (Ctrl+Enter sends)"))
        self.reply_edit.setFixedHeight(self.reply_edit.fontMetrics().height() * 4)
        self.reply_edit.textChanged.connect(self._update_counter)
        self.reply_counter = QLabel(self)
        self.reply_counter.setObjectName("replyCounter")
        self.reply_button = QPushButton(icon("send"), self.tr("Send"), self)
        self.reply_button.setObjectName("replyButton")
        self.reply_button.setToolTip(self.tr("Send the reply (Ctrl+Enter)"))
        self.reply_button.clicked.connect(self.send_reply)
        self.reply_edit.installEventFilter(self)  # Ctrl+Enter sends
        self.reply_problem = QLabel(self)
        self.reply_problem.setObjectName("replyProblem")
        self.reply_problem.setWordWrap(True)
        self.reply_problem.setStyleSheet("color: #c62828;")
        self.reply_problem.hide()
        self.empty_label = QLabel(self.tr("No conversations yet.\nReceived and sent messages appear here, "
                                          "grouped by correspondent."), self)
        self.empty_label.setObjectName("conversationsEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)

        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(6, 6, 6, 6)
        rl.addWidget(self.header)
        rl.addWidget(self.empty_label, 1)
        rl.addWidget(self.thread_view, 1)
        rl.addWidget(self.reply_problem)
        reply_row = QHBoxLayout()
        reply_row.addWidget(self.reply_edit, 1)
        side = QVBoxLayout()
        side.addStretch(1)
        side.addWidget(self.reply_counter)
        side.addWidget(self.reply_button)
        reply_row.addLayout(side)
        rl.addLayout(reply_row)

        self.splitter = QSplitter(self)
        self.splitter.setObjectName("conversationSplitter")
        self.splitter.addWidget(self.list_view)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([300, 700])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        self.setTabOrder(self.list_view, self.thread_view)
        self.setTabOrder(self.thread_view, self.reply_edit)
        self.setTabOrder(self.reply_edit, self.reply_button)
        self._show_number("")
        if self.list_model.rowCount():
            self.select_number(self.list_model.row_at(0).number)
        self._update_counter()

    def eventFilter(self, obj, event) -> bool:
        if (obj is self.reply_edit and event.type() == QEvent.Type.KeyPress
                and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
                and event.modifiers() & Qt.KeyboardModifier.ControlModifier):
            self.send_reply()
            return True
        return super().eventFilter(obj, event)

    @property
    def number(self) -> str:
        return self.thread_model.number

    def select_number(self, number: str) -> None:
        row = self.list_model.row_of(number)
        if row >= 0:
            self.list_view.selectionModel().setCurrentIndex(
                self.list_model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect)
        else:  # an old conversation, not loaded in the list
            self.list_view.clearSelection()
            self._show_number(number)

    def _open_current(self, current, _previous=None) -> None:
        number = self.list_model.row_at(current.row()).number if current.isValid() else ""
        if number != self.thread_model.number:
            self._show_number(number)

    def _show_number(self, number: str) -> None:
        self.thread_model.show(number)
        self.header.setText(number)
        if number:
            run_op(self, self.engine, self.engine.conversation, number, on_done=self._show_header)
        has = bool(number)
        self.empty_label.setVisible(not has)
        for w in (self.thread_view, self.reply_edit, self.reply_button, self.reply_counter):
            w.setVisible(has)
        self.reply_problem.hide()
        self.thread_view.scrollToBottom()
        self.read_if_shown()

    def _show_header(self, row) -> None:
        if row is not None and row.number == self.thread_model.number and row.name:
            self.header.setText(f"{row.name}  <{row.number}>")

    def read_if_shown(self) -> None:
        """The open conversation counts as read only while the operator can see it."""
        number = self.thread_model.number
        if number and self.isVisible():
            run_op(self, self.engine, self.engine.mark_conversation_read, number, what=self.tr("Mark read"))

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.read_if_shown()

    def _keep_selection(self) -> None:
        if self.thread_model.number:
            self.select_number(self.thread_model.number)
        elif self.list_model.rowCount():
            self.select_number(self.list_model.row_at(0).number)
        self.empty_label.setText(self.tr("No conversations yet.\nReceived and sent messages appear here, grouped "
                                         "by correspondent.") if not self.list_model.rowCount()
                                 else self.tr("Choose a conversation on the left."))

    def _maybe_older(self, value: int) -> None:
        if value == 0 and self.thread_model.has_older:
            bar = self.thread_view.verticalScrollBar()
            before = bar.maximum()
            self.thread_model.load_older(lambda n: n and bar.setValue(bar.maximum() - before))

    def _scroll_on_new(self, _parent, first: int, _last: int) -> None:
        if first > 0:
            self.thread_view.scrollToBottom()
            if self.window().isActiveWindow():
                self.read_if_shown()

    def _update_counter(self) -> None:
        self.reply_counter.setText(counter_text(self.reply_edit.toPlainText()))

    def selected_ids(self) -> list[int]:
        rows = sorted(i.row() for i in self.thread_view.selectionModel().selectedIndexes())
        return [self.thread_model.message_at(r).id for r in rows]

    def send_reply(self) -> None:
        text = self.reply_edit.toPlainText()
        if not self.thread_model.number:
            return
        if not text.strip():
            self._problem(self.tr("The reply is empty. Type the text to send."))
            return
        self.reply_button.setEnabled(False)  # until the store answers: one click queues once
        run_op(self, self.engine, self.engine.queue_messages, [OutboundRequest([self.thread_model.number], text)],
               source="gui", on_done=self._queued, on_error=self._refused, what=self.tr("Send"))

    def _refused(self, exc: Exception) -> bool:
        self.reply_button.setEnabled(True)
        if isinstance(exc, EngineError):
            self._problem(str(exc))
            return True
        return False

    def _queued(self, result) -> None:
        self.reply_button.setEnabled(True)
        if result.refused:
            self._problem(self.tr("The reply was not queued: %s") % result.refused[0].error)
            return
        self.reply_problem.hide()
        self.reply_edit.clear()
        self.replied.emit(result.accepted[0])

    def _problem(self, text: str) -> None:
        self.reply_problem.setText(text)
        self.reply_problem.show()
