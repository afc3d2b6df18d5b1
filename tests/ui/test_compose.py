"""Compose: chips with E.164 and the default country, the live counter with Unicode
characters highlighted and replaced, CSV import with placeholders, and the options."""

from __future__ import annotations

from tests.ui.conftest import settle

from PySide6.QtGui import QGuiApplication
from PySide6.QtCore import Qt

from app.store import models as m


def test_chips_normalise_numbers_with_the_default_country(window, qtbot):
    window.engine.set_setting("default_country", "49")
    window.engine.contacts.add("Ann", "+4915100000001", groups=["Team"])
    window.engine.contacts.add("Ben", "+4915100000002", groups=["Team"])
    dialog = window.compose()
    settle(qtbot)
    field = dialog.recipients
    qtbot.keyClicks(dialog.to_edit, "0176 1234567;")  # a separator turns what was typed into a chip
    assert [r.number for r in field.recipients()] == ["+491761234567"]
    QGuiApplication.clipboard().setText("+1 555 0100 200\n0176 1234567\nnonsense")
    dialog.to_edit.setFocus()
    qtbot.keyClick(dialog.to_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    numbers = [(r.number, bool(r.error)) for r in field.recipients()]
    assert numbers == [("+491761234567", False), ("+15550100200", False), ("nonsense", True)]
    assert field.chips[-1].objectName() == "chipError" and "not a phone number" in field.chips[-1].toolTip()
    field.add_text("@Team; Ann")
    assert [r.label for r in field.recipients()][-2:] == ["Ann", "Ben"]  # Ann once: each number once
    qtbot.keyClick(dialog.to_edit, Qt.Key.Key_Backspace)  # Backspace in an empty entry removes the last chip
    assert [r.label for r in field.recipients()][-1] == "Ann"


def test_counter_highlights_unicode_and_offers_transliteration(window, qtbot):
    dialog = window.compose()
    dialog.text_edit.setPlainText("Hello")
    assert dialog.counter.text() == "GSM 7-bit · 5 characters · 1 part · 155 left"
    assert dialog.counter_bar.unicode_label.isHidden()
    dialog.text_edit.setPlainText("Grüße „Anna“ ✓")
    assert dialog.counter.text().startswith("Unicode (UCS-2)")
    assert "„" in dialog.counter_bar.unicode_label.text() and "✓" in dialog.counter_bar.unicode_label.text()
    assert dialog.counter_bar.highlighter.chars == {"„", "“", "✓"}
    assert not dialog.counter_bar.replace_button.isHidden()
    qtbot.mouseClick(dialog.counter_bar.replace_button, Qt.MouseButton.LeftButton)
    assert dialog.text_edit.toPlainText().startswith('Grüße "Anna"')
    assert dialog.counter_bar.highlighter.chars == {"✓"}  # no GSM form: it stays, and says so
    dialog.text_edit.undo()
    assert dialog.text_edit.toPlainText() == "Grüße „Anna“ ✓"


def test_csv_import_with_column_chooser_preview_and_placeholders(window, qtbot, tmp_path):
    window.engine.pause_gateway("Demo")
    path = tmp_path / "customers.csv"
    path.write_text("Name;Mobile;City\nAnn;+15550001;Berlin\nBob;+15550002;Rome\nBad;12;Oslo\n", encoding="utf-8")
    dialog = window.compose()
    importer = dialog.import_csv(str(path))
    assert importer.header_check.isChecked()
    assert importer.number_combo.currentText() == "Mobile"  # guessed from the header
    assert importer.preview.rowCount() == 3 and importer.preview.columnCount() == 3
    assert "3 recipients; 1 of them" in importer.summary.text()
    assert "{name}" in importer.placeholders.text() and "{city}" in importer.placeholders.text()
    importer.number_combo.setCurrentIndex(0)  # the wrong column: every number refused
    assert not importer.ok_button.isEnabled()
    importer.number_combo.setCurrentIndex(1)
    importer.accept()
    assert dialog.recipients.bulk_name == "customers.csv" and len(dialog.recipients.recipients()) == 3

    dialog.text_edit.setPlainText("Hi {name}, your parcel waits in {city}. {unknown}")
    dialog.send()
    assert "{unknown}" in dialog.problem_label.text()
    dialog.text_edit.setPlainText("Hi {name}, your parcel waits in {city}.")
    dialog.send()
    settle(qtbot)
    sent = {v.recipient: v.text for v in window.engine.list_messages(m.OUT)}
    assert sent == {"+15550001": "Hi Ann, your parcel waits in Berlin.",
                    "+15550002": "Hi Bob, your parcel waits in Rome."}
    assert dialog.isVisible() and "12" in dialog.problem_label.text()  # the refused row is named


def test_options_reach_the_message(window, qtbot):
    window.engine.pause_gateway("Demo")
    dialog = window.compose(to="+15550001", text="options")
    dialog.sender_edit.setText("Shop")
    dialog.flash_check.setChecked(True)
    dialog.report_check.setChecked(True)
    dialog.priority_combo.setCurrentIndex(1)
    dialog.validity_combo.setCurrentIndex(3)
    dialog.schedule_check.setChecked(True)
    dialog.schedule_edit.setDateTime(dialog.schedule_edit.dateTime().addDays(1))
    with qtbot.waitSignal(dialog.accepted, timeout=5000):  # once the store has the message
        dialog.send()
    assert not dialog.isVisible()
    msg = window.engine.list_messages(m.OUT)[0]
    assert (msg.sender, msg.flash, msg.status_report, msg.priority, msg.status) == ("Shop", True, True, 1,
                                                                                  m.SCHEDULED)
    assert msg.expires_at is not None and msg.scheduled_at is not None


def test_a_send_time_in_the_past_is_refused_in_words(window, qtbot):
    dialog = window.compose(to="+15550001", text="late")
    dialog.schedule_check.setChecked(True)
    dialog.schedule_edit.setDateTime(dialog.schedule_edit.dateTime().addDays(-2))
    dialog.send()
    assert "in the past" in dialog.problem_label.text()


def drag(widget, path, kind):
    """Send ``widget`` a synthetic drag event of type ``kind`` carrying the file ``path``."""
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QApplication

    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    if kind == "enter":
        event = QDragEnterEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
    else:
        event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                           Qt.KeyboardModifier.NoModifier)
    event.setAccepted(False)
    QApplication.sendEvent(widget, event)
    return event


