"""The Settings dialog's Sending page: retries, duplicate detection and what happens to a message
that was being sent when the console stopped. Each field is one of the store's declared settings."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QComboBox, QDoubleSpinBox, QFormLayout, QLabel, QSpinBox, QWidget

from app.settings import GENERAL

INTERRUPTED = ((QT_TRANSLATE_NOOP("SendingSettings", "Send it again (it may arrive twice)"), "resend"),
               (QT_TRANSLATE_NOOP("SendingSettings", "Mark it failed; I decide whether to retry"), "fail"))


def _spin(key: str, value, suffix: str, parent: QWidget) -> QSpinBox | QDoubleSpinBox:
    s = GENERAL[key]
    box = QDoubleSpinBox(parent) if s.type is float else QSpinBox(parent)
    if s.type is float:
        box.setDecimals(1)
    cast = float if s.type is float else int
    box.setRange(cast(s.minimum), cast(s.maximum))
    box.setValue(value)
    box.setSuffix(suffix)
    box.setToolTip(s.description)
    box.setObjectName(key)
    return box


class SendingSettings(QWidget):
    def __init__(self, settings: dict, parent: QWidget | None = None):
        super().__init__(parent)
        form = QFormLayout(self)
        seconds = self.tr(" s")
        self.editors = {
            "max_attempts": _spin("max_attempts", settings["max_attempts"], "", self),
            "retry_base_seconds": _spin("retry_base_seconds", settings["retry_base_seconds"], seconds, self),
            "retry_max_seconds": _spin("retry_max_seconds", settings["retry_max_seconds"], seconds, self),
            "retry_max_age_seconds": _spin("retry_max_age_seconds", settings["retry_max_age_seconds"], seconds,
                                           self),
            "duplicate_window_seconds": _spin("duplicate_window_seconds", settings["duplicate_window_seconds"],
                                              seconds, self),
        }
        self.editors["retry_max_age_seconds"].setSpecialValueText(self.tr("no limit"))
        self.interrupted_combo = QComboBox(self)
        self.interrupted_combo.setObjectName("interrupted_rule")
        for label, value in INTERRUPTED:
            self.interrupted_combo.addItem(self.tr(label), value)
        self.interrupted_combo.setCurrentIndex(max(0, self.interrupted_combo.findData(settings["interrupted_rule"])))
        self.interrupted_combo.setToolTip(GENERAL["interrupted_rule"].description)
        form.addRow(self.tr("&Tries before a message fails:"), self.editors["max_attempts"])
        form.addRow(self.tr("First &retry after:"), self.editors["retry_base_seconds"])
        form.addRow(self.tr("Longest wait between tries:"), self.editors["retry_max_seconds"])
        form.addRow(self.tr("Give up on a message failing for:"), self.editors["retry_max_age_seconds"])
        form.addRow(self.tr("&Duplicate check window:"), self.editors["duplicate_window_seconds"])
        form.addRow(self.tr("A message &interrupted by a stop:"), self.interrupted_combo)
        note = QLabel(self.tr("Each retry waits twice as long as the one before. The duplicate check applies when "
                              "a client asks for it: the same sender, recipient and text within the window."), self)
        note.setWordWrap(True)
        note.setEnabled(False)
        form.addRow(note)

    def values(self) -> dict:
        out = {key: box.value() for key, box in self.editors.items()}
        out["interrupted_rule"] = self.interrupted_combo.currentData()
        return out
