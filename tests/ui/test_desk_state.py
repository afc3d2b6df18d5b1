"""State you can see, and the keyboard: the Gateways tab's actions follow the selected gateway's state,
a stopped modem shows no signal, global pause shows on each row; each tab's main view takes the focus
when the tab is shown, and gateways are started, stopped, paused and resumed from the keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from app.ui.gateway_painting import BarsRole
from app.ui.gateways_tab import SIGNAL, STATE
from app.ui.main_window import GATEWAYS, INBOX, OUTBOX
from tests.ui.conftest import complete


def row_of(tab, name):
    return next(r for r in range(tab.model.rowCount()) if tab.model.name_at(r) == name)


def enabled(tab):
    return {k: a.isEnabled() for k, a in (("start", tab.start_action), ("stop", tab.stop_action),
                                          ("pause", tab.pause_action), ("resume", tab.resume_action))}


def test_actions_follow_the_selected_gateways_state(window, qtbot):
    tab = window.gateways_tab
    tab.view.selectRow(row_of(tab, "Demo"))
    assert enabled(tab) == {"start": False, "stop": True, "pause": True, "resume": False}
    window.engine.pause_gateway("Demo")
    assert enabled(tab) == {"start": False, "stop": True, "pause": False, "resume": True}
    complete(qtbot, window.engine.stop_gateway("Demo"))
    assert enabled(tab) == {"start": True, "stop": False, "pause": False, "resume": False}
    tab.view.clearSelection()
    assert not any(enabled(tab).values()) and not tab.edit_action.isEnabled()


def test_a_stopped_modem_shows_no_signal_and_global_pause_shows_on_each_row(window, qtbot):
    engine = window.engine
    engine.add_gateway("Modem", "modem", {"port": "simulator"})
    complete(qtbot, engine.start_gateway("Modem"), 15)
    tab = window.gateways_tab
    qtbot.waitUntil(lambda: (tab.model.refresh_counters() or True) and isinstance(
        tab.model.index(row_of(tab, "Modem"), SIGNAL).data(BarsRole), int), timeout=10000)
    complete(qtbot, engine.stop_gateway("Modem"))
    index = tab.model.index(row_of(tab, "Modem"), SIGNAL)
    assert index.data(BarsRole) is None and not index.data()
    assert "stopped" in index.data(Qt.ItemDataRole.ToolTipRole)

    demo = tab.model.index(row_of(tab, "Demo"), STATE)
    assert demo.data() == "running"
    engine.pause_all()
    tab.sending_pause.sync()
    assert demo.data() == "all sending paused"
    tab.show_traffic()
    assert "all sending is paused" in tab.details.text()
    assert "Resume all sending" in demo.data(Qt.ItemDataRole.ToolTipRole)
    engine.resume_all()
    tab.sending_pause.sync()
    assert demo.data() == "running"


def activate(window, qtbot):
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)


def release_modifiers(widget, qtbot):
    """A key with no modifier: the application's modifier state would else keep Ctrl for the next test."""
    qtbot.keyClick(widget, Qt.Key.Key_F24)
    assert QApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier


def test_each_tab_focuses_its_main_view_so_its_shortcuts_work_at_once(window, qtbot):
    activate(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == OUTBOX
    assert QApplication.focusWidget() is window.outbox_tab.view
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == INBOX
    assert QApplication.focusWidget() is window.inbox_tab.main_view()
    release_modifiers(window, qtbot)
    page = window.inbox_tab.pages.currentIndex()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    assert window.inbox_tab.pages.currentIndex() != page  # the Inbox's own shortcut, with no click
    assert QApplication.focusWidget() is window.inbox_tab.main_view()
    release_modifiers(window, qtbot)


def test_gateways_are_started_stopped_paused_and_resumed_from_the_keyboard_and_the_menu(window, qtbot):
    activate(window, qtbot)
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    tab = window.gateways_tab
    assert window.tabs.currentIndex() == GATEWAYS and QApplication.focusWidget() is tab.view
    assert tab.selected_names() == ["Demo"]  # the first gateway is selected when the tab opens
    ctrl_shift = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(tab.view, Qt.Key.Key_P, ctrl_shift)
    assert window.engine.gateways["Demo"].state == "paused"
    qtbot.keyClick(tab.view, Qt.Key.Key_G, ctrl_shift)
    assert window.engine.gateways["Demo"].state == "running"
    with qtbot.waitSignal(window.bridge.gateway_state_changed, timeout=5000,
                          check_params_cb=lambda g: g.state == "stopped"):
        qtbot.keyClick(tab.view, Qt.Key.Key_X, ctrl_shift)
    with qtbot.waitSignal(window.bridge.gateway_state_changed, timeout=5000,
                          check_params_cb=lambda g: g.state == "running"):
        qtbot.keyClick(tab.view, Qt.Key.Key_O, ctrl_shift)
    menu = window.findChild(type(window.menuBar().actions()[0].menu()), "gatewayMenu")
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    assert texts[:5] == ["Start", "Stop", "Restart", "Pause", "Resume"]
    window.show_tab(INBOX)
    menu.actions()[3].trigger()  # Pause from the menu, from another tab: acts on the selection and shows it
    assert window.engine.gateways["Demo"].state == "paused" and window.tabs.currentIndex() == GATEWAYS
    release_modifiers(window, qtbot)
