"""Full-text search and the indexed filters of the message lists.

On SQLite the store keeps an FTS5 table over the text and the two numbers of
every message (``message_fts``, external content: the text is stored once, in
``message``). New messages are indexed in bulk by the catch-up of
``app.store.derived`` (before every text search); triggers keep changes and
deletes in step, whatever code makes them. The
filters of the Inbox and Outbox (unread, gateway, status, date range, job)
each have an index that ends in ``id``, so a page of 200 rows newest first is
read from an index, never by sorting the table.

A date range is turned into an id range first (messages are stored in time
order; ``created_at`` has its own index), then the exact time condition is
applied as well.

On PostgreSQL the equivalent is a GIN index over ``to_tsvector(
'smsconsole_search', text || ' ' || sender || ' ' || recipient)`` (each "+"
made a space) queried with
prefix terms (``to_tsquery``); the filter indexes are the same. The text search
configuration ``smsconsole_search`` is ``simple`` with accents removed by the
``unaccent`` dictionary (a trusted extension: the owner of the database may add
it), so "munchen" finds "München" as on SQLite. Where the extension cannot be
added, the configuration stays ``simple`` and searches match accents exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy import text as sql

from . import derived
from .timeutil import UTCDateTime



def counterpart_sql(alias: str = "") -> str:
    """The correspondent of a message: who sent it to us, or whom we sent it to."""
    a = f"{alias}." if alias else ""
    return f"(CASE WHEN {a}direction = 'in' THEN {a}sender ELSE {a}recipient END)"


_FILTER_INDEXES = (
    "CREATE INDEX IF NOT EXISTS ix_message_unread ON message (id) WHERE direction = 'in' AND read = false",
    "CREATE INDEX IF NOT EXISTS ix_message_dir_gateway ON message (direction, gateway, id)",
    "CREATE INDEX IF NOT EXISTS ix_message_dir_status ON message (direction, status, id)",
    "CREATE INDEX IF NOT EXISTS ix_message_created ON message (created_at)",
    f"CREATE INDEX IF NOT EXISTS ix_message_counterpart ON message ({counterpart_sql()}, id)",
)

_FTS_MARK = derived.mark("message_fts")
_SQLITE_FTS = (
    "CREATE VIRTUAL TABLE message_fts USING fts5(text, sender, recipient, content='message', "
    "content_rowid='id', tokenize=\"unicode61 remove_diacritics 2\")",
    # new messages are indexed in bulk by the catch-up (app.store.derived); the triggers follow the
    # edits and deletes of the messages at or below the mark
    "CREATE TRIGGER message_fts_ad AFTER DELETE ON message BEGIN "
    "INSERT INTO message_fts(message_fts, rowid, text, sender, recipient) "
    f"SELECT 'delete', old.id, old.text, old.sender, old.recipient WHERE old.id <= {_FTS_MARK}; END",
    f"CREATE TRIGGER message_fts_au AFTER UPDATE OF text, sender, recipient ON message "
    f"WHEN old.id <= {_FTS_MARK} BEGIN "
    "INSERT INTO message_fts(message_fts, rowid, text, sender, recipient) "
    "VALUES ('delete', old.id, old.text, old.sender, old.recipient); "
    "INSERT INTO message_fts(rowid, text, sender, recipient) VALUES (new.id, new.text, new.sender, new.recipient);"
    " END",
    "INSERT INTO message_fts(message_fts) VALUES ('rebuild')",
)
derived.CATCH_UP["message_fts"] = ("INSERT INTO message_fts(rowid, text, sender, recipient) "
                                   "SELECT id, text, sender, recipient FROM message WHERE id > :lo AND id <= :hi")

_PG_CONFIG = "smsconsole_search"
# "+" apart from the digits, as SQLite's tokenizer does: "+4917..." is found by "4917" or "+49 17"
_PG_DOCUMENT = f"to_tsvector('{_PG_CONFIG}', replace(text || ' ' || sender || ' ' || recipient, '+', ' '))"
_PG_FTS = (
    # several consoles may start on one store at the same time: each step tolerates the others'
    "DO $$ BEGIN "
    "BEGIN CREATE EXTENSION IF NOT EXISTS unaccent; EXCEPTION WHEN others THEN NULL; END; "
    f"BEGIN CREATE TEXT SEARCH CONFIGURATION {_PG_CONFIG} (COPY = simple); "
    "EXCEPTION WHEN unique_violation OR duplicate_object THEN NULL; END; "
    "IF EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = 'unaccent') AND NOT EXISTS ("
    "SELECT 1 FROM pg_ts_config_map mp JOIN pg_ts_config c ON c.oid = mp.mapcfg "
    f"JOIN pg_ts_dict d ON d.oid = mp.mapdict WHERE c.cfgname = '{_PG_CONFIG}' AND d.dictname = 'unaccent') THEN "
    f"ALTER TEXT SEARCH CONFIGURATION {_PG_CONFIG} ALTER MAPPING FOR hword, hword_part, word "
    "WITH unaccent, simple; END IF; END $$",
    "DROP INDEX IF EXISTS ix_message_fts",  # the index of earlier versions, accents kept
    f"CREATE INDEX IF NOT EXISTS ix_message_search ON message USING gin ({_PG_DOCUMENT})",
)

_WORD = re.compile(r"\w+", re.UNICODE)
#: An international number typed with separators ("+49 176 123-45"): searched as one run of digits.
_PHONE = re.compile(r"\+\d[\d \-()/.]*\d")


def install(conn, is_sqlite: bool) -> None:
    """Create the search table, its triggers and the filter indexes (idempotent)."""
    for statement in _FILTER_INDEXES:
        conn.execute(sql(statement))
    if is_sqlite:
        exists = conn.execute(sql("SELECT 1 FROM sqlite_master WHERE name = 'message_fts'")).first()
        if exists and not derived.has_mark(conn, "message_fts"):  # a store indexed row by row: rebuild
            for name in ("message_fts_ai", "message_fts_ad", "message_fts_au", "message_fts"):
                conn.execute(sql(f"DROP {'TABLE' if name == 'message_fts' else 'TRIGGER'} IF EXISTS {name}"))
            exists = False
        if exists:
            conn.execute(sql("DROP TRIGGER IF EXISTS message_fts_ai"))  # of earlier versions
        else:
            derived.install_mark(conn, "message_fts")
            for statement in _SQLITE_FTS:
                conn.execute(sql(statement))
    else:
        for statement in _PG_FTS:
            conn.execute(sql(statement))


def match_expression(query: str, is_sqlite: bool = True) -> str:
    """The search words as a full-text query: every word must occur, each as a prefix.

    ``+49 176`` finds numbers starting +49176...; ``ord ready`` finds "order is ready".
    Returns "" when the query has no words.
    """
    query = _PHONE.sub(lambda m: re.sub(r"\D", "", m.group(0)), query)
    words = _WORD.findall(query)
    if is_sqlite:
        return " ".join(f'"{w}"*' for w in words)
    return " & ".join(f"{w}:*" for w in words)


@dataclass(frozen=True)
class MessageFilter:
    """What a message list shows. Empty fields do not filter."""

    direction: str | None = None
    text: str = ""
    unread: bool = False
    gateway: str | None = None
    statuses: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None
    job_id: str | None = None
    counterpart: str | None = None

    @property
    def is_plain(self) -> bool:
        """True when only the direction is set (the whole list)."""
        return self == MessageFilter(direction=self.direction)


def _timed(statement: str, *names: str):
    """A text statement whose ``names`` parameters are datetimes stored as the store stores them."""
    return sql(statement).bindparams(*(bindparam(n, type_=UTCDateTime()) for n in names))


def _id_bounds(conn, flt: MessageFilter) -> tuple[int | None, int | None]:
    lo = hi = None
    if flt.since is not None:
        lo = conn.execute(_timed("SELECT id FROM message WHERE created_at >= :t ORDER BY created_at LIMIT 1",
                                 "t"), {"t": flt.since}).scalar()
        lo = lo if lo is not None else 1 << 62  # nothing that recent: an empty range
    if flt.until is not None:
        hi = conn.execute(_timed("SELECT id FROM message WHERE created_at < :t ORDER BY created_at DESC LIMIT 1",
                                 "t"), {"t": flt.until}).scalar()
        hi = hi if hi is not None else 0
    return lo, hi


def page_ids(conn, flt: MessageFilter, *, is_sqlite: bool, before_id: int | None = None,
             limit: int = 200) -> list[int]:
    """Ids of the messages ``flt`` selects, newest first, ``limit`` at a time (page on with ``before_id``)."""
    selection = _selection(conn, flt, is_sqlite=is_sqlite, before_id=before_id)
    if selection is None:
        return []
    source, order, params = selection
    statement = f"SELECT m.id {source} ORDER BY {order} DESC LIMIT :limit"
    times = [n for n in ("since", "until") if n in params]
    return [row[0] for row in conn.execute(_timed(statement, *times), {**params, "limit": limit})]


def count_ids(conn, flt: MessageFilter, *, is_sqlite: bool) -> int:
    """How many messages ``flt`` selects (what an export of the filter will write)."""
    selection = _selection(conn, flt, is_sqlite=is_sqlite, before_id=None)
    if selection is None:
        return 0
    source, _order, params = selection
    times = [n for n in ("since", "until") if n in params]
    return int(conn.execute(_timed(f"SELECT count(*) {source}", *times), params).scalar() or 0)


def _selection(conn, flt: MessageFilter, *, is_sqlite: bool,
               before_id: int | None) -> tuple[str, str, dict[str, Any]] | None:
    """``FROM ... WHERE ...`` of the messages ``flt`` selects, the id column to order by, and the
    parameters; None when the search words leave nothing to look for."""
    where: list[str] = []
    params: dict[str, Any] = {}
    fts = match_expression(flt.text, is_sqlite) if flt.text.strip() else ""
    if flt.text.strip() and not fts:
        return None
    if before_id is not None:
        where.append("m.id < :before")
        params["before"] = before_id
    if flt.direction:
        where.append(f"m.direction = '{'in' if flt.direction == 'in' else 'out'}'")
    if flt.unread:
        where.append("m.direction = 'in' AND m.read = false")
    if flt.gateway:
        where.append("m.gateway = :gateway")
        params["gateway"] = flt.gateway
    if flt.statuses:
        names = [f":st{i}" for i in range(len(flt.statuses))]
        where.append(f"m.status IN ({', '.join(names)})")
        params.update({n[1:]: s for n, s in zip(names, flt.statuses)})
    if flt.job_id:
        where.append("m.job_id = :job")
        params["job"] = flt.job_id
    if flt.counterpart:
        where.append(f"{counterpart_sql('m')} = :cp")
        params["cp"] = flt.counterpart
    if flt.since is not None or flt.until is not None:
        lo, hi = _id_bounds(conn, flt)
        if flt.since is not None:
            where.append("m.id >= :lo AND m.created_at >= :since")
            params.update(lo=lo, since=flt.since)
        if flt.until is not None:
            where.append("m.id <= :hi AND m.created_at < :until")
            params.update(hi=hi, until=flt.until)
    if fts and is_sqlite:
        derived.catch_up(conn.engine)
    if is_sqlite and flt.unread:
        # Unread messages are few: walk their partial index (the planner, without statistics,
        # would walk every received message instead) and test the search words on each.
        if fts:
            params["q"] = fts
            where.append("m.id IN (SELECT rowid FROM message_fts WHERE message_fts MATCH :q)")
        return f"FROM message m INDEXED BY ix_message_unread WHERE {' AND '.join(where)}", "m.id", params
    if fts and is_sqlite:
        params["q"] = fts
        cond = " AND ".join(["message_fts MATCH :q"] + where)
        return (f"FROM message_fts JOIN message m ON m.id = message_fts.rowid WHERE {cond}", "message_fts.rowid",
                params)
    if fts:
        params["q"] = fts
        where.append(f"{_PG_DOCUMENT} @@ to_tsquery('{_PG_CONFIG}', :q)")
    return f"FROM message m WHERE {' AND '.join(where) or '1 = 1'}", "m.id", params
