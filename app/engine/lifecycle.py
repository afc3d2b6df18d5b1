"""The life of a message: every change of its status, declared once.

A :class:`Transition` names the states it leaves, the state it enters, the
columns it sets from the caller's values and the columns it clears. It is
compiled to one ``UPDATE message SET … WHERE id … AND status IN (…)``: a
message whose status changed meanwhile (cancelled by the operator while a
dispatcher pass was planning it, taken over by another console) is left
alone, whatever the caller believed. This module is the only code in
``app/`` that writes a message's status (``tests/engine/test_lifecycle.py``
checks the source); new messages get theirs from :func:`initial_status`.

Every change of status appends a row to the event journal
(``message_event``) in the same transaction. On SQLite a trigger the store
installs (:mod:`app.store.journal`) writes it; on PostgreSQL the statements
compiled here write it themselves (:func:`_journaled`), so the journal rows of
a batch cost no copy of the wide message rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any, Iterable, Sequence

from sqlalchemy.engine import Connection

from app.store import models as m
from app.store.models import Message
from app.store.timeutil import UTCDateTime, time_converter

T = Message.__table__
_TIME_COLUMNS = frozenset(c.name for c in T.columns if isinstance(c.type, UTCDateTime))
#: Columns that hold the claim of the console sending a message (several consoles, one store).
CLAIM_COLUMNS = ("claimed_by", "lease_until")
#: The fencing token of a claim: counted up by every claim, so a claim taken over and made again by the
#: same console is still another claim.
CLAIM_SEQ = "claim_seq"


@dataclass(frozen=True)
class Transition:
    """One declared change: from ``sources`` to ``target`` (None: the status stays as it is)."""

    name: str
    sources: tuple[str, ...]
    target: str | None
    #: Columns the caller gives values for (each row its own, or one set for all).
    sets: frozenset[str]
    #: Columns set to NULL (or their empty value) by the transition itself.
    clears: tuple[str, ...] = ()
    #: SQL expressions the transition applies itself (column -> expression over the row).
    computed: tuple[tuple[str, str], ...] = ()
    #: Written only by the holder of the message's claim: each row names the claim it was handed under
    #: (``b_by``: the console, ``b_seq``: the claim's token); a late writer, whose claim was taken over
    #: meanwhile, changes nothing.
    fenced: bool = False

    def check(self, keys: Iterable[str]) -> None:
        extra = set(keys) - self.sets
        if extra:
            raise ValueError(f"transition {self.name!r} does not set {', '.join(sorted(extra))}")


_EMPTY = {"gateways_failed": "''", "reason": "''"}


def _t(name: str, sources: Sequence[str], target: str | None, sets: Iterable[str] = (),
       clears: Iterable[str] = (), computed: Iterable[tuple[str, str]] = (), fenced: bool = False) -> Transition:
    return Transition(name, tuple(sources), target, frozenset(sets) | {"updated_at"}, tuple(clears),
                      tuple(computed), fenced)


WAITING = (m.QUEUED, m.SCHEDULED)
RETRYABLE_FINAL = (m.FAILED, m.EXPIRED, m.UNDELIVERED, m.CANCELLED)

# --- the dispatcher -----------------------------------------------------------------------------
#: A console takes a queued message to hand it to a gateway; its claim lasts until ``lease_until`` (a time
#: of the store's clock) and gets a new token.
CLAIM = _t("claim", [m.QUEUED], m.SENDING, ["gateway", "claimed_by", "lease_until"],
           computed=[("attempts", "attempts + 1"), ("reason", "''"), (CLAIM_SEQ, f"{CLAIM_SEQ} + 1")])
#: Past its validity before it could be sent.
EXPIRE = _t("expire", WAITING, m.EXPIRED, ["reason", "finished_at"])
#: Its number went on the opt-out list while it waited.
BLOCK = _t("block", WAITING, m.FAILED, ["reason", "finished_at"])
#: A blackout period holds it until ``scheduled_at``.
HOLD = _t("hold", WAITING, m.SCHEDULED, ["scheduled_at", "reason"])
#: Its scheduled time has come.
RELEASE = _t("release", [m.SCHEDULED], m.QUEUED, ["reason"])
#: Why a waiting message waits (a reason only; the status stays).
NOTE = _t("note", WAITING, None, ["reason", "scheduled_at"])

# --- gateways' answers (written only under the claim they were sent under) -------------------------
#: The gateway accepted it; its parts are rows of ``message_part``.
SENT = _t("sent", [m.SENDING], m.SENT, ["sent_at", "reference", "parts", "gateway"],
          clears=["reason", "next_attempt_at", "gateways_failed", *CLAIM_COLUMNS], fenced=True)
#: A retryable error with another candidate gateway left: tried there next.
FAIL_OVER = _t("fail over", [m.SENDING], m.QUEUED, ["gateways_failed", "reason", "possible_duplicate"],
               clears=["gateway", "next_attempt_at", *CLAIM_COLUMNS], fenced=True)
#: A retryable error and no other candidate: tried again after a backoff.
RETRY_LATER = _t("retry later", [m.SENDING], m.QUEUED, ["next_attempt_at", "reason", "possible_duplicate"],
                 clears=["gateway", "gateways_failed", *CLAIM_COLUMNS], fenced=True)
#: A permanent error, or too many tries.
SEND_FAILED = _t("send failed", [m.SENDING], m.FAILED, ["reason", "finished_at", "possible_duplicate"],
                 clears=CLAIM_COLUMNS,
                 fenced=True)
#: Handed to a gateway that never tried it (stopped, paused, removed meanwhile).
RETURN_UNTRIED = _t("return untried", [m.SENDING], m.QUEUED, [],
                    clears=["gateway", *CLAIM_COLUMNS], computed=[("attempts", "max(attempts - 1, 0)")],
                    fenced=True)

# --- delivery reports -----------------------------------------------------------------------------
DELIVERED = _t("delivered", [m.SENT, m.SENDING], m.DELIVERED, ["reason", "finished_at"], clears=CLAIM_COLUMNS)
UNDELIVERED = _t("undelivered", [m.SENT, m.SENDING], m.UNDELIVERED, ["reason", "finished_at"],
                 clears=CLAIM_COLUMNS)
#: The provider refused it after accepting its job (an invalid or blocked number...).
REPORTED_FAILED = _t("reported failed", [m.SENT, m.SENDING], m.FAILED, ["reason", "finished_at"],
                     clears=CLAIM_COLUMNS)

# --- crash recovery -------------------------------------------------------------------------------
#: Interrupted while sending (``interrupted_rule = resend``): queued again, flagged.
INTERRUPTED_RESEND = _t("interrupted, resend", [m.SENDING], m.QUEUED, ["reason"],
                        clears=["gateway", *CLAIM_COLUMNS], computed=[("possible_duplicate", "TRUE")])
#: Interrupted while sending (``interrupted_rule = fail``): failed, flagged; the operator decides.
INTERRUPTED_FAIL = _t("interrupted, fail", [m.SENDING], m.FAILED, ["reason", "finished_at"],
                      clears=CLAIM_COLUMNS, computed=[("possible_duplicate", "TRUE")])

# --- the operator ---------------------------------------------------------------------------------
CANCEL = _t("cancel", WAITING, m.CANCELLED, ["reason", "finished_at"])
#: Queued again by the operator: a fresh count of tries; a validity already past is dropped.
RETRY = _t("retry", RETRYABLE_FINAL, m.QUEUED, ["reason", "expires_at"],
           clears=["next_attempt_at", "finished_at", "gateway", "gateways_failed"],
           computed=[("attempts", "0")])

# --- the submitter (SMPP replace_sm) ---------------------------------------------------------------
#: A waiting message gets a new text, schedule, validity or receipt request; it waits for its time
#: (scheduled) or is due (queued) as its schedule now says.
_REPLACED = ["text", "encoding", "parts", "status_report", "scheduled_at", "expires_at", "job_id", "reason"]
REPLACE_DUE = _t("replace, due", WAITING, m.QUEUED, _REPLACED)
REPLACE_SCHEDULED = _t("replace, scheduled", WAITING, m.SCHEDULED, _REPLACED)

TRANSITIONS: tuple[Transition, ...] = (
    CLAIM, EXPIRE, BLOCK, HOLD, RELEASE, NOTE, SENT, FAIL_OVER, RETRY_LATER, SEND_FAILED, RETURN_UNTRIED,
    DELIVERED, UNDELIVERED, REPORTED_FAILED, INTERRUPTED_RESEND, INTERRUPTED_FAIL, CANCEL, RETRY,
    REPLACE_DUE, REPLACE_SCHEDULED,
)
#: Outcomes of a delivery report, by the report's ``outcome``.
REPORT_OUTCOMES = {"delivered": DELIVERED, "failed": REPORTED_FAILED}


def report_transition(outcome: str) -> Transition:
    """The transition a final delivery report makes (anything but delivered or failed: undelivered)."""
    return REPORT_OUTCOMES.get(outcome, UNDELIVERED)


def initial_status(scheduled: bool) -> str:
    """The status a new outbound message is stored with."""
    return m.SCHEDULED if scheduled else m.QUEUED


#: The status of a received message (it never changes).
RECEIVED = m.RECEIVED


# --- compiling and applying --------------------------------------------------------------------

def _mark(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


@lru_cache(maxsize=None)
def _sql(transition: Transition, keys: tuple[str, ...], dialect: str, mark: str, expect: bool,
         by_list: int) -> str:
    quote = '"{}"'.format
    sets = []
    if transition.target is not None:
        sets.append(f"status = '{transition.target}'")
    sets += [f"{quote(k)} = {mark}" for k in keys]
    sets += [f"{quote(c)} = {_EMPTY.get(c, 'NULL')}" for c in transition.clears if c not in keys]
    for col, expr in transition.computed:
        if dialect == "sqlite":
            expr = expr.replace("max(", "MAX(").replace("TRUE", "1")
        else:
            expr = expr.replace("max(", "GREATEST(")
        sets.append(f"{quote(col)} = {expr}")
    where = f"id IN ({', '.join([mark] * by_list)})" if by_list else f"id = {mark}"
    states = ", ".join(f"'{s}'" for s in transition.sources)
    where += f" AND status = {mark}" if expect else f" AND status IN ({states})"
    if transition.fenced:
        where += f" AND claimed_by = {mark} AND {CLAIM_SEQ} = {mark}"
    return f"UPDATE message SET {', '.join(sets)} WHERE {where}"


#: The keys of a row that name the message and its claim rather than giving values.
_NAMING = ("b_id", "b_by", "b_seq")


def apply(conn: Connection, transition: Transition, rows: list[dict[str, Any]], *,
          expect: str | None = None) -> int:
    """Apply ``transition`` to each row (``b_id`` names the message; the other keys are its values, the
    same keys in every row): on PostgreSQL in one statement over the rows as arrays, on SQLite in one
    executemany. A message not in one of the transition's source states (or, with ``expect``, not in
    that state: the one it was read with) is left as it is; so is, for a fenced transition, one whose
    claim is no longer the row's (``b_by``, ``b_seq``). Returns how many messages changed."""
    if not rows:
        return 0
    keys = tuple(k for k in rows[0] if k not in _NAMING)
    transition.check(keys)
    if expect is not None and expect not in transition.sources:
        raise ValueError(f"transition {transition.name!r} does not leave {expect!r}")
    store = time_converter(conn)
    times = [i for i, k in enumerate(keys) if k in _TIME_COLUMNS]
    get = itemgetter(*keys, "b_id")
    extra = (expect,) if expect is not None else ()
    fence = itemgetter("b_by", "b_seq") if transition.fenced else None
    converted: dict[int, Any] = {}  # rows of one change share their time values: each converted once

    def values(row: dict) -> tuple:
        v = get(row)
        if times:
            v = list(v)
            for i in times:
                t = v[i]
                if t is not None:
                    c = converted.get(id(t))
                    if c is None:
                        c = converted[id(t)] = store(t)
                    v[i] = c
            v = tuple(v)
        return v + fence(row) if fence is not None else v

    if conn.dialect.name == "postgresql":
        # one statement however many rows: a statement per row costs PostgreSQL far more than the
        # rows themselves (executemany of 250 sent messages: about 4x the time)
        columns = [list(c) for c in zip(*(values(r) for r in rows))]
        result = conn.exec_driver_sql(_pg_sql(transition, keys, expect is not None), (*columns, *extra))
        return result.rowcount if transition.target is None else result.scalar()
    sql = _sql(transition, keys, conn.dialect.name, _mark(conn), expect is not None, 0)
    named = 1 + len(keys)  # the values and b_id; the expected status comes before the claim
    return conn.exec_driver_sql(sql, [(*v[:named], *extra, *v[named:]) for v in map(values, rows)]).rowcount


