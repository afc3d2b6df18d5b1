"""The queue writer: a process of its own that stores what API and SMPP clients submit
(``[store] queue_process``, off by default).

Queueing a message is mostly work for the interpreter: checking each recipient, building the rows,
handing forty values a row to the driver. In the console's own process that work shares one
interpreter with the loop, which meanwhile parses requests and writes replies. The queue writer takes
the groups of :mod:`.queue_group` (every job checked and stored exactly as the store lane would) into a
second process, with its own connection to the same store; the loop hands a group over and goes on.
That pays off when the second process has a core of its own; on two cores shared with busy clients it
measured no better than the lane (pickling and a second process cost CPU too), hence off by default.

* It starts with the engine, in the background: the groups queued before it is up are stored by the
  store lane, as they are when the console runs without a writer.
* Groups go to it through a pipe, in order: a small one written by the loop, a big one by a thread of
  the console (its link), so the loop never waits for the process to read; another thread takes its
  answers, in the same order. A group's callers resume once its transaction has committed, as with
  the lane. Its time counts as the lane's answering work, so sending keeps to its share meanwhile.
* Should it stop before answering (killed, crashed), the group may or may not be committed. Every job
  has its id before it is handed over, so the store lane then looks the jobs up: those stored are
  answered with their stored messages, the others are stored then. Nothing is stored twice and
  nothing is lost. A new writer is started for a later group, at most every ``RETRY_AFTER`` seconds.
* What it logs reaches the console's log with the answer to the group it was storing.
* It stops when the console stops, or when the console's end of the pipe closes (the console killed).

The console's store must be one a second process can open (a file or a database server; not SQLite's
``:memory:``).
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import pickle
import signal
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from multiprocessing.reduction import ForkingPickler
from typing import TYPE_CHECKING, Any

from .queue_group import Terms, store_group, stored_jobs

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    from .store_lane import StoreLane

log = logging.getLogger(__name__)

#: Seconds a new writer has to open the store and say it is ready.
START_TIMEOUT = 60.0
#: Groups pickled to at most this many bytes are written to the pipe by the loop itself (a pipe holds 64 KiB).
DIRECT_BYTES = 32 * 1024
#: Seconds after a writer failed to start or stopped before a new one is started.
RETRY_AFTER = 30.0


class WriterGone(RuntimeError):
    """The writer process stopped, or could not be reached, before answering."""


class QueueWriter:
    def __init__(self, db, lane: "StoreLane"):
        self.db = db
        self.lane = lane
        #: The console's thread that starts the process and hands groups over.
        self.link = ThreadPoolExecutor(1, thread_name_prefix="smsconsole-queue-link")
        #: The process is up and takes groups (set by the link, read on the loop).
        self.ready = False
        self._conn: Connection | None = None
        self._proc: mp.process.BaseProcess | None = None
        self._reader: threading.Thread | None = None
        #: The groups handed over and not answered yet, oldest first: the process answers in order.
        self._awaiting: deque[tuple[list, Terms, Future]] = deque()
        #: Groups handed to the link and not written yet (a group behind them is written after them).
        self._on_link = 0
        self._starting = False
        self._closed = False
        self._failed_at = float("-inf")
        self._lock = threading.Lock()
        #: Groups the process has answered (figures, tests).
        self.groups_answered = 0

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and self.ready else None

    def start_soon(self) -> None:
        """Start the process in the background unless it runs, is starting or failed a moment ago."""
        with self._lock:
            if (self.ready or self._starting or self._closed
                    or time.monotonic() - self._failed_at < RETRY_AFTER):
                return
            self._starting = True
        self.link.submit(self._start)

    def _start(self) -> None:
        """On the link: start the process and wait until it has opened the store."""
        proc = None
        try:
            ctx = mp.get_context("spawn")  # never fork: the console runs threads (the lane, Qt's)
            here, there = ctx.Pipe()
            proc = ctx.Process(target=_serve, args=(self.db.url, there), name="smsconsole-queue-writer",
                               daemon=True)
            proc.start()
            there.close()
            if not here.poll(START_TIMEOUT):
                raise WriterGone(f"it did not open the store within {START_TIMEOUT:.0f} s")
            hello = here.recv()
            if hello[0] != "ready":
                raise WriterGone(hello[1])
            reader = threading.Thread(target=self._read, args=(here,), name="smsconsole-queue-answers",
                                      daemon=True)
            with self._lock:
                if self._closed:
                    raise WriterGone("the console is stopping")
                self._conn, self._proc, self._reader = here, proc, reader
                self.ready = True
            reader.start()
            log.info("queued messages are stored by the queue writer (process %d)", proc.pid)
        except Exception as exc:  # noqa: BLE001 - the store lane goes on storing the groups
            self._failed_at = time.monotonic()
            if proc is not None and proc.is_alive():
                proc.kill()
            if not self._closed:
                log.warning("the queue writer could not be started (%s); the console stores queued messages "
                            "itself", exc)
        finally:
            self._starting = False

    def submit(self, calls: list, terms: Terms) -> Future:
        """Hand a group over; the future gets its outcomes, from the process or, should it stop before
        answering, from the store lane (:func:`stored_jobs`). Groups are stored in the order handed over.

        A group of up to DIRECT_BYTES is written to the pipe at once, by the caller (the pipe holds it: the
        process reads each group whole before storing it); a bigger one, or one behind a bigger one, is
        written by the link, so the loop never waits for the process to read."""
        done: Future = Future()
        try:
            data = ForkingPickler.dumps((calls, terms))
        except Exception:  # noqa: BLE001 - not the writer's fault: this group is stored by the lane
            log.exception("a group of %d jobs could not be handed to the queue writer", len(calls))
            self._chain(self.lane.submit(store_group, self.db, calls, terms), done)
            return done
        with self._lock:
            direct = len(data) <= DIRECT_BYTES and not self._on_link
            if not direct:
                self._on_link += 1
        if direct:
            self._write(calls, terms, done, data)
        else:
            self.link.submit(self._write, calls, terms, done, data, True)
        return done

    def _write(self, calls: list, terms: Terms, done: Future, data: bytes, on_link: bool = False) -> None:
        with self._lock:
            conn = self._conn
            self._awaiting.append((calls, terms, done))
            if on_link:
                self._on_link -= 1
        if conn is None:
            self._gone(WriterGone("it is not running"))
            return
        try:
            conn.send_bytes(data)
        except (OSError, ValueError) as exc:
            self._gone(exc)

    def _read(self, conn: "Connection") -> None:
        """The answers' thread: each answer is for the oldest group awaiting one."""
        while True:
            try:
                outcomes, records, seconds = conn.recv()
            except (EOFError, OSError, pickle.PickleError) as exc:
                with self._lock:
                    quiet = self._closed and not self._awaiting
                if not quiet:
                    self._gone(exc)
                return
            with self._lock:
                _, _, done = self._awaiting.popleft()
                self.groups_answered += 1
            self.lane.answered_elsewhere(seconds)  # sending keeps to its share while clients are answered
            for level, name, text in records:
                logging.getLogger(name).log(level, "%s", text)
            done.set_result(outcomes)

    def _gone(self, exc: BaseException) -> None:
        """The process stopped or cannot be reached: the groups it did not answer go to the store lane, in
        their order; a new process is started for a later group, after RETRY_AFTER."""
        with self._lock:
            was = self.ready or self._awaiting
            self.ready = False
            self._failed_at = time.monotonic()
            proc, conn, self._proc, self._conn = self._proc, self._conn, None, None
            awaiting, self._awaiting = list(self._awaiting), deque()
            for calls, terms, done in awaiting:  # submitted while locked: in order, before any later group
                self._chain(self.lane.submit(stored_jobs, self.db, calls, terms), done)
        if conn is not None:
            conn.close()
        code = None
        if proc is not None:
            proc.join(1)
            code = proc.exitcode
            if proc.is_alive():
                proc.kill()
        if was:
            how = f"exit code {code}" if code is not None else (str(exc) or type(exc).__name__)
            log.warning("the queue writer stopped (%s); groups of jobs it had not answered: %d. The console "
                        "stores queued messages itself and starts a new writer in %.0f s", how, len(awaiting),
                        RETRY_AFTER)

    @staticmethod
    def _chain(source: Future, target: Future) -> None:
        def copy(f: Future) -> None:
            if f.exception() is not None:
                target.set_exception(f.exception())
            else:
                target.set_result(f.result())
        source.add_done_callback(copy)

    def close(self) -> None:
        """Stop the process once it has answered the groups handed over, then the link."""
        with self._lock:
            self._closed = True
        self.link.submit(self._stop).result()
        self.link.shutdown(wait=True)

    def _stop(self) -> None:
        with self._lock:
            conn, proc, reader = self._conn, self._proc, self._reader
        if conn is not None:
            try:
                conn.send(None)  # after the groups before it
            except OSError:
                pass
        if reader is not None:
            reader.join(30)
        if proc is not None:
            proc.join(10)
            if proc.is_alive():
                proc.kill()
                proc.join(1)
        with self._lock:
            self.ready = False
            self._conn, self._proc, self._reader = None, None, None
        if conn is not None:
            conn.close()


