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
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)


def build(path: str, rows: int) -> None:
    from app.store.database import Database

    if os.path.exists(path):
        os.remove(path)
    db = Database(f"sqlite:///{path}")
    db.create()
    db.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    start = datetime(2030, 1, 1)
    # Every NOT NULL column gets a value, so the builder follows the schema as it grows.
    table = conn.execute("PRAGMA table_info(message)").fetchall()
    filler = {name: (0 if "INT" in typ.upper() or "BOOL" in typ.upper() else "")
              for _cid, name, typ, notnull, _default, pk in table if notnull and not pk}
    filler.update(direction="in", status="received", recipient="+15550100", message_type="sms.text",
                  encoding="gsm", parts=1, total_parts=1, received_parts=1)
    names = list(filler) + ["uid", "sender", "text", "created_at", "updated_at", "read"]
    names = list(dict.fromkeys(names))
    sql = f"INSERT INTO message ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    batch = []
    for i in range(rows):
        t = (start + timedelta(seconds=i * 7)).strftime("%Y-%m-%d %H:%M:%S.000000")
        row = dict(filler, uid=uuid.uuid4().hex, sender=f"+4917{i % 100000:08d}",
                   text=f"Message number {i}: order {i * 31 % 99991} is ready for pickup",
                   created_at=t, updated_at=t, read=int(i % 3 == 0))
        batch.append(tuple(row[n] for n in names))
        if len(batch) == 50_000:
            conn.executemany(sql, batch)
            batch.clear()
    if batch:
        conn.executemany(sql, batch)
    conn.commit()
    conn.close()
    # A running console indexes new messages as they arrive (search, conversations);
    # leave the store as it would be after that, not with a million-row backlog.
    from app.store import derived

    db = Database(f"sqlite:///{path}")
    derived.catch_up(db.engine)
    db.close()


CHILD = r"""
import os, sys, time, json, resource
t0 = time.perf_counter()
from app.store.database import Database
from app.engine.engine import Engine
from app.ui.application import make_qapplication
from app.ui.engine_bridge import EngineBridge
from app.ui.main_window import MainWindow, INBOX
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
        build(path, args.rows)
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