@lru_cache(maxsize=None)
def _pg_sql(transition: Transition, keys: tuple[str, ...], expect: bool) -> str:
    """PostgreSQL: the transition over arrays (one per key, then ``b_id``, [``b_by``, ``b_seq``]) unnested
    into rows ``v``; with ``expect`` a last parameter, the status every message must still have."""
    from sqlalchemy.dialects import postgresql

    dialect = postgresql.dialect()
    quote = '"{}"'.format
    claim = ["claimed_by", CLAIM_SEQ] if transition.fenced else []
    named = [*keys, "id", *claim]  # the column each array's type is taken from
    # the columns' types without a length: a value too long for its column is refused as before, not cut
    arrays = ", ".join(f"%s::{re.sub(r'[(].*[)]', '', T.c[c].type.compile(dialect=dialect))}[]" for c in named)
    aliases = [f"v_{k}" for k in keys] + ["b_id"] + (["b_by", "b_seq"] if transition.fenced else [])
    sets = []
    if transition.target is not None:
        sets.append(f"status = '{transition.target}'")
    sets += [f"{quote(k)} = v.v_{k}" for k in keys]
    sets += [f"{quote(c)} = {_EMPTY.get(c, 'NULL')}" for c in transition.clears if c not in keys]
    sets += [f"{quote(col)} = {expr.replace('max(', 'GREATEST(')}" for col, expr in transition.computed]
    states = ", ".join(f"'{s}'" for s in transition.sources)
    where = "m.status " + ("= %s" if expect else f"IN ({states})")
    if transition.fenced:
        where += f" AND m.claimed_by = v.b_by AND m.{CLAIM_SEQ} = v.b_seq"
    rows = f"unnest({arrays}) AS v({', '.join(aliases)})"
    update = f"UPDATE message AS m SET {', '.join(sets)} FROM {rows} WHERE m.id = v.b_id AND {where}"
    if transition.target is None:  # the status stays: nothing to journal
        return update
    known = None if expect else _known_before(transition)
    if known is not None:
        return _journal_returning(update, *known, "count(*)")
    return _journaled(f"SELECT m.id, m.status, m.claimed_by FROM v JOIN message AS m ON m.id = v.b_id WHERE {where}",
                      ", ".join(sets), ", v", "v.b_id = o.id", "count(*)", f"v AS (SELECT * FROM {rows}), ")


