"""Open the Inbox on a store of 1,000,000 received messages.

Builds the store once (kept in the temp directory between runs), then in a
fresh process opens the store, builds the main window and measures the time
until the Inbox has painted its first rows, and the process's peak memory.

    python tests/benchmarks/bench_inbox_million.py [--rows 1000000] [--rebuild]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from store_builder import build_store  # noqa: E402


def message(i: int) -> dict:
    return dict(direction="in", status="received", recipient="+15550100", sender=f"+4917{i % 100000:08d}",
                text=f"Message number {i}: order {i * 31 % 99991} is ready for pickup", read=int(i % 3 == 0))


CHILD = r"""
import os, sys, time, json, resource
t0 = time.perf_counter()
from app.store.database import Database
from app.engine.engine import Engine
from app.ui.application import make_qapplication
from app.ui.engine_bridge import EngineBridge
from app.ui.main_window import MainWindow, INBOX
import app.ui.inbox_tab, app.ui.outbox_tab, app.ui.sessions_tab, app.ui.gateways_tab  # the window imports them when it fills
from PySide6.QtCore import QTimer
app = make_qapplication()
t_imports = time.perf_counter()
engine = Engine(Database(sys.argv[1]))
engine.open_store()
bridge = EngineBridge(engine)
win = MainWindow(bridge)
win.tabs.setCurrentIndex(INBOX)
view = win.inbox_tab.view
result = {}
from PySide6.QtCore import QObject, QEvent
class PaintWatch(QObject):
    def eventFilter(self, obj, ev):
        if ev.type() == QEvent.Type.Paint and "first_rows_s" not in result and view.model().rowCount() > 0:
            QTimer.singleShot(0, done)
        return False
def done():
    if "first_rows_s" not in result:
        result["first_rows_s"] = time.perf_counter() - t_imports
        result["rows_loaded"] = view.model().rowCount()
        app.quit()
watch = PaintWatch()
view.viewport().installEventFilter(watch)
win.show()
app.exec()
result["imports_s"] = t_imports - t0
result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
result["unread"] = engine.unread_count()
print(json.dumps(result))
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    path = os.path.join(tempfile.gettempdir(), f"smsconsole-bench-{args.rows}.db")
    if args.rebuild or not os.path.exists(path):
        t = time.perf_counter()
        build_store(path, args.rows, message)
        print(f"built {args.rows:,} messages in {time.perf_counter() - t:.1f} s: {path}")
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    out = subprocess.run([sys.executable, "-c", CHILD, f"sqlite:///{path}"], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"store: {args.rows:,} received messages ({os.path.getsize(path) / 1e6:.0f} MB)")
    print(f"imports: {r['imports_s']:.3f} s")
    print(f"open store + build window -> first Inbox rows painted: {r['first_rows_s'] * 1000:.0f} ms "
          f"({r['rows_loaded']} rows loaded; target < 300 ms)")
    print(f"peak memory of the process: {r['peak_rss_mb']:.0f} MB (target < 300 MB)")
    print(f"unread count (computed after paint): {r['unread']:,}")


if __name__ == "__main__":
    main()
