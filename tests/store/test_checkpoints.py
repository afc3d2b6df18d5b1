"""SQLite's write-ahead log is checkpointed by a thread of its own, not by the connection that commits."""

from __future__ import annotations

import os
import threading
import time

from sqlalchemy import text

from app.store import checkpoints
from app.store.database import Database


def _write(db: Database, rows: int, size: int = 2000) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS filler (id INTEGER PRIMARY KEY, body BLOB)"))
        conn.execute(text("INSERT INTO filler (body) VALUES (randomblob(:n))"), [{"n": size}] * rows)


def _wait(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def _frames(conn) -> tuple[int, int, int]:
    """A passive checkpoint's answer: busy, frames in the log, frames copied into the database file."""
    return tuple(conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one())


def _threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "store-checkpoints"]


def test_a_grown_log_is_checkpointed_by_the_thread_and_the_writers_only_past_the_backstop(tmp_path):
    db = Database(f"sqlite:///{tmp_path}/store.db")
    db.create()
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == checkpoints.BACKSTOP_PAGES
        assert db.checkpoints is not None and db.checkpoints.runs == 0
        _write(db, 3000)  # about 1,500 pages: past SQLite's own threshold (1,000), below the backstop
        assert _wait(lambda: db.checkpoints.runs >= 1 and os.path.getsize(f"{tmp_path}/store.db") > 3000 * 2000), \
            "the thread copied the log into the database file (the test checkpoints nothing itself)"
        _write(db, 10)  # a writer finding the whole log copied starts it over from its beginning
        with db.engine.connect() as conn:
            assert _frames(conn)[1] < 50
    finally:
        db.close()
    assert not _threads(), "closing the store ends the thread"


def test_behind_a_writer_that_never_pauses_the_log_grows_at_most_to_the_backstop(tmp_path):
    db = Database(f"sqlite:///{tmp_path}/store.db")
    db.create()
    try:
        _write(db, 1)
        until = time.monotonic() + 2.0
        with db.engine.connect() as conn:
            while time.monotonic() < until:
                conn.execute(text("INSERT INTO filler (body) VALUES (randomblob(8000))"))
                conn.commit()
        assert os.path.getsize(f"{tmp_path}/store.db-wal") < 1.5 * checkpoints.BACKSTOP_PAGES * 4096
    finally:
        db.close()


def test_the_thread_ends_when_the_store_is_idle_and_starts_again_when_used(tmp_path, monkeypatch):
    monkeypatch.setattr(checkpoints, "IDLE_AFTER", 0.3)
    db = Database(f"sqlite:///{tmp_path}/store.db")
    db.create()
    try:
        assert _wait(lambda: not _threads()), "idle for IDLE_AFTER: the thread is gone"
        _write(db, 10)
        assert _threads(), "a use of the store starts it again"
    finally:
        db.close()


def test_an_in_memory_store_and_a_second_writer_process_run_no_checkpoints_thread(tmp_path):
    memory = Database("sqlite://")
    second = Database(f"sqlite:///{tmp_path}/store.db", derived=False)
    try:
        assert memory.checkpoints is None and second.checkpoints is None
        second.create()
        with second.engine.connect() as conn:  # the thread of the console keeping the store checkpoints it
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == checkpoints.BACKSTOP_PAGES
    finally:
        memory.close()
        second.close()


class _Log:
    """A connection answering passive checkpoints as given, recording the statements it runs."""

    def __init__(self, *answers: tuple[int, int, int]):
        self.answers = list(answers)
        self.statements: list[str] = []

    def execute(self, statement: str):
        self.statements.append(statement)
        answer = self.answers.pop(0) if "PASSIVE" in statement else (0, 0, 0)
        return type("Cursor", (), {"fetchall": lambda _self: [answer]})()


def test_the_thread_copies_until_no_page_was_added_since_the_checkpoint_before():
    log = _Log((0, 900, 900), (0, 950, 950), (0, 950, 950), (0, 999, 999))
    assert checkpoints._catch_up(log) == 950
    assert log.statements == ["PRAGMA wal_checkpoint(PASSIVE)"] * 3


def test_behind_writers_that_keep_adding_the_thread_stops_after_a_few_checkpoints():
    log = _Log(*[(0, n, n) for n in range(1000, 1000 + 100 * (checkpoints.CATCH_UP + 5), 100)])
    checkpoints._catch_up(log)
    assert len(log.statements) == checkpoints.CATCH_UP


def test_a_checkpoint_under_way_elsewhere_ends_the_catching_up():
    log = _Log((0, 6000, 6000), (1, -1, -1))
    checkpoints._catch_up(log)
    assert log.statements == ["PRAGMA wal_checkpoint(PASSIVE)"] * 2
