"""Small pictures in the gateway list: messages per minute over the last hour, and signal bars."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QStyle, QStyledItemDelegate

SparkRole = Qt.ItemDataRole.UserRole + 10
BarsRole = Qt.ItemDataRole.UserRole + 11


def paint_sparkline(p: QPainter, rect: QRectF, values: tuple[int, ...], colour: QColor) -> None:
    """A filled line of ``values`` (oldest first) scaled to its maximum; a flat line when all are 0."""
    if not values:
        return
    top = max(values) or 1
    step = rect.width() / max(len(values) - 1, 1)
    points = [QPointF(rect.left() + i * step, rect.bottom() - rect.height() * v / top) for i, v in enumerate(values)]
    path = QPainterPath(points[0])
    for pt in points[1:]:
        path.lineTo(pt)
    area = QPainterPath(path)
    area.lineTo(rect.right(), rect.bottom())
    area.lineTo(rect.left(), rect.bottom())
    area.closeSubpath()
    fill = QColor(colour)
    fill.setAlpha(60)
    p.fillPath(area, fill)
    p.setPen(QPen(colour, 1.4))
    p.drawPath(path)


def paint_bars(p: QPainter, rect: QRectF, bars: int, colour: QColor, empty: QColor, of: int = 5) -> None:
    width = rect.width() / (of * 1.5)
    for i in range(of):
        h = rect.height() * (i + 1) / of
        box = QRectF(rect.left() + i * width * 1.5, rect.bottom() - h, width, h)
        p.fillRect(box, colour if i < bars else empty)


class GatewayCellDelegate(QStyledItemDelegate):
    """Draws the sparkline and signal bar cells; other cells as usual."""

    def paint(self, p: QPainter, option, index) -> None:
        values = index.data(SparkRole)
        bars = index.data(BarsRole)
        if values is None and bars is None:
            super().paint(p, option, index)
            return
        self.initStyleOption(option, index)
        option.text = ""
        widget = option.widget
        widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, option, p, widget)
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(option.rect).adjusted(6, 5, -6, -5)
        text_colour = option.palette.color(QPalette.ColorRole.Text)
        if values is not None:
            total = sum(values)
            label = f"{total}/h"
            fm = option.fontMetrics
            label_w = fm.horizontalAdvance(label) + 6
            selected = bool(option.state & QStyle.StateFlag.State_Selected)
            line = option.palette.color(QPalette.ColorRole.HighlightedText) if selected else QColor("#3d85c6")
            if selected:
                text_colour = line
            paint_sparkline(p, QRectF(r.left(), r.top(), r.width() - label_w, r.height()), values, line)
            p.setPen(text_colour)
            p.drawText(QRectF(r.right() - label_w, r.top(), label_w, r.height()),
                       int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), label)
        else:
            mid = QColor(text_colour)
            mid.setAlpha(50)
            colour = QColor("#2e7d32" if bars >= 3 else "#ef6c00" if bars >= 1 else "#c62828")
            paint_bars(p, QRectF(r.left(), r.top(), min(r.width(), 34), r.height()), bars, colour, mid)
        p.restore()

    def sizeHint(self, option, index) -> QSize:
        if index.data(SparkRole) is not None:
            return QSize(150, option.fontMetrics.height() + 10)
        return super().sizeHint(option, index)
