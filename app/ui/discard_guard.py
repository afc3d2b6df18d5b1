"""Nothing an operator typed is discarded without asking.

A dialog that holds typed work routes its ``reject()`` (Cancel, Escape, the
window's close button) through :meth:`DiscardGuard.reject`: with nothing
typed it closes at once; otherwise a question asks first, and *Keep
editing* (the default answer) leaves every field as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QMessageBox


class DiscardGuard(QObject):
    def __init__(self, dialog: QDialog, has_input: Callable[[], bool], what: str):
        super().__init__(dialog)
        self.dialog = dialog
        self.has_input = has_input
        self.what = what
        self.box: QMessageBox | None = None

    def reject(self) -> bool:
        """Close the dialog now (True) or after the operator agreed to discard (False: asked)."""
        if not self.has_input():
            QDialog.reject(self.dialog)
            return True
        if self.box is not None and self.box.isVisible():
            return False
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Discard?"),
                          self.tr("Discard %s? What you typed is lost.") % self.what,
                          QMessageBox.StandardButton.NoButton, self.dialog)
        box.setObjectName("discardBox")
        self.discard_button = box.addButton(self.tr("&Discard"), QMessageBox.ButtonRole.DestructiveRole)
        self.keep_button = box.addButton(self.tr("&Keep editing"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(self.keep_button)
        box.setEscapeButton(self.keep_button)
        box.finished.connect(lambda _r: self._answered(box))
        self.box = box
        box.open()
        return False

    def _answered(self, box: QMessageBox) -> None:
        if box.clickedButton() is self.discard_button:
            QDialog.reject(self.dialog)
        box.deleteLater()
        if self.box is box:
            self.box = None
