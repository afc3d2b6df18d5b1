"""The Routing section of the Gateways tab: the ordered routing rules, with add, change,
remove, move up and down, and a tick to use or skip each rule. Rules from the
configuration file are marked and left to the file. The list follows the engine's rules
as they change, whoever changes them (this window, the HTTP API, the configuration file)."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, Qt
from PySide6.QtGui import QAction, QColor, QFont, QKeySequence
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QMessageBox, QTableView,
                               QToolBar, QVBoxLayout, QWidget)

from app.engine.engine import Engine
from app.engine.requests import EngineError
from app.engine.routing import RoutingRule

from .empty_hint import EmptyHint
from .engine_bridge import EngineBridge
from .icons import icon
from .routing_rule_dialog import RoutingRuleDialog
from .store_op import run_op
from .tasks import show_error

ORDER, ENABLED, NAME, DESTINATION, SENDER, USER, TYPE, GATEWAYS, ORIGIN = range(9)
CONFIG = "config"


class RoutingRuleModel(QAbstractTableModel):
    """The engine's routing rules in the order they are tried."""

    def __init__(self, engine: Engine, parent=None):
        super().__init__(parent)
        self.engine = engine
        self.headers = [self.tr("#"), self.tr("Use"), self.tr("Name"), self.tr("Destination"), self.tr("Sender"),
                        self.tr("API user"), self.tr("Message type"), self.tr("Gateways"), self.tr("From")]
        self.rules: list[RoutingRule] = []
        self.reload()

    def reload(self, then=None) -> None:
        """Read the rules again (in the store lane); ``then()`` once they are shown."""
        run_op(self, self.engine, self.engine.routing_rules, on_done=lambda rules: self._show(rules, then))

    def _show(self, rules: list[RoutingRule], then=None) -> None:
        self.beginResetModel()
        self.rules = rules
        self.endResetModel()
        if then is not None:
            then()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rules)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def flags(self, index):
        flags = super().flags(index)
        if index.column() == ENABLED and self.rules[index.row()].origin != CONFIG:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        r = self.rules[index.row()]
        c = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            any_ = self.tr("any")
            return [str(index.row() + 1), None, r.name, r.destination or any_, r.sender or any_, r.user or any_,
                    r.message_type or any_, " → ".join(r.gateways),
                    self.tr("config file") if r.origin == CONFIG else self.tr("this window")][c]
        if role == Qt.ItemDataRole.CheckStateRole and c == ENABLED:
            return Qt.CheckState.Checked if r.enabled else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.FontRole and r.origin == CONFIG:
            font = QFont()
            font.setItalic(True)  # read from the configuration file, not changed here
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            missing = c == GATEWAYS and any(n not in self.engine.gateways for n in r.gateways)
            if missing:
                return QColor("#c62828")
            if not r.enabled or (c in (DESTINATION, SENDER, USER, TYPE) and not getattr(r, _FIELDS[c])):
                return QColor("#8a8a8a")
        if role == Qt.ItemDataRole.ToolTipRole:
            if c == GATEWAYS:
                gone = [n for n in r.gateways if n not in self.engine.gateways]
                return (self.tr("No gateway named %s: messages this rule matches wait for it") % ", ".join(gone)
                        if gone else self.tr("The least busy of these sends; the first ones are preferred"))
            if c == ORIGIN and r.origin == CONFIG:
                return self.tr("Declared in the configuration file: change it there; it is read again at start")
            if c == ENABLED:
                return self.tr("Used") if r.enabled else self.tr("Skipped")
            if c == NAME and r.name:
                return r.name
        if role == Qt.ItemDataRole.TextAlignmentRole and c == ORDER:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or index.column() != ENABLED:
            return False
        enabled = Qt.CheckState(value) == Qt.CheckState.Checked
        rules = list(self.rules)
        rules[index.row()] = dataclasses.replace(rules[index.row()], enabled=enabled)
        self.rules = rules  # shown at once; stored in the store lane, then read back with their new ids
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), ORIGIN))
        run_op(self, self.engine, self.engine.set_routing_rules, rules, on_done=self._stored,
               on_error=lambda exc: isinstance(exc, EngineError) and self._refused())
        return True

    def _stored(self, rules: list[RoutingRule]) -> None:
        self.rules = rules  # same order, new ids: the selection stays
        self.dataChanged.emit(self.index(0, 0), self.index(len(rules) - 1, ORIGIN))

    def _refused(self) -> bool:
        self.reload()
        return True


