"""A first run that sets itself up: default country proposed from the locale, an API user with a
curl example and the URL, the first gateway, a test message; compose warns about national numbers
with no country set, and when no gateway can send now."""

from __future__ import annotations

import asyncio
import shutil

import pytest
from PySide6.QtCore import QLocale

from app.ui.first_run import SIMULATOR, first_run_needed
from tests.ui.conftest import complete, settle


@pytest.fixture
def german_desktop():
    before = QLocale()
    QLocale.setDefault(QLocale("de_DE"))
    yield
    QLocale.setDefault(before)


async def run_shell(command: str) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_shell(command, stdout=asyncio.subprocess.PIPE,
                                                 stderr=asyncio.subprocess.STDOUT)
    out, _ = await proc.communicate()
    return proc.returncode, out.decode()


def test_the_assistant_sets_country_api_user_gateway_and_sends_a_test(window, qtbot, german_desktop):
    from app.api.server import ApiServer
    from app.config import Config

    cfg = Config()
    cfg.api["listen"] = "127.0.0.1:0"
    api_server = ApiServer(window.engine, cfg, front_ends=("app.api.diafaan",))
    complete(qtbot, api_server.start())
    try:
        run_assistant(window, qtbot, api_server)
    finally:
        complete(qtbot, api_server.stop())


def run_assistant(window, qtbot, api_server):
    engine = window.engine
    assert complete(qtbot, first_run_needed(engine))
    wizard = window.show_first_run(api_server.url)
    settle(qtbot)
    assert wizard.country.code() == "49"  # proposed from the locale
    wizard.next()
    api = wizard.api
    assert api.create_check.isChecked()
    example = api.example.toPlainText()
    assert f"{api_server.url}/http/send-message" in example and "username=api" in example
    assert f"password={api.password_edit.text()}" in example and len(api.password_edit.text()) >= 8
    wizard.next()
    wizard.gateway.simulator.setChecked(True)
    assert wizard.gateway.choice() == SIMULATOR
    wizard.next()
    wizard.test.number_edit.setText("0176 5550123")
    assert wizard.test.send_check.isChecked()
    with qtbot.waitSignal(window.bridge.message_stored, timeout=5000,
                          check_params_cb=lambda m: m.recipient == "+491765550123"):
        wizard.accept()
    settle(qtbot)
    assert engine.settings["default_country"] == "49"
    assert [u.name for u in engine.users.list()] == ["api"]
    assert not complete(qtbot, first_run_needed(engine))  # shown once per desktop
    if shutil.which("curl"):  # the example, pasted into a shell, sends through the API
        with qtbot.waitSignal(window.bridge.message_stored, timeout=10000,
                              check_params_cb=lambda m: m.recipient == "+4917612345678"):
            code, out = complete(qtbot, run_shell(example), timeout=20)
        assert code == 0 and out.startswith("OK"), out


def test_compose_warns_about_national_numbers_without_a_country_and_when_nothing_can_send(window, qtbot):
    engine = window.engine
    assert not engine.settings.get("default_country")
    dialog = window.compose()
    assert dialog.warning_label.isHidden()
    qtbot.keyClicks(dialog.to_edit, "01765550123;")
    assert [r.number for r in dialog.recipients.recipients()] == ["01765550123"]
    assert not dialog.warning_label.isHidden()
    assert "No default country is set" in dialog.warning_label.text()
    complete(qtbot, engine.stop_gateway("Demo"))
    dialog.update_warnings()
    assert "No gateway can send now" in dialog.warning_label.text()
    dialog.done(0)
    engine.set_setting("default_country", "49")
    complete(qtbot, engine.start_gateway("Demo"))
    again = window.compose(to="01765550123")
    assert [r.number for r in again.recipients.recipients()] == ["+491765550123"]
    assert again.warning_label.isHidden()
    again.done(0)
