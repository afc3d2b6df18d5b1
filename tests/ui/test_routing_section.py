"""The Routing section of the Gateways tab: add, change, reorder, tick off and remove rules
and see the engine's rules change; invalid rules refused in words; configuration-file
rules marked and left alone; Pause all / Resume all sending."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from app.engine.requests import OutboundRequest
from app.engine.routing import RoutingRule
from app.store import models as m
from app.ui.routing_section import DESTINATION, ENABLED, GATEWAYS, ORIGIN
from tests.ui.conftest import complete, settle


def rule_summary(engine):
    return [(r.name, r.destination, r.gateways, r.enabled) for r in engine.routing_rules()]


def add_second_gateway(window, qtbot):
    with qtbot.waitSignal(window.bridge.gateways_changed, timeout=5000):
        window.engine.add_gateway("Backup", "simulator", {"send_delay": 0.05})
    complete(qtbot, window.engine.start_gateway("Backup"))


def test_add_change_reorder_and_remove_rules(window, qtbot, monkeypatch):
    add_second_gateway(window, qtbot)
    section = window.gateways_tab.routing
    engine = window.engine
    assert section.model.rowCount() == 0 and section.hint.label.isVisibleTo(section.view)

    dialog = section.add_rule()
    dialog.name_edit.setText("Germany")
    dialog.destination_edit.setText("+49")
    dialog.set_gateways(["Backup", "Demo"])
    with qtbot.waitSignal(dialog.accepted, timeout=5000):  # once the store has the rule
        dialog.save()
    assert not dialog.isVisible()
    settle(qtbot)
    assert rule_summary(engine) == [("Germany", "+49", ("Backup", "Demo"), True)]
    assert section.model.index(0, GATEWAYS).data() == "Backup → Demo"
    assert not section.hint.label.isVisibleTo(section.view)

    dialog = section.add_rule()
    dialog.name_edit.setText("US mobiles")
    dialog.destination_edit.setText("+1[23]*")
    dialog.type_combo.setCurrentText("sms.flash*")
    dialog.set_gateways(["Demo"])
    dialog.save()
    settle(qtbot)
    assert [r.name for r in engine.routing_rules()] == ["Germany", "US mobiles"]
    assert engine.routing_rules()[1].message_type == "sms.flash*"
    assert section.selected_row() == 1  # the new rule is selected

    section.select(0)
    dialog = section.edit_selected()
    assert dialog.destination_edit.text() == "+49" and dialog.chosen_gateways() == ("Backup", "Demo")
    dialog.destination_edit.setText("+4917")
    dialog.gateway_list.setCurrentRow(1)
    dialog.move_gateway(-1)  # Demo before Backup
    dialog.save()
    settle(qtbot)
    assert rule_summary(engine)[0] == ("Germany", "+4917", ("Demo", "Backup"), True)

    section.select(1)
    assert section.down_action.isEnabled() is False and section.up_action.isEnabled()
    section.up_action.trigger()
    settle(qtbot)
    assert [r.name for r in engine.routing_rules()] == ["US mobiles", "Germany"]
    assert section.selected_row() == 0  # the selection follows the rule

    section.select(1)
    section.view.setFocus()
    qtbot.keyClick(section.view, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    assert [r.name for r in engine.routing_rules()] == ["Germany", "US mobiles"]

    index = section.model.index(0, ENABLED)
    assert section.model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    settle(qtbot)
    assert rule_summary(engine)[0][3] is False

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    section.select(0)
    section.view.setFocus()
    qtbot.keyClick(section.view, Qt.Key.Key_Delete)  # in the rules list, Delete removes the rule, not a gateway
    settle(qtbot)
    assert [r.name for r in engine.routing_rules()] == ["US mobiles"]
    assert set(engine.gateways) == {"Demo", "Backup"}


def test_the_rules_route_messages(window, qtbot):
    add_second_gateway(window, qtbot)
    section = window.gateways_tab.routing
    dialog = section.add_rule()
    dialog.destination_edit.setText("+4917")
    dialog.set_gateways(["Backup"])
    dialog.save()
    settle(qtbot)
    with qtbot.waitSignal(window.bridge.message_changed, timeout=5000,
                          check_params_cb=lambda v: v.status == m.SENT):
        window.engine.queue_messages([OutboundRequest(["+4917612345678"], "routed")])
    assert window.engine.list_messages(m.OUT)[0].gateway == "Backup"


def test_invalid_rules_are_refused_in_words(window, qtbot):
    section = window.gateways_tab.routing
    dialog = section.add_rule()
    dialog.destination_edit.setText("Germany")
    dialog.set_gateways(["Demo"])
    dialog.save()
    assert dialog.isVisible() and "not a number prefix or pattern" in dialog.problem_label.text()
    dialog.destination_edit.setText("+49[12")
    dialog.save()
    assert "does not close" in dialog.problem_label.text()
    dialog.destination_edit.setText("+49")
    dialog.type_combo.setCurrentText("sms.fax")
    dialog.save()
    assert "No message type is \"sms.fax\"" in dialog.problem_label.text()
    dialog.type_combo.setCurrentText("")
    dialog.set_gateways([])
    dialog.save()
    assert "Tick at least one gateway" in dialog.problem_label.text()
    assert window.engine.routing_rules() == [] and section.model.rowCount() == 0
    dialog.set_gateways(["Demo"])
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.save()
    assert not dialog.isVisible() and len(window.engine.routing_rules()) == 1


def test_rules_from_the_config_file_are_marked_and_kept(window, qtbot):
    engine = window.engine
    engine.set_routing_rules([RoutingRule(gateways=("Demo",), name="From file", destination="+44")], origin="config")
    engine.set_routing_rules(engine.routing_rules() + [RoutingRule(gateways=("Gone",), name="Mine")])
    section = window.gateways_tab.routing
    section.refresh()
    settle(qtbot)
    assert section.model.index(0, ORIGIN).data() == "config file"
    assert section.model.index(1, ORIGIN).data() == "this window"
    assert "No gateway named Gone" in section.model.index(1, GATEWAYS).data(Qt.ItemDataRole.ToolTipRole)
    section.select(0)
    assert not section.edit_action.isEnabled() and not section.remove_action.isEnabled()
    assert not (section.model.flags(section.model.index(0, ENABLED)) & Qt.ItemFlag.ItemIsUserCheckable)
    section.select(1)
    assert section.edit_action.isEnabled() and not section.up_action.isEnabled()  # stays after the file's rules
    dialog = section.edit_selected()
    assert "(no such gateway)" in dialog.gateway_list.item(0).text()
    dialog.name_edit.setText("Mine, changed")
    dialog.set_gateways(["Demo"])
    dialog.save()
    settle(qtbot)
    assert [(r.name, r.origin) for r in engine.routing_rules()] == [("From file", "config"),
                                                                     ("Mine, changed", "store")]
    assert section.model.index(0, DESTINATION).data() == "+44"


def test_pause_all_and_resume_all(window, qtbot):
    pause = window.gateways_tab.sending_pause
    label = window.findChild(type(window.unread_label), "sendingPausedLabel")
    assert pause.action in window.gateways_tab.toolbar.actions()
    assert not label.isVisible()
    pause.action.trigger()
    settle(qtbot)
    complete(qtbot, window.engine.dispatcher.idle())  # a pass started before the pause has handed back its claims
    assert window.engine.settings["sending_paused"] is True
    assert label.isVisible() and pause.action.text() == "Resume all sending"
    window.engine.queue_messages([OutboundRequest(["+15550001"], "held")])
    window.engine.dispatcher.tick()  # a pass that would hand the message to Demo if sending were not paused
    msg = window.engine.list_messages(m.OUT)[0]
    assert msg.status == m.QUEUED
    with qtbot.waitSignal(window.bridge.message_changed, timeout=5000,
                          check_params_cb=lambda v: v.id == msg.id and v.status == m.SENT):
        pause.action.trigger()
        settle(qtbot)
    assert window.engine.settings["sending_paused"] is False and not label.isVisible()
    window.engine.pause_all()  # through the engine (the API): the window follows
    with qtbot.waitSignal(pause.paused_changed, timeout=3000):
        pass
    assert pause.action.isChecked() and label.isVisible()


def test_the_list_follows_rules_changed_elsewhere(window, qtbot):
    """Rules replaced through the engine (the HTTP API, the configuration file) show at once, selection kept."""
    engine = window.engine
    section = window.gateways_tab.routing
    with qtbot.waitSignal(window.bridge.routing_rules_changed, timeout=5000):
        engine.set_routing_rules([RoutingRule(gateways=("Demo",), name="First", destination="+44"),
                                  RoutingRule(gateways=("Demo",), name="Second", destination="+33")])
    settle(qtbot)
    assert [section.model.index(r, 2).data() for r in range(section.model.rowCount())] == ["First", "Second"]
    assert not section.hint.label.isVisibleTo(section.view)
    section.select(1)
    with qtbot.waitSignal(window.bridge.routing_rules_changed, timeout=5000):
        engine.set_routing_rules([RoutingRule(gateways=("Demo",), name="From file", destination="+1")],
                                 origin="config")
    settle(qtbot)
    assert section.model.rowCount() == 3
    assert section.model.index(0, ORIGIN).data() == "config file"
    assert section.selected_row() == 1
    with qtbot.waitSignal(window.bridge.routing_rules_changed, timeout=5000):
        engine.set_routing_rules([])
    settle(qtbot)
    assert section.model.rowCount() == 0 and section.hint.label.isVisibleTo(section.view)
