"""Screenshots of every tab and the main dialogs, light and dark, for review.

Saved to tests/screenshots/out/ (not kept in git). The test checks that each
picture was drawn in the scheme it names.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from app.engine.requests import OutboundRequest
from app.ui.main_window import GATEWAYS, INBOX, OUTBOX, SESSIONS, STATISTICS
from app.ui.theme import apply_scheme, is_dark

OUT = Path(__file__).resolve().parent.parent / "screenshots" / "out"


def grab(widget):
    QApplication.processEvents()  # let layouts settle after the last change
    return widget.grab()


def fill(window, qtbot):
    engine = window.engine
    engine.contacts.add("Anna Schmidt", "+4917612345678", groups=["Team"])
    engine.contacts.add("Ben Okafor", "+4915112345678", groups=["Team"])
    for sender, text in (("+4917612345678", "Hi! Is the order 4711 ready for pick-up?"),
                         ("+4915112345678", "Running 10 minutes late, sorry."),
                         ("+4917612345678", "Grüße aus München – bis später!"),
                         ("+15551234567", "STOP"),
                         ("+4930123456", "A long message that goes on and on to show how a text wider than the "
                                         "column is cut with an ellipsis and how the bubble wraps it over lines.")):
        with qtbot.waitSignal(window.bridge.message_stored, timeout=5000):
            engine.simulate_incoming(sender=sender, text=text)
    with qtbot.waitSignal(window.bridge.message_changed, timeout=5000, check_params_cb=lambda m: m.status == "sent"):
        engine.queue_messages([OutboundRequest(["+4917612345678"], "Yes, it is ready. See you at 5!")])
    engine.pause_gateway("Demo")
    engine.queue_messages([OutboundRequest([f"+49151000000{i:02d}" for i in range(12)], "Our shop opens at 9 "
                                           "tomorrow.", status_report=True)])
    engine.queue_messages([OutboundRequest(["+4917699999999", "not-a-number"], "Refused one")])
    window.engine.cancel([window.engine.list_messages("out", limit=1)[0].id])
    engine.resume_gateway("Demo")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_each_tab(window, qtbot, scheme):
    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance()
    apply_scheme(app, scheme)
    try:
        window.resize(1280, 760)
        fill(window, qtbot)
        window.engine.mark_read([window.engine.list_messages("in", limit=1)[0].id], True)
        window.refresh()
        shots = {}
        for index, name in ((INBOX, "inbox-messages"), (OUTBOX, "outbox"), (SESSIONS, "sessions"),
                            (GATEWAYS, "gateways")):
            window.tabs.setCurrentIndex(index)
            if index == SESSIONS:  # two SMPP binds, each with its mode
                for port, mode in ((40112, "transceiver"), (40113, "receiver")):
                    window.engine.sessions.open_connection("shop", f"192.0.2.7:{port}", "127.0.0.1:2775", "SMPP",
                                                           "3.4", mode)
                window.sessions_tab.customer_model.reload()
            if index == GATEWAYS:
                window.gateways_tab.view.selectRow(0)
                window.gateways_tab.show_traffic()
            shots[name] = grab(window)
        window.tabs.setCurrentIndex(INBOX)
        window.inbox_tab.show_page(0)
        window.inbox_tab.conversations.select_number("+4917612345678")
        shots["inbox-conversations"] = grab(window)
        with qtbot.waitSignal(window.inbox_tab.model.loaded, timeout=5000):
            window.inbox_tab.show_page(1)
            window.inbox_tab.filters.search_edit.setText("nothing matches this")
        shots["inbox-empty-search"] = grab(window)

        dialog = window.compose(to="Anna Schmidt <+4917612345678>; 0176 555; oops",
                                text="Grüße „Anna“ – your order {name} is ready ✓")
        dialog.recipients.commit()
        shots["compose"] = grab(dialog)
        dialog.done(0)  # past the question that guards typed work
        settings = window.show_settings()
        shots["settings"] = grab(settings)
        settings.close()
        contacts = window.show_contacts()
        shots["contacts"] = grab(contacts)
        contacts.close()
        shots.update(gateway_dialogs(window))
        shots["history"] = history_shot(window, qtbot)
        shots.update(desk_shots(window, qtbot))
        for name, pixmap in shots.items():
            path = OUT / f"{name}-{scheme}.png"
            assert pixmap.save(str(path)), path
            image = pixmap.toImage()
            corner = image.pixelColor(image.width() // 2, image.height() - 4)  # the status bar's background
            assert is_dark(app.palette()) == (scheme == "dark")
            assert (corner.lightness() < 128) == (scheme == "dark"), name
    finally:
        apply_scheme(app, "light")


def desk_shots(window, qtbot) -> dict:
    """The operator's desk: statistics, gateway state under a global pause, the first-run assistant,
    compose warnings, the discard question, the keyring fallback, sending settings, simulate incoming."""
    import keyring
    from keyring.backends import fail

    from tests.ui.conftest import complete

    shots = {}
    engine = window.engine
    window.resize(1180, 720)
    window.show_tab(STATISTICS)
    tab = window.statistics_tab
    tab.sampler.sample()
    complete(qtbot, tab.refresh())
    shots["statistics"] = grab(window)
    from app.engine import lifecycle

    waiting = [m.id for m in engine.list_messages("out", limit=40) if m.status == "queued"][:1]
    engine._transition(waiting, lifecycle.BLOCK, reason="no response from SME (SC not making further attempts)")
    window.show_tab(OUTBOX)
    shots["outbox-1180"] = grab(window)
    window.show_tab(GATEWAYS)
    gateways = window.gateways_tab
    gateways.view.selectRow(0)
    engine.pause_all()
    gateways.sending_pause.sync()
    gateways.show_traffic()
    shots["gateways-paused"] = grab(window)
    engine.resume_all()
    gateways.sending_pause.sync()

    wizard = window.show_first_run("http://127.0.0.1:9710")
    shots["first-run-country"] = grab(wizard)
    wizard.next()
    shots["first-run-api"] = grab(wizard)
    wizard.next()
    shots["first-run-gateway"] = grab(wizard)
    wizard.done(0)

    dialog = window.compose(to="01765550123", text="Hello")
    complete(qtbot, engine.stop_gateway("Demo"))
    dialog.update_warnings()
    shots["compose-warnings"] = grab(dialog)
    dialog.reject()
    shots["discard-question"] = grab(dialog.guard.box)
    dialog.guard.box.done(0)
    dialog.done(0)
    complete(qtbot, engine.start_gateway("Demo"))

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        retarus = gateways.add_gateway("retarus")
        retarus.name_edit.setText("Retarus")
        retarus.editors["username"].setText("shop")
        retarus.editors["password"].setText("secret-password")
        retarus.check_and_accept()
        shots["retarus-no-keyring"] = grab(retarus)
        retarus.done(0)
    finally:
        keyring.set_keyring(before)
    settings = window.show_settings()
    settings.tabs.setCurrentIndex(1)
    shots["settings-sending"] = grab(settings)
    settings.close()
    simulate = window.simulate_incoming()
    simulate.text_edit.setPlainText("Is my order ready?")
    shots["simulate-incoming"] = grab(simulate)
    simulate.done(0)
    window.resize(1280, 760)
    return shots


def history_shot(window, qtbot):
    """The history of the message sent in :func:`fill` (queued, handed over, sent, delivered)."""
    from tests.ui.conftest import complete

    tab = window.outbox_tab
    window.tabs.setCurrentWidget(tab)
    row = next(r for r in range(tab.model.rowCount()) if tab.model.message_at(r).text.startswith("Yes, it is"))
    tab.view.selectRow(row)
    dialog = tab.show_history()
    complete(qtbot, dialog.loaded)
    shot = grab(dialog)
    dialog.close()
    return shot


def gateway_dialogs(window) -> dict:
    """A modem's settings, editable; a gateway of the configuration file, read-only with its note."""
    engine = window.engine
    engine.add_gateway("USB modem", "modem", {"port": "/dev/serial/by-id/usb-Quectel_EC25-if02-port0",
                                              "per_minute": 20, "per_day": 500}, enabled=False)
    engine.add_gateway("Retarus (file)", "retarus", {"url": "https://sms4a.de2.retarus.com/rest/v1",
                                                      "username": "shop"}, enabled=False, origin="config")
    tab = window.gateways_tab
    window.tabs.setCurrentIndex(GATEWAYS)
    shots = {}
    for name, shot in (("USB modem", "gateway-modem-edit"), ("Retarus (file)", "gateway-config-readonly")):
        tab.view.selectRow(next(r for r in range(tab.model.rowCount()) if tab.model.name_at(r) == name))
        dialog = tab.edit_selected()
        shots[shot] = grab(dialog)
        dialog.close()
    smpp = tab.add_gateway("smpp")
    smpp.name_edit.setText("Provider SMPP")
    smpp.editors["host"].setText("smpp.example.net")
    smpp.editors["system_id"].setText("shop")
    smpp.editors["bind_mode"].setCurrentIndex(1)
    smpp.resize(620, 900)
    shots["gateway-smpp-add"] = grab(smpp)
    smpp.done(0)
    return shots


def test_screenshots_in_german(qtbot, qloop, make_engine, monkeypatch):
    from app.ui import translations
    from tests.ui.test_translations import close_window, make_window

    OUT.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance()
    monkeypatch.setenv(translations.LANGUAGE_ENV, "de")
    translations.install_translators(app)
    win, bridge, engine = make_window(qtbot, make_engine)
    try:
        win.resize(1280, 760)
        fill(win, qtbot)
        win.refresh()
        shots = {}
        for index, name in ((INBOX, "inbox-messages"), (OUTBOX, "outbox"), (GATEWAYS, "gateways")):
            win.tabs.setCurrentIndex(index)
            shots[name] = grab(win)
        dialog = win.compose(to="+4917612345678", text="Grüße „Anna“ ✓")
        shots["compose"] = grab(dialog)
        dialog.done(0)
        for name, pixmap in shots.items():
            assert pixmap.save(str(OUT / f"{name}-de.png"))
        assert win.tabs.tabText(INBOX) == "Post&eingang"
    finally:
        close_window(qtbot, win, bridge, engine)
        monkeypatch.setenv(translations.LANGUAGE_ENV, "en")
        translations.install_translators(app)
