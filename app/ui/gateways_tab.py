"""The Gateways tab: each gateway with its state and counters; start, stop,
pause and resume."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QToolBar, QVBoxLayout, QWidget

from app.engine.views import GatewayView

from .engine_bridge import EngineBridge
from .formatting import gateway_colour
from .tasks import spawn

NAME, KIND, STATE, SENT, FAILED, RECEIVED, BUSY, DETAILS = range(8)


class GatewayTableModel(QAbstractTableModel):
    def __init__(self, bridge: EngineBridge, parent=None):
        super().__init__(parent)
        self.engine = bridge.engine
        self.headers = [self.tr("Name"), self.tr("Kind"), self.tr("State"), self.tr("Sent"), self.tr("Failed"),
                        self.tr("Received"), self.tr("In progress"), self.tr("Details")]
        self._rows: list[GatewayView] = []
        bridge.gateway_state_changed.connect(self._on_state)
        bridge.gateways_changed.connect(self.reload)
        bridge.message_changed.connect(self._on_message)
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = self.engine.gateway_views()
        self.endResetModel()

    def _on_state(self, view: GatewayView) -> None:
        for i, row in enumerate(self._rows):
            if row.name == view.name:
                self._rows[i] = view
                self.dataChanged.emit(self.index(i, 0), self.index(i, DETAILS))
                return
        self.reload()

    def _on_message(self, msg) -> None:
        # counters move with every send outcome
        if msg.gateway and msg.direction == "out":
            gw = self.engine.gateways.get(msg.gateway)
            if gw is not None:
                self._on_state(self.engine.gateway_view(gw))

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
        g = self._rows[index.row()]
        c = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            state = g.state + (f" — {g.state_reason}" if g.state_reason else "")
            details = ", ".join(f"{k}: {v}" for k, v in g.info.items())
            return [g.name, g.kind, state, g.sent, g.failed, g.received, g.busy, details][c]
        if role == Qt.ItemDataRole.ForegroundRole and c == STATE:
            return gateway_colour(g.state)
        if role == Qt.ItemDataRole.TextAlignmentRole and c in (SENT, FAILED, RECEIVED, BUSY):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def name_at(self, row: int) -> str:
        return self._rows[row].name


class GatewaysTab(QWidget):
    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = bridge.engine
        self.model = GatewayTableModel(bridge, self)
        self.view = QTableView(self)
        self.view.setObjectName("gatewaysView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setSectionResizeMode(DETAILS, QHeaderView.ResizeMode.Stretch)
        self.view.setColumnWidth(STATE, 180)

        bar = QToolBar(self)
        self.start_action = QAction(self.tr("Start"), self)
        self.start_action.triggered.connect(lambda: self._each(self.engine.start_gateway, self.tr("Start")))
        self.stop_action = QAction(self.tr("Stop"), self)
        self.stop_action.triggered.connect(lambda: self._each(self.engine.stop_gateway, self.tr("Stop")))
        self.pause_action = QAction(self.tr("Pause"), self)
        self.pause_action.triggered.connect(lambda: self._each_now(self.engine.pause_gateway))
        self.resume_action = QAction(self.tr("Resume"), self)
        self.resume_action.triggered.connect(lambda: self._each_now(self.engine.resume_gateway))
        for a in (self.start_action, self.stop_action, self.pause_action, self.resume_action):
            bar.addAction(a)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(bar)
        layout.addWidget(self.view)
        if self.model.rowCount():
            self.view.selectRow(0)

    def selected_names(self) -> list[str]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.name_at(r) for r in rows]

    def _each(self, op, what: str) -> None:
        for name in self.selected_names():
            spawn(op(name), self, f"{what} {name}")

    def _each_now(self, op) -> None:
        for name in self.selected_names():
            op(name)
