"""The first-run assistant: default country, an API user (with the URL and a curl example to
copy), the first gateway, and a test message. Shown at the first start on a desktop whose store
has no default country and no API user; Help → First-run assistant shows it again."""

from __future__ import annotations

import secrets
import shlex

from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPlainTextEdit,
                               QPushButton, QRadioButton, QVBoxLayout, QWizard, QWizardPage)

from app.engine.requests import EngineError, OutboundRequest
from app.gateways.modem.discovery import list_ports
from app.sms.numbers import InvalidNumber, normalize_number

from .store_op import run_op
from .countries import CALLING_CODES, country_choices, proposed_country

DONE_KEY = "firstRun/done"
DEFAULT_API_URL = "http://127.0.0.1:9710"


async def first_run_needed(engine) -> bool:
    """A desktop that has not seen the assistant, over a store with no default country and no API user (read
    in the store lane)."""
    if QSettings().value(DONE_KEY, False, type=bool) or engine.settings.get("default_country"):
        return False
    return not await engine.in_lane(engine.users.list)


def curl_example(url: str, user: str, password: str, to: str = "+4917612345678") -> str:
    """A copy-paste request that sends one message through the console's Diafaan API."""
    q = shlex.quote
    fields = (f"username={user}", f"password={password}", f"to={to}", "message=Hello from SMS Console")
    return f"curl -sS -G {q(url + '/http/send-message')}" + "".join(
        f" \\\n  --data-urlencode {q(f)}" for f in fields)


def _note(text: str, parent) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    return label


class CountryPage(QWizardPage):
    def __init__(self, engine, parent=None):
        super().__init__(parent)
        self.setTitle(self.tr("Default country"))
        self.setSubTitle(self.tr("National numbers such as 0176 5550123 are sent with this country's code "
                                 "(+49 176 5550123). Without one they leave as typed, and most networks refuse "
                                 "them."))
        self.combo = QComboBox(self)
        self.combo.setObjectName("countryCombo")
        self.combo.addItem(self.tr("None: every number must start with + and its country code"), "")
        for label, _iso, code in country_choices():
            self.combo.addItem(label, code)
        current = engine.settings.get("default_country") or CALLING_CODES.get(proposed_country(), "")
        iso = proposed_country()
        index = next((i for i in range(self.combo.count()) if self.combo.itemData(i) == current
                      and (not iso or self.combo.itemText(i).endswith(f"(+{current})"))), 0)
        self.combo.setCurrentIndex(index)
        form = QFormLayout(self)
        form.addRow(self.tr("Country:"), self.combo)

    def code(self) -> str:
        return self.combo.currentData() or ""


class ApiPage(QWizardPage):
    def __init__(self, engine, api_url: str, parent=None):
        super().__init__(parent)
        self.api_url = api_url
        self.setTitle(self.tr("Sending from other programs"))
        self.setSubTitle(self.tr("The console serves an HTTP API at %s (the Diafaan, Retarus and HORISEN "
                                 "protocols). Programs sign in with a user of the console.") % api_url)
        self.create_check = QCheckBox(self.tr("Create an API user"), self)
        self.create_check.setObjectName("createUserCheck")
        self.create_check.setChecked(True)  # unless the store has users (read in the store lane, below)
        self.name_edit = QLineEdit("api", self)
        self.name_edit.setObjectName("apiUserEdit")
        self.password_edit = QLineEdit(secrets.token_urlsafe(12), self)
        self.password_edit.setObjectName("apiPasswordEdit")
        self.example = QPlainTextEdit(self)
        self.example.setObjectName("curlExample")
        self.example.setReadOnly(True)
        self.example.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        font = QGuiApplication.font()
        font.setFamily("monospace")
        font.setStyleHint(font.StyleHint.Monospace)
        self.example.setFont(font)
        self.example.setFixedHeight(self.example.fontMetrics().height() * 5 + 16)
        self.copy_button = QPushButton(self.tr("Copy"), self)
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.example.toPlainText()))
        form = QFormLayout(self)
        form.addRow(self.create_check)
        form.addRow(self.tr("User name:"), self.name_edit)
        form.addRow(self.tr("Password:"), self.password_edit)
        form.addRow(self.tr("Try it:"), self.example)
        copy_row = QHBoxLayout()
        copy_row.addWidget(self.copy_button)
        copy_row.addStretch(1)
        form.addRow("", copy_row)
        self.form = form
        for w in (self.name_edit, self.password_edit):
            w.textChanged.connect(self.update_example)
        self.create_check.toggled.connect(self.update_example)
        self.update_example()
        run_op(self, engine, engine.users.list, on_done=self._show_existing)

    def _show_existing(self, users) -> None:
        existing = [u.name for u in users]
        if existing:
            self.create_check.setChecked(False)
            self.form.addRow(_note(self.tr("Users of the console: %s (Settings → Users).") % ", ".join(existing),
                                   self))

    def update_example(self) -> None:
        on = self.create_check.isChecked()
        self.name_edit.setEnabled(on)
        self.password_edit.setEnabled(on)
        self.example.setPlainText(curl_example(self.api_url, self.name_edit.text().strip() or "USER",
                                               self.password_edit.text() or "PASSWORD"))

    def validatePage(self) -> bool:
        if self.create_check.isChecked() and len(self.password_edit.text()) < 8:
            self.setSubTitle(self.tr("The password needs at least 8 characters."))
            return False
        return True