def csv_file(tmp_path):
    path = tmp_path / "club.csv"
    path.write_text("name,phone\nAnn,+15550001\nBob,+15550002\n", encoding="utf-8")
    return path


def test_dropping_a_csv_file_on_compose_starts_the_import(window, qtbot, tmp_path):
    from app.ui.csv_import_dialog import CsvImportDialog

    path = csv_file(tmp_path)
    other = tmp_path / "photo.png"
    other.write_bytes(b"\x89PNG")
    dialog = window.compose()
    assert not drag(dialog, other, "enter").isAccepted()  # not a recipient list: refused
    for target in (dialog, dialog.text_edit.viewport(), dialog.to_edit):
        assert drag(target, path, "enter").isAccepted()
    drag(dialog.text_edit.viewport(), path, "drop")  # dropped on the text: imported, not pasted as text
    assert dialog.text_edit.toPlainText() == ""
    importer = dialog.findChild(CsvImportDialog)
    assert importer is not None and importer.isVisible()
    assert importer.number_combo.currentText() == "phone" and importer.preview.rowCount() == 2
    importer.accept()
    assert dialog.recipients.bulk_name == "club.csv"
    assert [r.number for r in dialog.recipients.recipients()] == ["+15550001", "+15550002"]


def test_dropping_a_csv_file_on_the_window_opens_compose_with_it(window, qtbot, tmp_path):
    from app.ui.compose_dialog import ComposeDialog
    from app.ui.csv_import_dialog import CsvImportDialog

    path = csv_file(tmp_path)
    assert drag(window, path, "enter").isAccepted()
    drag(window, path, "drop")
    dialogs = [d for d in window.findChildren(ComposeDialog) if d.isVisible()]
    assert len(dialogs) == 1
    importer = dialogs[0].findChild(CsvImportDialog)
    assert importer.isVisible() and importer.name == "club.csv"
    importer.accept()
    assert len(dialogs[0].recipients.recipients()) == 2
