"""CSV export of messages in a worker thread, with progress and cancel.

An export reads the store a page at a time in its own thread and session,
writes to a temporary file beside the target and renames it at the end, so a
cancelled or failed export leaves no half-written file. ``progress(done,
total)`` is called from the worker thread once the rows are counted (``done``
0) and after each page.
"""

from __future__ import annotations

import csv
import os
import tempfile
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from sqlmodel import col, select

from app.store.models import Message
from app.store.search import MessageFilter, count_ids

from .conversations import search_messages
from .views import MessageView

if TYPE_CHECKING:
    from .engine import Engine

#: Columns of an exported file, in order.
CSV_COLUMNS = ("id", "direction", "status", "created_at", "sent_at", "sender", "recipient", "text", "gateway",
               "parts", "job_id", "reason", "read")
PAGE = 1000

Progress = Callable[[int, int], None]


class ExportCancelled(Exception):
    """The operator cancelled the export; nothing was written."""


def csv_row(v: MessageView) -> list[str]:
    def when(t):
        return t.isoformat() if t else ""

    return [str(v.id), v.direction, v.status, when(v.created_at), when(v.sent_at), v.sender, v.recipient, v.text,
            v.gateway or "", str(v.parts), v.job_id or "", v.reason, "1" if v.read else "0"]


class ExportTask:
    """A running export: ``future`` holds the number of rows written, or the error."""

    def __init__(self, engine: "Engine", path: str | Path, *, flt: MessageFilter | None = None,
                 ids: list[int] | None = None, progress: Progress | None = None):
        if (flt is None) == (ids is None):
            raise ValueError("export a filter or a list of ids")
        self.engine = engine
        self.path = Path(path)
        self.flt = flt
        self.ids = sorted(set(ids), reverse=True) if ids is not None else None
        self.progress = progress or (lambda done, total: None)
        self.future: Future[int] = Future()
        self._cancel = threading.Event()
        self._thread = threading.Thread(target=self._run, name="export", daemon=True)

    def start(self) -> "ExportTask":
        self._thread.start()
        return self

    def cancel(self) -> None:
        self._cancel.set()

    def _total(self) -> int:
        """How many rows the export writes, counted before the first one (the progress is a percentage)."""
        if self.ids is not None:
            return len(self.ids)
        assert self.flt is not None
        with self.engine.db.engine.connect() as conn:
            return count_ids(conn, self.flt, is_sqlite=self.engine.db.is_sqlite)

    def _pages(self):
        if self.ids is not None:
            for start in range(0, len(self.ids), PAGE):
                chunk = self.ids[start:start + PAGE]
                with self.engine.db.session() as s:
                    rows = {r.id: r for r in s.exec(select(Message).where(col(Message.id).in_(chunk)))}
                yield [MessageView.of(rows[i]) for i in chunk if i in rows]
            return
        before = None
        while True:
            page = search_messages(self.engine, self.flt, before_id=before, limit=PAGE)
            if not page:
                return
            yield page
            before = page[-1].id

    def _run(self) -> None:
        if not self.future.set_running_or_notify_cancel():
            return
        fd, tmp = tempfile.mkstemp(prefix=".export-", suffix=".csv", dir=self.path.parent)
        try:
            total = self._total()
            if self._cancel.is_set():
                raise ExportCancelled()
            self.progress(0, total)
            done = 0
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(CSV_COLUMNS)
                for page in self._pages():
                    if self._cancel.is_set():
                        raise ExportCancelled()
                    writer.writerows(csv_row(v) for v in page)
                    done += len(page)
                    self.progress(done, max(total, done))
            os.replace(tmp, self.path)
        except BaseException as exc:
            if os.path.exists(tmp):
                os.unlink(tmp)
            self.future.set_exception(exc)
            return
        self.future.set_result(done)
