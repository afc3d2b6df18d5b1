"""Details of the desk: sending settings in the window, Simulate incoming asks for sender and text,
the title keeps the application's name once, a number left by Tab becomes a chip, and a word that
is no number and no contact is refused in words."""

from __future__ import annotations

from tests.ui.conftest import settle

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from app import APP_NAME
from app.ui.main_window import INBOX


def test_retry_duplicate_and_interrupted_settings_are_in_the_window(window, qtbot):
    dialog = window.show_settings()
    sending = dialog.sending
    sending.editors["max_attempts"].setValue(7)
    sending.editors["retry_base_seconds"].setValue(12.5)
    sending.editors["retry_max_age_seconds"].setValue(0)
    assert sending.editors["retry_max_age_seconds"].text() == "no limit"
    sending.editors["duplicate_window_seconds"].setValue(120)
    sending.interrupted_combo.setCurrentIndex(sending.interrupted_combo.findData("fail"))
    dialog.save()
    settle(qtbot)
    st = window.engine.settings
    assert (st["max_attempts"], st["retry_base_seconds"], st["retry_max_age_seconds"],
            st["duplicate_window_seconds"], st["interrupted_rule"]) == (7, 12.5, 0, 120, "fail")


def test_simulate_incoming_takes_the_sender_and_text_typed(window, qtbot):
    dialog = window.simulate_incoming()
    dialog.sender_edit.setText("+15550042")
    dialog.text_edit.setPlainText("Is the parcel ready?")
    with qtbot.waitSignal(window.bridge.message_stored, timeout=5000,
                          check_params_cb=lambda m: m.sender == "+15550042"):
        dialog.receive_button.click()
    msg = window.engine.list_messages("in", limit=1)[0]
    assert (msg.sender, msg.text) == ("+15550042", "Is the parcel ready?")
    assert window.simulate_incoming().sender_edit.text() == "+15550042"  # proposed again


def test_the_title_names_the_application_once(window, qtbot):
    with qtbot.waitSignal(window.bridge.message_stored, timeout=5000):
        window.engine.simulate_incoming(sender="+15550001", text="hi")
    settle(qtbot)
    title = window.windowTitle()
    assert title == f"(1) {APP_NAME}"
    # the desktop appends the display name to a title that does not end with it; this one does
    assert title.endswith(QGuiApplication.applicationDisplayName())


def test_a_number_left_with_space_and_tab_becomes_a_chip_and_words_are_refused_in_words(window, qtbot):
    dialog = window.compose()
    window.activateWindow()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=3000)
    dialog.to_edit.setFocus()
    qtbot.keyClicks(dialog.to_edit, "+15550100 ")
    qtbot.keyClick(dialog.to_edit, Qt.Key.Key_Tab)
    assert [r.number for r in dialog.recipients.recipients()] == ["+15550100"]
    assert dialog.to_edit.text() == ""
    dialog.recipients.add_text("hello")
    bad = dialog.recipients.recipients()[-1]
    assert bad.error == "hello is not a phone number, nor the name of a contact"
    assert "ehlo" not in bad.error
    dialog.done(0)
    window.show_tab(INBOX)
