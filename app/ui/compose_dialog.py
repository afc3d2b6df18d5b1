"""The New message dialog: recipients, sender ID, text, gateway."""

from __future__ import annotations

import re

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QVBoxLayout, QWidget)

from app.engine.engine import Engine
from app.engine.requests import EngineError, OutboundRequest, QueueResult

_SPLIT = re.compile(r"[;,\n]+")


def split_recipients(text: str) -> list[str]:
    return [p.strip() for p in _SPLIT.split(text) if p.strip()]


class ComposeDialog(QDialog):
    def __init__(self, engine: Engine, parent: QWidget | None = None, *, to: str = "", text: str = ""):
        super().__init__(parent)
        self.engine = engine
        self.result_: QueueResult | None = None
        self.setWindowTitle(self.tr("New message"))
        self.resize(520, 380)

        self.to_edit = QLineEdit(to, self)
        self.to_edit.setObjectName("toEdit")
        self.to_edit.setPlaceholderText(self.tr("+4917612345678; +4915112345678"))
        self.to_edit.setToolTip(self.tr("One or more numbers, separated by ; or ,"))
        self.sender_edit = QLineEdit(self)
        self.sender_edit.setObjectName("senderEdit")
        self.sender_edit.setPlaceholderText(self.tr("optional: number or up to 11 letters"))
        self.text_edit = QPlainTextEdit(text, self)
        self.text_edit.setObjectName("textEdit")
        self.gateway_combo = QComboBox(self)
        self.gateway_combo.setObjectName("gatewayCombo")
        self.gateway_combo.addItem(self.tr("Any available gateway"), "")
        for name in engine.gateways:
            self.gateway_combo.addItem(name, name)
        self.counter = QLabel(self)
        self.counter.setObjectName("counterLabel")
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("problemLabel")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #c62828;")
        self.problem_label.hide()
        self.text_edit.textChanged.connect(self._update_counter)
        self._update_counter()

        form = QFormLayout()
        form.addRow(self.tr("&To:"), self.to_edit)
        form.addRow(self.tr("&Sender ID:"), self.sender_edit)
        form.addRow(self.tr("&Gateway:"), self.gateway_combo)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.send_button = buttons.addButton(self.tr("&Send"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setObjectName("sendButton")
        self.send_button.setToolTip(self.tr("Queue the message (Ctrl+Enter)"))
        buttons.accepted.connect(self.send)
        buttons.rejected.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.send)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(self.counter)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)

    def _update_counter(self) -> None:
        text = self.text_edit.toPlainText()
        self.counter.setText(self.tr("%n character(s)", "", len(text)))

    def send(self) -> None:
        recipients = split_recipients(self.to_edit.text())
        text = self.text_edit.toPlainText()
        if not recipients:
            self._problem(self.tr("Enter at least one recipient number."))
            return
        if not text.strip():
            self._problem(self.tr("The message is empty. Type the text to send."))
            return
        gateway = self.gateway_combo.currentData()
        req = OutboundRequest(recipients=recipients, text=text, sender=self.sender_edit.text().strip(),
                              gateways=[gateway] if gateway else [])
        try:
            result = self.engine.queue_messages([req], source="gui")
        except EngineError as exc:
            self._problem(str(exc))
            return
        self.result_ = result
        if result.refused:
            # Keep the dialog open with only the refused recipients, to be corrected.
            lines = "\n".join(f"• {item.error}" for item in result.refused)
            queued = len(result.accepted)
            self._problem(self.tr("%n message(s) queued. These recipients were refused; correct them "
                                  "and send again, or cancel:", "", queued) + "\n" + lines)
            self.to_edit.setText("; ".join(item.recipient for item in result.refused))
            return
        self.accept()

    def _problem(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.show()
