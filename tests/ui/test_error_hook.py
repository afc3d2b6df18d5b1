"""What escapes the window's code is logged and told in words; store failures get words of their own."""

from __future__ import annotations

import logging
import sqlite3

from sqlalchemy.exc import OperationalError

from app.store.errors import describe_store_error


def _store_failure(message: str) -> OperationalError:
    return OperationalError("UPDATE message SET ...", {}, sqlite3.OperationalError(message))


def test_store_failures_are_described_in_words():
    assert "another program holds it locked" in describe_store_error(_store_failure("database is locked"))
    assert "disk of the message store is full" in describe_store_error(_store_failure("database or disk is full"))
    assert "cannot be reached" in describe_store_error(OperationalError(
        "SELECT 1", {}, Exception('connection to server at "127.0.0.1", port 5432 failed: Connection refused')))
    wrapped = RuntimeError("recording outcomes failed")
    wrapped.__cause__ = _store_failure("disk I/O error")
    assert "reported an error" in describe_store_error(wrapped)
    assert describe_store_error(ValueError("database is locked")) is None  # not from the store
    assert describe_store_error(KeyError("x")) is None


def test_an_escaped_error_is_logged_and_shown_once_in_words(qtbot, qapp, caplog):
    from PySide6.QtWidgets import QWidget

    from app.ui.error_hook import ErrorHook

    parent = QWidget()
    qtbot.addWidget(parent)
    hook = ErrorHook(parent, "/var/log/smsconsole.log")
    caplog.set_level(logging.ERROR)
    try:
        raise _store_failure("database is locked")
    except OperationalError as exc:
        hook.excepthook(type(exc), exc, exc.__traceback__)
        box = hook._open[hook.words(exc)]
        hook.excepthook(type(exc), exc, exc.__traceback__)  # the same again: no second box
    assert len(hook._open) == 1 and box.isVisible()
    assert box.text().startswith("The message store is busy")
    assert "unexpected error in the window" in caplog.text and "database is locked" in caplog.text
    other = hook.show(RuntimeError("the modem list is empty"))
    assert other.text() == ("Something went wrong: the modem list is empty. The console goes on; what you were doing "
                            "may not have finished. The details are in the log file /var/log/smsconsole.log.")
    box.close()
    other.close()
