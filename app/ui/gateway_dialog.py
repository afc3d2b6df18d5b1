"""Add or change a gateway: a form built from the settings its kind declares.

A provider's password goes to the platform keyring, not into the store; a
modem's SIM PIN stays with the gateway's settings, as the Add modem dialog
keeps it. A gateway declared in the configuration file is shown read-only,
with a note: the file wins each time the console starts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLocale
from shiboken6 import isValid
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QHBoxLayout, QLabel,
                               QLineEdit, QPushButton, QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from app.gateways.modem import profiles
from app.gateways.modem.discovery import list_ports
from app.gateways.registry import gateway_class
from app.settings import Setting, SettingError

from .discard_guard import DiscardGuard

#: Kinds this dialog adds (modems have their own dialog with port discovery).
KIND_TITLES = {"simulator": QT_TRANSLATE_NOOP("GatewayKinds", "Simulator"),
               "retarus": QT_TRANSLATE_NOOP("GatewayKinds", "Retarus provider"),
               "smpp": QT_TRANSLATE_NOOP("GatewayKinds", "SMPP provider")}
#: Kinds this dialog changes.
EDIT_TITLES = {**KIND_TITLES, "modem": QT_TRANSLATE_NOOP("GatewayKinds", "Modem")}


def kind_title(kind: str) -> str:
    """A gateway kind in the operator's words and language."""
    return QCoreApplication.translate("GatewayKinds", EDIT_TITLES[kind]) if kind in EDIT_TITLES else kind
#: Secret settings kept in the platform keyring; the others (a SIM PIN) are stored with the gateway.
KEYRING_SECRETS = ("password",)
_HIDDEN = ("name", "kind", "window")
#: Hidden settings a kind shows all the same (an SMPP provider's window is part of its contract).
_SHOWN = {"smpp": ("window",)}
#: Values proposed for a new gateway of a kind, where its own default is empty.
PROPOSED = {"retarus": {"url": "https://sms4a.de2.retarus.com/rest/v1"}}
#: Where each kind's own choices are shown in words.
_CHOICES = {
    "bind_mode": {"transceiver": QT_TRANSLATE_NOOP("GatewayDialog", "one transceiver bind"),
                  "transmitter+receiver": QT_TRANSLATE_NOOP("GatewayDialog", "a transmitter and a receiver bind")},
    "data_coding": {0: QT_TRANSLATE_NOOP("GatewayDialog", "0 — SMSC default alphabet (GSM)"),
                    1: QT_TRANSLATE_NOOP("GatewayDialog", "1 — IA5 (ASCII)"),
                    3: QT_TRANSLATE_NOOP("GatewayDialog", "3 — Latin-1")},
    "long_messages": {"udh": QT_TRANSLATE_NOOP("GatewayDialog", "parts with a concatenation header (UDH)"),
                      "sar": QT_TRANSLATE_NOOP("GatewayDialog", "parts with SAR options"),
                      "payload": QT_TRANSLATE_NOOP("GatewayDialog", "whole, in message_payload")},
}
#: Units of numeric settings, shown after the number.
_UNITS = {"timeout": QT_TRANSLATE_NOOP("GatewayDialog", " s"), "backoff": QT_TRANSLATE_NOOP("GatewayDialog", " s"),
          "backoff_max": QT_TRANSLATE_NOOP("GatewayDialog", " s"),
          "poll_interval": QT_TRANSLATE_NOOP("GatewayDialog", " s"),
          "poll_max_interval": QT_TRANSLATE_NOOP("GatewayDialog", " s"),
          "status_max_age": QT_TRANSLATE_NOOP("GatewayDialog", " h"),
          "send_delay": QT_TRANSLATE_NOOP("GatewayDialog", " s"),
          "report_delay": QT_TRANSLATE_NOOP("GatewayDialog", " s"),
          "sim_send_delay": QT_TRANSLATE_NOOP("GatewayDialog", " s"),
          "command_timeout": QT_TRANSLATE_NOOP("GatewayDialog", " s"),
          "send_timeout": QT_TRANSLATE_NOOP("GatewayDialog", " s"),
          "enquire_link_interval": QT_TRANSLATE_NOOP("GatewayDialog", " s"),
          "reconnect_backoff": QT_TRANSLATE_NOOP("GatewayDialog", " s"),
          "reconnect_backoff_max": QT_TRANSLATE_NOOP("GatewayDialog", " s"),
          "throttle_backoff": QT_TRANSLATE_NOOP("GatewayDialog", " s"),
          "duplicate_window": QT_TRANSLATE_NOOP("GatewayDialog", " s"),
          "messages_per_second": QT_TRANSLATE_NOOP("GatewayDialog", " /s")}


