"""The Add / Change routing rule dialog: what a rule matches (destination, sender, API
user, message type), the gateways that may carry it in order of preference, and whether
it is used. Input that can never route anything is refused in words."""

from __future__ import annotations

import fnmatch
import re
from typing import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFormLayout,
                               QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem, QPushButton,
                               QVBoxLayout, QWidget)

from app.engine.requests import EngineError
from app.engine.routing import RoutingRule
from app.sms.prepare import MESSAGE_TYPES

_DESTINATION = re.compile(r"^\+?[0-9*?\[\]!\-]+$")


class RoutingRuleDialog(QDialog):
    """Edits one rule; ``apply(rule, saved, refused)`` stores it, then calls ``saved()``, or ``refused(exc)``
    with the EngineError that refused it."""

    def __init__(self, apply: Callable[[RoutingRule, Callable, Callable], None], gateways: Iterable[str], users: Iterable[str],
                 parent: QWidget | None = None, rule: RoutingRule | None = None):
        super().__init__(parent)
        self.apply = apply
        self.original = rule
        self.rule: RoutingRule | None = None
        self.setWindowTitle(self.tr("Change routing rule") if rule else self.tr("Add routing rule"))
        self.resize(520, 460)
        rule = rule or RoutingRule(gateways=())

        self.name_edit = QLineEdit(rule.name, self)
        self.name_edit.setObjectName("ruleNameEdit")
        self.name_edit.setPlaceholderText(self.tr("shown in the Outbox's waiting reasons, e.g. Germany mobile"))
        self.destination_edit = QLineEdit(rule.destination, self)
        self.destination_edit.setObjectName("ruleDestinationEdit")
        self.destination_edit.setPlaceholderText(self.tr("prefix +4917 or pattern +4917[56]*; empty: any number"))
        self.sender_edit = QLineEdit(rule.sender, self)
        self.sender_edit.setObjectName("ruleSenderEdit")
        self.sender_edit.setPlaceholderText(self.tr("sender id, exact or pattern (Shop*); empty: any"))
        self.user_combo = QComboBox(self)
        self.user_combo.setObjectName("ruleUserCombo")
        self.user_combo.setEditable(True)
        self.user_combo.addItems([""] + sorted(set(users)))
        self.user_combo.setCurrentText(rule.user)
        self.user_combo.lineEdit().setPlaceholderText(self.tr("any API user"))
        self.type_combo = QComboBox(self)
        self.type_combo.setObjectName("ruleTypeCombo")
        self.type_combo.setEditable(True)
        self.type_combo.addItems(["", *MESSAGE_TYPES, "sms.flash*"])
        self.type_combo.setCurrentText(rule.message_type)
        self.type_combo.lineEdit().setPlaceholderText(self.tr("any message type"))

        self.gateway_list = QListWidget(self)
        self.gateway_list.setObjectName("ruleGatewayList")
        self.gateway_list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.gateway_list.setToolTip(self.tr("Tick the gateways that may carry the matching messages; the least "
                                             "busy of them sends. Drag or use Up and Down to order them."))
        known = list(gateways)
        for name in rule.gateways:  # the rule's own order first, including gateways that are gone
            self._add_gateway(name, True, missing=name not in known)
        for name in known:
            if name not in rule.gateways:
                self._add_gateway(name, False)
        up = QPushButton(self.tr("Up"), self)
        up.clicked.connect(lambda: self.move_gateway(-1))
        down = QPushButton(self.tr("Down"), self)
        down.clicked.connect(lambda: self.move_gateway(1))
        side = QVBoxLayout()
        side.addWidget(up)
        side.addWidget(down)
        side.addStretch(1)
        gateway_row = QHBoxLayout()
        gateway_row.addWidget(self.gateway_list, 1)
        gateway_row.addLayout(side)

        self.enabled_check = QCheckBox(self.tr("&Use this rule"), self)
        self.enabled_check.setObjectName("ruleEnabledCheck")
        self.enabled_check.setChecked(rule.enabled)
        hint = QLabel(self.tr("Rules are tried in order; the first one whose every filled-in field matches decides "
                              "the gateways. Empty fields match anything."), self)
        hint.setWordWrap(True)
        hint.setEnabled(False)
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("problemLabel")
        self.problem_label.setStyleSheet("color: #c62828;")
        self.problem_label.setWordWrap(True)
        self.problem_label.hide()

        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name_edit)
        form.addRow(self.tr("&Destination:"), self.destination_edit)
        form.addRow(self.tr("&Sender:"), self.sender_edit)
        form.addRow(self.tr("API &user:"), self.user_combo)
        form.addRow(self.tr("Message &type:"), self.type_combo)
        gateway_label = QLabel(self.tr("&Gateways:"), self)
        gateway_label.setBuddy(self.gateway_list)
        form.addRow(gateway_label, gateway_row)
        form.addRow("", self.enabled_check)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addLayout(form, 1)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)

    def _add_gateway(self, name: str, checked: bool, missing: bool = False) -> None:
        item = QListWidgetItem(name + (self.tr(" (no such gateway)") if missing else ""), self.gateway_list)
        item.setData(Qt.ItemDataRole.UserRole, name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def move_gateway(self, step: int) -> None:
        row = self.gateway_list.currentRow()
        if row < 0 or not 0 <= row + step < self.gateway_list.count():
            return
        item = self.gateway_list.takeItem(row)
        self.gateway_list.insertItem(row + step, item)
        self.gateway_list.setCurrentRow(row + step)

    def set_gateways(self, names: Iterable[str]) -> None:
        """Tick exactly ``names``, in this order, before the others."""
        names = list(names)
        by_name = {self.gateway_list.item(i).data(Qt.ItemDataRole.UserRole): self.gateway_list.item(i)
                   for i in range(self.gateway_list.count())}
        for row, name in enumerate(n for n in names if n in by_name):
            self.gateway_list.insertItem(row, self.gateway_list.takeItem(self.gateway_list.row(by_name[name])))
        for name, item in by_name.items():
            item.setCheckState(Qt.CheckState.Checked if name in names else Qt.CheckState.Unchecked)

    def chosen_gateways(self) -> tuple[str, ...]:
        items = (self.gateway_list.item(i) for i in range(self.gateway_list.count()))
        return tuple(i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() == Qt.CheckState.Checked)

    def problem(self) -> str:
        """Why the rule as entered cannot be stored; empty when it can."""
        destination = self.destination_edit.text().strip()
        if destination and not _DESTINATION.match(destination):
            return self.tr("The destination \"%s\" is not a number prefix or pattern. Write digits with an optional "
                           "leading +, like +4917, or a pattern like +4917[56]* (* any digits, ? one digit, "
                           "[56] one of them).") % destination
        if destination.count("[") != destination.count("]"):
            return self.tr("The destination \"%s\" opens a [ group it does not close.") % destination
        message_type = self.type_combo.currentText().strip()
        if message_type and not fnmatch.filter(MESSAGE_TYPES, message_type):
            return self.tr("No message type is \"%s\". Choose one of %s, a pattern like sms.flash*, or leave it "
                           "empty.") % (message_type, ", ".join(MESSAGE_TYPES))
        if not self.chosen_gateways():
            return self.tr("Tick at least one gateway: a rule that names none holds its messages in the queue "
                           "for ever.")
        return ""

    def save(self) -> None:
        text = self.problem()
        if text:
            self._show_problem(text)
            return
        base = self.original or RoutingRule(gateways=())
        rule = RoutingRule(gateways=self.chosen_gateways(), name=self.name_edit.text().strip(),
                           destination=self.destination_edit.text().strip(), sender=self.sender_edit.text().strip(),
                           user=self.user_combo.currentText().strip(),
                           message_type=self.type_combo.currentText().strip(),
                           enabled=self.enabled_check.isChecked(), id=base.id, origin=base.origin)
        self.apply(rule, lambda: self._saved(rule), self._refused)

    def _saved(self, rule: RoutingRule) -> None:
        self.rule = rule
        self.accept()

    def _refused(self, exc: EngineError) -> None:
        self._show_problem(self.tr("The rule was not saved: %s. Correct it and save again.") % exc)

    def set_users(self, users: Iterable[str]) -> None:
        """The API users to choose from (read in the store lane after the dialog opened)."""
        current = self.user_combo.currentText()
        self.user_combo.clear()
        self.user_combo.addItems([""] + sorted(set(users) | ({current} if current else set())))
        self.user_combo.setCurrentText(current)

    def _show_problem(self, text: str) -> None:
        self.problem_label.setText(text)
        self.problem_label.show()
