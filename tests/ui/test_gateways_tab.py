"""Gateways: add through the dialog (validated), change, restart, remove, the traffic log and the chart data."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from app.ui.gateway_painting import SparkRole
from app.ui.gateways_tab import ACTIVITY, NAME, STATE
from tests.ui.conftest import complete


def row_of(tab, name):
    return next(r for r in range(tab.model.rowCount()) if tab.model.name_at(r) == name)


def test_add_simulator_refuses_bad_input_then_starts(window, qtbot):
    tab = window.gateways_tab
    dialog = tab.add_gateway("simulator")
    dialog.name_edit.setText("Demo")
    dialog.check_and_accept()
    assert "exists already" in dialog.problem_label.text() and dialog.isVisible()
    dialog.name_edit.setText("Second")
    dialog.editors["number"].setText("+15550199")
    dialog.editors["send_delay"].setValue(0.01)
    with qtbot.waitSignal(window.bridge.gateway_state_changed, timeout=5000,
                          check_params_cb=lambda g: g.name == "Second" and g.state == "running"):
        dialog.check_and_accept()
    row = row_of(tab, "Second")
    assert tab.model.index(row, STATE).data() == "running"
    assert window.engine.gateways["Second"].settings["number"] == "+15550199"


def test_change_restart_and_remove(window, qtbot):
    tab = window.gateways_tab
    tab.view.selectRow(row_of(tab, "Demo"))
    dialog = tab.edit_selected()
    assert dialog.name_edit.isReadOnly()
    dialog.editors["number"].setText("+15550777")
    with qtbot.waitSignal(window.bridge.gateway_state_changed, timeout=5000,
                          check_params_cb=lambda g: g.state == "running"):  # rebuilt and started again
        dialog.check_and_accept()
    assert window.engine.gateways["Demo"].settings["number"] == "+15550777"

    tab.view.selectRow(row_of(tab, "Demo"))
    states = []
    with qtbot.waitSignal(window.bridge.gateway_state_changed, timeout=5000,
                          check_params_cb=lambda g: states.append(g.state) or g.state == "running"):
        tab.restart_action.trigger()
    assert states[0] == "stopping" and "stopped" in states

    QMessageBox.question = staticmethod(lambda *a, **k: QMessageBox.StandardButton.Yes)
    tab.view.selectRow(row_of(tab, "Demo"))
    with qtbot.waitSignal(window.bridge.gateways_changed, timeout=5000):
        tab.remove_selected()
    assert tab.model.rowCount() == 0 and "No gateways yet" in tab.details.text()


def test_traffic_log_and_last_hour(window, qtbot):
    tab = window.gateways_tab
    window.engine.simulate_incoming(sender="+15550001", text="ping")
    dialog = window.compose(to="+15550002", text="pong")
    with qtbot.waitSignal(window.bridge.message_changed, timeout=5000, check_params_cb=lambda m: m.status == "sent"):
        dialog.send()
    tab.view.selectRow(row_of(tab, "Demo"))
    tab.show_traffic()
    lines = tab.traffic.toPlainText().splitlines()  # as it happened: the newest at the bottom
    assert "OK reference" in lines[-1] and "SUBMIT to +15550002" in lines[-2] and "DELIVER from +15550001" in lines[-3]
    tab.model.refresh_counters()
    spark = tab.model.index(row_of(tab, "Demo"), ACTIVITY).data(SparkRole)
    assert len(spark) == 60 and spark[-1] == 1
    assert tab.model.index(0, NAME).data(1) is not None  # the kind's icon
    complete(qtbot, window.engine.stop_gateway("Demo"))


def test_failing_operation_is_told_in_words(window, qtbot):
    tab = window.gateways_tab
    tab.view.selectRow(0)
    tab.reset_limit_action.trigger()  # a simulator has no limits: nothing to say, nothing breaks
    assert tab.model.index(0, STATE).data() == "running"


def add_modem(window, qtbot, name: str, origin: str = "store"):
    """A modem gateway on the built-in AT modem simulator (a pty in this process), running."""
    from tests.gateways.modem.conftest import until_state

    window.engine.add_gateway(name, "modem", {"port": "simulator", "sim_send_delay": 0.0}, origin=origin)
    complete(qtbot, window.engine.start_gateway(name))
    complete(qtbot, until_state(window.engine, name, "running"))


def test_a_modem_is_changed_in_the_tab_and_restarted_with_its_new_settings(window, qtbot):
    from app.ui.gateway_dialog import PortCombo

    tab = window.gateways_tab
    add_modem(window, qtbot, "Desk modem")
    engine = window.engine
    before = engine.gateways["Desk modem"]
    tab.view.selectRow(row_of(tab, "Desk modem"))
    dialog = tab.edit_selected()
    assert dialog.windowTitle() == "Change gateway Desk modem" and dialog.name_edit.isReadOnly()
    port = dialog.editors["port"]
    assert isinstance(port, PortCombo) and port.value() == "simulator"
    assert dialog.editors["baudrate"].value() == 115200 and dialog.editors["pin"].text() == ""

    port.setEditText("  ")
    dialog.check_and_accept()  # refused in words, the field to correct has the focus
    assert dialog.isVisible()
    assert dialog.problem_label.text().startswith("Port is needed: Serial port of the modem")
    assert dialog.focusWidget() in (port, port.lineEdit())

    port.setEditText("simulator")
    dialog.editors["baudrate"].setValue(57600)
    dialog.editors["per_minute"].setValue(10)
    dialog.editors["per_day"].setValue(500)
    dialog.editors["pin"].setText("1234")
    with qtbot.waitSignal(window.bridge.gateway_state_changed, timeout=10000,
                          check_params_cb=lambda g: g.name == "Desk modem" and g.state == "running"):
        dialog.check_and_accept()
    gw = engine.gateways["Desk modem"]
    assert gw is not before and not before.running  # restarted: a new gateway with the new settings
    assert (gw.settings["baudrate"], gw.settings["per_minute"], gw.settings["per_day"], gw.settings["pin"]) == (
        57600, 10, 500, "1234")
    assert "Restarting Desk modem" in window.statusBar().currentMessage()
    view = next(v for v in engine.gateway_views() if v.name == "Desk modem")
    assert "pin" not in view.settings  # the PIN is not shown back

    tab.view.selectRow(row_of(tab, "Desk modem"))
    dialog = tab.edit_selected()  # the PIN left empty stays as it was
    dialog.editors["per_minute"].setValue(0)
    with qtbot.waitSignal(window.bridge.gateway_state_changed, timeout=10000,
                          check_params_cb=lambda g: g.name == "Desk modem" and g.state == "running"):
        dialog.check_and_accept()
    assert engine.gateways["Desk modem"].settings["pin"] == "1234"
    assert engine.gateways["Desk modem"].settings["per_minute"] == 0
    complete(qtbot, engine.stop_gateway("Desk modem"))


def test_gateways_of_the_configuration_file_are_shown_read_only_with_a_note(window, qtbot):
    tab = window.gateways_tab
    engine = window.engine
    engine.add_gateway("File modem", "modem", {"port": "/dev/ttyUSB7"}, enabled=False, origin="config")
    engine.add_gateway("File simulator", "simulator", {"number": "+15550123"}, enabled=False, origin="config")
    for name in ("File modem", "File simulator"):
        tab.view.selectRow(row_of(tab, name))
        dialog = tab.edit_selected()
        assert dialog.read_only and dialog.save_button is None
        assert dialog.note_label.isVisible()
        assert dialog.note_label.text().startswith(f"{name} is declared in the configuration file. Change it there")
        assert all(not w.isEnabled() for w in dialog.editors.values())
        dialog.reject()
    assert engine.gateways["File modem"].settings["port"] == "/dev/ttyUSB7"
    tab.view.selectRow(row_of(tab, "Demo"))
    assert not tab.edit_selected().read_only  # the window's own gateways stay editable


def test_the_modem_profile_is_shown_and_can_be_set(window, qtbot):
    tab = window.gateways_tab
    add_modem(window, qtbot, "Profiled modem")
    engine = window.engine
    row = row_of(tab, "Profiled modem")
    from app.ui.gateways_tab import details_text

    view = next(v for v in engine.gateway_views() if v.name == "Profiled modem")
    assert "profile: generic (detected)" in details_text(view)
    tab.view.selectRow(row)
    dialog = tab.edit_selected()
    combo = dialog.editors["profile"]
    assert combo.currentData() == "auto" and combo.currentText().startswith("auto — ")
    assert [combo.itemData(i) for i in range(combo.count())][:3] == ["auto", "generic", "huawei"]
    combo.setCurrentIndex(combo.findData("quectel"))
    with qtbot.waitSignal(window.bridge.gateway_state_changed, timeout=10000,
                          check_params_cb=lambda g: g.name == "Profiled modem" and g.state == "running"):
        dialog.check_and_accept()
    gw = engine.gateways["Profiled modem"]
    assert gw.settings["profile"] == "quectel" and gw.driver.facts.profile == "quectel"
    view = next(v for v in engine.gateway_views() if v.name == "Profiled modem")
    assert view.info["profile"] == "quectel (set)" and "profile: quectel (set)" in details_text(view)
    complete(qtbot, engine.stop_gateway("Profiled modem"))


def test_a_changed_sim_is_accepted_from_the_tab(window, qtbot, monkeypatch):
    import functools

    from app.gateways.modem import sim_dialect
    from tests.gateways.modem.conftest import until_state

    tab = window.gateways_tab
    add_modem(window, qtbot, "Desk modem")
    complete(qtbot, window.engine.stop_gateway("Desk modem"))
    # the built-in modem starts afresh with each start: this time with another SIM
    monkeypatch.setattr(sim_dialect, "SimOptions", functools.partial(sim_dialect.SimOptions, imsi="262014444444444"))
    complete(qtbot, window.engine.start_gateway("Desk modem"))
    row = [tab.model.name_at(r) for r in range(tab.model.rowCount())].index("Desk modem")
    assert tab.model.index(row, STATE).data().startswith("SIM changed — SIM changed: was IMSI 262019876543210, now "
                                                         "262014444444444")
    tab.view.selectRow(row)
    tab.accept_identity_action.trigger()
    complete(qtbot, until_state(window.engine, "Desk modem", "running"))
    assert tab.model.index(row, STATE).data() == "running"


def test_an_smpp_provider_is_added_with_its_password_in_the_keyring(window, qtbot, monkeypatch):
    import keyring

    from app.gateways.credentials import SERVICE, keyring_user

    kept = {}
    monkeypatch.setattr(keyring, "set_password", lambda service, user, pw: kept.__setitem__((service, user), pw))
    tab = window.gateways_tab
    assert "smpp" in tab.add_actions
    dialog = tab.add_gateway("smpp")
    editors = dialog.editors
    assert editors["window"].value() == 100 and editors["port"].value() == 2775  # the window is shown for SMPP
    assert editors["bind_mode"].currentText() == "one transceiver bind"
    assert [editors["long_messages"].itemData(i) for i in range(editors["long_messages"].count())] == \
        ["udh", "sar", "payload"]
    dialog.name_edit.setText("Upstream")
    dialog.check_and_accept()
    assert dialog.isVisible() and "Host is needed" in dialog.problem_label.text()
    editors["enabled"].setChecked(False)  # kept, not started: no SMSC answers in this test
    editors["host"].setText("smpp.example.net")
    editors["system_id"].setText("shop")
    editors["password"].setText("pw12345")
    editors["bind_mode"].setCurrentIndex(1)
    editors["long_messages"].setCurrentIndex(1)
    editors["window"].setValue(250)
    editors["messages_per_second"].setValue(50)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):  # saved in the store lane, then closed
        dialog.check_and_accept()
    assert not dialog.isVisible()
    settings = window.engine.gateways["Upstream"].settings
    assert (settings["host"], settings["system_id"], settings["bind_mode"], settings["long_messages"],
            settings["window"], settings["messages_per_second"]) == ("smpp.example.net", "shop",
                                                                     "transmitter+receiver", "sar", 250, 50.0)
    assert not settings["password"] and kept == {(SERVICE, keyring_user("Upstream")): "pw12345"}
