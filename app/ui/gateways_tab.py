"""The Gateways tab: each gateway with its state, signal, counters and a chart of the
last hour; add, change, remove, start, stop, restart, pause, resume, reset the send
limit; and the traffic log of the selected gateway."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QMenu, QMessageBox, QSplitter, QTableView,
                               QToolBar, QToolButton, QVBoxLayout, QWidget)

from app.engine.requests import EngineError
from app.engine.views import GatewayView
from app.gateways.registry import KINDS

from .engine_bridge import EngineBridge
from .formatting import GATEWAY_COLOURS, gateway_colour, state_words
from .add_modem_dialog import AddModemDialog
from .gateway_dialog import EDIT_TITLES, KIND_TITLES, GatewayDialog, as_text, kind_title
from .gateway_painting import BarsRole, GatewayCellDelegate, SparkRole
from .icons import dot, icon
from .routing_section import RoutingSection
from .sending_pause import SendingPause
from .store_op import run_op
from .tasks import show_error, spawn
from .traffic_pane import TrafficPane, traffic_lines

NAME, KIND, STATE, SENT, FAILED, RECEIVED, BUSY, SIGNAL, ACTIVITY, DETAILS = range(10)
_DETAIL_SKIP = ("signal_dbm", "signal_bars", "signal")
#: States from which Start brings a gateway up (a disconnected modem reconnects by itself).
STARTABLE = frozenset({"stopped", "error", "authentication failed", "PIN required", "PUK required"})
#: States in which the gateway holds its connection, so its signal and operator are current.
CONNECTED = frozenset({"running", "paused"})


def allowed_actions(states: list[str]) -> dict[str, bool]:
    """Which of Start, Stop, Restart, Pause and Resume apply to gateways in these states."""
    return {"start": any(s in STARTABLE for s in states),
            "stop": any(s not in ("stopped", "stopping") for s in states),
            "restart": any(s not in ("starting", "stopping") for s in states),
            "pause": any(s == "running" for s in states),
            "resume": any(s == "paused" for s in states)}


def details_text(g: GatewayView) -> str:
    """Operator, model, port or provider URL: the facts that tell gateways apart."""
    info = {k: v for k, v in g.info.items() if k not in _DETAIL_SKIP and v not in (None, "")}
    if g.kind != "modem" and g.settings.get("url") and "url" not in info:
        info = {"url": g.settings["url"], **info}
    return ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in info.items())


class GatewayTableModel(QAbstractTableModel):
    def __init__(self, bridge: EngineBridge, parent=None):
        super().__init__(parent)
        self.engine = bridge.engine
        self.headers = [self.tr("Name"), self.tr("Kind"), self.tr("State"), self.tr("Sent"), self.tr("Failed"),
                        self.tr("Received"), self.tr("In progress"), self.tr("Signal"), self.tr("Last hour"),
                        self.tr("Details")]
        self._rows: list[GatewayView] = []
        bridge.gateway_state_changed.connect(self._on_state)
        bridge.gateways_changed.connect(self.reload)
        bridge.message_changed.connect(self._on_message)
        bridge.message_stored.connect(self._on_message)
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = self.engine.gateway_views()
        self.endResetModel()

    def refresh_counters(self) -> None:
        """Read counters, signal and the last hour again (they move without state changes)."""
        for i, row in enumerate(self._rows):
            gw = self.engine.gateways.get(row.name)
            if gw is not None:
                self._rows[i] = self.engine.gateway_view(gw)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, DETAILS))

    def _on_state(self, view: GatewayView) -> None:
        for i, row in enumerate(self._rows):
            if row.name == view.name:
                self._rows[i] = view
                self.dataChanged.emit(self.index(i, 0), self.index(i, DETAILS))
                return
        self.reload()

    def _on_message(self, msg) -> None:
        if msg.gateway:
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
        held = self.sending_paused() and g.state == "running"
        if role == Qt.ItemDataRole.DisplayRole:
            state = state_words(g.state) + (f" — {g.state_reason}" if g.state_reason else "")
            if held:
                state = self.tr("all sending paused")
            signal = g.info.get("operator", "") if g.kind == "modem" and g.state in CONNECTED else ""
            return [g.name, kind_title(g.kind), state, g.sent, g.failed, g.received, g.busy, signal,
                    None, details_text(g)][c]
        if role == Qt.ItemDataRole.ForegroundRole and c == STATE:
            return gateway_colour("paused" if held else g.state)
        if role == Qt.ItemDataRole.DecorationRole and c == STATE:
            return dot(GATEWAY_COLOURS.get("paused" if held else g.state, "#c62828"))
        if role == Qt.ItemDataRole.DecorationRole and c == NAME:
            return icon({"modem": "modem", "simulator": "simulator"}.get(g.kind, "provider"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if c == STATE and held:
                return self.tr("Pause all sending holds every outgoing message in the queue; this gateway "
                               "still receives. Resume all sending to send again.")
            if c == STATE and g.state_reason:
                return g.state_reason
            if c == SIGNAL and g.kind == "modem" and g.state not in CONNECTED:
                return self.tr("No signal reading while the modem is %s") % state_words(g.state)
            if c == SIGNAL and "signal" in g.info:
                return f"{g.info['signal']} · {g.info.get('operator', '')}"
            if c == ACTIVITY:
                return self.tr("Messages sent per minute over the last hour: %d in all") % sum(g.per_minute)
            if c == DETAILS:
                return details_text(g)
        if role == SparkRole and c == ACTIVITY:
            return tuple(g.per_minute) or (0,) * 60
        if role == BarsRole and c == SIGNAL and g.state in CONNECTED and isinstance(g.info.get("signal_bars"), int):
            return g.info["signal_bars"]
        if role == Qt.ItemDataRole.TextAlignmentRole and c in (SENT, FAILED, RECEIVED, BUSY):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sending_paused(self) -> bool:
        return bool(self.engine.settings.get("sending_paused"))

    def pause_changed(self) -> None:
        if self._rows:
            self.dataChanged.emit(self.index(0, STATE), self.index(len(self._rows) - 1, STATE))

    def name_at(self, row: int) -> str:
        return self._rows[row].name

    def view_at(self, row: int) -> GatewayView:
        return self._rows[row]


class GatewaysTab(QWidget):
    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = bridge.engine
        self.model = GatewayTableModel(bridge, self)
        self.view = QTableView(self)
        self.view.setObjectName("gatewaysView")
        self.view.setModel(self.model)
        self.view.setItemDelegate(GatewayCellDelegate(self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)  # one line per gateway: long details end in "…", whole in the tooltip
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 14)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(DETAILS, QHeaderView.ResizeMode.Stretch)
        self.view.setColumnWidth(NAME, 150)
        self.view.setColumnWidth(STATE, 170)
        for col in (SENT, FAILED, RECEIVED, BUSY):  # wide enough for the heading, in any language
            self.view.setColumnWidth(col, max(80, header.sectionSizeHint(col)))
        self.view.setColumnWidth(SIGNAL, 120)
        self.view.setColumnWidth(ACTIVITY, 170)
        self.view.doubleClicked.connect(lambda _i: self.edit_selected())

        self.toolbar = bar = QToolBar(self)
        bar.setObjectName("gatewaysToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.add_menu = QMenu(self)
        self.add_actions = {}
        for kind in KIND_TITLES:
            if kind in KINDS:
                a = self.add_menu.addAction(icon("simulator" if kind == "simulator" else "provider"),
                                            self.tr("Add %s…") % kind_title(kind))
                a.triggered.connect(lambda _c=False, k=kind: self.add_gateway(k))
                self.add_actions[kind] = a
        add_button = QToolButton(self)
        add_button.setObjectName("addGatewayButton")
        add_button.setText(self.tr("Add"))
        add_button.setToolTip(self.tr("Add a gateway"))
        add_button.setMenu(self.add_menu)
        add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        bar.addWidget(add_button)
        self.add_modem_action = QAction(icon("modem"), self.tr("Add modem…"), self)
        self.add_modem_action.setToolTip(self.tr("Find a USB modem, probe it and add it as a gateway"))
        self.add_modem_action.triggered.connect(self.add_modem)
        bar.addAction(self.add_modem_action)

        def action(text, tip, slot, icon_name="", shortcut=None) -> QAction:
            a = QAction(icon(icon_name) if icon_name else QAction(self).icon(), text, self)
            a.setToolTip(tip)
            if shortcut:
                tip += f" ({QKeySequence(shortcut).toString(QKeySequence.SequenceFormat.NativeText)})"
                a.setToolTip(tip)
                a.setShortcut(QKeySequence(shortcut))
                a.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.addAction(a)
            a.triggered.connect(slot)
            return a

        self.edit_action = action(self.tr("Change…"), self.tr("Change the selected gateway's settings"),
                                  self.edit_selected, shortcut="F2")
        self.remove_action = action(self.tr("Remove"), self.tr("Remove the selected gateway"),
                                    self.remove_selected, "delete", QKeySequence.StandardKey.Delete)
        self.start_action = action(self.tr("Start"), self.tr("Start the selected gateways"),
                                   lambda: self._each(self.engine.start_gateway, self.tr("Start")), "start",
                                   "Ctrl+Shift+O")
        self.stop_action = action(self.tr("Stop"), self.tr("Stop the selected gateways; waiting messages stay "
                                                           "queued"),
                                  lambda: self._each(self.engine.stop_gateway, self.tr("Stop")), "stop",
                                  "Ctrl+Shift+X")
        self.restart_action = action(self.tr("Restart"), self.tr("Stop and start the selected gateways"),
                                     lambda: self._each(self.engine.restart_gateway, self.tr("Restart")), "refresh")
        self.pause_action = action(self.tr("Pause"), self.tr("Hold sending on the selected gateways"),
                                   lambda: self._each_now(self.engine.pause_gateway), "pause", "Ctrl+Shift+P")
        self.resume_action = action(self.tr("Resume"), self.tr("Send again on the selected gateways"),
                                    lambda: self._each_now(self.engine.resume_gateway), "resume",
                                    "Ctrl+Shift+G")
        self.reset_limit_action = action(self.tr("Reset send limit"), self.tr(
            "Start the selected gateways' daily and hourly counts from zero"),
            lambda: self._each(self.engine.reset_send_limit_async, self.tr("Reset send limit")))
        self.accept_identity_action = action(self.tr("Accept modem/SIM"), self.tr(
            "Take the new SIM (or modem) the selected modem gateways found as theirs, so they send again"),
            lambda: self._each(self.engine.accept_modem_identity, self.tr("Accept modem/SIM")))
        for a in (self.edit_action, self.remove_action):
            bar.addAction(a)
        bar.addSeparator()
        for a in (self.start_action, self.stop_action, self.restart_action, self.pause_action,
                  self.resume_action, self.reset_limit_action, self.accept_identity_action):
            bar.addAction(a)
        bar.addSeparator()
        self.sending_pause = SendingPause(self.engine, self)
        self.sending_pause.paused_changed.connect(lambda _p: self.model.pause_changed())
        bar.addAction(self.sending_pause.action)

        self.details = QLabel(self)
        self.details.setObjectName("gatewayDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.traffic_pane = TrafficPane(self)
        self.traffic = self.traffic_pane.text
        lower = QWidget(self)
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(6, 6, 6, 6)
        ll.addWidget(self.details)
        ll.addWidget(self.traffic_pane, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("gatewaysSplitter")
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(lower)
        self.routing = RoutingSection(bridge, self)
        self.splitter.addWidget(self.routing)
        self.splitter.setSizes([220, 320, 160])  # the traffic log gets room; every pane can be resized
        for i in range(3):
            self.splitter.setCollapsible(i, False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(bar)
        layout.addWidget(self.splitter, 1)

        self.view.selectionModel().selectionChanged.connect(lambda *_: self.show_traffic())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.update_actions())
        self.model.dataChanged.connect(lambda *_: self.update_actions())
        self.model.modelReset.connect(self._after_reset)
        bridge.gateway_state_changed.connect(self._state_changed)
        self._tick = QTimer(self, interval=2000, timeout=self._refresh_live)
        self._tick.start()
        if self.model.rowCount():
            self.view.selectRow(0)
        self.update_actions()

    def update_actions(self) -> None:
        """Each action is enabled only where it applies to the selected gateways' states."""
        rows = self.selected_rows()
        states = [self.model.view_at(r).state for r in rows]
        allowed = allowed_actions(states)
        for key, a in (("start", self.start_action), ("stop", self.stop_action), ("restart", self.restart_action),
                       ("pause", self.pause_action), ("resume", self.resume_action)):
            a.setEnabled(allowed[key])
        for a in (self.edit_action, self.remove_action, self.reset_limit_action):
            a.setEnabled(bool(rows))

    # --- selection, traffic ---------------------------------------------------------------

    def selected_names(self) -> list[str]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.name_at(r) for r in rows]

    def _state_changed(self, view: GatewayView) -> None:
        """The details above the traffic log follow the selected gateway's state."""
        if view.name in self.selected_names()[:1]:
            self.show_traffic()

    def _after_reset(self) -> None:
        if self.model.rowCount() and not self.view.selectionModel().hasSelection():
            self.view.selectRow(0)
        self.show_traffic()
        self.update_actions()

    def _refresh_live(self) -> None:
        if self.isVisible():
            self.model.refresh_counters()
            self.show_traffic()

    def show_traffic(self) -> None:
        names = self.selected_names()
        if not names or names[0] not in self.engine.gateways:
            self.details.setText(self.tr("No gateway selected.") if self.model.rowCount()
                                 else self.tr("No gateways yet. Add one with Add → Simulator, a Retarus provider, "
                                              "an SMPP provider or a modem."))
            self.traffic_pane.clear()
            return
        name = names[0]
        g = self.model.view_at(self.model.index(self.selected_rows()[0], 0).row())
        held = self.tr("; all sending is paused, it only receives") if (
            g.state == "running" and self.model.sending_paused()) else ""
        self.details.setText(f"<b>{name}</b> — {state_words(g.state)}" + (f" ({g.state_reason})" if g.state_reason else "")
                             + held
                             + (f"<br>{details_text(g)}" if details_text(g) else ""))
        # the engine gives the newest first; the log reads as it happened
        self.traffic_pane.set_lines(name, traffic_lines(reversed(self.engine.gateway_traffic(name))))

    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.view.selectionModel().selectedRows()})

    # --- operations ------------------------------------------------------------------------

    def _each(self, op, what: str) -> None:
        for name in self.selected_names():
            spawn(op(name), self, f"{what} {name}")

    def _each_now(self, op) -> None:
        for name in self.selected_names():
            try:
                op(name)
            except EngineError as exc:
                show_error(self, name, str(exc))

    def add_modem(self) -> AddModemDialog:
        dialog = AddModemDialog(self.engine, self)
        dialog.open()
        return dialog

    def add_gateway(self, kind: str) -> GatewayDialog:
        dialog = GatewayDialog(kind, self, taken=set(self.engine.gateways), save=self._add)
        dialog.open()
        return dialog

    def _add(self, dialog: GatewayDialog) -> str | asyncio.Future:
        """Store the new gateway (in the store lane) and start it; the future's problem in words, if any,
        keeps the dialog open with everything typed."""
        name = dialog.name()
        problem = self._save_secrets(dialog, name)
        if problem:
            return problem
        outcome = asyncio.get_running_loop().create_future()
        enabled = dialog.settings.get("enabled", True)

        def added(_result) -> None:
            if name in self.engine.gateways and enabled:
                spawn(self.engine.start_gateway(name), self, self.tr("Start %s") % name)
            outcome.set_result(None)

        def refused(exc: Exception) -> bool:
            outcome.set_result(self.tr("The gateway was not added: %s") % exc)
            return isinstance(exc, EngineError)  # anything else is told in a message box as well

        run_op(self, self.engine, self.engine.add_gateway, name, dialog.kind, dialog.settings, on_done=added,
               on_error=refused, what=self.tr("Add %s") % name)
        return outcome

    def edit_selected(self) -> GatewayDialog | None:
        names = self.selected_names()
        if not names:
            return None
        g = self.model.view_at(self.selected_rows()[0])
        note = ""
        if g.origin == "config":
            note = self.tr("%s is declared in the configuration file. Change it there: the file is read again "
                           "when the console starts, and would undo a change made here. Start, Stop and the "
                           "other buttons of this tab work as for any gateway.") % g.name
        elif g.kind not in EDIT_TITLES:
            note = self.tr("The settings of a %s gateway are changed in the configuration file.") % g.kind
        dialog = GatewayDialog(g.kind, self, name=g.name, values=g.settings, read_only_note=note,
                               save=lambda d: self._save_secrets(d, g.name))
        dialog.setObjectName("gatewayDialog")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if not note:
            dialog.accepted.connect(lambda: self._edited(dialog, g))
        dialog.open()
        return dialog

    def _edited(self, dialog: GatewayDialog, before: GatewayView):
        changed = [(k, v) for k, v in dialog.settings.items() if before.settings.get(k) != v]
        secrets = dict(dialog.secrets)
        if changed or secrets:
            self.status_text(self.tr("Restarting %s with its new settings…") % before.name)

        async def apply() -> None:
            """Store every change, then restart the gateway once with all of them."""
            for i, (key, value) in enumerate(changed):
                await self.engine.set_gateway_property(before.name, key, as_text(value),
                                                       reload=i == len(changed) - 1)
            if not changed and secrets:
                await self.engine.restart_gateway(before.name)

        return spawn(apply(), self, self.tr("Change %s") % before.name)

    def status_text(self, text: str) -> None:
        window = self.window()
        if hasattr(window, "statusBar"):
            window.statusBar().showMessage(text, 5000)

    def _save_secrets(self, dialog: GatewayDialog, name: str) -> str | None:
        """Keep the password where the dialog says; None when stored, else the problem in words."""
        password = dialog.secrets.get("password")
        if not password:
            return None
        from app.gateways.credentials import CredentialError, save_password, save_password_to_file

        if dialog.password_store == "file":
            try:
                save_password_to_file(name, password, dialog.settings.get("credentials_file") or None)
            except CredentialError as exc:
                return str(exc)
            return None
        try:
            save_password(name, password)
        except Exception as exc:  # no keyring backend on this desktop
            reason = str(exc).split(" (", 1)[0] if isinstance(exc, CredentialError) else str(exc)
            return dialog.keyring_failed(reason)
        return None

    def remove_selected(self) -> None:
        names = self.selected_names()
        if not names:
            return
        answer = QMessageBox.question(self, self.tr("Remove gateway"),
                                      self.tr("Remove %s? Its waiting messages go to the other gateways.")
                                      % ", ".join(names))
        if answer == QMessageBox.StandardButton.Yes:
            for name in names:
                spawn(self.engine.remove_gateway(name), self, self.tr("Remove %s") % name)
