"""How many messages are in each state, kept up to date without counting the store again.

Counted once (in the store lane, when the dispatcher first looks after the time-driven work), then:
messages this console stores are added as they are announced, deleted ones taken off, and changes of
status are read from the tail of the event journal (the rows after the last one read, by primary key),
so a question such as ``request-server-status`` costs a dictionary copy, whatever the history. A console
sharing its store with others counts afresh every ``RECOUNT_EVERY`` seconds, which brings in the
messages the others stored.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from app.store import models as m

T = m.Message.__table__
E = m.MessageEvent.__table__
#: Seconds between two full counts when several consoles share the store.
RECOUNT_EVERY = 600.0


class StatusCounts:
    def __init__(self, shared: bool = False):
        self._lock = threading.Lock()
        self._counts: Counter[str] = Counter()
        self._last_event: int | None = None
        self._counted_at = 0.0
        self.shared = shared

    @property
    def loaded(self) -> bool:
        return self._last_event is not None

    def snapshot(self) -> dict[str, int]:
        """status -> messages (states with none left out)."""
        with self._lock:
            return {k: v for k, v in self._counts.items() if v > 0}

    # --- on the loop: what this console stores and deletes -------------------------------------------

    def stored(self, views) -> None:
        """New messages were committed."""
        if self.loaded:
            added = Counter(v.status for v in views)
            with self._lock:
                self._counts.update(added)

    def deleted(self, statuses: list[str]) -> None:
        if self.loaded:
            with self._lock:
                self._counts.subtract(statuses)

    # --- in the store lane ----------------------------------------------------------------------------

    def advance(self, conn: Connection) -> None:
        """Count once (and again now and then on a shared store), else apply the journal's new rows."""
        if self._last_event is None or self.shared and time.monotonic() - self._counted_at > RECOUNT_EVERY:
            last = conn.execute(select(func.coalesce(func.max(E.c.id), 0))).scalar()
            counts = Counter(dict(conn.execute(select(T.c.status, func.count()).group_by(T.c.status)).all()))
            with self._lock:
                self._counts, self._last_event = counts, last
            self._counted_at = time.monotonic()
            return
        rows = conn.execute(select(E.c.from_status, E.c.to_status, func.count(), func.max(E.c.id))
                            .where(E.c.id > self._last_event, E.c.part == 0)
                            .group_by(E.c.from_status, E.c.to_status)).all()
        if not rows:
            return
        with self._lock:
            for before, after, n, last in rows:
                self._counts[before] -= n
                self._counts[after] += n
                self._last_event = max(self._last_event, last)
