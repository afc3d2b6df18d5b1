"""The New message dialog: recipients as chips (numbers, contacts, groups, a CSV file),
the text with a live counter, and the sending options."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDateTime, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDateTimeEdit, QDialog, QDialogButtonBox, QFileDialog,
                               QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QVBoxLayout, QWidget)

from app.engine.engine import Engine
from app.engine.requests import EngineError, OutboundRequest, QueueResult

from .contact_picker import ContactPicker
from .csv_drop import CsvDrop
from .csv_import_dialog import CsvImportDialog
from .discard_guard import DiscardGuard
from .icons import icon
from .recipient_field import Recipient, RecipientField, split_recipients
from .store_op import run_op
from .sms_counter import CounterBar

__all__ = ["ComposeDialog", "fill_placeholders", "split_recipients"]

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
VALIDITY = ((QT_TRANSLATE_NOOP("ComposeDialog", "Maximum (as the network allows)"), None),
            (QT_TRANSLATE_NOOP("ComposeDialog", "1 hour"), 3600),
            (QT_TRANSLATE_NOOP("ComposeDialog", "6 hours"), 6 * 3600),
            (QT_TRANSLATE_NOOP("ComposeDialog", "1 day"), 86400),
            (QT_TRANSLATE_NOOP("ComposeDialog", "2 days"), 2 * 86400),
            (QT_TRANSLATE_NOOP("ComposeDialog", "1 week"), 7 * 86400))
PRIORITY = ((QT_TRANSLATE_NOOP("ComposeDialog", "Normal"), 0), (QT_TRANSLATE_NOOP("ComposeDialog", "High"), 1),
            (QT_TRANSLATE_NOOP("ComposeDialog", "Urgent"), 2))


def fill_placeholders(text: str, fields: dict[str, str]) -> str:
    """``text`` with ``{column}`` replaced by the recipient's values; unknown names stay as written."""
    return _PLACEHOLDER.sub(lambda m: fields.get(m.group(1).lower(), m.group(0)), text)


def placeholders_in(text: str) -> list[str]:
    return list(dict.fromkeys(m.group(1).lower() for m in _PLACEHOLDER.finditer(text)))


