"""Builds large message stores for the benchmarks, fast, straight through SQLite.

Every NOT NULL column gets a value, so the builder follows the schema as it
grows. The search index and conversation summary are brought up to date at
the end, as a running console's background indexer would leave them.
"""

from __future__ import annotations

import os
import sqlite3
import uuid
from datetime import datetime, timedelta
from typing import Callable

from app.store import derived
from app.store.database import Database

START = datetime(2030, 1, 1)
BATCH = 50_000


def build_store(path: str, rows: int, make_row: Callable[[int], dict]) -> None:
    """Create a fresh store at ``path`` with ``rows`` messages; ``make_row(i)`` gives each row's
    own values (the builder adds uid, created_at/updated_at 7 s apart, and fills the rest)."""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    db = Database(f"sqlite:///{path}")
    db.create()
    db.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=OFF")
    table = conn.execute("PRAGMA table_info(message)").fetchall()
    filler = {name: (0 if "INT" in typ.upper() or "BOOL" in typ.upper() else "")
              for _cid, name, typ, notnull, _default, pk in table if notnull and not pk}
    filler.update(message_type="sms.text", encoding="gsm", parts=1, total_parts=1, received_parts=1)
    names = list(dict.fromkeys([*filler, "uid", "created_at", "updated_at", *make_row(0)]))
    sql = f"INSERT INTO message ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
    batch = []
    for i in range(rows):
        t = (START + timedelta(seconds=i * 7)).strftime("%Y-%m-%d %H:%M:%S.000000")
        row = dict(filler, uid=uuid.uuid4().hex, created_at=t, updated_at=t, **make_row(i))
        batch.append(tuple(row[n] for n in names))
        if len(batch) == BATCH:
            conn.executemany(sql, batch)
            batch.clear()
    if batch:
        conn.executemany(sql, batch)
    conn.commit()
    conn.close()
    db = Database(f"sqlite:///{path}")
    derived.catch_up(db.engine)
    db.close()
