"""The opt-out list: numbers no message may be sent to, each with its reason. Block one,
paste many, import a text or CSV file, unblock; a filter finds a number in a long list."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QHeaderView,
                               QLabel, QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget)

from app.engine.engine import Engine
from app.engine.requests import EngineError

from .empty_hint import EmptyHint
from .store_op import run_op
from .tasks import spawn

_SPLIT = re.compile(r"[;,\t]")
#: Numbers blocked in one transaction while the loop waits (a few ms).
_SLICE = 100


def parse_lines(text: str, reason: str) -> list[tuple[str, str]]:
    """(number, reason) per line of pasted text or a text/CSV file: the first field is the
    number, a second one the reason (else ``reason``). Lines without digits (headers,
    blank lines) are left out."""
    out = []
    for line in text.splitlines():
        fields = [f.strip().strip('"').strip() for f in _SPLIT.split(line, maxsplit=1)]
        if not fields or not any(ch.isdigit() for ch in fields[0]):
            continue
        out.append((fields[0], fields[1] if len(fields) > 1 and fields[1] else reason))
    return out


@dataclass
class BlockOutcome:
    """What a paste or an import did, for the words under the list."""

    added: int = 0
    already: int = 0
    failed_messages: int = 0
    refused: list[str] = field(default_factory=list)


class BlockedNumbersDialog(QDialog):
    def __init__(self, engine: Engine, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = engine
        self.task: asyncio.Task | None = None
        self.setWindowTitle(self.tr("Opt-out list"))
        self.resize(620, 520)

        intro = QLabel(self.tr("Messages to these numbers are refused, from the window and the API. Blocking a "
                               "number fails its messages still waiting in the queue."), self)
        intro.setWordWrap(True)
        self.search = QLineEdit(self)
        self.search.setObjectName("blockedSearch")
        self.search.setPlaceholderText(self.tr("Find a number or reason"))
        self.search.setClearButtonEnabled(True)
        self.items = QStandardItemModel(0, 2, self)
        self.items.setHorizontalHeaderLabels([self.tr("Number"), self.tr("Reason")])
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.items)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.sort(0)  # by number, also for rows added later
        self._reasons: dict[str, QStandardItem] = {}
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.search.textChanged.connect(self._count)
        self.table = QTableView(self)
        self.table.setObjectName("blockedTable")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        self.table.setColumnWidth(0, 170)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.hint = EmptyHint(self.table, self._empty_text)

        self.number_edit = QLineEdit(self)
        self.number_edit.setObjectName("blockNumberEdit")
        self.number_edit.setPlaceholderText(self.tr("Number, e.g. +4917612345678"))
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("blockReasonEdit")
        self.reason_edit.setPlaceholderText(self.tr("Reason, e.g. replied STOP"))
        self.block_button = QPushButton(self.tr("&Block"), self)
        self.block_button.setObjectName("blockButton")
        self.block_button.setToolTip(self.tr("Add the number to the opt-out list"))
        self.block_button.clicked.connect(self.block_entered)
        self.number_edit.returnPressed.connect(self.block_entered)
        self.reason_edit.returnPressed.connect(self.block_entered)
        self.unblock_button = QPushButton(self.tr("&Unblock"), self)
        self.unblock_button.setObjectName("unblockButton")
        self.unblock_button.setToolTip(self.tr("Take the selected numbers off the list (Delete)"))
        self.unblock_button.clicked.connect(self.unblock_selected)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.table, activated=self.unblock_selected)
        self.paste_button = QPushButton(self.tr("&Paste numbers"), self)
        self.paste_button.setObjectName("pasteButton")
        self.paste_button.setToolTip(self.tr("Block every number on the clipboard, one a line; a second column "
                                             "(after ; , or tab) is the reason"))
        self.paste_button.clicked.connect(self.paste)
        self.import_button = QPushButton(self.tr("&Import file…"), self)
        self.import_button.setObjectName("importButton")
        self.import_button.setToolTip(self.tr("Block the numbers of a text or CSV file: number first, reason "
                                              "second"))
        self.import_button.clicked.connect(lambda: self.import_file())
        self.count_label = QLabel(self)
        self.count_label.setObjectName("blockedCount")
        self.count_label.setEnabled(False)
        for signal in (self.proxy.rowsInserted, self.proxy.rowsRemoved, self.proxy.modelReset,
                       self.proxy.layoutChanged):
            signal.connect(self._count)
        self.status = QLabel(self)
        self.status.setObjectName("blockedStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        entry = QHBoxLayout()
        entry.addWidget(self.number_edit, 2)
        entry.addWidget(self.reason_edit, 3)
        entry.addWidget(self.block_button)
        row = QHBoxLayout()
        for b in (self.unblock_button, self.paste_button, self.import_button):
            row.addWidget(b)
        row.addStretch(1)
        row.addWidget(self.count_label)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addLayout(entry)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(close)
        self.reload()
        self.number_edit.setFocus()

    def _count(self, *_args) -> None:
        total, shown = self.items.rowCount(), self.proxy.rowCount()
        text = (self.tr("%n number(s) on the list", "", total) if shown == total
                else self.tr("%1 of %2 shown").replace("%1", str(shown)).replace("%2", str(total)))
        self.count_label.setText(text)

    def _empty_text(self) -> str:
        if self.items.rowCount():
            return self.tr("No blocked number matches \"%s\".") % self.search.text()
        return self.tr("No number is blocked. Add one below, paste a list, or import a file.")

    def reload(self) -> None:
        """Read the opt-out list again (in the store lane)."""
        run_op(self, self.engine, self.engine.blocked_numbers, on_done=self._show)

    def _show(self, blocked: list[tuple[str, str]]) -> None:
        self.items.removeRows(0, self.items.rowCount())
        self._reasons.clear()
        for number, reason in blocked:
            self._put(number, reason)
        self.hint.update()
        self._count()

    def _put(self, number: str, reason: str) -> bool:
        """Show ``number`` with ``reason``; True when it was not shown yet."""
        why = self._reasons.get(number)
        if why is not None:
            why.setText(reason)
            why.setToolTip(reason)
            return False
        why = self._reasons[number] = QStandardItem(reason)
        why.setToolTip(reason)
        self.items.appendRow([QStandardItem(number), why])
        return True

    def numbers(self) -> list[tuple[str, str]]:
        """The rows shown (after the filter), as (number, reason)."""
        return [(self.proxy.index(r, 0).data(), self.proxy.index(r, 1).data()) for r in range(self.proxy.rowCount())]

    # --- block and unblock -------------------------------------------------------------

    def block_entered(self) -> None:
        number = self.number_edit.text().strip()
        if not number:
            self.say(self.tr("Type the number to block."), error=True)
            return

        def refused(exc: Exception) -> bool:
            if isinstance(exc, EngineError):
                self.say(self.tr("%s. Write the number in international form (+4917612345678), or set the "
                                 "default country in the settings.") % str(exc).capitalize(), error=True)
                return True
            return False

        run_op(self, self.engine, self.engine.block_number, number, self.reason_edit.text().strip(),
               on_done=lambda failed: self._blocked(number, failed), on_error=refused, what=self.tr("Block"))

    def _blocked(self, number: str, failed) -> None:
        self.number_edit.clear()
        self.reload()
        self.say(self.tr("%s blocked.") % number + self._failed_words(len(failed)))

    def unblock_selected(self) -> None:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        numbers = [self.proxy.index(r, 0).data() for r in sorted(rows)]
        if not numbers:
            self.say(self.tr("Select the numbers to unblock."), error=True)
            return
        run_op(self, self.engine, _unblock_all, self.engine, numbers, on_done=self._unblocked, what=self.tr("Unblock"))

    def _unblocked(self, n: int) -> None:
        self.reload()
        self.say(self.tr("%n number(s) unblocked; messages to them are accepted again.", "", n))

    def paste(self) -> asyncio.Task | None:
        return self.block_text(QGuiApplication.clipboard().text(), self.tr("the clipboard"))

    def import_file(self, path: str | None = None) -> asyncio.Task | None:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, self.tr("Import blocked numbers"), "",
                                                  self.tr("Text and CSV files (*.txt *.csv);;All files (*)"))
            if not path:
                return None
        try:
            text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
        except OSError as exc:
            self.say(self.tr("The file %s cannot be read: %s") % (path, exc.strerror or exc), error=True)
            return None
        return self.block_text(text, Path(path).name)

    def block_text(self, text: str, source: str) -> asyncio.Task | None:
        """Block every number of ``text`` (one a line) on the event loop, a slice at a time."""
        entries = parse_lines(text, self.reason_edit.text().strip())
        if not entries:
            self.say(self.tr("No phone number found in %s: put one number on each line.") % source, error=True)
            return None
        if self.task is not None and not self.task.done():
            self.say(self.tr("Still blocking the previous list; wait for it to finish."), error=True)
            return None
        self._set_busy(True)
        self.task = spawn(self._block_all(entries, source), self, self.tr("Block numbers"))
        self.task.add_done_callback(lambda t: t.cancelled() or self._set_busy(False))
        return self.task

    async def _block_all(self, entries: list[tuple[str, str]], source: str) -> BlockOutcome:
        """Block the numbers a slice at a time (one transaction each), letting the loop run between."""
        outcome = BlockOutcome()
        for i in range(0, len(entries), _SLICE):
            result = await self.engine.in_lane(self.engine.block_numbers, entries[i:i + _SLICE])
            outcome.failed_messages += len(result.failed)
            outcome.refused += [raw for raw, _why in result.refused]
            for number, reason in result.added + result.already:
                if self._put(number, reason):
                    outcome.added += 1
                else:
                    outcome.already += 1
            if i + _SLICE < len(entries):
                self.say(self.tr("Blocking: %d of %d…") % (i + _SLICE, len(entries)))
                await asyncio.sleep(0)  # let the window and the gateways run
        self.hint.update()
        self.say(self._outcome_words(outcome, source), error=bool(outcome.refused))
        return outcome

    # --- words -----------------------------------------------------------------------

    def _outcome_words(self, o: BlockOutcome, source: str) -> str:
        text = self.tr("From %s: %n number(s) blocked", "", o.added) % source
        if o.already:
            text += self.tr(", %n already on the list", "", o.already)
        text += "." + self._failed_words(o.failed_messages)
        if o.refused:
            shown = ", ".join(o.refused[:10]) + (self.tr(" and %d more") % (len(o.refused) - 10)
                                                 if len(o.refused) > 10 else "")
            text += " " + self.tr("%n line(s) refused, not a phone number: ", "", len(o.refused)) + shown
        return text

    def _failed_words(self, n: int) -> str:
        return " " + self.tr("%n waiting message(s) to blocked numbers failed.", "", n) if n else ""

    def say(self, text: str, error: bool = False) -> None:
        self.status.setStyleSheet("color: #c62828;" if error else "")
        self.status.setText(text)

    def done(self, result: int) -> None:
        if self.task is not None and not self.task.done():
            self.task.cancel()  # the numbers blocked so far stay blocked
        super().done(result)

    def _set_busy(self, busy: bool) -> None:
        for w in (self.paste_button, self.import_button, self.block_button, self.unblock_button):
            w.setEnabled(not busy)


def _unblock_all(engine, numbers: list[str]) -> int:
    """In the store lane: unblock each of ``numbers``; how many there were."""
    for number in numbers:
        engine.unblock_number(number)
    return len(numbers)