class NumberBox(QDoubleSpinBox):
    """A decimal number shown as briefly as it is (30, not 30.000), with its unit."""

    def textFromValue(self, value: float) -> str:
        return QLocale().toString(value, "g", 12)


class PortCombo(QComboBox):
    """A modem's serial port: the ports found on this machine, or any path typed in."""

    def __init__(self, value: str, parent: QWidget):
        super().__init__(parent)
        self.setEditable(True)
        for info in list_ports():
            label = " — ".join(p for p in (info.preferred, info.product or info.description) if p and p != "n/a")
            self.addItem(label, info.preferred)
        self.setEditText(value)

    def value(self) -> str:
        text = self.currentText().strip()
        index = self.findText(text)
        return (self.itemData(index) if index >= 0 else None) or text


#: Field labels of the settings whose names read badly as words; the others are their names, capitalised.
_LABELS = {
    "baudrate": QT_TRANSLATE_NOOP("GatewayDialog", "Speed (baud)"),
    "pin": QT_TRANSLATE_NOOP("GatewayDialog", "SIM PIN"),
    "per_minute": QT_TRANSLATE_NOOP("GatewayDialog", "Most per minute"),
    "per_day": QT_TRANSLATE_NOOP("GatewayDialog", "Most per day"),
    "number": QT_TRANSLATE_NOOP("GatewayDialog", "Own number"),
    "smsc": QT_TRANSLATE_NOOP("GatewayDialog", "Service centre (SMSC)"),
    "storage": QT_TRANSLATE_NOOP("GatewayDialog", "Message storage"),
    "cnmi": QT_TRANSLATE_NOOP("GatewayDialog", "AT+CNMI parameters"),
    "profile": QT_TRANSLATE_NOOP("GatewayDialog", "Modem profile"),
    "url": QT_TRANSLATE_NOOP("GatewayDialog", "URL"),
    "secondary_url": QT_TRANSLATE_NOOP("GatewayDialog", "Second URL"),
    "password_env": QT_TRANSLATE_NOOP("GatewayDialog", "Password variable"),
    "credentials_file": QT_TRANSLATE_NOOP("GatewayDialog", "Secrets file"),
    "verify_tls": QT_TRANSLATE_NOOP("GatewayDialog", "Check TLS certificate"),
    "sim_send_delay": QT_TRANSLATE_NOOP("GatewayDialog", "Simulator send delay"),
    "tls": QT_TRANSLATE_NOOP("GatewayDialog", "TLS"),
    "system_id": QT_TRANSLATE_NOOP("GatewayDialog", "System ID"),
    "system_type": QT_TRANSLATE_NOOP("GatewayDialog", "System type"),
    "bind_mode": QT_TRANSLATE_NOOP("GatewayDialog", "Bind"),
    "source_ton": QT_TRANSLATE_NOOP("GatewayDialog", "Sender TON (-1: automatic)"),
    "source_npi": QT_TRANSLATE_NOOP("GatewayDialog", "Sender NPI (-1: automatic)"),
    "dest_ton": QT_TRANSLATE_NOOP("GatewayDialog", "Recipient TON (-1: automatic)"),
    "dest_npi": QT_TRANSLATE_NOOP("GatewayDialog", "Recipient NPI (-1: automatic)"),
    "data_coding": QT_TRANSLATE_NOOP("GatewayDialog", "Default data_coding"),
    "long_messages": QT_TRANSLATE_NOOP("GatewayDialog", "Long messages"),
    "window": QT_TRANSLATE_NOOP("GatewayDialog", "Window"),
    "messages_per_second": QT_TRANSLATE_NOOP("GatewayDialog", "Most per second (0: no limit)"),
    "enquire_link_interval": QT_TRANSLATE_NOOP("GatewayDialog", "enquire_link interval"),
    "timeout": QT_TRANSLATE_NOOP("GatewayDialog", "Timeout"),
    "reconnect_backoff": QT_TRANSLATE_NOOP("GatewayDialog", "Reconnect after"),
    "reconnect_backoff_max": QT_TRANSLATE_NOOP("GatewayDialog", "Reconnect after at most"),
    "throttle_backoff": QT_TRANSLATE_NOOP("GatewayDialog", "Pause when throttled"),
    "status_max_age": QT_TRANSLATE_NOOP("GatewayDialog", "Match receipts for"),
    "outbind_listen": QT_TRANSLATE_NOOP("GatewayDialog", "Await outbind at (host:port)"),
    "outbind_system_id": QT_TRANSLATE_NOOP("GatewayDialog", "Outbind system ID"),
    "duplicate_window": QT_TRANSLATE_NOOP("GatewayDialog", "Recognise resent messages for"),
}


def _label(setting: Setting) -> str:
    if setting.name in _LABELS:
        return QCoreApplication.translate("GatewayDialog", _LABELS[setting.name])
    return setting.name.replace("_", " ").capitalize()


