"""Icons: the shipped SVG action icons as QIcon, and small painted state icons."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from app.resources import icon_path


@lru_cache(maxsize=None)
def icon(name: str) -> QIcon:
    """The shipped icon ``name`` (crisp at any scale: SVG); an empty icon when it is missing."""
    try:
        return QIcon(str(icon_path(name)))
    except (FileNotFoundError, OSError):
        return QIcon()


@lru_cache(maxsize=None)
def dot(colour: str, size: int = 12) -> QIcon:
    """A filled circle in ``colour``: the status and state icon beside words."""
    pixmap = QPixmap(size * 2, size * 2)  # drawn at 2x, shown crisp on high-DPI screens
    pixmap.setDevicePixelRatio(2.0)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QColor(colour).darker(130))
    p.setBrush(QColor(colour))
    p.drawEllipse(QRectF(1.5, 1.5, size - 3, size - 3))
    p.end()
    return QIcon(pixmap)