class ComposeDialog(QDialog):
    def __init__(self, engine: Engine, parent: QWidget | None = None, *, to: str = "", text: str = ""):
        super().__init__(parent)
        self.engine = engine
        self.result_: QueueResult | None = None
        self.setWindowTitle(self.tr("New message"))
        self.resize(640, 560)

        self.recipients = RecipientField(engine, self)
        self.to_edit = self.recipients.edit
        if to:
            self.recipients.add_text(to)
        self.contacts_button = QPushButton(self.tr("Contacts…"), self)
        self.contacts_button.setObjectName("contactsButton")
        self.contacts_button.setToolTip(self.tr("Choose contacts and groups"))
        self.contacts_button.clicked.connect(self.pick_contacts)
        self.csv_button = QPushButton(self.tr("Import CSV…"), self)
        self.csv_button.setObjectName("csvButton")
        self.csv_button.setToolTip(self.tr("Send to every row of a CSV file; its columns become {placeholders}. "
                                           "Dropping a CSV file on this window does the same."))
        self.csv_button.clicked.connect(lambda: self.import_csv())

        self.text_edit = QPlainTextEdit(text, self)
        self.text_edit.setObjectName("textEdit")
        self.text_edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text_edit.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.text_edit.setPlaceholderText(self.tr("Message text. {name} is replaced by each recipient's name."))
        self.counter_bar = CounterBar(self.text_edit, self)
        self.counter = self.counter_bar.label

        self.sender_edit = QLineEdit(self)
        self.sender_edit.setObjectName("senderEdit")
        self.sender_edit.setPlaceholderText(self.tr("optional: number or up to 11 letters"))
        self.gateway_combo = QComboBox(self)
        self.gateway_combo.setObjectName("gatewayCombo")
        self.gateway_combo.addItem(self.tr("Any available gateway"), "")
        for name in engine.gateways:
            self.gateway_combo.addItem(name, name)
        self.flash_check = QCheckBox(self.tr("&Flash message"), self)
        self.flash_check.setObjectName("flashCheck")
        self.flash_check.setToolTip(self.tr("Shown on the screen at once, not stored by the phone"))
        self.report_check = QCheckBox(self.tr("&Delivery report"), self)
        self.report_check.setObjectName("reportCheck")
        self.report_check.setToolTip(self.tr("Ask the network to report when the message is delivered"))
        self.validity_combo = QComboBox(self)
        self.validity_combo.setObjectName("validityCombo")
        for label, seconds in VALIDITY:
            self.validity_combo.addItem(self.tr(label), seconds)
        self.priority_combo = QComboBox(self)
        self.priority_combo.setObjectName("priorityCombo")
        for label, value in PRIORITY:
            self.priority_combo.addItem(self.tr(label), value)
        self.schedule_check = QCheckBox(self.tr("Send &at:"), self)
        self.schedule_check.setObjectName("scheduleCheck")
        self.schedule_edit = QDateTimeEdit(QDateTime.currentDateTime().addSecs(3600), self)
        self.schedule_edit.setObjectName("scheduleEdit")
        self.schedule_edit.setCalendarPopup(True)
        self.schedule_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.schedule_edit.setEnabled(False)
        self.schedule_check.toggled.connect(self.schedule_edit.setEnabled)

        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("problemLabel")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #c62828;")
        self.problem_label.hide()
        self.warning_label = QLabel(self)
        self.warning_label.setObjectName("warningLabel")
        self.warning_label.setWordWrap(True)
        self.warning_label.setStyleSheet("color: #ef6c00;")
        self.warning_label.hide()
        self.recipients.changed.connect(self.update_warnings)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.send_button = buttons.addButton(self.tr("&Send"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.send_button.setObjectName("sendButton")
        self.send_button.setIcon(icon("send"))
        self.send_button.setToolTip(self.tr("Queue the message (Ctrl+Enter)"))
        buttons.accepted.connect(self.send)
        buttons.rejected.connect(self.reject)
        # Send is the default button whatever has the focus: Enter on Cancel or a side button never discards
        self.send_button.setDefault(True)
        for button in (buttons.button(QDialogButtonBox.StandardButton.Cancel), self.contacts_button,
                       self.csv_button, self.counter_bar.replace_button):
            button.setAutoDefault(False)
        self.guard = DiscardGuard(self, self.has_input, self.tr("this message"))
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(keys), self, activated=self.send)

        to_row = QHBoxLayout()
        to_row.addWidget(self.recipients, 1)
        side = QVBoxLayout()
        side.addWidget(self.contacts_button)
        side.addWidget(self.csv_button)
        side.addStretch(1)
        to_row.addLayout(side)
        to_label = QLabel(self.tr("&To:"), self)
        to_label.setBuddy(self.to_edit)
        form = QFormLayout()
        form.addRow(to_label, to_row)
        options = QGroupBox(self.tr("Options"), self)
        grid = QGridLayout(options)
        grid.addWidget(QLabel(self.tr("Sender ID:")), 0, 0)
        grid.addWidget(self.sender_edit, 0, 1)
        grid.addWidget(QLabel(self.tr("Gateway:")), 0, 2)
        grid.addWidget(self.gateway_combo, 0, 3)
        grid.addWidget(QLabel(self.tr("Validity:")), 1, 0)
        grid.addWidget(self.validity_combo, 1, 1)
        grid.addWidget(QLabel(self.tr("Priority:")), 1, 2)
        grid.addWidget(self.priority_combo, 1, 3)
        grid.addWidget(self.schedule_check, 2, 0)
        grid.addWidget(self.schedule_edit, 2, 1)
        checks = QHBoxLayout()
        checks.addWidget(self.report_check)
        checks.addWidget(self.flash_check)
        grid.addLayout(checks, 2, 2, 1, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(self.counter_bar)
        layout.addWidget(options)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)
        for a, b in ((self.to_edit, self.text_edit), (self.text_edit, self.sender_edit),
                     (self.sender_edit, self.gateway_combo), (self.gateway_combo, self.validity_combo),
                     (self.validity_combo, self.priority_combo), (self.priority_combo, self.schedule_check),
                     (self.schedule_check, self.schedule_edit), (self.schedule_edit, self.report_check),
                     (self.report_check, self.flash_check), (self.flash_check, self.send_button)):
            self.setTabOrder(a, b)
        (self.text_edit if to else self.to_edit).setFocus()
        # a CSV file dropped anywhere on the dialog, the text and To fields included, is imported
        self.csv_drop = CsvDrop(self, self.import_csv, also=(self.text_edit.viewport(), self.to_edit))
        self.update_warnings()

    def warnings(self) -> list[str]:
        """What would keep the message from leaving as the operator expects, said before sending."""
        out = []
        national = [r.number for r in self.recipients.recipients()
                    if not r.error and r.number.startswith("0") and len(r.number) > 8]
        if national and not self.engine.settings.get("default_country"):
            out.append(self.tr("No default country is set, so %s leaves as typed and most networks refuse it. "
                               "Type the number with + and its country code, or set the country in Settings → "
                               "General.") % ", ".join(national[:3]))
        if self.engine.settings.get("sending_paused"):
            out.append(self.tr("All sending is paused: the message waits in the queue until sending is resumed "
                               "(Gateway menu)."))
        elif not any(g.state == "running" for g in self.engine.gateway_views()):
            out.append(self.tr("No gateway can send now: the message waits in the queue until one is started "
                               "in the Gateways tab."))
        return out

    def update_warnings(self) -> None:
        warnings = self.warnings()
        self.warning_label.setText("\n".join(warnings))
        self.warning_label.setVisible(bool(warnings))

    def has_input(self) -> bool:
        """Whether the operator typed anything that closing would lose."""
        return bool(self.text_edit.toPlainText().strip() or self.recipients.recipients()
                    or self.to_edit.text().strip())

    def reject(self) -> None:
        self.guard.reject()

    # --- recipients ------------------------------------------------------------------------

    def pick_contacts(self) -> None:
        picker = ContactPicker(self.engine, self)
        if picker.exec() == QDialog.DialogCode.Accepted:
            for token in picker.chosen():
                self.recipients.add_text(token)

    def import_csv(self, path: str | None = None) -> CsvImportDialog | None:
        """Ask for a file (unless given), then show the column chooser and preview; returns the dialog shown."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Import recipients"), "",
                                                  self.tr("CSV files (*.csv *.txt);;All files (*)"))
            if not path:
                return None
        try:
            text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
        except OSError as exc:
            self._problem(self.tr("The file %s cannot be read: %s") % (path, exc.strerror or exc))
            return None
        dialog = CsvImportDialog(path, text, self.recipients.normalise, self)
        dialog.accepted.connect(lambda: self.recipients.set_bulk(dialog.name, dialog.recipients()))
        dialog.open()
        return dialog

    # --- sending ---------------------------------------------------------------------------

    def _options(self) -> dict:
        scheduled = None
        if self.schedule_check.isChecked():
            scheduled = self.schedule_edit.dateTime().toPython().astimezone()
        gateway = self.gateway_combo.currentData()
        return dict(sender=self.sender_edit.text().strip(), gateways=[gateway] if gateway else [],
                    flash=self.flash_check.isChecked(), status_report=self.report_check.isChecked(),
                    validity_seconds=self.validity_combo.currentData(), priority=self.priority_combo.currentData(),
                    scheduled_at=scheduled)

    def requests(self, recipients: list[Recipient], text: str) -> list[OutboundRequest]:
        """One request for all, or one per recipient when the text has placeholders."""
        options = self._options()
        if not placeholders_in(text):
            return [OutboundRequest(recipients=[r.number for r in recipients], text=text, **options)]
        return [OutboundRequest(recipients=[r.number], text=fill_placeholders(text, r.fields), **options)
                for r in recipients]

    def send(self) -> None:
        self.recipients.commit()
        recipients = self.recipients.recipients()
        text = self.text_edit.toPlainText()
        if not recipients:
            self._problem(self.tr("Enter at least one recipient number."))
            return
        if not text.strip():
            self._problem(self.tr("The message is empty. Type the text to send."))
            return
        missing = [p for p in placeholders_in(text) if not all(p in r.fields for r in recipients)]
        if missing:
            self._problem(self.tr("The text uses %s, but not every recipient has a value for it. Import a CSV "
                                  "file with such a column, or remove it from the text.")
                          % ", ".join(f"{{{p}}}" for p in missing))
            return
        if self.schedule_check.isChecked() and self.schedule_edit.dateTime() < QDateTime.currentDateTime():
            self._problem(self.tr("The send time is in the past. Choose a later time, or untick \"Send at\"."))
            return
        self.send_button.setEnabled(False)  # until the store answers: one click queues once
        run_op(self, self.engine, self.engine.queue_messages, self.requests(recipients, text), source="gui",
               on_done=self._queued, on_error=self._refused, what=self.tr("Send"),
               progress_text=self.tr("Queueing the messages…"))

    def _refused(self, exc: Exception) -> bool:
        self.send_button.setEnabled(True)
        if isinstance(exc, EngineError):
            self._problem(str(exc))
            return True
        return False

    def _queued(self, result) -> None:
        self.send_button.setEnabled(True)
        self.result_ = result
        if result.refused:
            # Keep the dialog open with only the refused recipients, to be corrected.
            refused = [item.recipient for item in result.refused]
            lines = "\n".join(f"• {item.error}" for item in result.refused[:20])
            more = len(result.refused) - 20
            if more > 0:
                lines += "\n" + self.tr("… and %d more") % more
            self._problem(self.tr("%n message(s) queued. These recipients were refused; correct them "
                                  "and send again, or cancel:", "", len(result.accepted)) + "\n" + lines)
            self.recipients.keep_only(set())
            self.to_edit.setText("; ".join(refused))
            return
        self.accept()

    def _problem(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.show()
