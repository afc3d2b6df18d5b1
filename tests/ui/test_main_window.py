"""The real window: compose and send, receive, stop a gateway."""

from __future__ import annotations

from PySide6.QtCore import Qt

from app.engine.requests import OutboundRequest
from app.ui.main_window import GATEWAYS, OUTBOX
from app.ui.outbox_tab import STATUS, TO, OutboxModel
from tests.ui.conftest import complete, settle


def test_the_frame_shows_before_the_engine_and_attach_fills_it(qtbot, qloop, make_engine):
    from app.ui.application import make_qapplication
    from app.ui.engine_bridge import EngineBridge
    from app.ui.main_window import MainWindow

    make_qapplication()
    frame = MainWindow()  # no engine yet: the five tabs, menus and toolbar, actions waiting
    qtbot.addWidget(frame)
    assert not frame.attached
    assert [frame.tabs.tabText(i).replace("&", "") for i in range(5)] == ["Inbox", "Outbox", "Sessions", "Gateways",
                                                                           "Statistics"]
    assert "Opening the message store" in frame.tabs.widget(0).text()
    assert not frame.new_message_action.isEnabled() and not frame.find_action.isEnabled()
    frame.tabs.setCurrentIndex(OUTBOX)
    frame.attach(EngineBridge(make_engine()))
    assert frame.attached and frame.tabs.count() == 5
    assert frame.tabs.widget(OUTBOX) is frame.outbox_tab and frame.tabs.currentIndex() == OUTBOX
    assert frame.new_message_action.isEnabled() and frame.find_action.isEnabled()
    assert frame.inbox_tab.toggle_view_action in frame.view_menu.actions()
    assert frame.gateways_tab.sending_pause.action in frame.tools_menu.actions()


def test_window_has_the_five_tabs(window):
    tabs = window.tabs
    assert [tabs.tabText(i).replace("&", "") for i in range(tabs.count())] == [
        "Inbox", "Outbox", "Sessions", "Gateways", "Statistics"]


def test_compose_send_and_see_it_sent_in_the_outbox(window, qtbot):
    dialog = window.compose()
    dialog.to_edit.setText("+4917612345678; +4915112345678")
    dialog.sender_edit.setText("Shop")
    dialog.text_edit.setPlainText("Your order is ready")
    seen: dict[str, list[str]] = {}

    def record(m) -> bool:
        seen.setdefault(m.recipient, []).append(m.status)
        return len(seen) == 2 and all(s[-1] == "sent" for s in seen.values())

    with qtbot.waitSignal(window.bridge.message_changed, check_params_cb=record, timeout=5000):
        qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)

    assert window.tabs.currentIndex() == OUTBOX
    model = window.outbox_tab.model
    assert model.rowCount() == 2
    rows = {model.index(r, TO).data(): model.index(r, STATUS).data() for r in range(2)}
    assert rows == {"+4917612345678": "sent", "+4915112345678": "sent"}
    assert seen["+4917612345678"] == ["sending", "sent"]


def test_compose_refuses_bad_numbers_in_words(window, qtbot):
    window.engine.pause_gateway("Demo")
    dialog = window.compose()
    dialog.to_edit.setText("+4917612345678, not-a-number")
    dialog.text_edit.setPlainText("hello")
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert dialog.isVisible()
    assert "not-a-number" in dialog.problem_label.text()
    assert dialog.to_edit.text() == "not-a-number"
    assert window.outbox_tab.model.rowCount() == 1


def test_compose_needs_recipient_and_text(window, qtbot):
    dialog = window.compose()
    dialog.text_edit.setPlainText("hello")
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert "recipient" in dialog.problem_label.text()
    dialog.to_edit.setText("+15550001")
    dialog.text_edit.setPlainText("  ")
    qtbot.mouseClick(dialog.send_button, Qt.MouseButton.LeftButton)
    assert "empty" in dialog.problem_label.text()
    assert window.outbox_tab.model.rowCount() == 0


