"""Garbage collection on the window's thread only.

Python's cycle collector runs in whichever thread happens to cross its
threshold; in the console that can be a worker thread (the store lane, the
search indexer, an export). A Qt object in a reference cycle freed there is
destroyed away from its thread, and its timers then fire on freed memory.
So the window turns the automatic collector off and collects from a timer on
its own thread, as often and as deep as the collector's thresholds ask.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

#: How often the thresholds are looked at (ms).
INTERVAL_MS = 250


class GuiThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(interval_ms)

    def check(self) -> int | None:
        """Collect the generation the counts call for (as the automatic collector would); returns it."""
        counts = gc.get_count()
        generation = None
        for gen, (count, threshold) in enumerate(zip(counts, self.thresholds)):
            if count <= threshold:
                break
            generation = gen
        if generation is not None:
            gc.collect(generation)
        return generation

    def stop(self) -> None:
        """Hand collection back to Python."""
        self._timer.stop()
        gc.enable()
