"""Inbox workflows: search and filters, conversations with reply in place, delete with undo, export."""

from __future__ import annotations

import csv

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from app.ui.inbox_tab import CONVERSATIONS, FROM, TEXT
from app.ui.main_window import INBOX
from tests.ui.conftest import complete, settle


def receive(window, qtbot, sender: str, text: str):
    with qtbot.waitSignal(window.bridge.message_stored, timeout=5000) as blocker:
        window.engine.simulate_incoming(sender=sender, text=text)
    settle(qtbot)  # and the window has read what follows from it (unread count, contact name)
    return blocker.args[0]


def texts(model):
    return [model.index(r, TEXT).data() for r in range(model.rowCount())]


def test_search_and_filters_answer_in_a_worker_and_follow_new_messages(window, qtbot):
    tab = window.inbox_tab
    receive(window, qtbot, "+15550001", "Order 4711 arrived")
    second = receive(window, qtbot, "+15550002", "Running late")
    receive(window, qtbot, "+15550001", "Grüße aus München")
    window.engine.mark_read([second.id], True)

    window.find_action.trigger()
    assert tab.filters.search_edit.hasFocus()
    with qtbot.waitSignal(tab.model.loaded, timeout=5000):
        tab.filters.search_edit.setText("munch")
    assert texts(tab.model) == ["Grüße aus München"]
    receive(window, qtbot, "+15550003", "Munchkin says hi")  # a live message that matches comes in at the top
    assert texts(tab.model) == ["Munchkin says hi", "Grüße aus München"]
    receive(window, qtbot, "+15550003", "something else")
    assert tab.model.rowCount() == 2

    with qtbot.waitSignal(tab.model.loaded, timeout=5000):
        tab.filters.search_edit.setText("zzz")
    assert tab.model.rowCount() == 0 and "No messages match" in tab.empty.label.text()

    with qtbot.waitSignal(tab.model.loaded, timeout=5000):
        tab.filters.search_edit.clear()
    with qtbot.waitSignal(tab.model.loaded, timeout=5000):
        tab.filters.unread_check.setChecked(True)
    assert "Running late" not in texts(tab.model) and len(texts(tab.model)) == 4
    tab.view.selectRow(0)
    tab.mark_read_action.trigger()  # read messages leave the unread list at once
    settle(qtbot)
    assert tab.model.rowCount() == 3


def test_sent_too_searches_both_directions(window, qtbot):
    tab = window.inbox_tab
    window.engine.pause_gateway("Demo")
    dialog = window.compose(to="+15550009", text="parcel number 12")
    dialog.send()
    receive(window, qtbot, "+15550009", "which parcel?")
    with qtbot.waitSignal(tab.model.loaded, timeout=5000):
        tab.filters.search_edit.setText("parcel")
    assert texts(tab.model) == ["which parcel?"]
    with qtbot.waitSignal(tab.model.loaded, timeout=5000):
        tab.sent_too.setChecked(True)
    assert texts(tab.model) == ["which parcel?", "parcel number 12"]
    assert tab.model.index(1, FROM).data() == "(sent)"