def _editor(kind: str, setting: Setting, value: Any, parent: QWidget) -> QWidget:
    if kind == "modem" and setting.name == "port":
        w = PortCombo(str(value or ""), parent)
    elif kind == "modem" and setting.name == "profile":
        w = _profile_combo(setting, value, parent)
    elif setting.choices:
        w = QComboBox(parent)
        words = _CHOICES.get(setting.name, {})
        for c in setting.choices:
            w.addItem(QCoreApplication.translate("GatewayDialog", words[c]) if c in words else str(c), c)
        w.setCurrentIndex(max(0, w.findData(value)))
    elif setting.type is bool:
        w = QCheckBox(parent)
        w.setChecked(bool(value))
    elif setting.type is int:
        w = QSpinBox(parent)
        if setting.name in _UNITS:
            w.setSuffix(QCoreApplication.translate("GatewayDialog", _UNITS[setting.name]))
        w.setRange(int(setting.minimum if setting.minimum is not None else -2**31),
                   int(min(setting.maximum if setting.maximum is not None else 2**31 - 1, 2**31 - 1)))
        w.setValue(int(value))
    elif setting.type is float:
        w = NumberBox(parent)
        w.setDecimals(3)
        if setting.name in _UNITS:
            w.setSuffix(QCoreApplication.translate("GatewayDialog", _UNITS[setting.name]))
        w.setRange(setting.minimum if setting.minimum is not None else -1e9,
                   setting.maximum if setting.maximum is not None else 1e9)
        w.setValue(float(value))
    else:
        w = QLineEdit("; ".join(value) if isinstance(value, list) else str(value or ""), parent)
        if setting.secret:
            w.setEchoMode(QLineEdit.EchoMode.Password)
    w.setToolTip(setting.description)
    return w


def _profile_combo(setting: Setting, value: Any, parent: QWidget) -> QComboBox:
    """The modem families by name and title; "auto" detects the family when the modem starts."""
    w = QComboBox(parent)
    for name in setting.choices:
        title = (QCoreApplication.translate("GatewayDialog", "detect from the modem's identity")
                 if name == profiles.AUTO else profiles.get(name).title)
        w.addItem(f"{name} — {title}", name)
    w.setCurrentIndex(max(0, w.findData(value)))
    return w


def _value(setting: Setting, w: QWidget) -> Any:
    if isinstance(w, PortCombo):
        return w.value()
    if isinstance(w, QComboBox):
        return w.currentData()
    if isinstance(w, QCheckBox):
        return w.isChecked()
    if isinstance(w, (QSpinBox, QDoubleSpinBox)):
        return w.value()
    return setting.parse_text(w.text()) if setting.type is not str else w.text().strip()


