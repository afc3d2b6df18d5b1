"""The live counter under a message text: encoding, characters, parts and what is left,
with the characters that force Unicode highlighted and an offer to replace them."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QColor, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QWidget

from app.sms.counter import count
from app.sms.translit import transliterate, unsupported_gsm_chars

_ENCODING_NAMES = {"gsm": "GSM 7-bit", "ucs2": "Unicode (UCS-2)", "8bit": "8-bit data"}


def counter_text(text: str) -> str:
    """``GSM 7-bit · 42 characters · 1 part · 118 left``."""
    c = count(text)
    encoding = _ENCODING_NAMES.get(c.encoding, c.encoding)
    if c.language:
        encoding += f" ({c.language})"
    parts = QCoreApplication.translate("SmsCounter", "%n part(s)", None, c.parts)
    return QCoreApplication.translate("SmsCounter", "%s · %d characters · %s · %d left") % (
        encoding, c.chars, parts, c.left)


class UnicodeHighlighter(QSyntaxHighlighter):
    """Marks the characters that make a text go out in Unicode."""

    def __init__(self, document):
        super().__init__(document)
        self.chars: set[str] = set()
        self.format = QTextCharFormat()
        self.format.setBackground(QColor(255, 193, 7, 150))
        self.format.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self.format.setUnderlineColor(QColor("#c62828"))

    def set_chars(self, chars: set[str]) -> None:
        if chars != self.chars:
            self.chars = chars
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        if not self.chars:
            return
        for i, ch in enumerate(text):
            if ch in self.chars:
                self.setFormat(i, 1, self.format)


class CounterBar(QWidget):
    """Counter line for a text edit; ``Replace`` transliterates the highlighted characters."""

    replaced = Signal()

    def __init__(self, edit: QPlainTextEdit, parent: QWidget | None = None):
        super().__init__(parent)
        self.edit = edit
        self.highlighter = UnicodeHighlighter(edit.document())
        self.label = QLabel(self)
        self.label.setObjectName("counterLabel")
        self.unicode_label = QLabel(self)
        self.unicode_label.setObjectName("unicodeLabel")
        self.replace_button = QPushButton(self.tr("Replace with GSM characters"), self)
        self.replace_button.setObjectName("transliterateButton")
        self.replace_button.setToolTip(self.tr("Replace the highlighted characters with the nearest GSM ones "
                                               "(é → e, „ → \"), so the message costs fewer parts"))
        self.replace_button.clicked.connect(self.transliterate)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addStretch(1)
        layout.addWidget(self.unicode_label)
        layout.addWidget(self.replace_button)
        edit.textChanged.connect(self.update_counter)
        self.update_counter()

    def update_counter(self) -> None:
        text = self.edit.toPlainText()
        self.label.setText(counter_text(text))
        bad = unsupported_gsm_chars(text)
        self.highlighter.set_chars(set(bad))
        fixable = [c for c in bad if transliterate(c) != c]
        if bad:
            shown = " ".join(bad[:8]) + (" …" if len(bad) > 8 else "")
            self.unicode_label.setText(self.tr("Unicode because of: %s") % shown)
        self.unicode_label.setVisible(bool(bad))
        self.replace_button.setVisible(bool(fixable))

    def transliterate(self) -> None:
        cursor = self.edit.textCursor()
        position = cursor.position()
        cursor.beginEditBlock()  # one undo step
        cursor.select(cursor.SelectionType.Document)
        cursor.insertText(transliterate(self.edit.toPlainText()))
        cursor.endEditBlock()
        cursor.setPosition(min(position, len(self.edit.toPlainText())))
        self.edit.setTextCursor(cursor)
        self.edit.setFocus()  # the button hides now: the focus stays in the text, not on the next button
        self.replaced.emit()
