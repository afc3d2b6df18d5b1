"""View → Cluster: the consoles sharing the store, and which one runs each gateway.

Shown when the store is shared (PostgreSQL). Each console with its host, state, last heartbeat, the
gateways it runs and its send rate, read every few seconds off the loop; below, the gateways with their
owners, where the owner can be changed.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QInputDialog, QLabel, QPushButton,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from app.engine.engine import Engine
from app.engine.instances import InstanceView

from .tasks import spawn

#: Seconds between two refreshes.
REFRESH_MS = 2000
# columns of the consoles' table
NAME, HOST, STATE, HEARTBEAT, GATEWAYS, RATE = range(6)
# columns of the gateways' table
G_NAME, G_KIND, G_OWNER, G_RUNNER = range(4)


class ClusterDialog(QDialog):
    def __init__(self, engine: Engine, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = engine
        self.setWindowTitle(self.tr("Cluster"))
        self.resize(760, 460)
        self.consoles = QTableWidget(0, 6, self)
        self.consoles.setHorizontalHeaderLabels([self.tr("Console"), self.tr("Host"), self.tr("State"),
                                                 self.tr("Heartbeat"), self.tr("Gateways"), self.tr("Send rate")])
        self.gateways = QTableWidget(0, 4, self)
        self.gateways.setHorizontalHeaderLabels([self.tr("Gateway"), self.tr("Kind"), self.tr("Owner"),
                                                 self.tr("Runs on")])
        for table in (self.consoles, self.gateways):
            table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
            table.horizontalHeader().setStretchLastSection(True)
            table.verticalHeader().hide()
        self.change_owner_button = QPushButton(self.tr("Change &owner…"), self)
        self.change_owner_button.clicked.connect(self.change_owner)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Consoles sharing the store %1").replace("%1", engine.db.display_url)))
        layout.addWidget(self.consoles)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Gateways and the console that runs each")))
        row.addStretch()
        row.addWidget(self.change_owner_button)
        layout.addLayout(row)
        layout.addWidget(self.gateways)
        layout.addWidget(buttons)
        self.views: list[InstanceView] = []
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._refresh_soon)
        self.finished.connect(self.timer.stop)
        self.timer.start()
        self._refreshing: asyncio.Task | None = None
        self._refresh_soon()

    def _refresh_soon(self) -> None:
        if self._refreshing is None or self._refreshing.done():
            self._refreshing = spawn(self.refresh(), self, self.tr("Read the consoles"))

    async def refresh(self) -> None:
        """Read the consoles from the store (in the store lane) and show them with the gateways."""
        views = await asyncio.get_running_loop().run_in_executor(self.engine.store_lane,
                                                                 self.engine.cluster.instances)
        self.views = views
        self.consoles.setRowCount(len(views))
        states = {"running": self.tr("running"), "stopped": self.tr("stopped"), "gone": self.tr("gone")}
        for i, v in enumerate(views):
            me = v.name == self.engine.instance_id
            beat = "" if v.heartbeat_age is None else self.tr("%1 s ago").replace("%1", f"{max(v.heartbeat_age, 0):.0f}")
            cells = [v.name + (self.tr(" (this console)") if me else ""), v.host, states.get(v.state, v.state), beat,
                     ", ".join(v.gateways), f"{v.send_rate:.1f} msg/s"]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col in (HEARTBEAT, RATE):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.consoles.setItem(i, col, item)
        self._fill_gateways()

    def _fill_gateways(self) -> None:
        owners = self.engine.cluster.owners
        gateways = list(self.engine.gateways.values())
        selected = self.selected_gateway()
        self.gateways.setRowCount(len(gateways))
        for i, gw in enumerate(gateways):
            owner = gw.settings.get("owner", "") or self.tr("any console")
            runner = owners.runners.get(gw.name, "")
            cells = [gw.name, gw.kind, owner, runner or self.tr("no console")]
            for col, text in enumerate(cells):
                self.gateways.setItem(i, col, QTableWidgetItem(text))
            if gw.name == selected:
                self.gateways.selectRow(i)

    def selected_gateway(self) -> str | None:
        rows = self.gateways.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.gateways.item(rows[0].row(), G_NAME)
        return item.text() if item else None

    def change_owner(self) -> asyncio.Task | None:
        """Ask for the console to run the selected gateway; returns the change under way (None: none)."""
        name = self.selected_gateway()
        if name is None:
            return None
        anyone = self.tr("(any console, one at a time)")
        choices = [anyone] + sorted({v.name for v in self.views} | {self.engine.instance_id})
        current = self.engine.gateways[name].settings.get("owner", "") or anyone
        owner, ok = QInputDialog.getItem(self, self.tr("Owner of %1").replace("%1", name),
                                         self.tr("Console that runs gateway %1:").replace("%1", name), choices,
                                         choices.index(current) if current in choices else 0, True)
        if not ok:
            return None
        owner = "" if owner == anyone else owner.strip()
        return spawn(self._set_owner(name, owner), self, self.tr("Change the owner of %1").replace("%1", name))

    async def _set_owner(self, name: str, owner: str) -> None:
        await self.engine.cluster.owners.set_owner(name, owner)
        await self.refresh()
