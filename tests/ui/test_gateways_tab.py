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
    lines = tab.traffic.toPlainText().splitlines()
    assert "OK reference" in lines[0] and "SUBMIT to +15550002" in lines[1] and "DELIVER from +15550001" in lines[2]
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
