"""SQLite's write-ahead log copied into the database file by a thread of its own.

In WAL mode every commit appends the pages it changed to ``<store>-wal``;
a *checkpoint* copies them into the database file and syncs it. By default
SQLite runs one in whichever connection commits when the log passes 1,000
pages, so the store lane, which answers the API's clients and records what
the gateways did, paid for it: about a third of a group commit's time.

Here the store's connections checkpoint by themselves only when the log
passes :data:`BACKSTOP_PAGES` (the ceiling if this thread is stopped or
falls behind), and :class:`Checkpointer` runs passive checkpoints from a
connection of its own every :data:`LOOK_EVERY` seconds in which the log was
written (sooner while the writers are busy): they wait for no reader or
writer, and SQLite releases the interpreter while it copies and syncs. (The
log's file keeps its size when SQLite starts it over, so its time of change
says that it was written, not its size.)

The log starts over from its beginning when a writer begins with every page
copied: the thread checkpoints again until a checkpoint finds no page added
since the one before (:func:`_catch_up`), so even busy writers find it so
now and then. After a burst, the log's file is cut back to
:data:`LOG_FILE_LIMIT`.

The thread runs while the store is being used and ends a while after; the
next use starts it again.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time

from .background import OnDemandThread

log = logging.getLogger(__name__)

#: A connection checkpoints by itself once the log holds this many pages (100 MB with 4 KiB pages): only
#: when the thread is stopped, or behind writers that never pause. (Below it, a writer's own checkpoint of a
#: long log held its transaction for tens of milliseconds.)
BACKSTOP_PAGES = 25_000
#: After a burst, the log's file is cut back to this size when the log starts over.
LOG_FILE_LIMIT = 32 * 1024 * 1024
#: How often the thread looks whether the log was written (seconds).
LOOK_EVERY = 0.25
#: ... and how soon it looks again after a checkpoint found at least BUSY_FRAMES pages in the log.
SOON = 0.02
BUSY_FRAMES = 1000
#: Checkpoints in a row while the writers keep adding to the log: the last ones copy only a few pages, and
#: once every page is copied, the next write starts the log over from its beginning.
CATCH_UP = 8
#: The thread ends when the store has not been used for this long (seconds).
IDLE_AFTER = 30.0


class Checkpointer(OnDemandThread):
    """Checkpoints one SQLite store in the background (thread ``store-checkpoints``) while it is used;
    :meth:`close` stops it (the store is being closed; its last checkpoint is the closer's)."""

    thread_name = "store-checkpoints"
    daemon = True

    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self._wal = path + "-wal"
        self._used_at = 0.0
        #: Checkpoints run so far (for tests and diagnostics).
        self.runs = 0

    def used(self, *_args) -> None:
        """A connection of the store went back to its pool (SQLAlchemy's ``checkin``: a unit of work, maybe a
        write, ended): keep the thread running."""
        self._used_at = time.monotonic()
        if self._thread is not None or self._closed:
            return
        with self._state:
            self._start()

    def _changed(self) -> int | None:
        """The log's time of change (None: there is no log)."""
        try:
            return os.stat(self._wal).st_mtime_ns
        except OSError:
            return None

    def _run(self) -> None:
        conn: sqlite3.Connection | None = None
        done = None  # the log's time of change at the last checkpoint
        wait = LOOK_EVERY
        try:
            while not self._closing.wait(wait):
                wait = LOOK_EVERY
                changed = self._changed()
                if changed is not None and changed != done:
                    if conn is None:
                        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
                        conn.execute("PRAGMA busy_timeout=100")
                    done = changed
                    if _catch_up(conn) >= BUSY_FRAMES:  # the writers are busy: look again before the log grows far
                        wait = SOON
                    self.runs += 1
                elif time.monotonic() - self._used_at > IDLE_AFTER:
                    with self._state:
                        if time.monotonic() - self._used_at > IDLE_AFTER:
                            self._thread = None
                            return
        except Exception as exc:  # noqa: BLE001 - the connections' own checkpoints (the backstop) go on
            log.warning("checkpointing the store's write-ahead log in the background failed: %s; the store's "
                        "connections checkpoint it themselves", exc)
            with self._state:
                self._closed = True
                self._thread = None
        finally:
            if conn is not None:
                conn.close()


def _catch_up(conn: sqlite3.Connection) -> int:
    """Passive checkpoints until one finds no page added to the log since the one before (then the next write
    starts the log over), at most :data:`CATCH_UP`; the most pages the log held meanwhile."""
    seen, most = -1, 0
    for _ in range(CATCH_UP):
        # the whole answer is read, so the statement ends and keeps no read lock (that would stop the restart)
        [(busy, frames, copied)] = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        if busy:  # a connection is checkpointing past the backstop
            return most
        most = max(most, frames)
        if frames == copied == seen:  # every page copied: the next write starts the log over
            break
        seen = frames
    return most