def _known_before(transition: Transition) -> tuple[str, str] | None:
    """PostgreSQL: SQL for the status a message had before ``transition`` and the console that held its claim,
    when the statement's own condition fixes them (one source state; a claim the transition leaves in place,
    or one it is fenced by); None when only the row as it was can tell."""
    if len(transition.sources) != 1:
        return None
    if transition.fenced:
        instance = "coalesce(m.claimed_by, v.b_by)"
    elif "claimed_by" not in transition.clears:
        instance = "m.claimed_by"
    else:
        return None
    return f"'{transition.sources[0]}'", instance


def _journal_returning(update: str, was: str, instance: str, answer: str) -> str:
    """PostgreSQL: ``update`` and the journal rows of the messages it changed, in one statement, for a
    transition whose source state and claim holder the update's condition fixes (:func:`_known_before`):
    no lock or read of the rows beforehand."""
    return _with_journal(f"WITH changed AS ({update} RETURNING m.id, m.updated_at, {was} AS was, m.status, "
                         f"m.reason, m.gateway, {instance} AS instance)", answer)


def _journaled(locked: str, sets: str, source: str, join: str, answer: str, before: str = "") -> str:
    """PostgreSQL: one statement that changes the messages ``locked`` selects, and journals every change of
    status it makes (``message_event``, one row each) in the same statement.

    The messages are locked first, in id order (two statements over the same messages wait for each other
    rather than deadlock), and their status and claim as they are then are what the journal says they
    changed from, whatever changed them since the statement's snapshot. The update reads only what it
    changes: the wide message rows are not copied for the journal as a trigger's transition tables copy
    them (that copy of every updated row cost as much as the journal rows themselves)."""
    return _with_journal(f"WITH {before}o AS ({locked} ORDER BY m.id FOR UPDATE OF m), "
                         f"changed AS (UPDATE message AS m SET {sets} FROM o{source} WHERE m.id = o.id AND {join} "
                         "RETURNING m.id, m.updated_at, o.status AS was, m.status, m.reason, m.gateway, "
                         "coalesce(m.claimed_by, o.claimed_by) AS instance)", answer)


