"""Once started, the console moves what the start-up built out of the collector's way."""

from __future__ import annotations

import gc

from app.runtime import settle_heap


def test_settle_heap_leaves_full_collections_only_what_came_since():
    gc.collect()  # count what lives, not also what earlier tests left for the collector
    before = len(gc.get_objects())
    try:
        settle_heap()
        assert gc.get_freeze_count() >= before * 0.9
        young = [[i] for i in range(1000)]  # noqa: F841 - allocated after: still collected as usual
        assert len(gc.get_objects()) < before / 4
    finally:
        gc.unfreeze()
