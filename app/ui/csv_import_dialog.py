"""Recipients from a CSV file: choose the number column, see a preview, use the other columns as
``{placeholders}`` in the text."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHeaderView, QLabel,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.engine.contact_files import delimiter_of

from .recipient_field import Recipient

PREVIEW_ROWS = 50
_NUMBER_NAMES = ("number", "phone", "mobile", "tel", "telephone", "cell", "msisdn", "to", "recipient")


def read_table(text: str) -> list[list[str]]:
    """The rows of a CSV text (delimiter found from the first line)."""
    text = text.lstrip("\ufeff")
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter_of(text)) if any(c.strip()
                                                                                                 for c in row)]


def placeholder_name(header: str) -> str:
    return "_".join(header.strip().lower().split()) or "column"


class CsvImportDialog(QDialog):
    def __init__(self, path: str, text: str, resolve, parent: QWidget | None = None):
        """``resolve(raw_number) -> Recipient`` normalises numbers as the chip field does."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import recipients from %s") % Path(path).name)
        self.resize(720, 480)
        self.name = Path(path).name
        self.rows = read_table(text)
        self.resolve = resolve
        width = max((len(r) for r in self.rows), default=0)
        self.rows = [r + [""] * (width - len(r)) for r in self.rows]

        self.header_check = QCheckBox(self.tr("The first row names the columns"), self)
        self.header_check.setObjectName("headerCheck")
        first = self.rows[0] if self.rows else []
        self.header_check.setChecked(bool(first) and not any(any(ch.isdigit() for ch in c) for c in first))
        self.number_combo = QComboBox(self)
        self.number_combo.setObjectName("numberColumnCombo")
        self.number_combo.setToolTip(self.tr("The column that holds the phone numbers"))
        self.preview = QTableWidget(self)
        self.preview.setObjectName("csvPreview")
        self.preview.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.preview.verticalHeader().setVisible(False)
        self.summary = QLabel(self)
        self.summary.setObjectName("csvSummary")
        self.summary.setWordWrap(True)
        self.placeholders = QLabel(self)
        self.placeholders.setObjectName("csvPlaceholders")
        self.placeholders.setWordWrap(True)
        self.placeholders.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(self.tr("Use these recipients"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow(self.header_check)
        form.addRow(self.tr("&Number column:"), self.number_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.placeholders)
        layout.addWidget(buttons)
        self.header_check.toggled.connect(self._columns_changed)
        self.number_combo.currentIndexChanged.connect(self._refresh)
        self._columns_changed()

    def headers(self) -> list[str]:
        if not self.rows:
            return []
        if self.header_check.isChecked():
            return [h.strip() or self.tr("Column %d") % (i + 1) for i, h in enumerate(self.rows[0])]
        return [self.tr("Column %d") % (i + 1) for i in range(len(self.rows[0]))]

    def data_rows(self) -> list[list[str]]:
        return self.rows[1:] if self.header_check.isChecked() else self.rows

    def _columns_changed(self) -> None:
        headers = self.headers()
        self.number_combo.blockSignals(True)
        self.number_combo.clear()
        self.number_combo.addItems(headers)
        guess = next((i for i, h in enumerate(headers) if h.lower() in _NUMBER_NAMES), None)
        if guess is None:  # the first column that looks like numbers
            sample = self.data_rows()[:20]
            guess = next((i for i in range(len(headers))
                          if sample and all(sum(ch.isdigit() for ch in r[i]) >= 3 for r in sample)), 0)
        self.number_combo.setCurrentIndex(guess)
        self.number_combo.blockSignals(False)
        self._refresh()

    def _refresh(self) -> None:
        headers, rows = self.headers(), self.data_rows()
        col = self.number_combo.currentIndex()
        self.preview.clear()
        self.preview.setColumnCount(len(headers))
        self.preview.setHorizontalHeaderLabels(headers)
        shown = rows[:PREVIEW_ROWS]
        self.preview.setRowCount(len(shown))
        for r, row in enumerate(shown):
            for c, value in enumerate(row):
                item = QTableWidgetItem(value)
                if c == col:
                    rec = self.resolve(value)
                    if rec.error:
                        item.setForeground(Qt.GlobalColor.red)
                        item.setToolTip(rec.error)
                    else:
                        item.setToolTip(rec.number)
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.preview.setItem(r, c, item)
        recipients = self.recipients()
        bad = sum(1 for r in recipients if r.error)
        text = self.tr("%n recipient(s)", "", len(recipients))
        if bad:
            text += self.tr("; %d of them have a number that cannot be used and will be refused") % bad
        if len(rows) > PREVIEW_ROWS:
            text += self.tr(" (the first %d are shown)") % PREVIEW_ROWS
        self.summary.setText(text)
        names = [f"{{{placeholder_name(h)}}}" for i, h in enumerate(headers) if i != col]
        self.placeholders.setText(self.tr("Use in the text: %s") % ", ".join(names) if names else "")
        self.ok_button.setEnabled(bool(recipients) and bad < len(recipients))

    def recipients(self) -> list[Recipient]:
        headers, col = self.headers(), self.number_combo.currentIndex()
        if col < 0:
            return []
        out = []
        for row in self.data_rows():
            rec = self.resolve(row[col])
            fields = {placeholder_name(h): row[i].strip() for i, h in enumerate(headers)}
            fields.setdefault("number", rec.number)
            out.append(Recipient(rec.number, rec.label, fields, rec.error))
        return out
