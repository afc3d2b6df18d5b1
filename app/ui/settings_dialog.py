"""The Settings dialog: default country, notifications, colours, language; retries, the duplicate
check and interrupted messages; the HTTP API's address, TLS and send-server-command, and the API
users with their privileges."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QCheckBox, QComboBox, QDialog, QDialogButtonBox,
                               QFileDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
                               QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from app.engine.api_overrides import check_listen
from app.engine.engine import Engine
from app.engine.requests import EngineError
from app.settings import SettingError

from .sending_settings import SendingSettings
from .store_op import run_op
from .theme import apply_scheme
from .translations import LANGUAGE_ENV, LANGUAGE_KEY, LANGUAGES
from .user_dialog import UserDialog

if TYPE_CHECKING:
    from .engine_bridge import EngineBridge


class SettingsDialog(QDialog):
    def __init__(self, engine: Engine, parent: QWidget | None = None, bridge: "EngineBridge | None" = None):
        super().__init__(parent)
        self.engine = engine
        self.setWindowTitle(self.tr("Settings"))
        self.resize(620, 460)
        st = engine.settings
        tabs = QTabWidget(self)

        general = QWidget(self)
        form = QFormLayout(general)
        self.country_edit = QLineEdit(st["default_country"], self)
        self.country_edit.setObjectName("countryEdit")
        self.country_edit.setPlaceholderText(self.tr("e.g. 49"))
        self.country_edit.setToolTip(self.tr("Calling code that turns national numbers (0176…) into international "
                                             "ones (+49176…). Empty: numbers are kept as entered."))
        self.notify_check = QCheckBox(self.tr("Notify me when a message arrives"), self)
        self.notify_check.setObjectName("notifyCheck")
        self.notify_check.setChecked(st["notify_new_messages"])
        self.scheme_combo = QComboBox(self)
        self.scheme_combo.setObjectName("schemeCombo")
        for label, value in ((self.tr("As the desktop"), "system"), (self.tr("Light"), "light"),
                             (self.tr("Dark"), "dark")):
            self.scheme_combo.addItem(label, value)
        self.scheme_combo.setCurrentIndex(max(0, self.scheme_combo.findData(st.get("color_scheme", "system"))))
        self.language_combo = QComboBox(self)
        self.language_combo.setObjectName("languageCombo")
        self.language_combo.addItem(self.tr("As the system"), "system")
        for code, name in LANGUAGES.items():
            self.language_combo.addItem(name, code)
        chosen = str(QSettings().value(LANGUAGE_KEY, "system") or "system")
        self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(chosen)))
        self.language_combo.setToolTip(self.tr("The language of the window; it changes the next time the console "
                                               "starts"))
        if os.environ.get(LANGUAGE_ENV):  # the environment decides: show its choice, not the setting's
            code = os.environ[LANGUAGE_ENV].split("_")[0].lower()
            self.language_combo.setCurrentIndex(max(0, self.language_combo.findData(code)))
            self.language_combo.setEnabled(False)
            self.language_combo.setToolTip(self.tr("Chosen by the environment variable %s") % LANGUAGE_ENV)
        form.addRow(self.tr("Default &country code:"), self.country_edit)
        form.addRow(self.tr("Notifications:"), self.notify_check)
        form.addRow(self.tr("Colours:"), self.scheme_combo)
        form.addRow(self.tr("&Language:"), self.language_combo)
        tabs.addTab(general, self.tr("General"))
        self.sending = SendingSettings(st, self)
        tabs.addTab(self.sending, self.tr("Sending"))

        api = QWidget(self)
        form = QFormLayout(api)
        self.listen_edit = QLineEdit(st.get("api_listen", ""), self)
        self.listen_edit.setObjectName("listenEdit")
        self.listen_edit.setPlaceholderText(self.tr("as the configuration file says (127.0.0.1:9710)"))
        self.listen_edit.setToolTip(self.tr("HOST:PORT the HTTP API listens on; 0.0.0.0 makes it reachable from "
                                            "other computers"))
        self.cert_edit = QLineEdit(st.get("api_tls_cert", ""), self)
        self.cert_edit.setObjectName("certEdit")
        self.key_edit = QLineEdit(st.get("api_tls_key", ""), self)
        self.key_edit.setObjectName("keyEdit")
        self.command_check = QCheckBox(self.tr("Allow administrators to run send-server-command"), self)
        self.command_check.setObjectName("serverCommandCheck")
        self.command_check.setChecked(st["send_server_command_enabled"])
        form.addRow(self.tr("&Listen on:"), self.listen_edit)
        form.addRow(self.tr("TLS &certificate:"), self._with_browse(self.cert_edit))
        form.addRow(self.tr("TLS &key:"), self._with_browse(self.key_edit))
        form.addRow(self.command_check)
        note = QLabel(self.tr("The address and TLS files take effect the next time the console starts."), self)
        note.setWordWrap(True)
        note.setEnabled(False)
        form.addRow(note)
        tabs.addTab(api, self.tr("HTTP API"))

        users = QWidget(self)
        ul = QVBoxLayout(users)
        self._users: list = []
        self.users_table = QTableWidget(0, 4, self)
        self.users_table.setObjectName("usersTable")
        self.users_table.setHorizontalHeaderLabels([self.tr("User"), self.tr("Administrator"), self.tr("Enabled"),
                                                    self.tr("Privileges")])
        self.users_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.users_table.verticalHeader().setVisible(False)
        self.users_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.users_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.users_table.doubleClicked.connect(lambda _i: self.edit_user())
        buttons_row = QHBoxLayout()
        for text, slot in ((self.tr("Add user…"), self.add_user), (self.tr("Change…"), self.edit_user),
                           (self.tr("Remove"), self.remove_user)):
            b = QPushButton(text, self)
            b.clicked.connect(slot)
            buttons_row.addWidget(b)
        buttons_row.addStretch(1)
        ul.addWidget(self.users_table, 1)
        ul.addLayout(buttons_row)
        tabs.addTab(users, self.tr("Users"))
        self.reload_users()
        if bridge is not None:  # the list follows changes made meanwhile, here or by another console
            bridge.users_changed.connect(self.reload_users)

        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("problemLabel")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #c62828;")
        self.problem_label.hide()
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = box.button(QDialogButtonBox.StandardButton.Save)
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(tabs, 1)
        layout.addWidget(self.problem_label)
        layout.addWidget(box)
        self.tabs = tabs

    def _with_browse(self, edit: QLineEdit) -> QWidget:
        host = QWidget(self)
        row = QHBoxLayout(host)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        button = QPushButton(self.tr("Browse…"), host)
        button.clicked.connect(lambda: self._browse(edit))
        row.addWidget(button)
        edit.setPlaceholderText(self.tr("as the configuration file says"))
        return host

    def _browse(self, edit: QLineEdit) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a PEM file"), edit.text(),
                                              self.tr("PEM files (*.pem *.crt *.key);;All files (*)"))
        if path:
            edit.setText(path)

    # --- users -----------------------------------------------------------------------------

    def reload_users(self) -> None:
        run_op(self, self.engine, self.engine.users.list, on_done=self._show_users)

    def _show_users(self, users) -> None:
        chosen = self._selected_user()
        self.users_table.setRowCount(len(users))
        for r, u in enumerate(users):
            values = [u.name + (self.tr(" (configuration file)") if u.origin == "config" else ""),
                      self.tr("yes") if u.admin else "", self.tr("yes") if u.enabled else self.tr("no"),
                      self.tr("all") if u.admin else ", ".join(u.privileges)]
            for c, v in enumerate(values):
                self.users_table.setItem(r, c, QTableWidgetItem(v))
        self._users = users
        names = [u.name for u in users]
        if chosen is not None and chosen.name in names:  # the user chosen before stays chosen
            self.users_table.selectRow(names.index(chosen.name))

    def _selected_user(self):
        rows = self.users_table.selectionModel().selectedRows()
        return self._users[rows[0].row()] if rows else None

    def add_user(self) -> UserDialog:
        dialog = UserDialog(self.engine, self)
        dialog.accepted.connect(self.reload_users)
        dialog.open()
        return dialog

    def edit_user(self) -> UserDialog | None:
        user = self._selected_user()
        if user is None:
            return None
        dialog = UserDialog(self.engine, self, user=user)
        dialog.accepted.connect(self.reload_users)
        dialog.open()
        return dialog

    def remove_user(self) -> None:
        user = self._selected_user()
        if user is None:
            return
        run_op(self, self.engine, self.engine.users.remove, user.name, on_done=lambda _r: self.reload_users(),
               on_error=self._refused)

    def _refused(self, exc: Exception) -> bool:
        """A value or a change the engine refused is told under the tabs."""
        self.save_button.setEnabled(True)
        if isinstance(exc, EngineError):
            self._problem(str(exc))
            return True
        return False

    # --- saving ------------------------------------------------------------------------------

    def save(self) -> None:
        try:
            listen = check_listen(self.listen_edit.text())
        except SettingError as exc:
            self._problem(self.tr("%s. Write it as HOST:PORT, e.g. 127.0.0.1:9710.") % exc)
            return
        if bool(self.cert_edit.text().strip()) != bool(self.key_edit.text().strip()):
            self._problem(self.tr("The TLS certificate and key go together: choose both, or neither."))
            return
        values = {"default_country": self.country_edit.text().strip().lstrip("+"),
                  "notify_new_messages": self.notify_check.isChecked(),
                  "color_scheme": self.scheme_combo.currentData(), "api_listen": listen,
                  "api_tls_cert": self.cert_edit.text().strip(), "api_tls_key": self.key_edit.text().strip(),
                  "send_server_command_enabled": self.command_check.isChecked(), **self.sending.values()}
        country = values["default_country"]
        if country and not (country.isdigit() and len(country) <= 3 and country[0] != "0"):
            self._problem(self.tr("The default country is a calling code of 1 to 3 digits, such as 49 or 1."))
            return
        self.save_button.setEnabled(False)  # until the store answers
        run_op(self, self.engine, self.engine.set_settings, values, on_done=lambda _r: self._saved(values),
               on_error=self._refused, what=self.tr("Settings"))

    def _saved(self, values: dict) -> None:
        self.save_button.setEnabled(True)
        apply_scheme(QApplication.instance(), values["color_scheme"])
        if self.language_combo.isEnabled():
            QSettings().setValue(LANGUAGE_KEY, self.language_combo.currentData())
        self.accept()

    def _problem(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.show()
