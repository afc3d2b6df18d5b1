"""A lazily loaded table of messages, newest first, under a search and filters.

The model holds a row cache of message snapshots, loaded a page at a time as
the view scrolls (``canFetchMore`` / ``fetchMore``), so a store with a million
messages opens as fast as an empty one. The whole list of one direction is
read on the spot (an index walk); a search or filter page is read in a worker
thread and arrives through :attr:`MessageTableModel.loaded`, so typing in the
search field never stalls the window. Engine events keep it live.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Callable

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from app.engine.views import MessageView
from app.store.search import MessageFilter

from .filtering import matches

from .engine_bridge import EngineBridge
from .formatting import local_time, table_time


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[MessageView], object]
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def time_column(title: str, when: Callable[[MessageView], object]) -> Column:
    """A column of times: compact in the cell (:func:`table_time`), the whole time in its tooltip."""
    return TimeColumn(title, lambda m: table_time(when(m)), when=when)


@dataclass(frozen=True)
class TimeColumn(Column):
    when: Callable[[MessageView], object] = lambda m: None


def first_line(text: str, limit: int = 200) -> str:
    line = text.replace("\r", " ").replace("\n", " ⏎ ")
    return line if len(line) <= limit else line[: limit - 1] + "…"


class MessageTableModel(QAbstractTableModel):
    PAGE = 200
    MessageRole = Qt.ItemDataRole.UserRole + 1
    #: A page arrived (or the list was reset); ``loading`` is False again.
    loaded = Signal()
    _page_ready = Signal(int, object)  # generation, list[MessageView] or an exception

    def __init__(self, bridge: EngineBridge, direction: str, columns: tuple[Column, ...],
                 parent=None):
        super().__init__(parent)
        self.bridge = bridge
        self.engine = bridge.engine
        self.direction = direction
        self.columns = columns
        self._rows: list[MessageView] = []  # ids strictly descending
        self._more = True
        self.filter = MessageFilter(direction=direction)
        self.loading = False
        self.error = ""
        self._generation = 0
        self._meanwhile: dict[int, MessageView | None] = {}
        self._page_ready.connect(self._on_page)
        self._bold = QFont()
        self._bold.setBold(True)
        bridge.message_stored.connect(self._on_stored)
        bridge.message_changed.connect(self._on_changed)
        bridge.messages_deleted.connect(self._on_deleted)

    # --- Qt model interface ---------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        msg = self._rows[index.row()]
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = col.value(msg)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.ToolTipRole:
            if isinstance(col, TimeColumn):
                return local_time(col.when(msg)) or None
            if index.column() == self.text_column():
                return msg.text
        if role == Qt.ItemDataRole.FontRole and msg.direction == "in" and not msg.read:
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(col.align)
        if role == self.MessageRole:
            return msg
        return self.extra_data(msg, index.column(), role)

    def extra_data(self, msg: MessageView, column: int, role: int):
        """Subclasses add decorations (status colours) here."""
        return None

    def text_column(self) -> int:
        for i, c in enumerate(self.columns):
            if c.title == self.tr("Text"):
                return i
        return -1

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid() or not self._more or self.loading:
            return
        before = self._rows[-1].id if self._rows else None
        self.loading = True
        self._meanwhile = {}  # messages changed (None: deleted) while the page is read
        generation, flt = self._generation, self.filter

        def load() -> None:
            try:
                page = self.engine.search_messages(flt, before_id=before, limit=self.PAGE)
            except Exception as exc:  # shown in words by the tab
                page = exc
            self._page_ready.emit(generation, page)

        self.engine.list_readers.submit(load)  # the engine's message-list threads: the loop never waits

    def _on_page(self, generation: int, page) -> None:
        if generation != self._generation:
            return  # the filter changed meanwhile
        self.loading = False
        if isinstance(page, Exception):
            self._more = False
            self.error = str(page)
        else:
            self._append(page)
        self.loaded.emit()

    def _append(self, page: list[MessageView]) -> None:
        if len(page) < self.PAGE:
            self._more = False
        # what changed while the page was read, and what the events have put at the top meanwhile
        meanwhile, known = self._meanwhile, {m.id for m in self._rows}
        page = [meanwhile.get(m.id, m) for m in page if m.id not in known]
        selected = replace(self.filter, text="")
        page = [m for m in page if m is not None and (m.id not in meanwhile or matches(selected, m))]
        self._meanwhile = {}
        if page:
            start = len(self._rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def set_filter(self, flt: MessageFilter) -> None:
        """Show the messages ``flt`` selects, from the newest; loads the first page."""
        self._generation += 1
        self.beginResetModel()
        self.filter = flt
        self._rows = []
        self._more = True
        self.loading = False
        self.error = ""
        self.endResetModel()
        self.fetchMore()
        if not self.loading:
            self.loaded.emit()

    def reload(self) -> None:
        self.set_filter(self.filter)

    @property
    def has_more(self) -> bool:
        return self._more

    # --- access -----------------------------------------------------------------------

    def message_at(self, row: int) -> MessageView:
        return self._rows[row]

    def row_of(self, message_id: int) -> int:
        """Row of a loaded message, or -1 (binary search: ids descend)."""
        lo, hi = 0, len(self._rows)
        while lo < hi:
            mid = (lo + hi) // 2
            mid_id = self._rows[mid].id
            if mid_id == message_id:
                return mid
            if mid_id > message_id:
                lo = mid + 1
            else:
                hi = mid
        return -1

    # --- live updates -----------------------------------------------------------------

    def _on_stored(self, msg: MessageView) -> None:
        if not matches(self.filter, msg):
            return
        if self._rows and msg.id < self._rows[0].id:
            # Older than the newest loaded row (e.g. another instance): place it in order.
            row = next((i for i, r in enumerate(self._rows) if r.id < msg.id), None)
            if row is None:
                return  # not loaded yet; fetchMore will bring it
        else:
            row = 0
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, msg)
        self.endInsertRows()

    def _on_changed(self, msg: MessageView) -> None:
        row = self.row_of(msg.id)
        if row < 0:
            if self.loading:
                self._meanwhile[msg.id] = msg
            return
        if not matches(replace(self.filter, text=""), msg):
            # no longer selected (read while showing unread only, failed while showing queued...)
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
            return
        self._rows[row] = msg
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def _on_deleted(self, ids: tuple[int, ...]) -> None:
        if self.loading:
            self._meanwhile.update(dict.fromkeys(ids))
        for mid in ids:
            row = self.row_of(mid)
            if row >= 0:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()


def setup_message_view(view, *, stretch: int, widths: dict[int, int] | None = None,
                       hidden: tuple[int, ...] = ()) -> None:
    """Rows selected whole, several at a time; the ``stretch`` column takes the spare width.

    Time columns are as wide as a bold time; ``widths`` gives other columns their start width. A right
    click on the header shows or hides columns; ``hidden`` ones start hidden. The window keeps the
    header's state between runs.
    """
    from PySide6.QtWidgets import QAbstractItemView, QHeaderView

    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(False)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    bold = view.font()
    bold.setBold(True)
    from PySide6.QtGui import QFontMetrics

    # the widest a cell gets: a time of another day (a day long past, so never today)
    time_width = QFontMetrics(bold).horizontalAdvance(table_time(datetime(2000, 12, 31, 23, 59))) + 16
    for col in range(view.model().columnCount()):
        if col != stretch:
            view.setColumnWidth(col, (widths or {}).get(col, time_width))
        view.setColumnHidden(col, col in hidden)
    header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    header.customContextMenuRequested.connect(lambda pos: _show_column_menu(view, pos))


def _show_column_menu(view, pos) -> None:
    menu = column_menu(view)
    menu.exec(view.horizontalHeader().mapToGlobal(pos))
    menu.deleteLater()


def column_menu(view):
    """The header's menu: one checkable entry a column (the last shown column cannot be hidden)."""
    from PySide6.QtWidgets import QMenu

    model, header = view.model(), view.horizontalHeader()
    menu = QMenu(header)
    menu.setObjectName("columnMenu")
    shown = [c for c in range(model.columnCount()) if not header.isSectionHidden(c)]
    for col in range(model.columnCount()):
        action = menu.addAction(model.headerData(col, Qt.Orientation.Horizontal))
        action.setCheckable(True)
        action.setChecked(col in shown)
        action.setEnabled(shown != [col])
        action.toggled.connect(lambda on, col=col: view.setColumnHidden(col, not on))
    return menu


__all__ = ["Column", "MessageTableModel", "column_menu", "first_line", "local_time", "setup_message_view",
           "time_column"]
