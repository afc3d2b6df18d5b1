"""Outbox: jobs with n-of-m progress, filters, live states, cancel, retry, resend, copy."""

from __future__ import annotations

from tests.ui.conftest import settle

from PySide6.QtGui import QGuiApplication

from app.engine.requests import OutboundRequest
from app.ui.outbox_tab import STATUS, TO


def statuses(model):
    return {model.index(r, TO).data(): model.index(r, STATUS).data() for r in range(model.rowCount())}


def test_jobs_show_progress_and_filter_the_table(window, qtbot):
    engine = window.engine
    engine.pause_gateway("Demo")
    bulk = engine.queue_messages([OutboundRequest(["+15550001", "+15550002", "+15550003"], "bulk")])
    engine.queue_messages([OutboundRequest(["+15550009"], "single")])
    tab = window.outbox_tab
    tab.jobs.refresh()
    settle(qtbot)
    assert tab.jobs.rowCount() == 3 and tab.jobs.index(0).data() == "All messages"
    row = tab.jobs.row_of(bulk.job_id)
    assert tab.jobs.index(row).data() == "0 of 3 done"
    with qtbot.waitSignal(tab.model.loaded, timeout=5000):
        tab.show_job(bulk.job_id)
    assert set(statuses(tab.model)) == {"+15550001", "+15550002", "+15550003"}

    with qtbot.waitSignal(tab.jobs.modelReset, timeout=5000, raising=False):
        engine.cancel([bulk.accepted[0].id])
    tab.jobs.refresh()
    settle(qtbot)
    assert tab.jobs.index(tab.jobs.row_of(bulk.job_id)).data() == "1 of 3 done"
    assert statuses(tab.model)["+15550001"] == "cancelled"


def test_status_filter_cancel_retry_and_live_states(window, qtbot):
    engine = window.engine
    engine.pause_gateway("Demo")
    engine.queue_messages([OutboundRequest(["+15550001", "+15550002"], "hello")])
    tab = window.outbox_tab
    tab.view.selectRow(0)
    tab.cancel_action.trigger()
    settle(qtbot)
    assert sorted(statuses(tab.model).values()) == ["cancelled", "queued"]
    assert tab.model.index(0, STATUS).data(0x1) is not None  # the coloured status icon
    with qtbot.waitSignal(tab.model.loaded, timeout=5000):
        tab.filters.status_combo.setCurrentIndex(tab.filters.status_combo.findText("Cancelled"))
    assert list(statuses(tab.model).values()) == ["cancelled"]
    tab.view.selectRow(0)
    tab.retry_action.trigger()
    settle(qtbot)
    assert tab.model.rowCount() == 0  # queued again: it left the "Cancelled" list
    with qtbot.waitSignal(tab.model.loaded, timeout=5000):
        tab.filters.status_combo.setCurrentIndex(0)
    with qtbot.waitSignal(window.bridge.message_changed, timeout=5000,
                          check_params_cb=lambda m: m.status == "sent"):
        engine.resume_gateway("Demo")


def test_resend_and_copy(window, qtbot):
    engine = window.engine
    engine.pause_gateway("Demo")
    engine.queue_messages([OutboundRequest(["+15550001"], "again please")])
    tab = window.outbox_tab
    tab.view.selectRow(0)
    tab.copy_action.trigger()
    assert "again please" in QGuiApplication.clipboard().text()
    tab.resend_action.trigger()
    settle(qtbot)
    assert tab.model.rowCount() == 2 and tab.model.message_at(0).text == "again please"
    assert tab.model.message_at(0).job_id != tab.model.message_at(1).job_id
    tab.view.selectRow(0)
    tab.delete_action.trigger()
    settle(qtbot)
    assert tab.model.rowCount() == 1
    tab.undo_action.trigger()
    settle(qtbot)
    assert tab.model.rowCount() == 2


