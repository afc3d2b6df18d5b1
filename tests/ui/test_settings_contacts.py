"""Settings persist through engine operations; users; the contacts manager; one instance per user."""

from __future__ import annotations

from tests.ui.conftest import settle

from app.engine.engine import Engine
from app.store.database import Database
from app.ui.single_instance import SingleInstance


def test_settings_are_saved_in_the_store_and_refused_in_words(window, qtbot, db_url):
    dialog = window.show_settings()
    dialog.listen_edit.setText("not an address")
    dialog.save()
    assert "HOST:PORT" in dialog.problem_label.text() and dialog.isVisible()
    dialog.listen_edit.setText("0.0.0.0:9999")
    dialog.cert_edit.setText("/etc/cert.pem")
    dialog.save()
    assert "go together" in dialog.problem_label.text()
    dialog.cert_edit.clear()
    dialog.country_edit.setText("+49")
    dialog.notify_check.setChecked(False)
    dialog.command_check.setChecked(True)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):  # once the store has the settings
        dialog.save()
    assert not dialog.isVisible()
    fresh = Engine(Database(db_url))
    fresh.open_store()
    assert (fresh.settings["default_country"], fresh.settings["api_listen"], fresh.settings["notify_new_messages"],
            fresh.settings["send_server_command_enabled"]) == ("49", "0.0.0.0:9999", False, True)
    from app.engine.api_overrides import effective_api

    assert effective_api({"listen": "127.0.0.1:9710", "tls_cert": ""}, fresh.settings)["listen"] == "0.0.0.0:9999"


def test_users_are_added_and_changed(window, qtbot):
    settings = window.show_settings()
    settle(qtbot)
    editor = settings.add_user()
    editor.name_edit.setText("api")
    editor.password_edit.setText("short")
    editor.save()
    settle(qtbot)
    assert "8 characters" in editor.problem_label.text()
    editor.password_edit.setText("long enough secret")
    editor.privilege_checks["sms-session-manager.view"].setChecked(True)
    editor.save()
    settle(qtbot)
    assert settings.users_table.rowCount() == 1 and settings.users_table.item(0, 3).text() == \
        "sms-session-manager.view"
    settings.users_table.selectRow(0)
    editor = settings.edit_user()
    editor.admin_check.setChecked(True)
    editor.save()
    settle(qtbot)
    assert settings.users_table.item(0, 3).text() == "all"
    user = window.engine.users.list()[0]
    assert user.admin and user.privileges == ("sms-session-manager.view",)


def test_contacts_manager_imports_edits_and_exports(window, qtbot, tmp_path):
    window.engine.set_setting("default_country", "49")
    dialog = window.show_contacts()
    settle(qtbot)
    assert "No contacts yet" in dialog.status.text()
    source = tmp_path / "in.vcf"
    source.write_text("BEGIN:VCARD\nFN:Ann\nTEL;TYPE=CELL:0176 111\nCATEGORIES:Team\nEND:VCARD\n"
                      "BEGIN:VCARD\nFN:Broken\nTEL:call me\nEND:VCARD\n", encoding="utf-8")
    dialog.import_file(str(source))
    settle(qtbot)
    assert "1 contact imported" in dialog.status.text() and "entry 2" in dialog.status.text()
    assert dialog.table.item(0, 1).text() == "+49176111"
    editor = dialog.add()
    editor.name_edit.setText("Bob")
    editor.number_edit.setText("nope")
    editor.save()
    settle(qtbot)
    assert "not a phone number" in editor.problem_label.text()
    editor.number_edit.setText("0176 222")
    editor.groups_edit.setText("Team")
    editor.save()
    settle(qtbot)
    assert dialog.group_combo.itemText(1) == "Team (2)"
    dialog.search.setText("bob")
    settle(qtbot)
    assert dialog.table.rowCount() == 1
    out = tmp_path / "out.csv"
    dialog.export_file(str(out))
    settle(qtbot)
    assert out.read_text(encoding="utf-8").splitlines()[1:] == ["Ann,+49176111,,Team", "Bob,+49176222,,Team"]


def test_a_second_launch_raises_the_running_window(qtbot, qapp, tmp_path):
    first = SingleInstance(name=f"smsconsole-test-{tmp_path.name}")
    assert first.listen()
    second = SingleInstance(name=first.name)
    with qtbot.waitSignal(first.raise_requested, timeout=5000):
        assert second.ask_running()
    first.close()
    assert not SingleInstance(name=first.name).ask_running(timeout_ms=200)


def test_the_user_list_follows_changes_made_by_another_console(window, qtbot, db_url):
    """A user written to the shared store by another console, announced as the store's notification is
    (UsersChanged with no name), appears in an open Settings dialog; the user chosen there stays chosen."""
    from app.engine.events import UsersChanged

    window.engine.users.save("first", password="long enough secret", admin=False)
    settings = window.show_settings()
    qtbot.waitUntil(lambda: settings.users_table.rowCount() == 1, timeout=5000)
    settings.users_table.selectRow(0)
    other = Engine(Database(db_url))  # another console on the same store
    other.open_store()
    other.users.save("another", password="another long secret", admin=True)
    assert settings.users_table.rowCount() == 1  # nothing told this window yet
    window.engine.events.publish(UsersChanged())
    qtbot.waitUntil(lambda: settings.users_table.rowCount() == 2, timeout=5000)
    names = [settings.users_table.item(r, 0).text() for r in range(2)]
    assert sorted(names) == ["another", "first"]
    assert settings._selected_user().name == "first"
    other.db.close()
