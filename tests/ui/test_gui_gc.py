"""The window collects garbage on its own thread: the automatic collector is off while it runs."""

from __future__ import annotations

import gc

from app.ui.gui_gc import GuiThreadCollector


class Cycle:
    def __init__(self):
        self.me = self


def test_collection_happens_on_the_window_thread_as_the_thresholds_ask(qapp):
    collector = GuiThreadCollector(interval_ms=60_000)
    try:
        assert not gc.isenabled()
        gc.collect()
        assert collector.check() is None  # nothing allocated since: nothing to do
        for _ in range(collector.thresholds[0] + 100):
            Cycle()  # garbage the reference counts cannot free
        assert gc.get_count()[0] > collector.thresholds[0]  # the automatic collector did not run
        assert collector.check() == 0
        assert gc.get_count()[0] < collector.thresholds[0]
    finally:
        collector.stop()
    assert gc.isenabled()
