"""Nothing an operator typed is lost: Send stays the default, closing with typed work asks first,
and a gateway whose password cannot be kept in the keyring stays in its dialog with the fallback."""

from __future__ import annotations

import stat
import tomllib

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from app.gateways.credentials import default_secrets_file, resolve_password
from tests.ui.conftest import settle


def test_enter_after_replacing_characters_sends_instead_of_closing(window, qtbot):
    dialog = window.compose()
    qtbot.keyClicks(dialog.to_edit, "+15550100;")
    dialog.text_edit.setPlainText("Grüße „Anna“")
    dialog.text_edit.setFocus()
    qtbot.mouseClick(dialog.counter_bar.replace_button, Qt.MouseButton.LeftButton)
    assert dialog.counter_bar.replace_button.isHidden()
    assert dialog.focusWidget() is dialog.text_edit  # not the next button in the chain
    cancel = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel)
    assert dialog.send_button.isDefault() and not cancel.autoDefault()
    cancel.setFocus()  # even with the focus on Cancel, Enter sends
    qtbot.keyClick(cancel, Qt.Key.Key_Return)
    settle(qtbot)
    assert dialog.result_ is not None and len(dialog.result_.accepted) == 1


def test_closing_compose_with_typed_text_asks_and_keeps_it(window, qtbot):
    dialog = window.compose()
    dialog.text_edit.setPlainText("A long message I typed")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    box = dialog.guard.box
    assert box is not None and box.isVisible() and dialog.isVisible()
    assert box.defaultButton() is dialog.guard.keep_button
    dialog.guard.keep_button.click()
    assert dialog.isVisible() and dialog.text_edit.toPlainText() == "A long message I typed"
    dialog.reject()
    with qtbot.waitSignal(dialog.rejected, timeout=2000):
        dialog.guard.discard_button.click()
    empty = window.compose()
    with qtbot.waitSignal(empty.rejected, timeout=2000):
        empty.reject()  # nothing typed: closes at once


@pytest.fixture
def no_keyring():
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


def test_retarus_without_a_keyring_keeps_the_dialog_and_offers_the_secrets_file(window, qtbot, no_keyring):
    tab = window.gateways_tab
    dialog = tab.add_gateway("retarus")
    assert dialog.editors["url"].text() == "https://sms4a.de2.retarus.com/rest/v1"  # proposed
    assert dialog.editors["timeout"].text() == "30 s"  # the value as it is, with its unit
    dialog.name_edit.setText("Retarus")
    dialog.editors["enabled"].setChecked(False)  # kept, not started: no provider answers in this test
    dialog.editors["username"].setText("acme")
    dialog.editors["password"].setText("s3cret")
    dialog.check_and_accept()
    assert dialog.isVisible(), "a failed save keeps the dialog open"
    text = dialog.problem_label.text()
    assert "keyring" in text and "Password variable" in text and "save again" not in text
    assert "password env" not in text
    assert dialog.fallback_button.isVisible()
    assert dialog.name_edit.text() == "Retarus" and dialog.editors["password"].text() == "s3cret"
    assert "Retarus" not in window.engine.gateways
    with qtbot.waitSignal(dialog.accepted, timeout=5000):  # once the store has the gateway
        dialog.fallback_button.click()
    assert not dialog.isVisible()
    assert "Retarus" in window.engine.gateways
    path = default_secrets_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert tomllib.loads(path.read_text())["gateways"]["Retarus"] == "s3cret"
    assert resolve_password("Retarus", window.engine.gateways["Retarus"].settings) == "s3cret"


def test_cancelling_a_filled_gateway_dialog_asks_first(window, qtbot):
    dialog = window.gateways_tab.add_gateway("simulator")
    dialog.name_edit.setText("Typed")
    dialog.reject()
    assert dialog.isVisible() and dialog.guard.box.isVisible()
    dialog.guard.keep_button.click()
    assert dialog.isVisible() and dialog.name_edit.text() == "Typed"
