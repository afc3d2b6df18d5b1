"""The job list beside the Outbox: "All messages", then each job with its progress (n of m done)."""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QModelIndex, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

from app.engine.job_progress import JobProgress

from .engine_bridge import EngineBridge
from .formatting import short_time
from .store_op import run_op

JobRole = Qt.ItemDataRole.UserRole + 1


class JobListModel(QAbstractListModel):
    LIMIT = 200

    def __init__(self, bridge: EngineBridge, parent=None):
        super().__init__(parent)
        self.engine = bridge.engine
        self._jobs: list[JobProgress] = []
        self._refresh = QTimer(self, singleShot=True, interval=400, timeout=self.refresh)
        bridge.message_stored.connect(self._on_message)
        bridge.message_changed.connect(self._on_message)
        bridge.messages_deleted.connect(self._soon)
        self.refresh()

    def _on_message(self, msg) -> None:
        if msg.direction == "out" and msg.job_id:
            self._refresh.start()

    def _soon(self, *_args) -> None:
        self._refresh.start()

    def refresh(self) -> None:
        run_op(self, self.engine, self.engine.jobs, limit=self.LIMIT, on_done=self._show)

    def _show(self, jobs: list[JobProgress]) -> None:
        if [j.id for j in jobs] == [j.id for j in self._jobs]:
            self._jobs = jobs
            self.dataChanged.emit(self.index(1), self.index(len(jobs)))
            return
        self.beginResetModel()
        self._jobs = jobs
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._jobs) + 1

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if index.row() == 0:
            return self.tr("All messages") if role == Qt.ItemDataRole.DisplayRole else None
        job = self._jobs[index.row() - 1]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.tr("%1 of %2 done").replace("%1", f"{job.done:,}").replace("%2", f"{job.total:,}")
        if role == Qt.ItemDataRole.ToolTipRole:
            who = f" by {job.user}" if job.user else ""
            return self.tr("Job %s, submitted %s from %s%s; %d failed") % (
                job.id, short_time(job.created_at), job.source, who, job.failed)
        if role == JobRole:
            return job
        return None

    def job_id_at(self, row: int) -> str | None:
        return self._jobs[row - 1].id if row > 0 else None

    def row_of(self, job_id: str | None) -> int:
        if job_id is None:
            return 0
        return next((i + 1 for i, j in enumerate(self._jobs) if j.id == job_id), -1)


class JobDelegate(QStyledItemDelegate):
    """Job time and source over a progress bar with "n of m done"."""

    def sizeHint(self, option, index) -> QSize:
        lines = 1 if index.row() == 0 else 2
        return QSize(180, option.fontMetrics.height() * lines + 14 + (6 if lines == 2 else 0))

    def paint(self, p: QPainter, option, index) -> None:
        self.initStyleOption(option, index)
        widget = option.widget
        style = widget.style() if widget else None
        if style:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, p, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        colour = option.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        r = option.rect.adjusted(8, 6, -8, -6)
        line = option.fontMetrics.height()
        p.save()
        p.setPen(colour)
        job: JobProgress | None = index.data(JobRole)
        if job is None:
            p.drawText(r, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, index.data())
            p.restore()
            return
        p.drawText(QRect(r.left(), r.top(), r.width(), line), Qt.AlignmentFlag.AlignLeft,
                   f"{short_time(job.created_at)} · {job.source}" + (f" · {job.user}" if job.user else ""))
        bar = QRect(r.left(), r.top() + line + 4, r.width(), line + 2)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(option.palette.color(QPalette.ColorRole.Mid))
        p.drawRoundedRect(bar, 4, 4)
        if job.total:
            done_w = int(bar.width() * job.done / job.total)
            ok_w = int(bar.width() * (job.done - job.failed) / job.total)
            p.setBrush(QColor("#c62828"))
            p.drawRoundedRect(QRect(bar.left(), bar.top(), done_w, bar.height()), 4, 4)
            p.setBrush(QColor("#2e7d32"))
            p.drawRoundedRect(QRect(bar.left(), bar.top(), ok_w, bar.height()), 4, 4)
        p.setPen(QColor("#ffffff") if job.done * 2 > job.total else colour)
        p.drawText(bar, Qt.AlignmentFlag.AlignCenter, index.data())
        p.restore()