_FIELDS = {DESTINATION: "destination", SENDER: "sender", USER: "user", TYPE: "message_type"}


class RoutingSection(QWidget):
    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = engine = bridge.engine
        self.model = RoutingRuleModel(engine, self)
        self.view = QTableView(self)
        self.view.setObjectName("routingView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().setVisible(False)
        self.view.setWordWrap(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(GATEWAYS, QHeaderView.ResizeMode.Stretch)
        for col, width in ((ORDER, 36), (ENABLED, 44), (NAME, 160), (DESTINATION, 130), (SENDER, 100),
                           (USER, 100), (TYPE, 110), (ORIGIN, 100)):
            self.view.setColumnWidth(col, width)
        self.view.doubleClicked.connect(lambda _i: self.edit_selected())
        self.hint = EmptyHint(self.view, lambda: self.tr(
            "No routing rules: any gateway may carry any message. Add a rule to send some destinations, senders "
            "or API users through chosen gateways."))

        title = QLabel(self.tr("<b>Routing</b> — rules tried in order; the first that matches chooses the "
                               "gateways"), self)
        title.setObjectName("routingTitle")
        title.setWordWrap(True)
        self.toolbar = bar = QToolBar(self)
        bar.setObjectName("routingToolbar")
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)

        # The Gateways tab binds F2 and Delete for its gateways; in the rules list the keys act on the rules.
        self.keys: dict[QKeySequence, QAction] = {}

        def action(text: str, tip: str, slot, icon_name: str = "", shortcut=None) -> QAction:
            a = QAction(icon(icon_name) if icon_name else QAction(self).icon(), text, self)
            if shortcut:
                keys = QKeySequence(shortcut)
                self.keys[keys] = a
                tip += f" ({keys.toString(QKeySequence.SequenceFormat.NativeText)})"
            a.setToolTip(tip)
            a.triggered.connect(slot)
            bar.addAction(a)
            return a

        self.add_action = action(self.tr("Add rule…"), self.tr("Add a routing rule at the end"), self.add_rule)
        self.edit_action = action(self.tr("Change…"), self.tr("Change the selected rule"), self.edit_selected,
                                  shortcut="F2")
        self.remove_action = action(self.tr("Remove"), self.tr("Remove the selected rule"), self.remove_selected,
                                    shortcut=QKeySequence.StandardKey.Delete)
        self.up_action = action(self.tr("Move up"), self.tr("Try the selected rule earlier"), lambda: self.move(-1),
                                shortcut="Ctrl+Up")
        self.down_action = action(self.tr("Move down"), self.tr("Try the selected rule later"), lambda: self.move(1),
                                  shortcut="Ctrl+Down")

        top = QHBoxLayout()
        top.addWidget(title, 1)
        top.addWidget(bar)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self.view.installEventFilter(self)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.update_actions())
        self.model.modelReset.connect(self.update_actions)
        bridge.routing_rules_changed.connect(self.refresh)
        self.update_actions()

    # --- selection ----------------------------------------------------------------------

    def selected_row(self) -> int | None:
        rows = self.view.selectionModel().selectedRows()
        return rows[0].row() if rows else None

    def select(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.view.selectRow(row)

    def _movable_to(self, row: int, step: int) -> bool:
        rules = self.model.rules
        target = row + step
        return (0 <= target < len(rules) and rules[row].origin != CONFIG and rules[target].origin != CONFIG)

    def update_actions(self) -> None:
        row = self.selected_row()
        own = row is not None and self.model.rules[row].origin != CONFIG
        self.edit_action.setEnabled(own)
        self.remove_action.setEnabled(own)
        self.up_action.setEnabled(own and self._movable_to(row, -1))
        self.down_action.setEnabled(own and self._movable_to(row, 1))

    def eventFilter(self, obj, event) -> bool:
        if obj is self.view and event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            pressed = QKeySequence(event.keyCombination())
            action = next((a for k, a in self.keys.items()
                           if k.matches(pressed) == QKeySequence.SequenceMatch.ExactMatch), None)
            if action is not None:
                event.accept()  # the key reaches the rules list, not the tab's shortcut
                if event.type() == QEvent.Type.KeyPress and action.isEnabled():
                    action.trigger()
                return True
        return super().eventFilter(obj, event)

    def refresh(self) -> None:
        run_op(self, self.engine, self.engine.routing_rules, on_done=self._show)

    def _show(self, rules: list[RoutingRule], select_row: int | None = None) -> None:
        """Show ``rules``; ``select_row`` is selected, else the row selected before stays so."""
        row = self.selected_row() if select_row is None else select_row
        self.model._show(rules)
        if row is not None:
            self.select(min(row, self.model.rowCount() - 1))

    # --- operations -------------------------------------------------------------------------

    def _store(self, rules: list[RoutingRule], select_row: int | None, saved=None, refused=None) -> None:
        """Replace the engine's rules in the store lane (the list follows their change, then ``select_row`` is
        selected and ``saved()`` called); a refusal (EngineError) goes to ``refused(exc)``."""

        def done(stored: list[RoutingRule]) -> None:
            self._show(stored, select_row)
            if saved is not None:
                saved()

        def failed(exc: Exception) -> bool:
            if isinstance(exc, EngineError) and refused is not None:
                refused(exc)
                return True
            return False

        run_op(self, self.engine, self.engine.set_routing_rules, rules, on_done=done, on_error=failed,
               what=self.tr("Routing"))

    def _dialog(self, rule: RoutingRule | None, apply) -> RoutingRuleDialog:
        dialog = RoutingRuleDialog(apply, list(self.engine.gateways), [], self, rule)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        run_op(dialog, self.engine, self.engine.users.list, on_done=lambda users: dialog.set_users(
            [u.name for u in users]))
        dialog.open()
        return dialog

    def add_rule(self) -> RoutingRuleDialog:
        def apply(rule: RoutingRule, saved, refused) -> None:
            rules = self.model.rules + [rule]
            self._store(rules, len(rules) - 1, saved, refused)

        return self._dialog(None, apply)

    def edit_selected(self) -> RoutingRuleDialog | None:
        row = self.selected_row()
        if row is None:
            return None
        if self.model.rules[row].origin == CONFIG:
            show_error(self, self.tr("Change routing rule"),
                       self.tr("This rule comes from the configuration file. Change it there; the file is read "
                               "again when the console starts."))
            return None

        def apply(rule: RoutingRule, saved, refused) -> None:
            rules = list(self.model.rules)
            rules[row] = rule
            self._store(rules, row, saved, refused)

        return self._dialog(self.model.rules[row], apply)

    def remove_selected(self, confirm: bool = True) -> None:
        row = self.selected_row()
        if row is None or self.model.rules[row].origin == CONFIG:
            return
        rule = self.model.rules[row]
        if confirm and QMessageBox.question(
                self, self.tr("Remove routing rule"),
                self.tr("Remove the rule \"%s\"? Messages it matched go to the next matching rule, or to any "
                        "gateway.") % (rule.name or rule.destination or self.tr("(unnamed)"))
        ) != QMessageBox.StandardButton.Yes:
            return
        rules = [r for i, r in enumerate(self.model.rules) if i != row]
        self._apply_now(rules, min(row, len(rules) - 1))

    def move(self, step: int) -> None:
        row = self.selected_row()
        if row is None or not self._movable_to(row, step):
            return
        rules = list(self.model.rules)
        rules[row], rules[row + step] = rules[row + step], rules[row]
        self._apply_now(rules, row + step)

    def _apply_now(self, rules: list[RoutingRule], select_row: int | None) -> None:
        def refused(exc: EngineError) -> None:
            show_error(self, self.tr("Routing"), self.tr("The routing rules were not changed: %s") % exc)
            self.refresh()

        self._store(rules, select_row, refused=refused)
