"""The window's language: English with real plural forms, German from the shipped
translation, chosen by the environment or the Settings dialog."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from app.engine.requests import OutboundRequest
from app.ui import translations
from app.ui.sms_counter import counter_text
from tests.ui.conftest import complete, settle


@pytest.fixture
def speak(qapp, monkeypatch):
    """Install the translators of a language for one test; English again afterwards."""

    def install(language: str | None = None, env: str | None = None):
        if env is not None:
            monkeypatch.setenv(translations.LANGUAGE_ENV, env)
        return translations.install_translators(qapp, language)

    yield install
    monkeypatch.setenv(translations.LANGUAGE_ENV, "en")
    translations.install_translators(qapp)


def make_window(qtbot, make_engine):
    from app.ui.engine_bridge import EngineBridge
    from app.ui.main_window import MainWindow

    engine = make_engine()
    engine.add_gateway("Demo", "simulator", {"send_delay": 0.05})
    bridge = EngineBridge(engine)
    win = MainWindow(bridge)
    qtbot.addWidget(win)
    win.show()
    complete(qtbot, engine.start())
    return win, bridge, engine


def close_window(qtbot, win, bridge, engine):
    win.close()
    bridge.close()
    complete(qtbot, engine.stop())


def queue(window, qtbot, recipients: list[str]) -> str:
    window.engine.pause_gateway("Demo")
    dialog = window.compose(to="; ".join(recipients), text="plural check")
    dialog.send()
    settle(qtbot)
    return window.statusBar().currentMessage()


def test_english_plurals_are_real(window, qtbot):
    assert translations.current_language() == "en"
    assert queue(window, qtbot, ["+15550001"]) == "1 message queued"
    assert queue(window, qtbot, ["+15550002", "+15550003"]) == "2 messages queued"
    assert counter_text("hello").endswith("1 part · 155 left")
    assert " 2 parts · " in counter_text("x" * 200)
    with qtbot.waitSignal(window.bridge.message_stored, timeout=5000):  # stored in the store lane
        window.engine.simulate_incoming(sender="+15550009", text="one")
    settle(qtbot)
    assert window.unread_label.text() == "1 unread"


def test_a_german_locale_shows_the_window_in_german(qtbot, qloop, make_engine, speak):
    from app.ui.application import make_qapplication

    make_qapplication()
    locale = speak(env="de_DE")  # as LANG=de_DE.UTF-8 would choose it, through the override
    assert locale.name() == "de_DE" and translations.current_language() == "de"
    win, bridge, engine = make_window(qtbot, make_engine)
    try:
        assert [win.tabs.tabText(i) for i in range(4)] == ["Post&eingang", "Post&ausgang", "S&itzungen",
                                                           "&Gateways"]
        assert [a.text() for a in win.menuBar().actions()] == ["&Datei", "&Bearbeiten", "A&nsicht", "Gate&way",
                                                               "E&xtras", "&Hilfe"]
        assert win.new_message_action.text() == "&Neue Nachricht…"
        assert queue(win, qtbot, ["+15550001"]) == "1 Nachricht eingereiht"
        assert queue(win, qtbot, ["+15550002", "+15550003"]) == "2 Nachrichten eingereiht"
        assert win.outbox_tab.model.index(0, 3).data() == "eingereiht"  # the state in words
        assert counter_text("x" * 200).endswith("· 2 Teile · 106 übrig")
        buttons = QApplication.translate("QPlatformTheme", "Cancel")
        assert buttons == "Abbrechen"  # Qt's own words follow too
    finally:
        close_window(qtbot, win, bridge, engine)


def test_the_language_is_chosen_in_the_settings_unless_the_environment_says(window, qtbot, speak, monkeypatch):
    dialog = window.show_settings()
    assert not dialog.language_combo.isEnabled()  # the environment chooses, and the combo shows it
    assert dialog.language_combo.currentData() == "en"
    monkeypatch.delenv(translations.LANGUAGE_ENV)
    dialog.reject()
    dialog = window.show_settings()
    assert dialog.language_combo.isEnabled() and dialog.language_combo.currentData() == "system"
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("de"))
    dialog.save()
    settle(qtbot)
    assert QSettings().value(translations.LANGUAGE_KEY) == "de"
    assert translations.chosen_language() == "de"
    speak()  # the next start
    assert translations.current_language() == "de"
    monkeypatch.setenv(translations.LANGUAGE_ENV, "en")  # the environment wins over the setting
    assert translations.chosen_language() == "en"
    speak()
    assert translations.current_language() == "en"
    QSettings().setValue(translations.LANGUAGE_KEY, "system")
    monkeypatch.delenv(translations.LANGUAGE_ENV)
    assert translations.chosen_language() == ""  # the system's language


def test_every_german_text_is_translated():
    import xml.etree.ElementTree as ET

    ts = ET.parse(translations.translations_dir() + "/smsconsole_de.ts").getroot()
    unfinished = [m.find("source").text for m in ts.iter("message")
                  if m.find("translation").get("type") == "unfinished"]
    assert unfinished == []
