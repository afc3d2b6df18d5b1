"""Import a file of blocked numbers into the opt-out list dialog while the event loop
keeps running: numbers per second, and the longest time the loop was held.

A watcher coroutine wakes every millisecond and records the largest gap between
wake-ups; that gap is what the window and the gateways feel during the import.

    QT_QPA_PLATFORM=offscreen python tests/benchmarks/bench_opt_out_import.py [--numbers 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.engine.engine import Engine  # noqa: E402
from app.store.database import Database  # noqa: E402
from loop_watch import LoopWatch  # noqa: E402
from app.runtime import settle_heap  # noqa: E402
from app.ui.blocked_numbers_dialog import BlockedNumbersDialog  # noqa: E402
from app.ui.gui_gc import GuiThreadCollector  # noqa: E402


async def run(count: int, path: str) -> None:
    engine = Engine(Database(f"sqlite:///{path}/console.db"))
    engine.open_store()
    dialog = BlockedNumbersDialog(engine)
    dialog.show()
    text = "number;reason\n" + "".join(f"+4930{i:07d};imported\n" for i in range(count))
    settle_heap()  # as the window does once started
    collector = GuiThreadCollector()
    watch = LoopWatch(period=0.001).start()
    start = time.perf_counter()
    outcome = await dialog.block_text(text, "bench.csv")
    took = time.perf_counter() - start
    longest = await watch.stop()
    collector.stop()
    print(f"opt-out import: {outcome.added} numbers in {took:.2f} s = {outcome.added / took:.0f} numbers/s")
    print(f"longest event-loop hold during the import: {longest * 1000:.1f} ms")
    start = time.perf_counter()
    dialog.reload()
    print(f"opening the list of {len(dialog.numbers())} numbers: {(time.perf_counter() - start) * 1000:.0f} ms")
    dialog.close()
    engine.db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=5000)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with tempfile.TemporaryDirectory() as path, loop:
        loop.run_until_complete(run(args.numbers, path))


if __name__ == "__main__":
    main()
