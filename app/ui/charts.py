"""Charts an operator reads at a glance, painted with Qt's own QPainter (as the Gateways tab's
last-hour chart): stacked bars over time, lines over time, and horizontal bars. Each chart holds
its figures as a table, so it exports the same numbers as CSV and the picture as PNG."""

from __future__ import annotations

import csv
import io

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

#: Series colours, told apart in light and dark schemes.
PALETTE = ("#1e88e5", "#43a047", "#fb8c00", "#8e24aa", "#e53935", "#00897b", "#6d4c41", "#3949ab")


def series_colour(i: int) -> QColor:
    return QColor(PALETTE[i % len(PALETTE)])


class Chart(QWidget):
    """Base: a title-less plot area with a legend line; subclasses paint the figures."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumHeight(150)
        self.labels: list[str] = []
        self.series: list[tuple[str, list[float]]] = []
        self.empty_text = self.tr("No figures yet")

    def sizeHint(self) -> QSize:
        return QSize(420, 190)

    # --- data --------------------------------------------------------------------------------

    def set_data(self, labels: list[str], series: list[tuple[str, list[float]]]) -> None:
        self.labels, self.series = labels, series
        self.update()

    def table(self) -> list[list[str]]:
        """The figures as rows: a header, then one row per label."""
        rows = [[self.tr("When")] + [name for name, _v in self.series]]
        for i, label in enumerate(self.labels):
            rows.append([label] + [_num(values[i]) if i < len(values) else "" for _n, values in self.series])
        return rows

    def csv_text(self) -> str:
        out = io.StringIO()
        csv.writer(out).writerows(self.table())
        return out.getvalue()

    # --- painting helpers ------------------------------------------------------------------

    def _colours(self) -> tuple[QColor, QColor]:
        pal = self.palette()
        return pal.color(QPalette.ColorRole.Text), pal.color(QPalette.ColorRole.PlaceholderText)

    def _plot_rect(self) -> QRectF:
        fm = self.fontMetrics()
        legend = fm.height() + 6 if self.series else 0
        left = fm.horizontalAdvance("00000") + 8
        return QRectF(left, 6, self.width() - left - 8, self.height() - 12 - legend - fm.height() - 4)

    def _axes(self, p: QPainter, rect: QRectF, top: float) -> None:
        text, faint = self._colours()
        grid = QColor(faint)
        grid.setAlpha(70)
        p.setPen(QPen(grid, 1, Qt.PenStyle.DotLine))
        fm = self.fontMetrics()
        for frac in (0.0, 0.5, 1.0):
            y = rect.bottom() - rect.height() * frac
            p.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))
            p.setPen(faint)
            value = top * frac
            p.drawText(QRectF(0, y - fm.height() / 2, rect.left() - 4, fm.height()),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, _num(value))
            p.setPen(QPen(grid, 1, Qt.PenStyle.DotLine))

    def _x_labels(self, p: QPainter, rect: QRectF, positions: list[float]) -> None:
        _text, faint = self._colours()
        p.setPen(faint)
        fm = self.fontMetrics()
        widest = max((fm.horizontalAdvance(lab) for lab in self.labels), default=1) + 8
        every = max(1, int(widest * len(positions) / max(rect.width(), 1)) + 1)
        for i, x in enumerate(positions):
            if i % every == 0:
                left = min(max(0.0, x - widest / 2), self.width() - widest)  # whole, also at the edges
                p.drawText(QRectF(left, rect.bottom() + 2, widest, fm.height()),
                           Qt.AlignmentFlag.AlignHCenter, self.labels[i])

    def _legend(self, p: QPainter) -> None:
        fm = self.fontMetrics()
        text, _faint = self._colours()
        x, y = self._plot_rect().left(), self.height() - fm.height() - 4
        for i, (name, _values) in enumerate(self.series):
            p.fillRect(QRectF(x, y + fm.height() / 2 - 4, 10, 8), series_colour(i))
            p.setPen(text)
            p.drawText(QPointF(x + 14, y + fm.ascent()), name)
            x += 14 + fm.horizontalAdvance(name) + 14

    def _empty(self, p: QPainter) -> bool:
        if any(any(v for v in values) for _n, values in self.series):
            return False
        _text, faint = self._colours()
        p.setPen(faint)
        p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.empty_text)
        return True


def _num(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() or abs(value) >= 10 else f"{value:.1f}"


class _TimeChart(Chart):
    """Figures over time: the axes, the labels under them and the legend around ``paint_figures``."""

    def top(self) -> float:
        raise NotImplementedError

    def paint_figures(self, p: QPainter, rect: QRectF, top: float) -> list[float]:
        """Paint the figures; returns the x of each label."""
        raise NotImplementedError

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._empty(p):
            return
        rect = self._plot_rect()
        top = _nice(self.top())
        self._axes(p, rect, top)
        self._x_labels(p, rect, self.paint_figures(p, rect, top))
        self._legend(p)


class StackedBars(_TimeChart):
    """Counts over time (hours, days), one stacked bar per label, a colour per series."""

    def top(self) -> float:
        return max((sum(values[i] for _n, values in self.series) for i in range(len(self.labels))), default=0)

    def paint_figures(self, p: QPainter, rect: QRectF, top: float) -> list[float]:
        n = len(self.labels)
        step = rect.width() / max(n, 1)
        width = max(2.0, step * 0.7)
        for i in range(n):
            y = rect.bottom()
            for s, (_name, values) in enumerate(self.series):
                h = rect.height() * values[i] / top
                if h > 0:
                    p.fillRect(QRectF(rect.left() + i * step + (step - width) / 2, y - h, width, h), series_colour(s))
                y -= h
        return [rect.left() + (i + 0.5) * step for i in range(n)]


class Lines(_TimeChart):
    """Values over time, one line per series; ``None`` leaves a gap (no reading)."""

    def top(self) -> float:
        return max((v for _n, values in self.series for v in values if v is not None), default=0)

    def paint_figures(self, p: QPainter, rect: QRectF, top: float) -> list[float]:
        n = len(self.labels)
        step = rect.width() / max(n - 1, 1)
        for s, (_name, values) in enumerate(self.series):
            path, drawing = QPainterPath(), False
            for i, v in enumerate(values):
                if v is None:
                    drawing = False
                    continue
                pt = QPointF(rect.left() + i * step, rect.bottom() - rect.height() * v / top)
                path.lineTo(pt) if drawing else path.moveTo(pt)
                drawing = True
            p.setPen(QPen(series_colour(s), 1.8))
            p.drawPath(path)
        return [rect.left() + i * step for i in range(n)]


class HorizontalBars(Chart):
    """One bar per label (failures by reason), longest first, the count at its end."""

    def table(self) -> list[list[str]]:
        name = self.series[0][0] if self.series else ""
        return [[self.tr("Reason"), name]] + [[lab, _num(v)] for lab, v in zip(self.labels, self.series[0][1])] \
            if self.series else [[self.tr("Reason")]]

    def sizeHint(self) -> QSize:
        return QSize(420, max(150, (self.fontMetrics().height() + 8) * len(self.labels) + 12))

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self._empty(p):
            return
        text, _faint = self._colours()
        values = self.series[0][1]
        fm = self.fontMetrics()
        row = fm.height() + 8
        label_w = min(self.width() * 0.55, max(fm.horizontalAdvance(lab) for lab in self.labels) + 10)
        top = max(values) or 1
        count_w = fm.horizontalAdvance(_num(top)) + 10
        for i, (label, v) in enumerate(zip(self.labels, values)):
            y = 6 + i * row
            p.setPen(text)
            p.drawText(QRectF(0, y, label_w - 6, row - 4), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                       fm.elidedText(label, Qt.TextElideMode.ElideRight, int(label_w - 8)))
            w = (self.width() - label_w - count_w - 8) * v / top
            p.fillRect(QRectF(label_w, y + 2, w, row - 8), series_colour(4))
            p.drawText(QRectF(label_w + w + 4, y, count_w, row - 4), Qt.AlignmentFlag.AlignVCenter, _num(v))


def _nice(value: float) -> float:
    """A round top for an axis at or above ``value`` (1, 2, 5 × 10^n)."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for factor in (1, 2, 5, 10):
        if value <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)
