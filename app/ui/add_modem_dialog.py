"""The Add modem dialog: pick a serial port, probe it, name the gateway, optional PIN.

It uses the same discovery as ``smsconsole ports``; probing runs on the event
loop (non-blocking) and changes no modem setting.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit,
                               QPushButton, QVBoxLayout, QWidget)

from app.engine.engine import Engine
from app.engine.requests import EngineError
from app.gateways.modem.discovery import ProbeResult, list_ports, probe

from .store_op import run_op
from .tasks import spawn

BAUDRATES = (9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600)


class AddModemDialog(QDialog):
    """Declares a ``modem`` gateway and starts it."""

    #: Emitted with the result of each probe.
    probed = Signal(object)
    #: Emitted with the new gateway's name once it is declared.
    gateway_added = Signal(str)

    def __init__(self, engine: Engine, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = engine
        self.setWindowTitle(self.tr("Add modem"))
        self.setMinimumWidth(520)
        self._probe_task: asyncio.Task | None = None

        self.port = QComboBox(self)
        self.port.setObjectName("port")
        self.port.setEditable(True)
        self.port.lineEdit().setPlaceholderText(self.tr("/dev/serial/by-id/... or /dev/ttyUSB0"))
        self.refresh_button = QPushButton(self.tr("Refresh"), self)
        self.refresh_button.clicked.connect(self.refresh)
        self.probe_button = QPushButton(self.tr("Probe"), self)
        self.probe_button.setObjectName("probe")
        self.probe_button.clicked.connect(self.start_probe)
        row = QHBoxLayout()
        row.addWidget(self.port, 1)
        row.addWidget(self.refresh_button)
        row.addWidget(self.probe_button)

        self.probe_label = QLabel(self.tr("Pick a port and probe it to see which modem answers."), self)
        self.probe_label.setObjectName("probeResult")
        self.probe_label.setWordWrap(True)
        self.name = QLineEdit(self)
        self.name.setObjectName("name")
        self.name.setPlaceholderText(self.tr("e.g. Modem 1"))
        self.pin = QLineEdit(self)
        self.pin.setObjectName("pin")
        self.pin.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin.setPlaceholderText(self.tr("only if the SIM asks for one"))
        self.baudrate = QComboBox(self)
        for rate in BAUDRATES:
            self.baudrate.addItem(str(rate), rate)
        self.baudrate.setCurrentIndex(BAUDRATES.index(115200))
        self.error = QLabel(self)
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020")

        form = QFormLayout()
        form.addRow(self.tr("Port:"), row)
        form.addRow("", self.probe_label)
        form.addRow(self.tr("Name:"), self.name)
        form.addRow(self.tr("SIM PIN:"), self.pin)
        form.addRow(self.tr("Speed (baud):"), self.baudrate)
        hint = QLabel(self.tr("On Linux the user needs the dialout group, and ModemManager must leave the port "
                              "alone (udev: ENV{ID_MM_DEVICE_IGNORE}=\"1\")."), self)
        hint.setWordWrap(True)
        hint.setEnabled(False)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel,
                                        self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Add and start"))
        self.buttons.accepted.connect(self.add)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.refresh()

    def refresh(self) -> None:
        """Fill the port list from the machine's serial ports (USB modems first)."""
        current = self.port.currentText()
        self.port.clear()
        for info in list_ports():
            label = " — ".join(p for p in (info.preferred, info.product or info.description, info.vid_pid)
                               if p and p != "n/a")
            self.port.addItem(label, info.preferred)
        self.port.setEditText(current or (self.port.itemData(0) or ""))

    def port_path(self) -> str:
        text = self.port.currentText().strip()
        index = self.port.findText(text)
        return (self.port.itemData(index) if index >= 0 else None) or text

    def start_probe(self) -> None:
        path = self.port_path()
        if not path:
            self.probe_label.setText(self.tr("Enter or pick a port first."))
            return
        self.probe_button.setEnabled(False)
        self.probe_label.setText(self.tr("Asking %s …") % path)
        self._probe_task = spawn(probe(path, int(self.baudrate.currentData())), self, self.tr("Probe"))
        self._probe_task.add_done_callback(self._probe_done)

    def _probe_done(self, task: asyncio.Task) -> None:
        self.probe_button.setEnabled(True)
        if task.cancelled() or task.exception() is not None:
            return
        result: ProbeResult = task.result()
        if result.answers:
            self.probe_label.setText(self.tr("Modem found: %s") % result.summary
                                     + (f" (IMEI {result.imei})" if result.imei else ""))
            if not self.name.text().strip():
                self.name.setText(result.model or result.manufacturer or "Modem")
        else:
            self.probe_label.setText(self.tr("No modem: %s") % result.problem)
        self.probed.emit(result)

    def add(self) -> None:
        """Declare the gateway; a refusal is shown in words and the dialog stays open."""
        settings = {"port": self.port_path(), "baudrate": int(self.baudrate.currentData())}
        if self.pin.text():
            settings["pin"] = self.pin.text()
        if not settings["port"]:
            self.error.setText(self.tr("Choose the modem's port."))
            return
        name = self.name.text().strip()

        def refused(exc: Exception) -> bool:
            if isinstance(exc, EngineError):
                self.error.setText(str(exc))
                return True
            return False

        run_op(self, self.engine, self.engine.add_gateway, name, "modem", settings,
               on_done=lambda _r: self._added(name), on_error=refused, what=self.tr("Add %s") % name)

    def _added(self, name: str) -> None:
        if self.engine.started:
            spawn(self.engine.start_gateway(name), self.parent(), self.tr("Start %s") % name)
        self.gateway_added.emit(name)
        self.accept()
