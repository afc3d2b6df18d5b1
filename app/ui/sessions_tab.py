"""The Sessions tab: API clients connected to the console (customer sessions)
and the console's own gateway connections (supplier sessions), live, each
with a filter box; Stop and Unblock for customers, Restart for suppliers.

The buttons call the same engine operations as the HORISEN session manager
API (``sessions.stop_customer``, ``sessions.unblock``, ``restart_gateway``).
A user stopped by the operator stays listed (state "stopped") until
unblocked, so it can be selected and unblocked.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QAbstractItemView, QGroupBox, QHeaderView, QLineEdit, QTableView, QToolBar,
                               QVBoxLayout, QWidget)

from .engine_bridge import EngineBridge
from .tasks import spawn

C_SESSION, C_USER, C_ADDRESS, C_PROTOCOL, C_MODE, C_STARTED, C_LAST, C_STATE = range(8)
S_SESSION, S_GATEWAY, S_KIND, S_STATUS, S_CONNECTION, S_STARTED, S_LAST = range(7)
SORT_ROLE = Qt.ItemDataRole.UserRole
#: How often the visible tab refreshes last-request times.
REFRESH_MS = 5000


def _when(ts: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(ts)) if ts else ""


class _ListModel(QAbstractTableModel):
    """Rows of display values, each with a key (user or gateway name) the buttons act on."""

    headers: list[str] = []

    def __init__(self, bridge: EngineBridge, parent=None):
        super().__init__(parent)
        self.engine = bridge.engine
        self._rows: list[tuple[str, list]] = []
        bridge.sessions_changed.connect(self.reload)
        bridge.gateway_state_changed.connect(self._gateway_changed)  # a method: let go when the model goes
        bridge.gateways_changed.connect(self.reload)
        self.reload()

    def _gateway_changed(self, _view) -> None:
        self.reload()

    def reload(self) -> None:
        rows = self.load()
        if [r[1][0] for r in rows] == [r[1][0] for r in self._rows] and rows:
            # same sessions: refresh the cells in place, so the selection stays
            self._rows = rows
            self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(self.headers) - 1))
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def load(self) -> list[tuple[str, list]]:
        raise NotImplementedError

    def key_at(self, row: int) -> str:
        return self._rows[row][0]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        value = self._rows[index.row()][1][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(value)
        if role == SORT_ROLE:  # numbers in numeric order
            return f"{value:012d}" if isinstance(value, int) else str(value)
        return None


class CustomerSessionModel(_ListModel):
    def __init__(self, bridge, parent=None):
        self.headers = [self.tr("Session"), self.tr("User"), self.tr("Address"), self.tr("Protocol"),
                        self.tr("Mode"), self.tr("Started"), self.tr("Last request"), self.tr("State")]
        #: An SMPP bind's mode, in the window's language (empty for HTTP sessions).
        self.modes = {"transmitter": self.tr("transmitter"), "receiver": self.tr("receiver"),
                      "transceiver": self.tr("transceiver")}
        super().__init__(bridge, parent)

    def load(self):
        sessions = self.engine.sessions
        sessions.expire_idle()
        rows = [(s.user, [s.session_id, s.user, s.ip, s.protocol, self.modes.get(s.mode, s.mode), _when(s.started),
                          _when(s.last_tick),
                          self.tr("stopped") if s.blocked or s.user in sessions.blocked_users
                          else self.tr("closed") if s.state == "closed" else s.state])
                for s in sessions.customers.values()]
        listed = {key for key, _ in rows}
        rows += [(user, ["", user, "", "", "", "", "", self.tr("stopped")])
                 for user in sorted(sessions.blocked_users - listed)]
        return rows


class SupplierSessionModel(_ListModel):
    def __init__(self, bridge, parent=None):
        self.headers = [self.tr("Session"), self.tr("Gateway"), self.tr("Kind"), self.tr("Status"),
                        self.tr("Connection"), self.tr("Started"), self.tr("Last activity")]
        super().__init__(bridge, parent)

    def load(self):
        out = []
        for s in self.engine.sessions.suppliers():
            where = s.device or (f"{s.remote_host}:{s.remote_port}" if s.remote_host else "")
            if s.mode:
                where += f" ({s.mode})"
            out.append((s.gateway, [s.session_id, s.gateway, s.kind, s.status, where, _when(s.started),
                                    _when(s.last_tick)]))
        return out


class _SessionTable(QGroupBox):
    """A titled table with a tool bar and a filter box over a session model."""

    def __init__(self, title: str, model: _ListModel, name: str, parent: QWidget):
        super().__init__(title, parent)
        self.model = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setSortRole(SORT_ROLE)
        self.filter = QLineEdit(self)
        self.filter.setObjectName(name + "Filter")
        self.filter.setPlaceholderText(self.tr("Filter: any column contains…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = QTableView(self)
        self.view.setObjectName(name)
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.bar = QToolBar(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self.bar)
        layout.addWidget(self.filter)
        layout.addWidget(self.view)

    def add_action(self, text: str, tip: str, slot) -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        action.triggered.connect(slot)
        self.bar.addAction(action)
        return action

    def selected_keys(self) -> list[str]:
        rows = sorted({self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()})
        return list(dict.fromkeys(self.model.key_at(r) for r in rows))


class SessionsTab(QWidget):
    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = bridge.engine
        self.customer_model = CustomerSessionModel(bridge, self)
        self.supplier_model = SupplierSessionModel(bridge, self)
        self.customers = _SessionTable(self.tr("Customer sessions (API clients)"), self.customer_model,
                                       "customerSessionsView", self)
        self.suppliers = _SessionTable(self.tr("Supplier sessions (gateway connections)"), self.supplier_model,
                                       "supplierSessionsView", self)
        self.stop_action = self.customers.add_action(
            self.tr("Stop"), self.tr("End the selected clients' sessions and refuse them until unblocked"),
            self.stop_selected)
        self.unblock_action = self.customers.add_action(
            self.tr("Unblock"), self.tr("Let the selected stopped clients connect again"), self.unblock_selected)
        self.restart_action = self.suppliers.add_action(
            self.tr("Restart"), self.tr("Stop and start the selected gateways"), self.restart_selected)
        layout = QVBoxLayout(self)
        layout.addWidget(self.customers)
        layout.addWidget(self.suppliers)
        # requests tick sessions without an event each time; show their last request while visible
        self._refresh = QTimer(self)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self._tick)
        self._refresh.start()

    def _tick(self) -> None:
        if self.isVisible():
            self.customer_model.reload()
            self.supplier_model.reload()

    def stop_selected(self) -> None:
        for user in self.customers.selected_keys():
            spawn(self.engine.sessions.stop_customer_async(user), self, self.tr("Stop {0}").format(user))

    def unblock_selected(self) -> None:
        for user in self.customers.selected_keys():
            spawn(self.engine.sessions.unblock_async(user), self, self.tr("Unblock {0}").format(user))

    def restart_selected(self) -> None:
        for name in self.suppliers.selected_keys():
            spawn(self.engine.restart_gateway(name), self, self.tr("Restart {0}").format(name))
