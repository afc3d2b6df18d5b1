"""What the Inbox and the Outbox do alike with the selected messages: delete with
undo, copy, export to CSV.

A tab mixing this in has ``engine``, ``model`` (with ``filter``), ``status``
(a signal taking a text), ``undo_action``, ``last_deleted``, ``export`` and
``selected_messages()``. Its words are translated in the context
``MessageActions`` (a mixin has no Qt class name of its own).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from .message_export import ExportRunner, ask_export_path, copy_to_clipboard
from .store_op import run_op


class MessageActions:
    def selected_ids(self) -> list[int]:
        return [m.id for m in self.selected_messages()]

    def delete(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        run_op(self, self.engine, self.engine.delete_for_undo, ids, on_done=self._deleted,
               what=QCoreApplication.translate("MessageActions", "Delete"))

    def _deleted(self, batch) -> None:
        self.last_deleted = batch
        self.undo_action.setEnabled(bool(self.last_deleted))
        self.status.emit(QCoreApplication.translate("MessageActions", "%n message(s) deleted. Undo with Ctrl+Z.",
                                                    None, len(self.last_deleted)))

    def undo_delete(self) -> None:
        if self.last_deleted is None:
            return
        batch, self.last_deleted = self.last_deleted, None
        self.undo_action.setEnabled(False)
        run_op(self, self.engine, self.engine.undo_delete, batch,
               what=QCoreApplication.translate("MessageActions", "Undo delete"),
               on_done=lambda n: self.status.emit(
                   QCoreApplication.translate("MessageActions", "%n message(s) restored.", None, n)))

    def copy(self) -> None:
        copy_to_clipboard(self.selected_messages())

    def export_csv(self, selected: bool, path: str | None = None) -> ExportRunner | None:
        """Export the selection, or everything the current filter shows, in a worker thread."""
        ids = self.selected_ids() if selected else None
        if selected and not ids:
            self.status.emit(QCoreApplication.translate("MessageActions", "Select the messages to export first."))
            return None
        path = path or ask_export_path(self)
        if not path:
            return None
        self.export = ExportRunner(self.engine, path, self, flt=None if selected else self.model.filter, ids=ids)
        return self.export
