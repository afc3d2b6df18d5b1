"""The opt-out list: block and unblock numbers, paste many, import a text or CSV file; a
message to a blocked number is refused in the compose dialog."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from app.engine.requests import OutboundRequest
from app.store import models as m
from app.ui.blocked_numbers_dialog import BlockedNumbersDialog, parse_lines
from tests.ui.conftest import complete, settle


def test_block_and_unblock_one_number(window, qtbot):
    engine = window.engine
    engine.set_setting("default_country", "49")
    complete(qtbot, engine.dispatcher.idle())  # no pass started before the pause is still under way
    engine.pause_gateway("Demo")
    waiting = engine.queue_messages([OutboundRequest(["+4917612345678"], "waiting")]).accepted[0]
    dialog = window.show_blocked_numbers()
    settle(qtbot)
    assert dialog.hint.label.isVisibleTo(dialog.table) and "No number is blocked" in dialog.hint.label.text()

    dialog.number_edit.setText("0176 12345678")
    dialog.reason_edit.setText("replied STOP")
    qtbot.mouseClick(dialog.block_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert engine.blocked_numbers() == [("+4917612345678", "replied STOP")]
    assert dialog.numbers() == [("+4917612345678", "replied STOP")]
    assert "1 waiting message to blocked numbers failed" in dialog.status.text()
    assert engine.message(waiting.id).status == m.FAILED
    assert dialog.number_edit.text() == ""

    dialog.number_edit.setText("call me")
    dialog.block_entered()
    settle(qtbot)
    assert "Cannot block 'call me'" in dialog.status.text() and len(engine.blocked_numbers()) == 1

    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.unblock_button, Qt.MouseButton.LeftButton)
    settle(qtbot)
    assert engine.blocked_numbers() == [] and dialog.numbers() == []
    assert "unblocked" in dialog.status.text()


def test_paste_many_and_import_a_csv_file(window, qtbot, tmp_path):
    engine = window.engine
    engine.block_number("+15550000001", "earlier")
    dialog = window.show_blocked_numbers()
    settle(qtbot)
    dialog.reason_edit.setText("campaign opt-out")
    QGuiApplication.clipboard().setText("+15550000001\n+15550000002\n\n+15550000003; asked by phone\nabc12\n")
    outcome = complete(qtbot, dialog.paste())
    assert (outcome.added, outcome.already, outcome.refused) == (2, 1, ["abc12"])
    assert dict(engine.blocked_numbers()) == {"+15550000001": "campaign opt-out",
                                              "+15550000002": "campaign opt-out",
                                              "+15550000003": "asked by phone"}
    assert "2 numbers blocked, 1 already on the list" in dialog.status.text()
    assert "abc12" in dialog.status.text()

    path = tmp_path / "optout.csv"
    path.write_text("number,reason\n" + "".join(f"+4930{i:07d},import\n" for i in range(120)), encoding="utf-8")
    outcome = complete(qtbot, dialog.import_file(str(path)))
    assert outcome.added == 120 and not outcome.refused
    assert len(engine.blocked_numbers()) == 123
    assert dialog.numbers() == engine.blocked_numbers()  # shown as stored, by number
    assert "From optout.csv: 120 numbers blocked." in dialog.status.text()

    assert dialog.count_label.text() == "123 numbers on the list"
    dialog.search.setText("asked")
    assert dialog.numbers() == [("+15550000003", "asked by phone")]
    assert dialog.count_label.text() == "1 of 123 shown"
    dialog.search.setText("nothing like it")
    assert dialog.hint.label.isVisibleTo(dialog.table) and "No blocked number matches" in dialog.hint.label.text()

    assert dialog.import_file(str(tmp_path / "missing.csv")) is None
    assert "cannot be read" in dialog.status.text()


def test_parse_lines_takes_the_number_and_an_optional_reason():
    assert parse_lines('"+4917612345678";"STOP by SMS"\nnumber\tnote\n+15550001\t\n', "default") == [
        ("+4917612345678", "STOP by SMS"), ("+15550001", "default")]


def test_a_blocked_number_is_refused_in_the_compose_dialog(window, qtbot):
    window.engine.block_number("+15550000009", "replied STOP")
    dialog = window.compose(to="+15550000009; +15550000010", text="Offer")
    with qtbot.waitSignal(window.bridge.message_stored, timeout=5000):
        dialog.send()
        settle(qtbot)
    assert dialog.isVisible()
    assert "+15550000009 is on the blocked list (replied STOP)" in dialog.problem_label.text()
    assert [v.recipient for v in window.engine.list_messages(m.OUT)] == ["+15550000010"]


def test_the_opt_out_list_is_in_the_tools_menu(window, qtbot):
    assert window.blocked_action.shortcut().toString() == "Ctrl+Shift+B"
    window.blocked_action.trigger()
    dialogs = [w for w in window.findChildren(BlockedNumbersDialog) if w.isVisible()]
    assert len(dialogs) == 1 and dialogs[0].windowTitle() == "Opt-out list"
