"""Painting of the conversation view: list entries with unread badges, and message bubbles with ticks."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.engine.views import MessageView

from .conversation_models import RowRole
from .formatting import STATUS_COLOURS, local_time, short_time, state_words
from .theme import is_dark

PAD = 8
#: How the state of an outbound message is shown under its bubble.
TICKS = {"queued": "◷", "scheduled": "◷", "sending": "…", "sent": "✓", "delivered": "✓✓", "failed": "✗",
         "undelivered": "✗", "expired": "✗", "cancelled": "⊘"}


def ticks(msg: MessageView) -> str:
    words = state_words(msg.status)
    text = f"{TICKS[msg.status]} {words}" if msg.status in TICKS else words
    return f"{text}: {msg.reason}" if msg.reason and msg.status in ("failed", "undelivered", "expired") else text


class ConversationDelegate(QStyledItemDelegate):
    """Two lines: name and time; last text and the unread count."""

    def sizeHint(self, option, index) -> QSize:
        fm = option.fontMetrics
        return QSize(200, fm.height() * 2 + PAD * 2 + 2)

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index) -> None:
        row = index.data(RowRole)
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        if style:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, p, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        pal = option.palette
        text_colour = pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        dim = QColor(text_colour)
        dim.setAlphaF(0.65)
        r = option.rect.adjusted(PAD, PAD, -PAD, -PAD)
        fm = option.fontMetrics
        line = fm.height()
        p.save()
        bold = QFont(option.font)
        bold.setBold(row.unread > 0)
        when = short_time(row.last_at)
        p.setFont(option.font)
        when_w = fm.horizontalAdvance(when) + PAD
        p.setPen(dim)
        p.drawText(QRect(r.right() - when_w, r.top(), when_w, line), Qt.AlignmentFlag.AlignRight, when)
        p.setFont(bold)
        p.setPen(text_colour)
        title = row.name or row.number
        p.drawText(QRect(r.left(), r.top(), r.width() - when_w, line), Qt.AlignmentFlag.AlignLeft,
                   QFontMetrics(bold).elidedText(title, Qt.TextElideMode.ElideRight, r.width() - when_w))
        badge_w = 0
        if row.unread:
            badge = str(row.unread) if row.unread < 1000 else "999+"
            badge_w = fm.horizontalAdvance(badge) + 12
            box = QRect(r.right() - badge_w, r.top() + line + 2, badge_w, line)
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor("#3d85c6") if not selected else pal.color(QPalette.ColorRole.HighlightedText))
            p.drawRoundedRect(box, line / 2, line / 2)
            p.setPen(QColor("#ffffff") if not selected else pal.color(QPalette.ColorRole.Highlight))
            p.setFont(bold)
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, badge)
        p.setFont(option.font)
        p.setPen(dim)
        prefix = "" if row.last_direction == "in" else "→ "
        snippet = prefix + row.last_text.replace("\n", " ")
        width = r.width() - badge_w - PAD
        p.drawText(QRect(r.left(), r.top() + line + 2, width, line), Qt.AlignmentFlag.AlignLeft,
                   fm.elidedText(snippet, Qt.TextElideMode.ElideRight, width))
        p.restore()


class BubbleDelegate(QStyledItemDelegate):
    """A message as a bubble: received on the left, sent on the right with its delivery ticks."""

    MAX_RATIO = 0.72

    def _text_rect(self, option, text: str) -> QRect:
        full = option.widget.viewport().width() if option.widget is not None else option.rect.width()
        width = max(120, int(full * self.MAX_RATIO)) - 2 * PAD
        fm = option.fontMetrics
        return fm.boundingRect(QRect(0, 0, width, 100000), Qt.TextFlag.TextWordWrap, text or " ")

    def sizeHint(self, option, index) -> QSize:
        msg = index.data(RowRole)
        box = self._text_rect(option, msg.text)
        return QSize(100, box.height() + option.fontMetrics.height() + 3 * PAD + 6)

    def paint(self, p: QPainter, option: QStyleOptionViewItem, index) -> None:
        msg: MessageView = index.data(RowRole)
        fm = option.fontMetrics
        text_box = self._text_rect(option, msg.text)
        meta = local_time(msg.created_at) + ("" if msg.direction == "in" else "   " + ticks(msg))
        w = max(text_box.width(), fm.horizontalAdvance(meta)) + 2 * PAD
        h = text_box.height() + fm.height() + 2 * PAD + 2
        outgoing = msg.direction == "out"
        r = option.rect
        x = r.right() - w - PAD if outgoing else r.left() + PAD
        bubble = QRect(x, r.top() + PAD // 2 + 3, w, h)
        dark = is_dark(option.palette)
        fill = QColor("#2f4f6f" if dark else "#dcebfa") if outgoing else QColor("#3a3d42" if dark else "#eeeeee")
        p.save()
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if option.state & QStyle.StateFlag.State_Selected:
            p.setPen(option.palette.color(QPalette.ColorRole.Highlight))
        else:
            p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(fill)
        p.drawRoundedRect(bubble, 10, 10)
        p.setPen(option.palette.color(QPalette.ColorRole.Text))
        p.drawText(QRect(bubble.left() + PAD, bubble.top() + PAD, text_box.width() + 1, text_box.height()),
                   Qt.TextFlag.TextWordWrap, msg.text)
        meta_colour = QColor(STATUS_COLOURS.get(msg.status, "#7a7a7a")) if outgoing else QColor("#8a8d93")
        if dark and outgoing:
            meta_colour = meta_colour.lighter(160)
        p.setPen(meta_colour)
        p.drawText(QRect(bubble.left() + PAD, bubble.bottom() - PAD - fm.height(), w - 2 * PAD, fm.height()),
                   Qt.AlignmentFlag.AlignRight if outgoing else Qt.AlignmentFlag.AlignLeft, meta)
        p.restore()
