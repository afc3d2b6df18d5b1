"""The contacts and groups manager: find, add, change, remove; import and export CSV or vCard."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QHeaderView, QInputDialog, QLabel, QLineEdit, QPushButton, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from app.engine.contacts import ContactView
from app.engine.engine import Engine
from app.engine.requests import EngineError

from .store_op import run_op


class ContactEditor(QDialog):
    def __init__(self, engine: Engine, parent: QWidget | None = None, contact: ContactView | None = None):
        super().__init__(parent)
        self.engine = engine
        self.contact = contact
        self.setWindowTitle(self.tr("Change contact") if contact else self.tr("Add contact"))
        self.name_edit = QLineEdit(contact.name if contact else "", self)
        self.name_edit.setObjectName("contactNameEdit")
        self.number_edit = QLineEdit(contact.number if contact else "", self)
        self.number_edit.setObjectName("contactNumberEdit")
        self.number_edit.setPlaceholderText(self.tr("+4917612345678, or national with the default country"))
        self.groups_edit = QLineEdit("; ".join(contact.groups) if contact else "", self)
        self.groups_edit.setObjectName("contactGroupsEdit")
        self.groups_edit.setPlaceholderText(self.tr("Group names separated by ;"))
        self.note_edit = QLineEdit(contact.note if contact else "", self)
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("problemLabel")
        self.problem_label.setStyleSheet("color: #c62828;")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()
        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name_edit)
        form.addRow(self.tr("N&umber:"), self.number_edit)
        form.addRow(self.tr("&Groups:"), self.groups_edit)
        form.addRow(self.tr("N&ote:"), self.note_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)

    def save(self) -> None:
        groups = [g.strip() for g in self.groups_edit.text().split(";") if g.strip()]
        args = dict(name=self.name_edit.text(), number=self.number_edit.text(), note=self.note_edit.text(),
                    groups=groups)
        if self.contact:
            run_op(self, self.engine, self.engine.contacts.update, self.contact.id, **args,
                   on_done=lambda _r: self.accept(), on_error=self._refused, what=self.tr("Save contact"))
        else:
            run_op(self, self.engine, self.engine.contacts.add, **args, on_done=lambda _r: self.accept(),
                   on_error=self._refused, what=self.tr("Save contact"))

    def _refused(self, exc: Exception) -> bool:
        if isinstance(exc, EngineError):
            self.problem_label.setText(self.tr("%s. Correct it and save again.") % exc)
            self.problem_label.show()
            return True
        return False


class ContactsDialog(QDialog):
    def __init__(self, engine: Engine, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = engine
        self.setWindowTitle(self.tr("Contacts"))
        self.resize(760, 500)
        self.search = QLineEdit(self)
        self.search.setObjectName("contactSearch")
        self.search.setPlaceholderText(self.tr("Find by name or number"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda _t: self.reload())
        self.group_combo = QComboBox(self)
        self.group_combo.setObjectName("groupCombo")
        self.group_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("contactsTable")
        self.table.setHorizontalHeaderLabels([self.tr("Name"), self.tr("Number"), self.tr("Groups"), self.tr("Note")])
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setColumnWidth(0, 180)
        self.table.setColumnWidth(1, 150)
        self.table.setColumnWidth(2, 160)
        self.table.doubleClicked.connect(lambda _i: self.edit())
        self.status = QLabel(self)
        self.status.setObjectName("contactsStatus")
        self.status.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.group_combo)
        row = QHBoxLayout()
        for text, slot in ((self.tr("Add…"), self.add), (self.tr("Change…"), self.edit),
                           (self.tr("Remove"), self.remove), (self.tr("New group…"), self.new_group),
                           (self.tr("Remove group"), self.remove_group), (self.tr("Import…"), self.import_file),
                           (self.tr("Export…"), self.export_file)):
            b = QPushButton(text, self)
            b.clicked.connect(slot)
            row.addWidget(b)
        row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(row)
        layout.addWidget(close)
        self.contacts: list[ContactView] = []
        self._reads = 0  # a read answered after a newer one was asked for is dropped
        self.reload_groups()

    def reload_groups(self) -> None:
        """Read the groups, then the contacts they show, in the store lane."""
        run_op(self, self.engine, self.engine.contacts.groups, on_done=self._show_groups)

    def _show_groups(self, groups: list[tuple[str, int]]) -> None:
        current = self.group_combo.currentData()
        self.group_combo.blockSignals(True)
        self.group_combo.clear()
        self.group_combo.addItem(self.tr("All contacts"), None)
        for name, n in groups:
            self.group_combo.addItem(f"{name} ({n})", name)
        self.group_combo.setCurrentIndex(max(0, self.group_combo.findData(current)))
        self.group_combo.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        self._reads += 1
        read = self._reads
        run_op(self, self.engine, self.engine.contacts.list, self.search.text(), self.group_combo.currentData(),
               on_done=lambda contacts: read == self._reads and self._show(contacts))

    def _show(self, contacts: list[ContactView]) -> None:
        self.contacts = contacts
        self.table.setRowCount(len(self.contacts))
        for r, c in enumerate(self.contacts):
            for col, value in enumerate((c.name, c.number, ", ".join(c.groups), c.note)):
                self.table.setItem(r, col, QTableWidgetItem(value))
        if not self.contacts and not self.search.text():
            self.status.setText(self.tr("No contacts yet. Add one, or import a CSV file or vCards."))

    def selected(self) -> list[ContactView]:
        return [self.contacts[i.row()] for i in self.table.selectionModel().selectedRows()]

    def add(self) -> ContactEditor:
        editor = ContactEditor(self.engine, self)
        editor.accepted.connect(self.reload_groups)
        editor.open()
        return editor

    def edit(self) -> ContactEditor | None:
        chosen = self.selected()
        if not chosen:
            return None
        editor = ContactEditor(self.engine, self, chosen[0])
        editor.accepted.connect(self.reload_groups)
        editor.open()
        return editor

    def remove(self) -> None:
        run_op(self, self.engine, self.engine.contacts.remove, [c.id for c in self.selected()],
               on_done=self._removed, what=self.tr("Remove"))

    def _removed(self, n: int) -> None:
        self.status.setText(self.tr("%n contact(s) removed.", "", n))
        self.reload_groups()

    def _told(self, exc: Exception) -> bool:
        """A refused change (EngineError) is told in the status line, and the lists read again."""
        if isinstance(exc, EngineError):
            self.status.setText(str(exc))
            self.reload_groups()
            return True
        return False

    def new_group(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("New group"), self.tr("Group name:"))
        if ok and name.strip():
            run_op(self, self.engine, self.engine.contacts.add_group, name, on_done=lambda _r: self.reload_groups(),
                   on_error=self._told, what=self.tr("New group"))

    def remove_group(self) -> None:
        group = self.group_combo.currentData()
        if group:
            self.group_combo.setCurrentIndex(0)
            run_op(self, self.engine, self.engine.contacts.remove_group, group,
                   on_done=lambda _r: self.reload_groups(), what=self.tr("Remove group"))

    def import_file(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Import contacts"), "",
                                                  self.tr("Contacts (*.csv *.vcf *.vcard);;All files (*)"))
            if not path:
                return
        try:
            text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
        except OSError as exc:
            self.status.setText(self.tr("Nothing was imported: %s") % exc)
            return
        vcard = path.lower().endswith((".vcf", ".vcard")) or text.lstrip().upper().startswith("BEGIN:VCARD")

        def refused(exc: Exception) -> bool:
            if isinstance(exc, EngineError):
                self.status.setText(self.tr("Nothing was imported: %s") % exc)
                return True
            return False

        run_op(self, self.engine, self.engine.contacts.import_vcard if vcard else self.engine.contacts.import_csv,
               text, on_done=self._imported, on_error=refused, what=self.tr("Import contacts"),
               progress_text=self.tr("Importing contacts…"))

    def _imported(self, result) -> None:
        message = self.tr("%n contact(s) imported.", "", result.added)
        if result.problems:
            message += " " + self.tr("Not imported: ") + "; ".join(result.problems[:5])
            if len(result.problems) > 5:
                message += self.tr(" … and %d more") % (len(result.problems) - 5)
        self.status.setText(message)
        self.reload_groups()

    def export_file(self, path: str | None = None) -> None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export contacts"), "contacts.vcf",
                                                  self.tr("vCard (*.vcf);;CSV (*.csv)"))
            if not path:
                return
        run_op(self, self.engine, self.engine.contacts.export_csv if path.lower().endswith(".csv") else
               self.engine.contacts.export_vcard, on_done=lambda text: self._write(path, text),
               what=self.tr("Export contacts"))

    def _write(self, path: str, text: str) -> None:
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as exc:
            self.status.setText(self.tr("The file could not be written: %s") % exc)
            return
        self.status.setText(self.tr("Contacts exported to %s") % path)
