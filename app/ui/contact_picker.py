"""Choose contacts and groups as recipients."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from app.engine.contacts import ContactView
from app.engine.engine import Engine

from .store_op import run_op

TokenRole = Qt.ItemDataRole.UserRole + 1


class ContactPicker(QDialog):
    def __init__(self, engine: Engine, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Choose recipients"))
        self.resize(380, 460)
        self.search = QLineEdit(self)
        self.search.setObjectName("pickerSearch")
        self.search.setPlaceholderText(self.tr("Filter by name or number"))
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.list.setObjectName("pickerList")
        run_op(self, engine, contact_book, engine, on_done=self._show)
        self.search.textChanged.connect(self._filter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)

    def _show(self, book: tuple[list[tuple[str, int]], list[ContactView]]) -> None:
        groups, contacts = book
        for name, n in groups:
            self._item(self.tr("Group %s (%d)") % (name, n), f"@{name}")
        for c in contacts:
            self._item(f"{c.name}   {c.number}", f"{c.name} <{c.number}>")
        if not self.list.count():
            empty = QListWidgetItem(self.tr("No contacts yet: add them with Tools → Contacts."))
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(empty)
        self._filter(self.search.text())

    def _item(self, text: str, token: str) -> None:
        item = QListWidgetItem(text)
        item.setData(TokenRole, token)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        self.list.addItem(item)

    def _filter(self, text: str) -> None:
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(bool(text) and text.lower() not in item.text().lower())

    def chosen(self) -> list[str]:
        """Tokens for the chip field: ``@Group`` or ``Name <number>``."""
        return [self.list.item(i).data(TokenRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.CheckState.Checked]


def contact_book(engine: Engine) -> tuple[list[tuple[str, int]], list[ContactView]]:
    """In the store lane: the groups with their member counts, and every contact with its groups."""
    return engine.contacts.groups(), engine.contacts.list()
