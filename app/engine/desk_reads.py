"""Small reads for the operator's desk that the engine's other modules do not need.

Each opens its own connection, so the window may call it from a worker thread; each is bounded by
its arguments (an index walk per number given), never by the size of the history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import text as sql

from app.store import models as m
from app.store.search import counterpart_sql

if TYPE_CHECKING:
    from .engine import Engine


def numbers_with_received(engine: "Engine", numbers: list[str]) -> set[str]:
    """Which of ``numbers`` sent us at least one message (an index walk of each one's thread)."""
    if not numbers:
        return set()
    found: set[str] = set()
    query = sql(f"SELECT 1 FROM message WHERE {counterpart_sql()} = :n AND direction = '{m.IN}' LIMIT 1")
    with engine.db.engine.connect() as conn:
        for number in dict.fromkeys(numbers):
            if conn.execute(query, {"n": number}).first() is not None:
                found.add(number)
    return found
