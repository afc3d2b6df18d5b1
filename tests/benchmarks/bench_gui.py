"""Search and filters of the Inbox on a store of 1,000,000 messages.

Builds the store once (kept in the temp directory; the search table and the
conversation summary are filled by the store's own triggers), then times the
operations the window runs for one page of 200 rows: the plain list, full-text
searches (a common word, a rare word, a number prefix), the unread, gateway
and date filters, search plus filters, the conversation list and one thread.
Prints the median of 7 runs of each, in milliseconds.

    python tests/benchmarks/bench_gui.py [--rows 1000000] [--rebuild]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from app.engine.engine import Engine  # noqa: E402
from app.store.database import Database  # noqa: E402
from app.store.search import MessageFilter  # noqa: E402
from store_builder import build_store  # noqa: E402

START = datetime(2030, 1, 1, tzinfo=timezone.utc)
WORDS = ("order", "parcel", "invoice", "meeting", "delivery", "payment", "reminder", "appointment")


def message(i: int) -> dict:
    inbound = i % 4 != 0
    number = f"+4917{i % 50000:08d}"
    return dict(direction="in" if inbound else "out",
                status="received" if inbound else ("delivered" if i % 10 else "failed"),
                sender=number if inbound else "", recipient="+15550100" if inbound else number,
                text=f"Your {WORDS[i % len(WORDS)]} {i * 31 % 99991} is ready" + (" zebra" if i % 100000 == 7
                                                                                    else ""),
                gateway=f"Modem{i % 4}", read=int(i % 50 != 0), priority=0)


def median_ms(fn, runs: int = 7) -> tuple[float, int]:
    times, n = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        n = len(fn())
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), n


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    path = os.path.join(tempfile.gettempdir(), f"smsconsole-bench-gui-{args.rows}.db")
    if args.rebuild or not os.path.exists(path):
        t = time.perf_counter()
        build_store(path, args.rows, message)
        print(f"built and indexed {args.rows:,} messages in "
              f"{time.perf_counter() - t:.0f} s: {path}")
    engine = Engine(Database(f"sqlite:///{path}"))
    engine.open_store()
    last = START + timedelta(seconds=args.rows * 7)
    week = MessageFilter(direction="in", since=last - timedelta(days=14), until=last - timedelta(days=7))
    cases = {
        "inbox, first page (no filter)": lambda: engine.search_messages(MessageFilter(direction="in")),
        "search a common word (order)": lambda: engine.search_messages(MessageFilter(text="order")),
        "search a rare word (zebra)": lambda: engine.search_messages(MessageFilter(text="zebra")),
        "search two words (parcel 4711)": lambda: engine.search_messages(MessageFilter(text="parcel 4711")),
        "search a number prefix (+49 1700012)": lambda: engine.search_messages(MessageFilter(text="+49 1700012")),
        "unread only": lambda: engine.search_messages(MessageFilter(direction="in", unread=True)),
        "one gateway": lambda: engine.search_messages(MessageFilter(direction="in", gateway="Modem2")),
        "a week, a month back": lambda: engine.search_messages(week),
        "failed outbound": lambda: engine.search_messages(MessageFilter(direction="out", statuses=("failed",))),
        "search + unread + gateway": lambda: engine.search_messages(
            MessageFilter(direction="in", text="order", unread=True, gateway="Modem1")),
        "conversation list, first page": lambda: engine.conversations(),
        "conversations with unread": lambda: engine.conversations(unread_only=True),
        "one thread": lambda: engine.thread("+491700012345"),
        "second page of a search": lambda: engine.search_messages(
            MessageFilter(text="order"), before_id=engine.search_messages(MessageFilter(text="order"))[-1].id),
    }
    print(f"{args.rows:,} messages; median of 7 runs, one page (up to 200 rows)")
    for name, fn in cases.items():
        ms, n = median_ms(fn)
        print(f"  {name:<40} {ms:8.2f} ms  ({n} rows)")
    engine.db.close()


if __name__ == "__main__":
    main()