SIMULATOR, MODEM, PROVIDER = range(3)


class GatewayPage(QWizardPage):
    def __init__(self, engine, parent=None):
        super().__init__(parent)
        self.setTitle(self.tr("The first gateway"))
        self.setSubTitle(self.tr("Messages leave through a gateway: a USB GSM modem, a provider, or the built-in "
                                 "simulator, which sends nothing and lets you try the console."))
        self.group = QButtonGroup(self)
        self.simulator = QRadioButton(self.tr("The built-in simulator (no hardware)"), self)
        self.modem = QRadioButton(self.tr("A modem on this machine:"), self)
        self.provider = QRadioButton(self.tr("A provider (Retarus)"), self)
        for i, b in enumerate((self.simulator, self.modem, self.provider)):
            self.group.addButton(b, i)
        self.port_combo = QComboBox(self)
        self.port_combo.setObjectName("firstModemCombo")
        for info in list_ports():
            if info.vid_pid:
                self.port_combo.addItem(" — ".join(p for p in (info.preferred, info.product) if p), info.preferred)
        found = self.port_combo.count() > 0
        if not found:
            self.port_combo.addItem(self.tr("none found (plug one in, or add it later in Gateways)"), "")
        self.modem.setEnabled(found)
        self.port_combo.setEnabled(found)
        (self.modem if found else self.simulator).setChecked(True)
        layout = QVBoxLayout(self)
        for w in (self.simulator, self.modem, self.port_combo, self.provider):
            layout.addWidget(w)
        names = ", ".join(engine.gateways) or self.tr("none")
        layout.addWidget(_note(self.tr("Gateways now: %s. More can be added in the Gateways tab.") % names, self))
        layout.addStretch(1)

    def choice(self) -> int:
        return self.group.checkedId()


class TestPage(QWizardPage):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setTitle(self.tr("A test message"))
        self.setSubTitle(self.tr("Send a short message to your own phone to see it work, or leave it out."))
        self.send_check = QCheckBox(self.tr("Send a test message to:"), self)
        self.send_check.setObjectName("sendTestCheck")
        self.number_edit = QLineEdit(self)
        self.number_edit.setObjectName("testNumberEdit")
        self.number_edit.setPlaceholderText(self.tr("your mobile number"))
        self.number_edit.textChanged.connect(lambda t: self.send_check.setChecked(bool(t.strip())))
        form = QFormLayout(self)
        form.addRow(self.send_check, self.number_edit)


class FirstRunAssistant(QWizard):
    def __init__(self, window, api_url: str = DEFAULT_API_URL):
        super().__init__(window)
        self.setObjectName("firstRunAssistant")
        self.window_ = window
        self.engine = window.engine
        self.setWindowTitle(self.tr("Set up SMS Console"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.resize(640, 460)
        self.country = CountryPage(self.engine, self)
        self.api = ApiPage(self.engine, api_url, self)
        self.gateway = GatewayPage(self.engine, self)
        self.test = TestPage(self)
        for page in (self.country, self.api, self.gateway, self.test):
            self.addPage(page)
        self.problems: list[str] = []
        self.accepted.connect(self.apply)
        self.finished.connect(lambda _r: QSettings().setValue(DONE_KEY, True))

    def apply(self) -> None:
        """Do what the pages say; what cannot be done is told in the status bar, nothing else is undone."""
        engine = self.engine
        user = (self.api.name_edit.text(), self.api.password_edit.text()) if self.api.create_check.isChecked() \
            else None
        tab = self.window_.gateways_tab
        choice = self.gateway.choice()
        simulator = choice == SIMULATOR and not any(g.kind == "simulator" or g.settings.get("port") == "simulator"
                                                    for g in engine.gateways.values())
        test = None
        number = self.test.number_edit.text().strip()
        if self.test.send_check.isChecked() and number:
            try:
                number = normalize_number(number, self.country.code() or None)
                test = OutboundRequest([number], self.tr("SMS Console test message: it works."))
            except InvalidNumber as exc:
                self.problems.append(str(exc))
        run_op(self.window_, engine, _store_choices, engine, self.country.code(), user, simulator, test,
               on_done=lambda problems: self._applied(simulator, problems), what=self.windowTitle())
        if choice == MODEM:
            dialog = tab.add_modem()
            dialog.port.setEditText(self.gateway.port_combo.currentData())
        elif choice == PROVIDER:
            tab.add_gateway("retarus")

    def _applied(self, simulator: bool, problems: list[str]) -> None:
        if simulator and "Simulator" in self.engine.gateways:
            from .tasks import spawn

            spawn(self.engine.start_gateway("Simulator"), self.window_.gateways_tab, "Start Simulator")
        self.problems += problems
        if self.problems:
            self.window_.statusBar().showMessage("; ".join(self.problems), 15000)


def _store_choices(engine, country: str, user: tuple[str, str] | None, simulator: bool,
                   test: OutboundRequest | None) -> list[str]:
    """In the store lane: what the assistant's pages chose; what was refused, in words."""
    problems = []
    engine.set_setting("default_country", country)
    if user is not None:
        try:
            engine.users.save(user[0], password=user[1], admin=False, privileges=())
        except EngineError as exc:
            problems.append(str(exc))
    if simulator:
        engine.add_gateway("Simulator", "simulator", {})
    if test is not None:
        try:
            engine.queue_messages([test], source="gui")
        except EngineError as exc:
            problems.append(str(exc))
    return problems
