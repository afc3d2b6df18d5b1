"""Exporting messages to CSV with a progress bar that can be cancelled, and copying them as text."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
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
    #: The outcome (rows written, or the exception), once the window has shown it.
    finished = Signal(object)
    _ended = Signal(object)  # from the worker thread

    def __init__(self, engine: Engine, path: str, parent: QWidget, *, flt: MessageFilter | None = None,
                 ids: list[int] | None = None):
        super().__init__(parent)
        self.path = path
        self.dialog = QProgressDialog(self.tr("Counting the messages to export to %s…") % path, self.tr("Cancel"),
                                      0, 0, parent)
        self.dialog.setObjectName("exportProgress")
        self.dialog.setWindowTitle(self.tr("Export"))
        self.dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.setAutoClose(False)
        self.dialog.setAutoReset(False)
        # queued, also when the export ends before this constructor returns: the outcome always comes
        # from the event loop, after the caller has connected to ``finished``
        self.progressed.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._ended.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self.task: ExportTask = engine.export_messages(path, flt=flt, ids=ids, progress=self.progressed.emit)
        self.dialog.canceled.connect(self.task.cancel)
        self.task.future.add_done_callback(
            lambda f: self._ended.emit(f.exception() if f.exception() else f.result()))
        self.result: object = None

    def _on_progress(self, done: int, total: int) -> None:
        """The rows are counted first, so the bar shows a percentage from the start."""
        self.dialog.setMaximum(max(total, 1))
        self.dialog.setValue(done)
        self.dialog.setLabelText(self.tr("Exported %1 of %2 messages…").replace("%1", f"{done:,}")
                                 .replace("%2", f"{total:,}"))

    def _on_finished(self, outcome: object) -> None:
        self.result = outcome
        self.dialog.close()
        self._tell(outcome)
        self.finished.emit(outcome)

    def _tell(self, outcome: object) -> None:
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
            told = self.tr("%n message(s) exported to %1", "", outcome).replace("%1", self.path)
            window.statusBar().showMessage(told, 8000)


def ask_export_path(parent: QWidget) -> str:
    path, _ = QFileDialog.getSaveFileName(parent, QCoreApplication.translate("ExportRunner", "Export messages"),
                                          "messages.csv",
                                          QCoreApplication.translate("ExportRunner", "CSV files (*.csv)"))
    if path and not path.lower().endswith(".csv"):
        path += ".csv"
    return path