def test_incoming_message_shows_unread_in_bold_with_count(window, qtbot):
    window.simulate_action.trigger()
    dialog = window.simulate_dialog
    dialog.text_edit.setPlainText("Hello from the simulator")
    with qtbot.waitSignal(window.bridge.message_stored, timeout=5000):
        dialog.receive_button.click()
    settle(qtbot)
    model = window.inbox_tab.model
    assert model.rowCount() == 1
    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert window.unread_label.text() == "1 unread"
    assert "(1)" in window.windowTitle()
    window.inbox_tab.view.selectRow(0)
    window.inbox_tab.mark_read_action.trigger()
    settle(qtbot)
    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole) is None
    assert window.unread_label.text() == "0 unread"


def test_stopped_gateway_leaves_message_waiting(window, qtbot):
    window.tabs.setCurrentIndex(GATEWAYS)
    gtab = window.gateways_tab
    gtab.view.selectRow(0)
    with qtbot.waitSignal(window.bridge.gateway_state_changed, check_params_cb=lambda g: g.state == "stopped",
                          timeout=5000):
        gtab.stop_action.trigger()
    assert "stopped" in gtab.model.index(0, 2).data()

    dialog = window.compose()
    dialog.to_edit.setText("+15550001")
    dialog.text_edit.setPlainText("wait for me")
    dialog.send()
    settle(qtbot)
    window.engine.dispatcher.tick()
    model = window.outbox_tab.model
    assert model.index(0, STATUS).data() == "queued"

    with qtbot.waitSignal(window.bridge.message_changed, check_params_cb=lambda m: m.status == "sent",
                          timeout=5000):
        gtab.start_action.trigger()
    assert model.index(0, STATUS).data() == "sent"
    assert "running" in gtab.model.index(0, 2).data()


def test_pause_and_resume_are_reflected_at_once(window, qtbot):
    gtab = window.gateways_tab
    gtab.view.selectRow(0)
    gtab.pause_action.trigger()
    assert gtab.model.index(0, 2).data() == "paused"
    gtab.resume_action.trigger()
    assert gtab.model.index(0, 2).data() == "running"


def test_outbox_loads_lazily(window, qtbot):
    window.engine.pause_gateway("Demo")
    window.engine.queue_messages([OutboundRequest([f"+1555{i:07d}" for i in range(450)], "bulk")])
    fresh = OutboxModel(window.bridge)
    assert fresh.rowCount() == 0 and fresh.canFetchMore()
    with qtbot.waitSignal(fresh.loaded, timeout=5000):  # a page at a time, read in a message-list thread
        fresh.fetchMore()
    assert fresh.rowCount() == 200
    for _ in range(2):
        with qtbot.waitSignal(fresh.loaded, timeout=5000):
            fresh.fetchMore()
    assert fresh.rowCount() == 450 and not fresh.canFetchMore()


def test_sessions_tab_lists_gateway_connections(window, qtbot):
    model = window.sessions_tab.supplier_model
    assert model.rowCount() == 1
    assert model.index(0, 1).data() == "Demo" and model.index(0, 3).data() == "running"
    complete(qtbot, window.engine.stop_gateway("Demo"))
    assert model.index(0, 3).data() == "stopped"


def test_the_status_bar_tells_when_the_store_is_away_and_back(window, qtbot):
    from app.engine.events import StoreHealthChanged

    label = window.store_status
    assert label.isHidden()
    window.engine.events.publish(StoreHealthChanged(False, "OperationalError: connection refused"))
    assert label.isVisible() and "Store unreachable since" in label.text()
    assert label.toolTip() == "OperationalError: connection refused"
    window.engine.events.publish(StoreHealthChanged(True, "", 18.2))
    assert label.isHidden() and window.statusBar().currentMessage() == "Store reachable again after 18.2 s"
