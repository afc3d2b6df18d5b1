"""The window's one way to the store: ``run_op`` runs an engine operation in the store lane, hands the
result back on the loop, shows a long one as busy and a failure in words."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from app.store import loop_guard
from app.ui import store_op
from app.ui.store_op import run_op

from .conftest import complete, settle


@pytest.fixture
def engine(qtbot, qloop, make_engine):
    engine = make_engine()
    complete(qtbot, engine.start())
    yield engine
    complete(qtbot, engine.stop())


def test_the_operation_runs_in_the_store_lane_and_its_result_comes_back_on_the_loop(qtbot, engine, strict_loop):
    parent = QWidget()
    qtbot.addWidget(parent)
    seen = {}

    def operation(n: int) -> int:
        seen["thread"] = threading.current_thread().name
        return engine.queue_length() + n

    got = []
    run_op(parent, engine, operation, 5, on_done=lambda r: got.append((r, threading.current_thread())))
    assert not store_op.settled()
    settle(qtbot)
    assert seen["thread"].startswith("smsconsole-store")
    assert got == [(5, threading.main_thread())]


def test_the_store_on_the_loop_is_refused_under_the_strict_guard(qtbot, engine, strict_loop, monkeypatch):
    monkeypatch.setattr(loop_guard, "exempt", None)  # the suite's rule for a test's own calls: off here
    with pytest.raises(loop_guard.LoopStoreAccess, match="store lane"):
        engine.queue_length()
    with loop_guard.allowed():  # what a test says of its own setup and checks
        assert engine.queue_length() == 0
    with pytest.raises(loop_guard.LoopStoreAccess):
        engine.queue_length()


def test_the_suites_rule_lets_a_test_call_the_engine_but_not_the_loop_reach_the_store(qtbot, qloop, engine,
                                                                                    strict_loop):
    import functools

    assert engine.queue_length() == 0  # the test's own call of a synchronous engine function
    before = len(loop_guard.violations)
    qloop.call_soon(functools.partial(engine.queue_length))  # the same, called back by the loop
    qtbot.waitUntil(lambda: len(loop_guard.violations) > before, timeout=5000)
    assert "queue_length" in loop_guard.violations[-1]


def test_a_long_operation_shows_it_is_busy_and_says_what_it_does(qtbot, engine, monkeypatch, tmp_path):
    monkeypatch.setattr(store_op, "BUSY_AFTER", 0.05)
    parent = QWidget()
    qtbot.addWidget(parent)
    parent.resize(420, 200)
    parent.show()
    release = threading.Event()
    run_op(parent, engine, lambda: release.wait(10), progress_text="Importing contacts…")
    qtbot.waitUntil(lambda: parent.findChild(QProgressDialog, "store_op_busy") is not None, timeout=5000)
    busy = parent.findChild(QProgressDialog, "store_op_busy")
    assert busy.labelText() == "Importing contacts…" and busy.isVisible()
    assert QApplication.overrideCursor() is not None
    parent.window().grab().save(str(tmp_path / "busy.png"))
    release.set()
    settle(qtbot)
    qtbot.waitUntil(lambda: parent.findChild(QProgressDialog, "store_op_busy") is None, timeout=5000)
    assert QApplication.overrideCursor() is None


def test_a_quick_operation_shows_nothing(qtbot, engine):
    parent = QWidget()
    qtbot.addWidget(parent)
    run_op(parent, engine, engine.queue_length, progress_text="Counting…")
    settle(qtbot)
    assert parent.findChild(QProgressDialog) is None
    assert QApplication.overrideCursor() is None


def test_a_store_failure_is_told_in_words(qtbot, engine):
    from sqlalchemy.exc import OperationalError

    parent = QWidget()
    qtbot.addWidget(parent)
    parent.show()

    def full():
        raise OperationalError("INSERT", {}, Exception("database or disk is full"))

    done = []
    run_op(parent, engine, full, on_done=done.append, what="Save")
    settle(qtbot)
    box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
    assert box.windowTitle() == "Save" and "full" in box.text().lower() and "Traceback" not in box.text()
    assert done == []
    box.close()


def test_a_refusal_the_caller_tells_itself_opens_no_message_box(qtbot, engine):
    from app.engine.requests import EngineError

    parent = QWidget()
    qtbot.addWidget(parent)
    told = []

    def refuse():
        raise EngineError("no such thing")

    run_op(parent, engine, refuse, on_error=lambda exc: told.append(str(exc)) or True)
    settle(qtbot)
    assert told == ["no such thing"]
    assert not any(isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets())


def test_the_result_is_dropped_when_the_widget_was_closed_meanwhile(qtbot, engine):
    parent = QWidget()
    release = threading.Event()
    got = []
    run_op(parent, engine, lambda: release.wait(10) and 1, on_done=got.append)
    parent.deleteLater()
    # the deletion the loop does when it next gets there, done now (a nested wait may hold it off)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    qtbot.waitUntil(lambda: not _alive(parent), timeout=5000)
    release.set()
    settle(qtbot)
    time.sleep(0.01)
    assert got == []


def _alive(widget) -> bool:
    from shiboken6 import isValid

    QApplication.processEvents()
    return isValid(widget)
