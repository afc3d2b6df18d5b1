"""The Statistics tab: messages per hour and per day by gateway and direction, the delivery rate
and failures by reason, the queue and the send rate over the last day, and each modem's signal and
registration; every chart exports as CSV and PNG. The figures are read in the engine's store lane
(``app.engine.statistics``), never on the window's thread."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (QFileDialog, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QToolBar, QVBoxLayout, QWidget)

from app.engine.statistics import Statistics, StatisticsSampler, statistics

from .charts import Chart, HorizontalBars, Lines, StackedBars
from .engine_bridge import EngineBridge
from .reason_words import plain_reason
from .tasks import spawn


class ChartCard(QFrame):
    """A chart with its title, a line of figures, and CSV and PNG export."""

    def __init__(self, key: str, title: str, chart: Chart, parent: QWidget):
        super().__init__(parent)
        self.key = key
        self.setObjectName(f"card_{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.chart = chart
        self.title = QLabel(f"<b>{title}</b>", self)
        self.summary = QLabel(self)
        self.summary.setObjectName(f"summary_{key}")
        self.summary.setWordWrap(True)
        csv_button = QPushButton(self.tr("CSV…"), self)
        csv_button.setToolTip(self.tr("Save the figures of this chart as a CSV file"))
        csv_button.clicked.connect(lambda: self.save_csv())
        png_button = QPushButton(self.tr("PNG…"), self)
        png_button.setToolTip(self.tr("Save this chart as a picture"))
        png_button.clicked.connect(lambda: self.save_png())
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(csv_button)
        top.addWidget(png_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(chart, 1)

    def _ask(self, suffix: str, kind: str) -> str:
        stamp = datetime.now().strftime("%Y%m%d-%H%M")
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save chart"), f"{self.key}-{stamp}.{suffix}", kind)
        return path

    def save_csv(self, path: str | None = None) -> str | None:
        path = path or self._ask("csv", self.tr("CSV files (*.csv)"))
        if path:
            Path(path).write_text(self.chart.csv_text(), encoding="utf-8")
        return path or None

    def save_png(self, path: str | None = None) -> str | None:
        path = path or self._ask("png", self.tr("PNG pictures (*.png)"))
        if path and not self.grab().save(path, "PNG"):
            return None
        return path or None


def _direction(direction: str) -> str:
    from PySide6.QtCore import QCoreApplication

    if direction == "out":
        return QCoreApplication.translate("StatisticsTab", "sent")
    return QCoreApplication.translate("StatisticsTab", "received")


class StatisticsTab(QWidget):
    #: New figures were shown.
    loaded = Signal()

    def __init__(self, bridge: EngineBridge, parent: QWidget | None = None):
        super().__init__(parent)
        self.engine = bridge.engine
        self.sampler = StatisticsSampler(self.engine)
        self.sampler.start()
        self.stats: Statistics | None = None
        self.toolbar = QToolBar(self)
        refresh = self.toolbar.addAction(self.tr("Refresh"), lambda: self.refresh())
        refresh.setToolTip(self.tr("Read the figures again (they refresh each minute while shown)"))
        self.when = QLabel(self)
        self.toolbar.addWidget(self.when)
        self.cards = {
            "per_hour": ChartCard("per_hour", self.tr("Messages per hour, last 24 hours"), StackedBars(), self),
            "per_day": ChartCard("per_day", self.tr("Messages per day, last 14 days"), StackedBars(), self),
            "failures": ChartCard("failures", self.tr("Delivery and failures by reason, last 24 hours"),
                                  HorizontalBars(), self),
            "queue": ChartCard("queue", self.tr("Queue and send rate, since the console started (a day at most)"),
                               Lines(), self),
            "signal": ChartCard("signal", self.tr("Modem signal and registration, a day at most"), Lines(), self),
        }
        self.cards["failures"].chart.empty_text = self.tr("No failed message in the last 24 hours")
        self.cards["signal"].chart.empty_text = self.tr("No modem reading yet")
        host = QWidget(self)
        self.view = host
        grid = QGridLayout(host)
        for i, card in enumerate(self.cards.values()):
            grid.addWidget(card, i // 2, i % 2)
        for r in range(3):
            grid.setRowMinimumHeight(r, 250)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(host)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.toolbar)
        layout.addWidget(scroll, 1)
        self._tick = QTimer(self, interval=60_000, timeout=lambda: self.isVisible() and self.refresh())
        self._tick.start()
        self._pending = None

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.refresh()

    def refresh(self):
        """Read the figures in the store lane, then show them; returns the task."""
        if self._pending is not None and not self._pending.done():
            return self._pending

        async def load() -> None:
            self.show_statistics(await statistics(self.engine, self.sampler))

        self._pending = spawn(load(), self, self.tr("Statistics"))
        return self._pending

    def show_statistics(self, stats: Statistics) -> None:
        self.stats = stats
        self.when.setText("  " + self.tr("as of %s") % datetime.now().strftime("%H:%M"))
        def names(key: tuple[str, str]) -> str:
            if not key[0]:
                return self.tr("not handed to a gateway") if key[1] == "out" else self.tr("received")
            return f"{key[0]} {_direction(key[1])}"

        hours = [h.astimezone().strftime("%H:00") for h in stats.hours]
        self.cards["per_hour"].chart.set_data(hours, [(names(k), v) for k, v in sorted(stats.per_hour.items())])
        days = [d.strftime("%m-%d") for d in stats.days]
        self.cards["per_day"].chart.set_data(days, [(names(k), v) for k, v in sorted(stats.per_day.items())])
        self.cards["per_hour"].summary.setText(self.tr("%d outgoing, %d received") % (
            sum(sum(v) for k, v in stats.per_hour.items() if k[1] == "out"),
            sum(sum(v) for k, v in stats.per_hour.items() if k[1] == "in")))
        failures = self.cards["failures"]
        failures.chart.set_data([plain_reason("failed", r) or self.tr("no reason given") for r, _n in stats.failures],
                                [(self.tr("Messages"), [n for _r, n in stats.failures])])
        rate = stats.delivery_rate
        failures.summary.setText(self.tr("No message reached an outcome yet.") if rate is None else
                                 self.tr("%d %% delivered: %d delivered, %d failed") % (round(rate * 100),
                                                                                       stats.delivered, stats.failed))
        times = [datetime.fromtimestamp(s.at).strftime("%H:%M") for s in stats.samples]
        queue = self.cards["queue"]
        queue.chart.set_data(times, [(self.tr("Queue length"), [s.queue for s in stats.samples]),
                                     (self.tr("Sent per minute"), [round(s.send_rate, 1) for s in stats.samples])])
        if stats.samples:
            last = stats.samples[-1]
            queue.summary.setText(self.tr("Now: %d waiting, %.1f sent per minute") % (last.queue, last.send_rate))
        self._show_modems(stats)
        self.loaded.emit()

    def _show_modems(self, stats: Statistics) -> None:
        card = self.cards["signal"]
        longest = max(stats.modems.values(), key=len, default=[])
        labels = [datetime.fromtimestamp(s.at).strftime("%H:%M") for s in longest]
        series, lines = [], []
        for name, readings in sorted(stats.modems.items()):
            pad = [None] * (len(labels) - len(readings))
            series.append((self.tr("%s (bars of 5)") % name,
                           pad + [s.bars if s.registered else None for s in readings]))
            registered = sum(s.registered for s in readings)
            last = readings[-1] if readings else None
            lines.append(self.tr("%s: %s now, registered in %d %% of the readings") % (
                name, (f"{last.dbm} dBm" if last and last.dbm is not None else self.tr("no signal")),
                round(100 * registered / len(readings)) if readings else 0))
        card.chart.set_data(labels, series)
        card.summary.setText("\n".join(lines) or self.tr("No modem gateway."))
