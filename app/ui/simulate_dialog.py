"""Simulate incoming message: the operator types who sends it and what it says; the simulated
gateway receives it as if the network had delivered it. The last sender is proposed again."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit, QWidget

from app.engine.requests import EngineError

SENDER_KEY = "simulate/sender"


class SimulateDialog(QDialog):
    def __init__(self, engine, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = engine
        self.setWindowTitle(self.tr("Simulate incoming message"))
        self.resize(440, 240)
        self.sender_edit = QLineEdit(str(QSettings().value(SENDER_KEY, "+4917612345678")), self)
        self.sender_edit.setObjectName("simulateSender")
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setObjectName("simulateText")
        self.text_edit.setPlaceholderText(self.tr("What the message says"))
        self.problem_label = QLabel(self)
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #c62828;")
        self.problem_label.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.receive_button = buttons.addButton(self.tr("&Receive"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.receive_button.setDefault(True)
        buttons.accepted.connect(self.receive)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("&From:"), self.sender_edit)
        form.addRow(self.tr("&Text:"), self.text_edit)
        form.addRow(self.problem_label)
        form.addRow(buttons)
        self.text_edit.setFocus()

    def receive(self) -> None:
        sender, text = self.sender_edit.text().strip(), self.text_edit.toPlainText()
        if not sender or not text.strip():
            self.problem_label.setText(self.tr("Type who sends the message and what it says."))
            self.problem_label.show()
            return
        try:
            self.engine.simulate_incoming(sender=sender, text=text)
        except EngineError as exc:
            self.problem_label.setText(str(exc))
            self.problem_label.show()
            return
        QSettings().setValue(SENDER_KEY, sender)
        self.accept()