def as_text(value: Any) -> str:
    """A value in the form ``Setting.parse_text`` reads."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ";".join(map(str, value))
    return str(value)


class GatewayDialog(QDialog):
    def __init__(self, kind: str, parent: QWidget | None = None, *, name: str = "",
                 values: dict[str, Any] | None = None, taken: set[str] = frozenset(), read_only_note: str = "",
                 save: Callable[["GatewayDialog"], str | None | asyncio.Future] | None = None):
        """``read_only_note``: show the settings without changing them, and say why.

        ``save`` stores what was entered and returns None, or a problem in words (or a future of either, for
        what is stored in the store lane): then the dialog stays open with every field as typed, says what
        went wrong and offers the fallback."""
        super().__init__(parent)
        self.kind = kind
        self.editing = bool(name)
        self.read_only = bool(read_only_note)
        self.taken = taken
        self.save = save
        #: Where a password goes: the platform keyring, or (the fallback the operator chose) the secrets file.
        self.password_store = "keyring"
        self.group = gateway_class(kind).setting_group()
        values = {**self.group.defaults(), **({} if name else PROPOSED.get(kind, {})), **(values or {})}
        title = kind_title(kind)
        if self.read_only:
            self.setWindowTitle(self.tr("Gateway %s") % name)
        else:
            self.setWindowTitle(self.tr("Change gateway %s") % name if name else self.tr("Add %s") % title)
        self.resize(560, 560)
        self.name_edit = QLineEdit(name, self)
        self.name_edit.setObjectName("gatewayNameEdit")
        self.name_edit.setReadOnly(self.editing)
        self.name_edit.setEnabled(not self.read_only)
        self.name_edit.setPlaceholderText(self.tr("A unique name, e.g. Retarus or Office modem"))
        self.editors: dict[str, QWidget] = {}
        form_host = QWidget(self)
        form = QFormLayout(form_host)
        form.addRow(self.tr("Name:"), self.name_edit)
        for s in self.group:
            if s.name in _HIDDEN and s.name not in _SHOWN.get(kind, ()):
                continue
            w = _editor(kind, s, "" if s.secret else values.get(s.name, s.default), form_host)
            w.setObjectName(f"setting_{s.name}")
            w.setEnabled(not self.read_only)
            label = _label(s) + ("*" if s.required else "")
            if s.secret:
                if s.name in KEYRING_SECRETS:
                    label += self.tr(" (kept in the keyring)")
                w.setPlaceholderText(self.tr("unchanged") if self.editing else "")
            self.editors[s.name] = w
            form.addRow(label + ":", w)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(form_host)
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("problemLabel")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #c62828;")
        self.problem_label.hide()
        from app.gateways.credentials import default_secrets_file

        self.fallback_button = QPushButton(self.tr("Keep the password in the secrets file"), self)
        self.fallback_button.setObjectName("secretsFileButton")
        self.fallback_button.setToolTip(self.tr("Write it to %s, readable by you only, and save the gateway")
                                        % default_secrets_file())
        self.fallback_button.setAutoDefault(False)
        self.fallback_button.clicked.connect(self.save_to_secrets_file)
        self.fallback_button.hide()
        self.note_label = QLabel(read_only_note, self)
        self.note_label.setObjectName("readOnlyNote")
        self.note_label.setWordWrap(True)
        self.note_label.setVisible(self.read_only)
        if self.read_only:
            buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
            self.save_button = None
        else:
            buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                       self)
            self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
            buttons.accepted.connect(self.check_and_accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note_label)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problem_label)
        fallback_row = QHBoxLayout()
        fallback_row.addWidget(self.fallback_button)
        fallback_row.addStretch(1)
        layout.addLayout(fallback_row)
        layout.addWidget(buttons)
        self.settings: dict[str, Any] = {}
        self.secrets: dict[str, str] = {}
        self._initial = self._typed()
        self.guard = DiscardGuard(self, lambda: not self.read_only and self._typed() != self._initial,
                                  self.tr("this gateway's settings"))

    def _typed(self) -> tuple:
        return (self.name_edit.text(),) + tuple(
            repr(_value(self.group[k], w)) if not isinstance(w, QLineEdit) else w.text()
            for k, w in self.editors.items())

    def reject(self) -> None:
        self.guard.reject()

    def save_to_secrets_file(self) -> None:
        """The fallback where no keyring exists: the password goes to the secrets file."""
        self.password_store = "file"
        self.check_and_accept()

    def keyring_failed(self, reason: str) -> str:
        """The problem text when the keyring refused the password; shows the fallback button."""
        from app.gateways.credentials import default_secrets_file

        self.fallback_button.show()
        return self.tr("The password could not be kept in the keyring: %s.\nNothing you typed is lost. Keep "
                       "the password in the secrets file %s (readable by you only), or clear Password and "
                       "name an environment variable that holds it in \"Password variable\", then save.") % (
            reason, default_secrets_file())

    def check_and_accept(self) -> None:
        """Validate against the kind's declared settings; say what is wrong, in words."""
        name = self.name_edit.text().strip()
        if not name:
            return self._problem(self.tr("Give the gateway a name."))
        if not self.editing and name in self.taken:
            return self._problem(self.tr("A gateway named %s exists already; choose another name.") % name)
        settings, secrets = {}, {}
        for key, w in self.editors.items():
            s = self.group[key]
            try:
                value = _value(s, w)
                if s.required and value in (None, ""):
                    return self._problem(self.tr("%s is needed: %s") % (_label(s), s.description), w)
                if s.secret and (s.name in KEYRING_SECRETS or not value):
                    if value:
                        secrets[key] = value
                    continue  # empty: unchanged
                settings[key] = s.check(value)
            except SettingError as exc:
                return self._problem(self.tr("%s: %s.\nCorrect it and save again.") % (_label(s), exc), w)
        try:
            self.group.validate({**settings, "name": name, "kind": self.kind})
        except SettingError as exc:
            return self._problem(self.tr("%s\nCorrect it and save again.") % exc)
        self.settings, self.secrets = settings, secrets
        if self.save is not None:
            problem = self.save(self)
            if isinstance(problem, asyncio.Future):
                if self.save_button is not None:
                    self.save_button.setEnabled(False)  # until the store answers
                problem.add_done_callback(lambda f: isValid(self) and not f.cancelled() and self._saved(f.result()))
                return None
            if problem:
                return self._problem(problem)
        self.accept()

    def _saved(self, problem: str | None) -> None:
        if self.save_button is not None:
            self.save_button.setEnabled(True)
        if problem:
            self._problem(problem)
        else:
            self.accept()

    def name(self) -> str:
        return self.name_edit.text().strip()

    def _problem(self, text: str, field: QWidget | None = None) -> None:
        self.problem_label.setText(text)
        self.problem_label.show()
        if field is not None:
            field.setFocus()