class _Records(logging.Handler):
    """In the writer: what the store code logs, handed to the console with the group's answer."""

    def __init__(self):
        super().__init__(logging.INFO)
        self.kept: list[tuple[int, str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.kept.append((record.levelno, record.name, text))

    def take(self) -> list[tuple[int, str, str]]:
        kept, self.kept = self.kept, []
        return kept


def _portable(outcome: Any) -> Any:
    """An outcome the console can read back: an error that does not survive pickling is sent as words."""
    if isinstance(outcome, BaseException):
        try:
            pickle.loads(pickle.dumps(outcome))
        except Exception:  # noqa: BLE001
            return RuntimeError(f"{type(outcome).__name__}: {outcome}")
    return outcome


def _warm_up(db) -> None:
    """Open the store and check a job in a transaction that is rolled back: what checking and storing
    load on first use (the number plan, the text codecs, the statements) is loaded before the first group."""
    from datetime import datetime, timezone

    from .queueing import check_job
    from .requests import OutboundRequest

    with db.session() as s:
        s.connection().exec_driver_sql("SELECT 1 FROM message LIMIT 1")
        check_job(s, [OutboundRequest(["+15550000000", "0301234567"], "warm up ä €")],
                  now=datetime.now(timezone.utc), country="49", duplicate_window=0)
        s.rollback()


def _serve(url: str, conn: "Connection") -> None:
    """The writer process: open the store, then store the groups handed over until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a terminal stops the console, which stops this
    records = _Records()
    root = logging.getLogger()
    root.addHandler(records)
    root.setLevel(logging.INFO)
    try:
        from app.store.database import Database

        db = Database(url, derived=False)
        _warm_up(db)
    except Exception as exc:  # noqa: BLE001 - told to the console, which stores the groups itself
        conn.send(("failed", f"{type(exc).__name__}: {exc}"))
        return
    conn.send(("ready", os.getpid()))
    try:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break  # the console is gone
            if message is None:
                break
            calls, terms = message
            started = time.perf_counter()
            outcomes = [_portable(o) for o in store_group(db, calls, terms)]
            conn.send((outcomes, records.take(), time.perf_counter() - started))
    finally:
        db.engine.dispose()
