"""The Sessions tab: API clients connected to the console (customer sessions)
and the console's own gateway connections (supplier sessions)."""

from __future__ import annotations

import time

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QGroupBox, QHeaderView, QTableView, QVBoxLayout, QWidget

from .engine_bridge import EngineBridge


def _when(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else ""


class _ListModel(QAbstractTableModel):
    headers: list[str] = []

    def __init__(self, bridge: EngineBridge, parent=None):
        super().__init__(parent)
        self.engine = bridge.engine
        self._rows: list[list] = []
        bridge.sessions_changed.connect(self.reload)
        bridge.gateway_state_changed.connect(lambda _v: self.reload())
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = self.load()
        self.endResetModel()

    def load(self) -> list[list]:
        raise NotImplementedError

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if index.isValid() and role == Qt.ItemDataRole.DisplayRole:
            return str(self._rows[index.row()][index.column()])
        return None


class CustomerSessionModel(_ListModel):
    def __init__(self, bridge, parent=None):
        self.headers = [self.tr("Session"), self.tr("User"), self.tr("Address"), self.tr("Protocol"),
                        self.tr("Started"), self.tr("Last request"), self.tr("Blocked")]
        super().__init__(bridge, parent)

    def load(self):
        return [[s.session_id, s.user, s.ip, s.protocol, _when(s.started), _when(s.last_tick),
                 self.tr("yes") if s.blocked else ""]
                for s in self.engine.sessions.customers.values()]


class SupplierSessionModel(_ListModel):
    def __init__(self, bridge, parent=None):
        self.headers = [self.tr("Session"), self.tr("Gateway"), self.tr("Kind"), self.tr("Status"),
                        self.tr("Connection"), self.tr("Started"), self.tr("Last activity")]
        super().__init__(bridge, parent)

    def load(self):
        out = []
        for s in self.engine.sessions.suppliers():
            where = s.device or (f"{s.remote_host}:{s.remote_port}" if s.remote_host else "")
            out.append([s.session_id, s.gateway, s.kind, s.status, where, _when(s.started), _when(s.last_tick)])
        return out


class SessionsTab(QWidget):
    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None):
        super().__init__(parent)
        self.customer_model = CustomerSessionModel(bridge, self)
        self.supplier_model = SupplierSessionModel(bridge, self)
        layout = QVBoxLayout(self)
        for title, model, name in ((self.tr("Customer sessions (API clients)"), self.customer_model,
                                    "customerSessionsView"),
                                   (self.tr("Supplier sessions (gateway connections)"), self.supplier_model,
                                    "supplierSessionsView")):
            box = QGroupBox(title, self)
            view = QTableView(box)
            view.setObjectName(name)
            view.setModel(model)
            view.verticalHeader().setVisible(False)
            view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
            inner = QVBoxLayout(box)
            inner.addWidget(view)
            layout.addWidget(box)
