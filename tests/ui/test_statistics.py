"""The Statistics view: messages per hour and per day by gateway and direction, the delivery rate
and failures by reason, the queue and send rate, each modem's signal and registration; each chart
exports as CSV and PNG; the store's figures come from bounded queries over the time index."""

from __future__ import annotations

import csv
import sqlite3

from PySide6.QtGui import QImage

from app.engine import lifecycle
from app.engine.requests import OutboundRequest
from app.engine.statistics import read_statistics
from app.ui.main_window import STATISTICS
from tests.ui.conftest import complete


def fill(window, qtbot):
    engine = window.engine
    with qtbot.waitSignal(window.bridge.message_changed, timeout=5000,
                          check_params_cb=lambda m: m.status == "delivered"):
        engine.queue_messages([OutboundRequest(["+15550001"], "Your order is ready", status_report=True)])
    for sender in ("+15550002", "+15550003"):
        with qtbot.waitSignal(window.bridge.message_stored, timeout=5000):
            engine.simulate_incoming(sender=sender, text="Thanks")
    engine.pause_gateway("Demo")
    engine.queue_messages([OutboundRequest(["+15550004", "+15550005"], "Opening hours")])
    ids = [m.id for m in engine.list_messages("out", limit=2)]
    engine._transition(ids[:1], lifecycle.BLOCK, reason="no response from SME (SC not making further attempts)")
    engine.resume_gateway("Demo")
    # the other one is sent once the gateway is resumed: the figures are read after that
    qtbot.waitUntil(lambda: all(m.status not in ("queued", "sending") for m in engine.list_messages("out", limit=2)),
                    timeout=10000)


def test_statistics_show_each_figure_and_export_csv_and_png(window, qtbot, tmp_path):
    engine = window.engine
    engine.add_gateway("Modem", "modem", {"port": "simulator"})
    complete(qtbot, engine.start_gateway("Modem"), 15)
    fill(window, qtbot)
    tab = window.statistics_tab
    tab.sampler.sample()
    qtbot.waitUntil(lambda: engine.gateways["Modem"].info().get("signal_bars") is not None, timeout=10000)
    last = tab.sampler.sample()
    assert last.queue == engine.status_figures()[1]  # what the engine counts, read with no store access
    window.show_tab(STATISTICS)
    complete(qtbot, tab.refresh())
    stats = tab.stats
    assert sum(stats.per_hour[("Demo", "out")]) >= 2 and sum(stats.per_hour[("Demo", "in")]) == 2
    assert stats.per_day[("Demo", "in")][-1] == 2
    assert stats.delivered == 1 and stats.failed == 1 and stats.delivery_rate == 0.5
    assert tab.cards["failures"].summary.text() == "50 % delivered: 1 delivered, 1 failed"
    assert tab.cards["failures"].chart.labels == ["the phone is off or out of reach"]
    assert len(stats.samples) >= 2 and stats.samples[-1] == last
    assert tab.cards["queue"].chart.series[0][0] == "Queue length"
    modem = stats.modems["Modem"]
    assert modem[-1].registered and isinstance(modem[-1].bars, int)
    assert "Modem" in tab.cards["signal"].summary.text() and "registered" in tab.cards["signal"].summary.text()
    names = [name for name, _v in tab.cards["per_hour"].chart.series]
    assert "Demo sent" in names and "Demo received" in names

    rows = list(csv.reader(open(tab.cards["per_hour"].save_csv(str(tmp_path / "h.csv")), encoding="utf-8")))
    assert rows[0][0] == "When" and "Demo received" in rows[0] and len(rows) == 25
    column = rows[0].index("Demo received")
    assert sum(int(r[column]) for r in rows[1:]) == 2
    png = tab.cards["signal"].save_png(str(tmp_path / "signal.png"))
    image = QImage(png)
    assert not image.isNull() and image.width() > 100
    complete(qtbot, engine.stop_gateway("Modem"))


def test_the_figures_are_read_through_the_time_index(window, db_url):
    """The plans of the store's queries walk created_at's index, never a whole status or direction."""
    read_statistics(window.engine)  # the figures read without error
    path = db_url.removeprefix("sqlite:///")
    conn = sqlite3.connect(path)
    for where in ("created_at >= '2026-01-01' AND +direction = 'out' AND +status IN ('delivered', 'failed')",
                  "created_at >= '2026-01-01'"):
        plan = " ".join(str(r) for r in conn.execute(f"EXPLAIN QUERY PLAN SELECT status, count(*) FROM message "
                                                     f"WHERE {where} GROUP BY status"))
        assert "ix_message_created" in plan, plan