def test_conversations_group_by_correspondent_and_reply_in_place(window, qtbot):
    engine = window.engine
    engine.contacts.add("Alice", "+15550001")
    receive(window, qtbot, "+15550001", "hi there")
    receive(window, qtbot, "+15550002", "other")
    receive(window, qtbot, "+15550001", "are you there?")
    tab = window.inbox_tab
    window.tabs.setCurrentIndex(INBOX)  # the window remembers the last tab of an earlier test
    tab.conversations_action.trigger()
    assert tab.pages.currentIndex() == CONVERSATIONS
    pane = tab.conversations
    pane.list_model.refresh()
    settle(qtbot)
    rows = [pane.list_model.row_at(r) for r in range(pane.list_model.rowCount())]
    assert [(r.name or r.number, r.unread) for r in rows] == [("Alice", 2), ("+15550002", 1)]

    pane.select_number("+15550001")  # opening a conversation reads it
    settle(qtbot)
    assert [pane.thread_model.message_at(r).text for r in range(2)] == ["hi there", "are you there?"]
    assert engine.conversation("+15550001").unread == 0 and window.unread_label.text() == "1 unread"
    assert "Alice" in pane.header.text()

    pane.reply_edit.setPlainText("yes, here")
    assert "1 part" in pane.reply_counter.text()
    seen = []
    with qtbot.waitSignal(window.bridge.message_changed, timeout=5000,
                          check_params_cb=lambda m: seen.append(m.status) or m.status == "sent"):
        qtbot.keyClick(pane.reply_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        settle(qtbot)
    assert pane.reply_edit.toPlainText() == ""
    last = pane.thread_model.message_at(pane.thread_model.rowCount() - 1)
    assert (last.direction, last.text, last.recipient, last.status) == ("out", "yes, here", "+15550001", "sent")

    pane.reply_edit.setPlainText("   ")
    pane.send_reply()
    assert "empty" in pane.reply_problem.text()


def test_delete_with_undo_and_copy(window, qtbot):
    tab = window.inbox_tab
    receive(window, qtbot, "+15550001", "keep")
    receive(window, qtbot, "+15550002", "bin me")
    tab.view.selectRow(0)
    tab.copy_action.trigger()
    assert "bin me" in QGuiApplication.clipboard().text() and "+15550002" in QGuiApplication.clipboard().text()
    tab.delete_action.trigger()
    settle(qtbot)
    assert texts(tab.model) == ["keep"] and "Undo" in window.statusBar().currentMessage()
    tab.undo_action.trigger()
    settle(qtbot)
    assert texts(tab.model) == ["bin me", "keep"]
    assert window.unread_label.text() == "2 unread"


def test_forward_opens_compose_with_the_text(window, qtbot):
    tab = window.inbox_tab
    receive(window, qtbot, "+15550001", "pass this on")
    tab.view.selectRow(0)
    tab.forward_action.trigger()
    dialog = window.findChild(type(window.compose()), None)
    assert any(d.text_edit.toPlainText() == "pass this on" for d in window.findChildren(type(dialog)))


def test_export_of_the_filter_runs_with_progress(window, qtbot, tmp_path):
    tab = window.inbox_tab
    for i in range(3):
        receive(window, qtbot, f"+1555000{i}", f"line {i}")
    target = tmp_path / "inbox.csv"
    runner = tab.export_csv(False, str(target))
    with qtbot.waitSignal(runner.finished, timeout=10000):
        pass
    assert runner.result == 3
    rows = list(csv.reader(target.open(encoding="utf-8")))
    assert [r[7] for r in rows[1:]] == ["line 2", "line 1", "line 0"]
    assert "3 messages exported" in window.statusBar().currentMessage()
    assert tab.export_csv(True, str(tmp_path / "none.csv")) is None  # nothing selected: said in words
    assert "Select the messages" in window.statusBar().currentMessage()


def test_new_message_is_announced_in_the_status_bar(window, qtbot):
    window.engine.contacts.add("Bob", "+15550007")
    receive(window, qtbot, "+15550007", "ping")
    assert window.notifier.last_notice == "New message from Bob: ping"
    assert window.windowTitle().startswith("(1)")
    window.engine.set_setting("notify_new_messages", False)
    receive(window, qtbot, "+15550007", "quiet")
    assert window.notifier.last_notice == "New message from Bob: ping"


def test_reply_from_the_message_table_opens_the_conversation(window, qtbot):
    tab = window.inbox_tab
    receive(window, qtbot, "+15550042", "call me")
    tab.view.selectRow(0)
    tab.reply_action.trigger()
    assert tab.pages.currentIndex() == CONVERSATIONS and tab.conversations.number == "+15550042"
    complete(qtbot, window.engine.stop_gateway("Demo"))


def search_for(tab, qtbot, words: str) -> None:
    with qtbot.waitSignal(tab.model.loaded, timeout=5000):
        tab.filters.search_edit.setText(words)


def test_export_of_a_search_counts_the_rows_first_and_shows_a_percentage(window, qtbot, tmp_path, monkeypatch):
    from app.engine import export

    import threading

    monkeypatch.setattr(export, "PAGE", 2)
    watching = threading.Event()  # the worker counts once the test listens to its progress
    count = export.count_ids
    monkeypatch.setattr(export, "count_ids", lambda *a, **k: watching.wait(10) and count(*a, **k))
    tab = window.inbox_tab
    for i in range(5):
        receive(window, qtbot, f"+1555010{i}", f"invoice {i}")
        receive(window, qtbot, f"+1555020{i}", f"other {i}")
    search_for(tab, qtbot, "invoice")
    target = tmp_path / "invoices.csv"
    runner = tab.export_csv(False, str(target))
    seen = []
    runner.progressed.connect(lambda done, total: seen.append((done, total, runner.dialog.maximum(),
                                                               runner.dialog.value())))
    with qtbot.waitSignal(runner.finished, timeout=10000):
        watching.set()
    assert runner.result == 5
    # every step knows the total; the bar runs from 0 to the total in page steps
    assert [(d, t) for d, t, _m, _v in seen] == [(0, 5), (2, 5), (4, 5), (5, 5)]
    assert all(m == 5 and v == d for d, _t, m, v in seen)
    rows = list(csv.reader(target.open(encoding="utf-8")))
    assert [r[7] for r in rows[1:]] == [f"invoice {i}" for i in range(4, -1, -1)]


def test_cancelling_an_export_of_a_search_leaves_no_file(window, qtbot, tmp_path, monkeypatch):
    import threading

    from PySide6.QtWidgets import QPushButton

    from app.engine import export

    monkeypatch.setattr(export, "PAGE", 2)
    first_page_written = threading.Event()
    cancelled = threading.Event()
    pages = export.search_messages

    def second_page_after_cancel(*args, **kwargs):
        if kwargs.get("before_id") is not None:  # a later page: the operator cancels meanwhile
            first_page_written.set()
            cancelled.wait(10)
        return pages(*args, **kwargs)

    monkeypatch.setattr(export, "search_messages", second_page_after_cancel)
    tab = window.inbox_tab
    for i in range(6):
        receive(window, qtbot, f"+1555030{i}", f"report {i}")
    search_for(tab, qtbot, "report")
    target = tmp_path / "reports.csv"
    runner = tab.export_csv(False, str(target))
    qtbot.waitUntil(lambda: runner.dialog.value() == 2, timeout=5000)  # the first page is written
    assert runner.dialog.maximum() == 6 and first_page_written.is_set()
    with qtbot.waitSignal(runner.finished, timeout=10000):
        runner.dialog.findChild(QPushButton).click()
        cancelled.set()
    assert isinstance(runner.result, export.ExportCancelled)
    assert not target.exists() and not list(tmp_path.glob(".export-*"))
