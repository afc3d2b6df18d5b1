"""Tables derived from ``message`` on SQLite — the full-text index and the
conversation summary — kept up to date by id high-water mark, not per row.

Indexing a message as it is inserted would cost more than the insert
itself, so new messages are indexed in bulk afterwards: each derived table
has a mark (``derived_mark``: the highest message id it includes), and a
catch-up adds the messages above it, a chunk per short transaction. The
catch-up runs in a worker thread with its own connection shortly after messages
are added (:meth:`DerivedIndexes.messages_added`; those added meanwhile go with
them), and before every query that reads a derived table (:func:`catch_up`), so
results are never stale.

Triggers remain for what needs the old values: the update and delete of a
message at or below the mark. Above the mark, the catch-up reads the messages
as they are then. Nothing is done per inserted row: SQLite gives a new
message the id after the highest one stored, so after the newest messages are
deleted their ids come again; :func:`after_delete` lowers the marks to the
newest message left, so such a message is above the mark like any other new
one. A deleted message written back with its own id below a mark (an undone
delete) is added by :func:`index_written_back`.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref

from sqlalchemy import text as sql
from sqlalchemy.engine import Engine

from .background import OnDemandThread

log = logging.getLogger(__name__)

#: Messages added to a derived table in one transaction (a few ms of the write lock).
CHUNK = 200
#: Shortest pause between two background chunks (seconds).
PAUSE = 0.01
#: While messages keep being added, the pause after a chunk is this many times the chunk's own time: the
#: index trails a busy store by a little more, and the writers that answer clients wait less for the lock.
BUSY_FACTOR = 3
#: ... unless the index trails by more than this many messages: then the pause is as long as the chunk.
BUSY_LAG = 20_000
#: Messages added within this many seconds count as "messages keep being added".
BUSY_WINDOW = 1.0
#: How long after messages are added the background pass starts (seconds): the messages added meanwhile
#: are indexed with them, in few transactions, instead of one transaction taking the write lock from the
#: store's writer after every commit of a busy API.
SETTLE = 0.25
#: name of the derived table -> statement adding the messages with ``:lo < id <= :hi``.
CATCH_UP: dict[str, str] = {}

_TABLE = "CREATE TABLE IF NOT EXISTS derived_mark (name VARCHAR(32) PRIMARY KEY, last_id INTEGER NOT NULL)"
_TOP = "(SELECT coalesce(max(id), 0) FROM message)"
#: One lock per store: a catch-up adds a chunk at a time, whichever thread runs it.
_LOCKS: "weakref.WeakKeyDictionary[Engine, threading.Lock]" = weakref.WeakKeyDictionary()
_LOCKS_LOCK = threading.Lock()


def _lock(engine: Engine) -> threading.Lock:
    with _LOCKS_LOCK:
        lock = _LOCKS.get(engine)
        if lock is None:
            lock = _LOCKS[engine] = threading.Lock()
        return lock


def mark(name: str) -> str:
    """SQL for the mark of ``name``, for trigger conditions."""
    return f"(SELECT last_id FROM derived_mark WHERE name = '{name}')"


def install_mark(conn, name: str) -> None:
    """``name`` includes every message stored now (call in the transaction that filled it)."""
    conn.execute(sql(_TABLE))
    conn.execute(sql(f"INSERT OR REPLACE INTO derived_mark (name, last_id) VALUES (:n, {_TOP})"), {"n": name})


def has_mark(conn, name: str) -> bool:
    if not conn.execute(sql("SELECT 1 FROM sqlite_master WHERE name = 'derived_mark'")).first():
        return False
    return conn.execute(sql("SELECT 1 FROM derived_mark WHERE name = :n"), {"n": name}).first() is not None


def after_delete(conn) -> None:
    """Messages were deleted (in this transaction): no mark stays above the newest message left."""
    conn.execute(sql(f"UPDATE derived_mark SET last_id = {_TOP} WHERE last_id > {_TOP}"))


def index_written_back(conn, ids: list[int]) -> None:
    """Deleted messages were written back with their own ids (in this transaction): add those at or
    below a mark to that derived table (the ones above it are the catch-up's)."""
    marks = dict(conn.execute(sql("SELECT name, last_id FROM derived_mark")).all())
    for name, statement in CATCH_UP.items():
        for i in ids:
            if name in marks and i <= marks[name]:
                conn.execute(sql(statement), {"lo": i - 1, "hi": i})


def _chunk(engine: Engine) -> int:
    """Add up to CHUNK messages to each derived table; how many remain for the one furthest behind."""
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        if not cur.execute("SELECT 1 FROM sqlite_master WHERE name = 'derived_mark'").fetchone():
            return False
        cur.execute("BEGIN IMMEDIATE")
        try:
            marks = dict(cur.execute("SELECT name, last_id FROM derived_mark").fetchall())
            top = cur.execute(_TOP[1:-1]).fetchone()[0]
            more = 0
            for name, statement in CATCH_UP.items():
                lo = marks.get(name)
                if lo is None or lo >= top:
                    continue
                hi = min(top, lo + CHUNK)
                cur.execute(statement, {"lo": lo, "hi": hi})
                cur.execute("UPDATE derived_mark SET last_id = ? WHERE name = ?", (hi, name))
                more = max(more, top - hi)
            raw.commit()
        except BaseException:
            raw.rollback()
            raise
        return more
    finally:
        raw.close()


def catch_up(engine: Engine) -> None:
    """Bring every derived table up to the newest message (before reading one)."""
    with _lock(engine):
        while _chunk(engine):
            pass


def pause(took: float, busy: bool, behind: int) -> float:
    """Seconds to wait after a chunk that took ``took`` seconds, with ``behind`` messages still to index:
    as long as the chunk (the writers get the lock at least half the time), and BUSY_FACTOR times as long
    while messages keep being added (``busy``) and the index trails by no more than BUSY_LAG."""
    factor = BUSY_FACTOR if busy and behind <= BUSY_LAG else 1
    return max(PAUSE, took * factor)


class DerivedIndexes(OnDemandThread):
    """Catches the derived tables of one store up in the background as messages are added: a worker thread
    of its own (``derived-indexes``) runs while there is something to index, and ends when there is not;
    :meth:`close` (when the engine closes the store; it stops indexing in the background, what remains is
    indexed by the next query) waits for it. No thread is left waiting in between."""

    thread_name = "derived-indexes"

    def __init__(self, engine: Engine):
        super().__init__()
        self.engine = engine
        self._dirty = False
        self._added_at = 0.0  # time.monotonic() of the last messages_added

    def messages_added(self) -> None:
        """New messages were committed: index them soon, off the caller's thread."""
        self._added_at = time.monotonic()
        if self._dirty and self._thread is not None:  # a pass is due and will see them
            return
        with self._state:
            self._dirty = True
            self._start()

    def _run(self) -> None:
        while True:
            self._closing.wait(SETTLE)
            with self._state:
                if not self._dirty or self._closed:
                    self._thread = None
                    return
                self._dirty = False
            try:
                more = 1
                while more and not self._closed:
                    started = time.monotonic()
                    with _lock(self.engine):  # one chunk at a time, so the write lock is released between chunks
                        more = _chunk(self.engine)
                    if more:  # leave the store to the writers that answer clients (no starving them)
                        now = time.monotonic()
                        self._closing.wait(pause(now - started, now - self._added_at < BUSY_WINDOW, more))
            except Exception:
                log.exception("indexing new messages failed; searches will index them")

    def wait(self, timeout: float | None = None) -> None:
        """Wait until the background pass has indexed the messages added so far (TimeoutError if it has not
        within ``timeout`` seconds)."""
        with self._state:
            thread = self._thread
        if thread is not None:
            thread.join(timeout)
            if thread.is_alive():
                raise TimeoutError("the derived indexes are still catching up")
