"""Writing new outbound messages to the store, as fast as the store allows.

Rows are written with the driver's own statements (no per-value processing by
SQLAlchemy); times are stored as ``UTCDateTime`` stores them (naive UTC; on
SQLite its text form).

On SQLite a request's recipients share every value but their id, number and
customer reference, so a run of such rows is written in two steps: those
three go to a temporary table, then one ``INSERT ... SELECT`` adds the
messages with the shared values bound once. Binding forty values for every message was
most of the cost of queueing a large job.
"""

from __future__ import annotations

import functools
from operator import itemgetter
from typing import Any

from app.store.models import Message
from app.store.timeutil import UTCDateTime, time_converter


#: Rows given to the driver in one call.
CHUNK = 5000
#: Rows sharing their values from which the two-step write pays off.
RUN_MIN = 64
#: The values a request's recipients do not share (a reference each, from the Retarus API, say).
_OWN = ("uid", "recipient", "customer_ref")


@functools.lru_cache(maxsize=16)
def _statement(dialect, names: tuple[str, ...]):
    """The INSERT of these columns (times last), with getters of the other and the time values of a row."""
    times = [n for n in names if isinstance(Message.__table__.c[n].type, UTCDateTime)]
    others = [n for n in names if n not in times]
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    quote = dialect.identifier_preparer.quote
    sql = (f"INSERT INTO message ({', '.join(quote(n) for n in others + times)}) "
           f"VALUES ({', '.join([mark] * (len(others) + len(times)))})")
    return sql, itemgetter(*others), itemgetter(*times)


@functools.lru_cache(maxsize=16)
def _run_statement(names: tuple[str, ...]):
    """SQLite: the INSERT ... SELECT of a run (own values from the temporary table, the shared ones bound)."""
    shared = [n for n in names if n not in _OWN]
    columns = ", ".join('"%s"' % n for n in (*_OWN, *shared))
    sql = (f"INSERT INTO message ({columns}) "
           f"SELECT {', '.join(_OWN)}, {', '.join(['?'] * len(shared))} FROM temp.new_message ORDER BY rowid")
    return sql, itemgetter(*shared), shared


def insert_rows(conn, rows: list[dict[str, Any]]) -> None:
    """Insert new message rows (dicts of every column but ``id``), in their order."""
    if conn.dialect.name != "sqlite":
        _insert_each(conn, rows)
        return
    names = tuple(rows[0])
    _, get_shared, shared = _run_statement(names)
    start = 0
    single = 0  # rows from here to ``start`` are written one by one, in one executemany
    while start < len(rows):
        first = get_shared(rows[start])
        end = start + 1
        while end < len(rows) and get_shared(rows[end]) == first:  # identical objects compare at once
            end += 1
        if end - start >= RUN_MIN:
            if single < start:
                _insert_each(conn, rows[single:start])
            _insert_run(conn, rows[start:end], names, first, shared)
            single = end
        start = end
    if single < len(rows):
        _insert_each(conn, rows[single:])


def _insert_run(conn, run: list[dict[str, Any]], names: tuple[str, ...], values: tuple, shared: list[str]) -> None:
    store = time_converter(conn)
    table = Message.__table__.c
    bound = tuple(store(v) if v is not None and isinstance(table[n].type, UTCDateTime) else v
                  for n, v in zip(shared, values))
    own = itemgetter(*_OWN)
    conn.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS new_message (uid TEXT, recipient TEXT, customer_ref TEXT)")
    conn.exec_driver_sql("DELETE FROM temp.new_message")
    for i in range(0, len(run), CHUNK):
        conn.exec_driver_sql("INSERT INTO temp.new_message VALUES (?, ?, ?)", [own(r) for r in run[i:i + CHUNK]])
    conn.exec_driver_sql(_run_statement(names)[0], bound)
    conn.exec_driver_sql("DELETE FROM temp.new_message")


def _insert_each(conn, rows: list[dict[str, Any]]) -> None:
    """One driver executemany; the rows of one request share their time values, converted once."""
    sql, get_others, get_times = _statement(conn.dialect, tuple(rows[0]))
    store = time_converter(conn)
    converted: dict[tuple, tuple] = {}

    def values(row: dict) -> tuple:
        t = get_times(row)
        key = tuple(map(id, t))
        stored = converted.get(key)
        if stored is None:
            stored = converted[key] = tuple(None if v is None else store(v) for v in t)
        return get_others(row) + stored

    for i in range(0, len(rows), CHUNK):
        conn.exec_driver_sql(sql, [values(r) for r in rows[i:i + CHUNK]])