def test_times_are_compact_in_the_cells_and_whole_in_their_tooltips(window, qtbot):
    from datetime import datetime, timedelta, timezone

    from PySide6.QtCore import Qt

    from app.ui.formatting import local_time, table_time
    from app.ui.outbox_tab import QUEUED_AT, SENT_AT

    now = datetime.now(timezone.utc)
    assert table_time(now) == now.astimezone().strftime("%H:%M:%S")
    earlier = now - timedelta(days=3)
    assert table_time(earlier) == earlier.astimezone().strftime("%Y-%m-%d %H:%M")
    assert table_time(None) == ""

    with qtbot.waitSignal(window.bridge.message_changed, timeout=5000, check_params_cb=lambda m: m.status == "sent"):
        window.engine.queue_messages([OutboundRequest(["+15550001"], "timed")])
    model = window.outbox_tab.model
    msg = model.index(0, QUEUED_AT).data(model.MessageRole)
    assert model.index(0, QUEUED_AT).data() == table_time(msg.created_at)
    assert model.index(0, QUEUED_AT).data(Qt.ItemDataRole.ToolTipRole) == local_time(msg.created_at)
    assert model.index(0, SENT_AT).data(Qt.ItemDataRole.ToolTipRole) == local_time(msg.sent_at) != ""


def test_the_outbox_fits_a_1280_pixel_window_and_the_header_menu_shows_hidden_columns(window, qtbot):
    from app.ui.message_table_model import column_menu
    from app.ui.outbox_tab import DELIVERED_AT, REASON

    window.resize(1280, 760)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(window.outbox_tab)
    window.engine.queue_messages([OutboundRequest(["+15550001"], "wide enough?")])
    view = window.outbox_tab.view
    qtbot.waitUntil(lambda: view.model().rowCount() == 1)
    assert view.isColumnHidden(DELIVERED_AT)
    assert view.horizontalScrollBar().maximum() == 0
    assert view.columnWidth(STATUS) >= 100  # the status with its reason (the Reason column starts hidden)

    menu = column_menu(view)
    actions = {a.text(): a for a in menu.actions()}
    assert not actions["Delivered"].isChecked() and not actions["Reason"].isChecked()
    actions["Delivered"].trigger()
    assert not view.isColumnHidden(DELIVERED_AT)
    actions["Reason"].trigger()
    assert not view.isColumnHidden(REASON)
    actions["Reason"].trigger()
    assert view.isColumnHidden(REASON)
    # however many are hidden, the last one shown stays
    for col in range(view.model().columnCount()):
        view.setColumnHidden(col, col != REASON)
    last = column_menu(view).actions()[-1]
    assert last.isChecked() and not last.isEnabled()


def test_a_delivered_message_says_when_in_its_status_tooltip(window, qtbot):
    from PySide6.QtCore import Qt

    from app.ui.formatting import local_time
    from app.ui.outbox_tab import STATUS

    with qtbot.waitSignal(window.bridge.message_changed, timeout=10000,
                          check_params_cb=lambda m: m.status == "delivered"):
        window.engine.queue_messages([OutboundRequest(["+15550001"], "report please", status_report=True)])
    model = window.outbox_tab.model
    qtbot.waitUntil(lambda: model.index(0, STATUS).data() == "delivered")
    msg = model.index(0, STATUS).data(model.MessageRole)
    assert model.index(0, STATUS).data(Qt.ItemDataRole.ToolTipRole) == f"Delivered {local_time(msg.finished_at)}"


def test_the_history_of_a_message_shows_each_step_from_the_journal(window, qtbot):
    from datetime import timedelta

    from tests.ui.conftest import complete

    engine = window.engine
    later = engine.clock.now() + timedelta(days=1)
    [msg] = engine.queue_messages([OutboundRequest(["+15550001"], "hello", scheduled_at=later)]).accepted
    engine.cancel([msg.id])
    tab = window.outbox_tab
    window.tabs.setCurrentWidget(tab)
    with qtbot.waitSignal(window.bridge.message_changed, timeout=5000,
                          check_params_cb=lambda m: m.id == msg.id and m.status == "sent"):
        engine.retry([msg.id])  # queued again, and sent at once
    tab.view.selectRow(0)
    dialog = tab.show_history()
    complete(qtbot, dialog.loaded)
    rows = [[dialog.tree.topLevelItem(i).text(c) for c in (1, 2, 3)] for i in range(dialog.tree.topLevelItemCount())]
    assert rows[:4] == [["Scheduled", "", ""], ["Cancelled", "", "cancelled by the operator"],
                        ["Queued again", "", ""], ["Handed to the gateway", "Demo", ""]]
    assert rows[4][:2] == ["Sent", "Demo"]
    assert dialog.windowTitle() == "History of the message to +15550001"
    dialog.close()
