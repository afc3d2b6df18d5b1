"""Models of the conversation view: correspondents with unread counts, and one thread.

Both load lazily and follow engine events; the list refreshes its first page
at most a few times a second, so a bulk send of thousands of messages does
not keep it busy.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, Qt, QTimer, Signal

from app.engine.conversations import ConversationRow
from app.engine.desk_reads import numbers_with_received
from app.engine.views import MessageView

from .engine_bridge import EngineBridge
from .filtering import counterpart
from .store_op import run_op

RowRole = Qt.ItemDataRole.UserRole + 1


def with_received_first(rows: list[ConversationRow], received: set[str]) -> list[ConversationRow]:
    """Conversations with received (or unread) messages first, outbound-only ones after; each most recent first."""
    return sorted(rows, key=lambda r: r.number not in received)


class ConversationListModel(QAbstractListModel):
    """Correspondents: those who wrote to us first (most recent first), then those we only wrote to.

    The order holds over the conversations loaded so far (the most recent, a page at a time)."""

    PAGE = 200

    def __init__(self, bridge: EngineBridge, parent=None):
        super().__init__(parent)
        self.engine = bridge.engine
        self._rows: list[ConversationRow] = []
        #: Numbers that sent us a message, among the conversations loaded.
        self.received: set[str] = set()
        #: Numbers found to have only outbound messages: a message from one makes its row say so.
        self._outbound_only: set[str] = set()
        self._more = True
        self.loading = False
        self._generation = 0  # a page read for an older filter is dropped
        self.unread_only = False
        self.text = ""
        self._refresh = QTimer(self, singleShot=True, interval=250, timeout=self.refresh)
        bridge.message_stored.connect(self._soon)
        bridge.message_changed.connect(self._on_changed)
        bridge.messages_deleted.connect(self._soon)
        self.fetchMore()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return row.name or row.number
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.name} <{row.number}>" if row.name else row.number
        if role == RowRole:
            return row
        return None

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and self._more

    def fetchMore(self, parent=QModelIndex()) -> None:
        if parent.isValid() or not self._more or self.loading:
            return
        before = self._rows[-1].last_id if self._rows else None
        self.loading = True
        generation = self._generation
        run_op(self, self.engine, self._read, before_last_id=before, limit=self.PAGE, unread_only=self.unread_only,
               text=self.text, on_done=lambda got: self._on_page(generation, got))

    def _read(self, **query) -> tuple[list[ConversationRow], set[str]]:
        """In the store lane: a page of conversations, and which of their numbers sent us a message."""
        page = self.engine.conversations(**query)
        unknown = [r.number for r in page if not (r.unread or r.last_direction == "in")
                   and r.number not in self.received and r.number not in self._outbound_only]
        return page, (numbers_with_received(self.engine, unknown) if unknown else set())

    def _on_page(self, generation: int, got) -> None:
        if generation != self._generation:
            return
        self.loading = False
        page, found = got
        self._more = len(page) == self.PAGE
        if page:
            self._learn(page, found)
            self.layoutAboutToBeChanged.emit()
            old = list(self._rows)
            self._rows = with_received_first(old + page, self.received)
            self._remap(old)
            self.layoutChanged.emit()

    def set_filter(self, *, unread_only: bool, text: str) -> None:
        self.unread_only, self.text = unread_only, text
        self.refresh()

    def refresh(self) -> None:
        """Read again as many conversations as are loaded (at least a page)."""
        limit = max(self.PAGE, len(self._rows))
        self._generation += 1
        self.loading = True
        generation = self._generation
        run_op(self, self.engine, self._read, limit=limit, unread_only=self.unread_only, text=self.text,
               on_done=lambda got: self._on_refreshed(generation, limit, got))

    def _on_refreshed(self, generation: int, limit: int, got) -> None:
        if generation != self._generation:
            return
        self.loading = False
        rows, found = got
        self._learn(rows, found)
        self.beginResetModel()
        self._rows = with_received_first(rows, self.received)
        self._more = len(rows) == limit
        self.endResetModel()

    def _learn(self, rows: list[ConversationRow], found: set[str]) -> None:
        """Note which correspondents wrote to us: known from the row, else from ``found`` (read in the lane
        with the rows: one index walk each)."""
        unknown = []
        for r in rows:
            if r.unread or r.last_direction == "in":
                self.received.add(r.number)
                self._outbound_only.discard(r.number)
            elif r.number not in self.received and r.number not in self._outbound_only:
                unknown.append(r.number)
        found = found & set(unknown)
        self.received |= found
        self._outbound_only |= set(unknown) - found

    def _remap(self, old: list[ConversationRow]) -> None:
        """Move persistent indexes (the selection) with their rows after a reorder."""
        where = {r.number: i for i, r in enumerate(self._rows)}
        for i, r in enumerate(old):
            self.changePersistentIndex(self.index(i), self.index(where[r.number]))

    def is_received(self, row: int) -> bool:
        return self._rows[row].number in self.received

    def _soon(self, *_args) -> None:
        self._refresh.start()

    def _on_changed(self, msg: MessageView) -> None:
        if msg.direction == "in" or any(r.last_id == msg.id for r in self._rows):
            self._refresh.start()

    def row_at(self, row: int) -> ConversationRow:
        return self._rows[row]

    def row_of(self, number: str) -> int:
        return next((i for i, r in enumerate(self._rows) if r.number == number), -1)


class ThreadModel(QAbstractListModel):
    """The messages exchanged with one correspondent, oldest at the top."""

    PAGE = 200
    #: The thread asked for with :meth:`show` is read and shown.
    shown = Signal()

    def __init__(self, bridge: EngineBridge, parent=None):
        super().__init__(parent)
        self.engine = bridge.engine
        self.number = ""
        self._rows: list[MessageView] = []  # ids ascending
        self.has_older = False
        bridge.message_stored.connect(self._on_stored)
        bridge.message_changed.connect(self._on_changed)
        bridge.messages_deleted.connect(self._on_deleted)

    def show(self, number: str) -> None:
        """Show the thread with ``number`` (read in the store lane; :attr:`shown` is emitted once it is)."""
        self.beginResetModel()
        self.number = number
        self._rows = []
        self.has_older = False
        self.endResetModel()
        if number:
            run_op(self, self.engine, self.engine.thread, number, limit=self.PAGE,
                   on_done=lambda page: self._on_thread(number, page))
        else:
            self.shown.emit()

    def _on_thread(self, number: str, page: list[MessageView]) -> None:
        if number != self.number:
            return  # another conversation was chosen meanwhile
        known = {m.id for m in page}
        stored_meanwhile = [m for m in self._rows if m.id not in known]
        self.beginResetModel()
        self._rows = sorted(page[::-1] + stored_meanwhile, key=lambda m: m.id)
        self.has_older = len(page) == self.PAGE
        self.endResetModel()
        self.shown.emit()

    def load_older(self, done=None) -> None:
        """Put the previous page above the first message; ``done(n)`` is called with how many came."""
        if not self.has_older or not self._rows:
            return
        number, first = self.number, self._rows[0].id
        self.has_older = False  # one page at a time
        run_op(self, self.engine, self.engine.thread, number, before_id=first, limit=self.PAGE,
               on_done=lambda page: self._on_older(number, first, page, done))

    def _on_older(self, number: str, first: int, page: list[MessageView], done) -> None:
        if number != self.number or not self._rows or self._rows[0].id != first:
            return
        self.has_older = len(page) == self.PAGE
        if page:
            self.beginInsertRows(QModelIndex(), 0, len(page) - 1)
            self._rows[:0] = page[::-1]
            self.endInsertRows()
        if done is not None:
            done(len(page))

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        msg = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return msg.text
        if role == RowRole:
            return msg
        return None

    def message_at(self, row: int) -> MessageView:
        return self._rows[row]

    def _row_of(self, message_id: int) -> int:
        return next((i for i in range(len(self._rows) - 1, -1, -1) if self._rows[i].id == message_id), -1)

    def _on_stored(self, msg: MessageView) -> None:
        if not self.number or counterpart(msg) != self.number or self._row_of(msg.id) >= 0:
            return
        row = len(self._rows)
        while row > 0 and self._rows[row - 1].id > msg.id:
            row -= 1
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, msg)
        self.endInsertRows()

    def _on_changed(self, msg: MessageView) -> None:
        row = self._row_of(msg.id)
        if row >= 0:
            self._rows[row] = msg
            self.dataChanged.emit(self.index(row), self.index(row))

    def _on_deleted(self, ids) -> None:
        for mid in ids:
            row = self._row_of(mid)
            if row >= 0:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._rows[row]
                self.endRemoveRows()
