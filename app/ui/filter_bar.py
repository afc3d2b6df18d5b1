"""The search field and filters above a message list: text, unread, status, gateway, date range."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from PySide6.QtCore import QT_TRANSLATE_NOOP, QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QHBoxLayout, QLabel, QLineEdit, QWidget

from app.engine.engine import Engine
from app.store.search import MessageFilter

from .icons import icon

#: Date range choices: (label, days back; 0 = today; None = any time; -1 = chosen dates).
_RANGES = ((QT_TRANSLATE_NOOP("FilterBar", "Any time"), None), (QT_TRANSLATE_NOOP("FilterBar", "Today"), 0),
           (QT_TRANSLATE_NOOP("FilterBar", "Last 7 days"), 7), (QT_TRANSLATE_NOOP("FilterBar", "Last 30 days"), 30),
           (QT_TRANSLATE_NOOP("FilterBar", "Between…"), -1))


class FilterBar(QWidget):
    """Emits :attr:`changed` (debounced while typing) whenever the filter changes."""

    changed = Signal()

    def __init__(self, engine: Engine, parent: QWidget | None = None, *, unread: bool = True,
                 statuses: tuple[tuple[str, tuple[str, ...]], ...] = ()):
        super().__init__(parent)
        self.engine = engine
        self.search_edit = QLineEdit(self)
        self.search_edit.setObjectName("searchEdit")
        self.search_edit.setPlaceholderText(self.tr("Search text and numbers (Ctrl+F)"))
        self.search_edit.setToolTip(self.tr("Every word must match the beginning of a word or number"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        self.search_edit.setMinimumWidth(220)
        self._typing = QTimer(self, singleShot=True, interval=200, timeout=self.changed.emit)
        self.search_edit.textChanged.connect(lambda _t: self._typing.start())

        self.unread_check = QCheckBox(self.tr("&Unread only"), self)
        self.unread_check.setObjectName("unreadCheck")
        self.unread_check.setVisible(unread)
        self.unread_check.toggled.connect(lambda _v: self.changed.emit())

        self.status_combo = QComboBox(self)
        self.status_combo.setObjectName("statusCombo")
        self.status_combo.setToolTip(self.tr("Show only messages in this state"))
        self.status_combo.addItem(self.tr("Any status"), ())
        for label, names in statuses:
            self.status_combo.addItem(label, names)
        self.status_combo.setVisible(bool(statuses))
        self.status_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())

        self.gateway_combo = QComboBox(self)
        self.gateway_combo.setObjectName("gatewayFilterCombo")
        self.gateway_combo.setToolTip(self.tr("Show only messages of this gateway"))
        self.reload_gateways()
        self.gateway_combo.currentIndexChanged.connect(lambda _i: self.changed.emit())

        self.range_combo = QComboBox(self)
        self.range_combo.setObjectName("rangeCombo")
        self.range_combo.setToolTip(self.tr("Show only messages of this period"))
        for label, days in _RANGES:
            self.range_combo.addItem(self.tr(label), days)
        self.from_edit = QDateEdit(QDate.currentDate().addDays(-7), self)
        self.to_edit = QDateEdit(QDate.currentDate(), self)
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(lambda _d: self.changed.emit())
        self.from_edit.setObjectName("fromDate")
        self.to_edit.setObjectName("toDate")
        self.to_label = QLabel(self.tr("and"), self)
        self.range_combo.currentIndexChanged.connect(self._range_changed)
        self._range_changed()

        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.search_edit, 1)
        for w in (self.unread_check, self.status_combo, self.gateway_combo, self.range_combo, self.from_edit,
                  self.to_label, self.to_edit):
            layout.addWidget(w)

    def reload_gateways(self) -> None:
        current = self.gateway_combo.currentData()
        self.gateway_combo.blockSignals(True)
        self.gateway_combo.clear()
        self.gateway_combo.addItem(self.tr("All gateways"), None)
        for name in self.engine.gateways:
            self.gateway_combo.addItem(name, name)
        index = self.gateway_combo.findData(current)
        self.gateway_combo.setCurrentIndex(max(index, 0))
        self.gateway_combo.blockSignals(False)

    def _range_changed(self) -> None:
        custom = self.range_combo.currentData() == -1
        for w in (self.from_edit, self.to_label, self.to_edit):
            w.setVisible(custom)
        self.changed.emit()

    def _bounds(self) -> tuple[datetime | None, datetime | None]:
        days = self.range_combo.currentData()
        today = datetime.combine(datetime.now().date(), time()).astimezone()
        if days is None:
            return None, None
        if days == -1:
            start = datetime.combine(self.from_edit.date().toPython(), time()).astimezone()
            end = datetime.combine(self.to_edit.date().toPython(), time()).astimezone() + timedelta(days=1)
            return start, end
        return today - timedelta(days=days), None

    def filter(self, direction: str | None) -> MessageFilter:
        since, until = self._bounds()
        return MessageFilter(direction=direction, text=self.search_edit.text().strip(),
                             unread=not self.unread_check.isHidden() and self.unread_check.isChecked(),
                             gateway=self.gateway_combo.currentData(), statuses=tuple(self.status_combo.currentData()),
                             since=since, until=until)

    def clear(self) -> None:
        for w in (self.search_edit, self.unread_check, self.status_combo, self.gateway_combo, self.range_combo):
            w.blockSignals(True)
        self.search_edit.clear()
        self.unread_check.setChecked(False)
        for combo in (self.status_combo, self.gateway_combo, self.range_combo):
            combo.setCurrentIndex(0)
        for w in (self.search_edit, self.unread_check, self.status_combo, self.gateway_combo, self.range_combo):
            w.blockSignals(False)
        self._range_changed()

    def focus_search(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()
