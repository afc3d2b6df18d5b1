"""Exporting messages to CSV with a progress bar that can be cancelled, and copying them as text."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QProgressDialog, QWidget

from app.engine.engine import Engine
from app.engine.export import ExportCancelled, ExportTask
from app.engine.views import MessageView
from app.store.search import MessageFilter

from .formatting import local_time
from .tasks import show_error


def as_text(views: list[MessageView]) -> str:
    """Messages as lines an operator can paste into a mail or ticket."""
    lines = []
    for v in views:
        who = f"{v.sender} → {v.recipient}" if v.direction == "in" else f"→ {v.recipient}"
        lines.append(f"{local_time(v.created_at)}  {who}  [{v.status}]\n{v.text}")
    return "\n\n".join(lines)


def copy_to_clipboard(views: list[MessageView]) -> None:
    if views:
        QGuiApplication.clipboard().setText(as_text(views))


class ExportRunner(QObject):
    """One export: a worker-thread task, shown by a progress dialog whose Cancel stops it."""

    progressed = Signal(int, int)
    finished = Signal(object)  # rows written (int), or the exception

    def __init__(self, engine: Engine, path: str, parent: QWidget, *, flt: MessageFilter | None = None,
                 ids: list[int] | None = None):
        super().__init__(parent)
        self.path = path
        self.dialog = QProgressDialog(self.tr("Exporting messages to %s…") % path, self.tr("Cancel"), 0, 0, parent)
        self.dialog.setObjectName("exportProgress")
        self.dialog.setWindowTitle(self.tr("Export"))
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        self.progressed.connect(self._on_progress)
        self.finished.connect(self._on_finished)
        self.task: ExportTask = engine.export_messages(path, flt=flt, ids=ids, progress=self.progressed.emit)
        self.dialog.canceled.connect(self.task.cancel)
        self.task.future.add_done_callback(
            lambda f: self.finished.emit(f.exception() if f.exception() else f.result()))
        self.result: object = None

    def _on_progress(self, done: int, total: int) -> None:
        self.dialog.setMaximum(total)
        self.dialog.setValue(done)
        self.dialog.setLabelText(self.tr("Exported %1 of %2 messages…").replace("%1", f"{done:,}")
                                 .replace("%2", f"{total:,}"))

    def _on_finished(self, outcome: object) -> None:
        self.result = outcome
        self.dialog.close()
        parent = self.parent()
        if isinstance(outcome, ExportCancelled):
            return
        if isinstance(outcome, BaseException):
            show_error(parent, self.tr("Export failed"),
                       self.tr("The messages could not be written to %s: %s\nChoose another folder or "
                               "free some space, then export again.") % (self.path, outcome))
            return
        window = parent.window() if parent else None
        if window is not None and hasattr(window, "statusBar"):
            window.statusBar().showMessage(self.tr("%n message(s) exported to ", "", outcome) + self.path, 8000)


def ask_export_path(parent: QWidget) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, parent.tr("Export messages"), "messages.csv",
                                          parent.tr("CSV files (*.csv)"))
    if path and not path.lower().endswith(".csv"):
        path += ".csv"
    return path
