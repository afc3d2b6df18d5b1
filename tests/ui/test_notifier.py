"""New-message notifications: the tray message where the desktop has a tray, the window
title count and the status bar where it has none."""

from __future__ import annotations

from tests.ui.conftest import settle

from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from app import APP_NAME
from app.ui.notifier import Notifier
from tests.ui.test_inbox import receive


def look_elsewhere(qtbot) -> QWidget:
    """Another window gets the focus, as when the operator works in another program."""
    other = QWidget()
    qtbot.addWidget(other)
    other.show()
    other.activateWindow()
    qtbot.waitUntil(other.isActiveWindow, timeout=3000)
    return other


def test_with_a_tray_a_new_message_pops_up_a_tray_message(window, qtbot, monkeypatch):
    window.notifier.hide()
    window.notifier = notifier = Notifier(window, use_tray=True)
    assert isinstance(notifier.tray, QSystemTrayIcon)
    shown = []
    monkeypatch.setattr(notifier.tray, "showMessage", lambda *args: shown.append(args))
    window.engine.contacts.add("Bob", "+15550007")
    look_elsewhere(qtbot)
    assert not window.isActiveWindow()

    receive(window, qtbot, "+15550007", "Parcel at the door")
    assert len(shown) == 1
    title, text, kind, _ms = shown[0]
    assert (title, text, kind) == ("New message from Bob", "Parcel at the door",
                                   QSystemTrayIcon.MessageIcon.Information)
    assert notifier.tray.toolTip() == f"{APP_NAME} — 1 unread"
    assert window.statusBar().currentMessage() == "New message from Bob: Parcel at the door"

    receive(window, qtbot, "+15550008", "x" * 200)  # long texts are shortened in the pop-up
    assert shown[1][0] == "New message from +15550008" and shown[1][1] == "x" * 119 + "…"
    assert notifier.tray.toolTip() == f"{APP_NAME} — 2 unread"

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    receive(window, qtbot, "+15550007", "seen in the window")  # the operator looks at the window: no pop-up
    assert len(shown) == 2
    assert window.statusBar().currentMessage() == "New message from Bob: seen in the window"

    window.engine.set_setting("notify_new_messages", False)
    look_elsewhere(qtbot)
    receive(window, qtbot, "+15550007", "quiet please")
    assert len(shown) == 2


def test_without_a_tray_the_title_and_the_status_bar_tell(window, qtbot):
    window.notifier.hide()
    window.notifier = notifier = Notifier(window, use_tray=False)
    assert notifier.tray is None
    look_elsewhere(qtbot)
    receive(window, qtbot, "+15550009", "Meeting moved to 3pm")
    assert window.windowTitle() == f"(1) {APP_NAME}"
    assert window.statusBar().currentMessage() == "New message from +15550009: Meeting moved to 3pm"
    assert window.unread_label.text() == "1 unread"
    receive(window, qtbot, "+15550009", "Room 4")
    assert window.windowTitle() == f"(2) {APP_NAME}"
    assert window.statusBar().currentMessage() == "New message from +15550009: Room 4"
    window.engine.mark_read([m.id for m in window.engine.list_messages("in")], True)
    settle(qtbot)
    assert window.windowTitle() == APP_NAME


def test_a_gateway_alert_is_told_even_while_the_operator_looks_at_the_window(window, qtbot, monkeypatch):
    from app.engine.events import GatewayAlert

    window.notifier.hide()
    window.notifier = notifier = Notifier(window, use_tray=True)
    shown = []
    monkeypatch.setattr(notifier.tray, "showMessage", lambda *args: shown.append(args))
    text = "Modem 1 has been down for 5 min: disconnected (the port closed (device unplugged?); reconnecting)"
    window.engine.events.publish(GatewayAlert("Modem 1", text))
    assert shown == [("Gateway Modem 1", text, QSystemTrayIcon.MessageIcon.Warning, 15000)]
    assert window.statusBar().currentMessage() == notifier.last_notice == text
