"""A message's history: when it was queued, handed to a gateway, sent, each part's report, delivered or
why not, read from the engine's event journal."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget

from app.engine.views import MessageView

from .formatting import local_time, state_words, status_colour
from .tasks import spawn

TIME, EVENT, GATEWAY, DETAILS = range(4)


class HistoryDialog(QDialog):
    def __init__(self, engine, message: MessageView, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("historyDialog")
        self.engine = engine
        self.message = message
        who = message.recipient if message.direction == "out" else message.sender
        self.setWindowTitle(self.tr("History of the message to %s") % who if message.direction == "out"
                            else self.tr("History of the message from %s") % who)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setText(self.tr("Now: %s") % state_words(message.status)
                             + (f" — {message.reason}" if message.reason else ""))
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("historyView")
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setHeaderLabels([self.tr("Time"), self.tr("Event"), self.tr("Gateway"), self.tr("Details")])
        self.tree.setColumnWidth(TIME, 150)
        self.tree.setColumnWidth(EVENT, 170)
        self.tree.setColumnWidth(GATEWAY, 110)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addWidget(buttons)
        self.resize(760, 360)
        #: Set once the journal is read and shown (tests await it).
        self.loaded = spawn(self._load(), self, self.tr("Reading the message's history"))

    async def _load(self) -> None:
        entries = await self.engine.message_history(self.message.id)
        self.fill(entries)

    def event_words(self, entry) -> str:
        if entry.part:
            return self.tr("Part %d %s") % (entry.part, state_words(entry.to_status))
        if not entry.from_status:  # the message's creation
            return self.tr("Received") if entry.to_status == "received" else state_words(entry.to_status).capitalize()
        if entry.to_status == "sending":
            return self.tr("Handed to the gateway")
        if entry.to_status == "queued" and entry.from_status == "sending":
            return self.tr("Back in the queue")
        if entry.to_status == "queued" and entry.from_status != "scheduled":
            return self.tr("Queued again")
        return state_words(entry.to_status).capitalize()

    def fill(self, entries) -> None:
        self.tree.clear()
        for e in entries:
            gateway = e.gateway or ""
            if e.instance and e.instance != self.engine.instance_id:
                gateway += self.tr(" (console %s)") % e.instance
            item = QTreeWidgetItem([local_time(e.at), self.event_words(e), gateway, e.reason])
            item.setForeground(EVENT, status_colour(e.to_status))
            item.setToolTip(DETAILS, e.reason)
            self.tree.addTopLevelItem(item)
        if not entries:
            self.tree.addTopLevelItem(QTreeWidgetItem(["", self.tr("No history: the message is gone"), "", ""]))
        self.tree.setCurrentItem(self.tree.topLevelItem(self.tree.topLevelItemCount() - 1))
        self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
