"""The Add modem dialog: probe a port (the simulator's pty), name the gateway, add and start it."""

from __future__ import annotations

from app.gateways.modem.simulator import ModemSimulator
from app.ui.add_modem_dialog import AddModemDialog
from tests.gateways.modem.conftest import until_state
from tests.ui.conftest import complete, settle


def test_probe_name_and_add_a_modem(qtbot, qloop, make_engine, tmp_path):
    sim = ModemSimulator(link=str(tmp_path / "ttyModem"))
    complete(qtbot, sim.start())
    engine = make_engine()
    engine.add_gateway("Other", "simulator", {"send_delay": 0.0})
    complete(qtbot, engine.start())
    dialog = AddModemDialog(engine)
    qtbot.addWidget(dialog)
    dialog.show()
    try:
        dialog.port.setEditText(sim.link)
        with qtbot.waitSignal(dialog.probed, timeout=10000) as probed:
            dialog.probe_button.click()
        assert probed.args[0].answers
        assert "Modem found: SMS Console Simulated modem" in dialog.probe_label.text()
        assert dialog.name.text() == "Simulated modem"
        dialog.grab().save(str(tmp_path / "add_modem_dialog.png"))

        dialog.name.setText("Other")
        dialog.add()
        settle(qtbot)
        assert "exists already" in dialog.error.text() and dialog.isVisible()

        dialog.name.setText("Modem 1")
        dialog.pin.setText("")
        with qtbot.waitSignal(dialog.gateway_added, timeout=5000):
            dialog.add()
        gw = engine.gateways["Modem 1"]
        assert gw.kind == "modem" and gw.settings["port"] == sim.link and gw.settings["baudrate"] == 115200
        complete(qtbot, until_state(engine, "Modem 1", "running"))  # the dialog started it
    finally:
        complete(qtbot, engine.stop())
        complete(qtbot, sim.stop())


def test_probe_of_a_missing_port_says_so(qtbot, qloop, make_engine, tmp_path):
    engine = make_engine()
    dialog = AddModemDialog(engine)
    qtbot.addWidget(dialog)
    dialog.port.setEditText(str(tmp_path / "gone"))
    with qtbot.waitSignal(dialog.probed, timeout=10000):
        dialog.probe_button.click()
    assert dialog.probe_label.text().startswith("No modem:") and "does not exist" in dialog.probe_label.text()
    dialog.add()
    settle(qtbot)
    assert "name" in dialog.error.text()
