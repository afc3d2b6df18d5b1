"""Recipients as chips: numbers (normalised to E.164 with the default country),
contacts, groups, many pasted at once, or a CSV file of recipients."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QCompleter, QFrame, QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from app.engine.contacts import ContactView
from app.engine.engine import Engine
from app.sms.numbers import InvalidNumber, normalize_number

from .contact_picker import contact_book
from .flow_layout import FlowLayout
from .store_op import run_op

_SPLIT = re.compile(r"[;,\n\t]+")
_NAMED = re.compile(r"^(?P<name>.*?)\s*<(?P<number>[^>]+)>$")


def split_recipients(text: str) -> list[str]:
    return [p.strip() for p in _SPLIT.split(text) if p.strip()]


@dataclass(frozen=True)
class Recipient:
    number: str
    label: str = ""
    #: Values for ``{placeholders}`` (a contact's name, the columns of a CSV row).
    fields: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    #: Why the number cannot be used ("" when it can).
    error: str = ""


class Chip(QFrame):
    removed = Signal(object)

    def __init__(self, text: str, tip: str, error: bool, payload, parent: QWidget | None = None):
        super().__init__(parent)
        self.payload = payload
        self.setObjectName("chipError" if error else "chip")
        self.setToolTip(tip)
        colour = "#c62828" if error else "#3d85c6"
        self.setStyleSheet(f"QFrame#{self.objectName()} {{ border: 1px solid {colour}; border-radius: 10px; "
                           f"background: rgba(61,133,198,0.12); }}"
                           + (" QLabel { color: #c62828; }" if error else ""))
        label = QLabel(text, self)
        close = QToolButton(self)
        close.setText("×")
        close.setAutoRaise(True)
        close.setToolTip(self.tr("Remove"))
        close.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        close.clicked.connect(lambda: self.removed.emit(self))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 0, 2, 0)
        layout.setSpacing(2)
        layout.addWidget(label)
        layout.addWidget(close)


class RecipientEdit(QLineEdit):
    """The entry of the chip field: a paste of many numbers becomes many chips."""

    pasted = Signal(str)
    #: The focus left the entry (Tab, a click elsewhere): what is typed becomes a chip.
    left = Signal()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        if event.reason() != Qt.FocusReason.PopupFocusReason:  # not the completer's list opening
            self.left.emit()

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            text = QGuiApplication.clipboard().text()
            if _SPLIT.search(text.strip()):
                self.pasted.emit(text)
                return
        if event.key() in (Qt.Key.Key_Backspace,) and not self.text():
            self.pasted.emit("\b")
            return
        super().keyPressEvent(event)


class RecipientField(QFrame):
    changed = Signal()

    def __init__(self, engine: Engine, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = engine
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("recipientField")
        self.chips: list[Chip] = []
        self.bulk: list[Recipient] = []
        self.bulk_name = ""
        self.edit = RecipientEdit(self)
        self.edit.setObjectName("toEdit")
        self.edit.setFrame(False)
        self.edit.setMinimumWidth(160)
        self.edit.setPlaceholderText(self.tr("Number, contact name or @group; paste many at once"))
        self.edit.setToolTip(self.tr("Separate numbers with ; or , or Enter. National numbers use the default "
                                     "country of the settings."))
        self.edit.returnPressed.connect(self.commit)
        self.edit.pasted.connect(self._pasted)
        self.edit.left.connect(self.commit)
        self.edit.textEdited.connect(self._edited)
        self.completer = QCompleter(self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setModel(QStringListModel(self))
        self.completer.activated.connect(lambda text: (self.add_text(text), self.edit.clear()))
        self.edit.setCompleter(self.completer)
        #: The contact book as last read (names, numbers, groups).
        self.contacts: list[ContactView] = []
        self.reload_contacts()
        self.flow = FlowLayout(self)
        self.flow.addWidget(self.edit)
        self.setFocusProxy(self.edit)

    def reload_contacts(self) -> None:
        """Read the contact book (in the store lane): names and groups are completed and resolved from it."""
        run_op(self, self.engine, contact_book, self.engine, on_done=self._know)

    def _know(self, book: tuple[list[tuple[str, int]], list[ContactView]]) -> None:
        groups, self.contacts = book
        words = [f"{c.name} <{c.number}>" for c in self.contacts]
        words += [f"@{name}" for name, n in groups if n]
        self.completer.model().setStringList(words)

    # --- adding -----------------------------------------------------------------------------

    def _edited(self, text: str) -> None:
        if _SPLIT.search(text):
            *done, rest = _SPLIT.split(text)
            self.add_text(";".join(done))
            self.edit.setText(rest.lstrip())

    def _pasted(self, text: str) -> None:
        if text == "\b":
            if self.chips:
                self._remove(self.chips[-1])
            elif self.bulk:
                self.clear_bulk()
            return
        self.add_text(text)

    def commit(self) -> None:
        """Turn what is typed in the entry into chips."""
        if self.edit.text().strip():
            self.add_text(self.edit.text())
            self.edit.clear()

    def add_text(self, text: str) -> None:
        for token in split_recipients(text):
            for r in self.resolve(token):
                self.add(r)

    def resolve(self, token: str) -> list[Recipient]:
        """What a typed token stands for: a group's members, a contact, or a number."""
        if token.startswith("@"):
            name = token[1:].strip()
            members = [c for c in self.contacts if name in c.groups]
            if not members:
                return [Recipient(token, token, error=self.tr("there is no group %s with members") % name)]
            return [Recipient(c.number, c.name, {"name": c.name, "number": c.number}) for c in members]
        named = _NAMED.match(token)
        if named:
            name, number = named.group("name").strip(), named.group("number").strip()
            return [self._number(number, name)]
        if not any(ch.isdigit() for ch in token):
            found = [c for c in self.contacts if c.name.lower() == token.lower()]
            if found:
                return [Recipient(c.number, c.name, {"name": c.name, "number": c.number}) for c in found]
        if not any(ch.isdigit() for ch in token):
            return [Recipient(token, token, error=self.tr("%s is not a phone number, nor the name of a contact")
                              % token)]
        return [self._number(token, "")]

    def normalise(self, raw: str) -> Recipient:
        """A number as typed, normalised (no contact lookup: for files of thousands of rows)."""
        try:
            number = normalize_number(raw, self.engine.settings.get("default_country") or None)
        except InvalidNumber as exc:
            return Recipient(raw, raw, error=str(exc))
        return Recipient(number)

    def _number(self, raw: str, name: str) -> Recipient:
        try:
            number = normalize_number(raw, self.engine.settings.get("default_country") or None)
        except InvalidNumber as exc:
            return Recipient(raw, name or raw, error=str(exc))
        name = name or next((c.name for c in self.contacts if c.number == number), "")
        return Recipient(number, name, {"name": name, "number": number})

    def add(self, r: Recipient) -> None:
        if not r.error and any(c.payload.number == r.number for c in self.chips):
            return  # each number once
        text = f"{r.label} ({r.number})" if r.label and r.label != r.number else r.number
        chip = Chip(text, r.error or r.number, bool(r.error), r, self)
        chip.removed.connect(self._remove)
        self.chips.append(chip)
        self.flow.insertWidget(self.flow.count() - 1, chip)
        chip.show()
        self.changed.emit()

    def set_bulk(self, name: str, recipients: list[Recipient]) -> None:
        """Recipients from a file, shown as one chip."""
        self.clear_bulk()
        self.bulk, self.bulk_name = recipients, name
        bad = sum(1 for r in recipients if r.error)
        text = self.tr("%s: %n recipient(s)", "", len(recipients)) % name
        tip = self.tr("%d of them have a number that cannot be used") % bad if bad else name
        chip = Chip(text, tip, False, Recipient("", name), self)
        chip.setObjectName("bulkChip")
        chip.removed.connect(lambda _c: self.clear_bulk())
        self.flow.insertWidget(0, chip)
        chip.show()
        self._bulk_chip = chip
        self.changed.emit()

    def clear_bulk(self) -> None:
        if self.bulk_name:
            self.flow.removeWidget(self._bulk_chip)
            self._bulk_chip.deleteLater()
        self.bulk, self.bulk_name = [], ""
        self.changed.emit()

    def _remove(self, chip: Chip) -> None:
        self.chips.remove(chip)
        self.flow.removeWidget(chip)
        chip.deleteLater()
        self.changed.emit()

    def clear(self) -> None:
        for chip in list(self.chips):
            self._remove(chip)
        self.clear_bulk()
        self.edit.clear()

    def recipients(self) -> list[Recipient]:
        return self.bulk + [c.payload for c in self.chips]

    def invalid(self) -> list[Recipient]:
        return [r for r in self.recipients() if r.error]

    def keep_only(self, numbers: set[str]) -> None:
        """After a send: remove every chip but the refused ``numbers``."""
        self.clear_bulk()
        for chip in list(self.chips):
            if chip.payload.number not in numbers:
                self._remove(chip)