def _with_journal(changed: str, answer: str) -> str:
    """The statement ``changed`` (a ``WITH`` whose ``changed`` returns each changed message's id, time, former
    status ``was``, status, reason, gateway and claim holder) with the journal rows of those whose status it
    changed inserted, answering ``answer`` over ``changed``."""
    return (f"{changed}, journal AS (INSERT INTO message_event (message_id, at, from_status, to_status, part, "
            "reason, gateway, instance) SELECT id, updated_at, was, status, 0, reason, gateway, instance "
            "FROM changed WHERE was IS DISTINCT FROM status ORDER BY id) "
            f"SELECT {answer} FROM changed")


#: Ids changed at most in one set-based statement.
_CHUNK = 500


def apply_all(conn: Connection, transition: Transition, ids: Sequence[int], **values: Any) -> list[int]:
    """Apply ``transition`` with the same ``values`` to every message of ``ids`` in a source state;
    returns the ids it changed. Not for fenced transitions (each message has its own claim)."""
    if transition.fenced:
        raise ValueError(f"transition {transition.name!r} is written under each message's own claim: use apply")
    keys = tuple(sorted(values))
    transition.check(keys)
    mark = _mark(conn)
    store = time_converter(conn)
    params = tuple(store(values[k]) if k in _TIME_COLUMNS and values[k] is not None else values[k] for k in keys)
    changed: list[int] = []
    ids = list(ids)
    postgres = conn.dialect.name == "postgresql" and transition.target is not None
    for i in range(0, len(ids), _CHUNK):
        chunk = ids[i:i + _CHUNK]
        if postgres:
            sql, ids_first = _pg_all_sql(transition, keys, len(chunk))
            rows = conn.exec_driver_sql(sql, tuple(chunk) + params if ids_first else params + tuple(chunk))
        else:
            rows = conn.exec_driver_sql(_sql(transition, keys, conn.dialect.name, mark, False, len(chunk))
                                        + " RETURNING id", params + tuple(chunk))
        changed += [r[0] for r in rows]
    return changed


