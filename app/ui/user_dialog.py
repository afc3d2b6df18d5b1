"""Add or change an API user: name, password, SMPP password, administrator, enabled, privileges."""

from __future__ import annotations

from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout,
                               QWidget)

from app.engine.engine import Engine
from app.engine.requests import EngineError
from app.engine.users import KNOWN_PRIVILEGES, UserView

from .store_op import run_op


class UserDialog(QDialog):
    def __init__(self, engine: Engine, parent: QWidget | None = None, *, user: UserView | None = None):
        super().__init__(parent)
        self.engine = engine
        self.user = user
        self.setWindowTitle(self.tr("Change user %s") % user.name if user else self.tr("Add user"))
        self.name_edit = QLineEdit(user.name if user else "", self)
        self.name_edit.setObjectName("userNameEdit")
        self.name_edit.setReadOnly(user is not None)
        self.password_edit = QLineEdit(self)
        self.password_edit.setObjectName("passwordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(self.tr("unchanged") if user else self.tr("at least 8 characters"))
        self.smpp_password_edit = QLineEdit(self)
        self.smpp_password_edit.setObjectName("smppPasswordEdit")
        self.smpp_password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.smpp_password_edit.setMaxLength(8)
        self.smpp_password_edit.setPlaceholderText(self.tr("unchanged") if user else self.tr("none: no SMPP"))
        self.admin_check = QCheckBox(self.tr("Administrator (every privilege)"), self)
        self.admin_check.setObjectName("adminCheck")
        self.admin_check.setChecked(bool(user and user.admin))
        self.enabled_check = QCheckBox(self.tr("May log in"), self)
        self.enabled_check.setChecked(user.enabled if user else True)
        self.privilege_checks = {}
        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name_edit)
        form.addRow(self.tr("&Password:"), self.password_edit)
        form.addRow(self.tr("&SMPP password:"), self.smpp_password_edit)
        form.addRow(self.admin_check)
        form.addRow(self.enabled_check)
        for name in KNOWN_PRIVILEGES:
            check = QCheckBox(name, self)
            check.setChecked(bool(user and name in user.privileges))
            self.privilege_checks[name] = check
            form.addRow(check)
        self.admin_check.toggled.connect(lambda on: [c.setEnabled(not on) for c in self.privilege_checks.values()])
        self.admin_check.toggled.emit(self.admin_check.isChecked())
        self.problem_label = QLabel(self)
        self.problem_label.setObjectName("problemLabel")
        self.problem_label.setWordWrap(True)
        self.problem_label.setStyleSheet("color: #c62828;")
        self.problem_label.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem_label)
        layout.addWidget(buttons)

    def save(self) -> None:
        privileges = tuple(n for n, c in self.privilege_checks.items() if c.isChecked())
        run_op(self, self.engine, self.engine.users.save, self.name_edit.text(),
               password=self.password_edit.text() or None, admin=self.admin_check.isChecked(),
               enabled=self.enabled_check.isChecked(), privileges=privileges,
               smpp_password=self.smpp_password_edit.text() or None, on_done=lambda _r: self.accept(),
               on_error=self._refused, what=self.tr("Save user"))

    def _refused(self, exc: Exception) -> bool:
        if isinstance(exc, EngineError):
            self.problem_label.setText(str(exc))
            self.problem_label.show()
            return True
        return False