@lru_cache(maxsize=None)
def _pg_all_sql(transition: Transition, keys: tuple[str, ...], count: int) -> tuple[str, bool]:
    """PostgreSQL: :func:`apply_all`'s statement for ``count`` ids, journaled, and whether it takes the ids
    before the values."""
    update = _sql(transition, keys, "postgresql", "%s", False, count)
    known = _known_before(transition)
    if known is not None:
        return _journal_returning(update.replace("UPDATE message SET", "UPDATE message AS m SET", 1),
                                  *known, "id"), False
    sets = update[len("UPDATE message SET "):update.index(" WHERE ")]
    states = ", ".join(f"'{s}'" for s in transition.sources)
    locked = (f"SELECT m.id, m.status, m.claimed_by FROM message AS m WHERE m.id IN ({', '.join(['%s'] * count)}) "
              f"AND m.status IN ({states})")
    return _journaled(locked, sets, "", "TRUE", "id"), True


def describe() -> list[dict[str, Any]]:
    """Every declared transition, for documentation and tests."""
    return [{"name": t.name, "from": list(t.sources), "to": t.target, "sets": sorted(t.sets - {"updated_at"}),
             "clears": list(t.clears), "computed": dict(t.computed), "fenced": t.fenced} for t in TRANSITIONS]

