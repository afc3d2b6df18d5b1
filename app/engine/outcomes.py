"""What gateways tell about messages, written to the store: send outcomes, delivery reports and messages
handed back untried.

They come in the order the gateways gave them and are written in that order, several in one
transaction, by the store lane (:class:`app.engine.outbox.Outbox` queues them): a report can never
overtake the outcome of its own send. Each message change goes through a declared transition
(:mod:`app.engine.lifecycle`); a sent message's parts become rows of ``message_part``, and a report
finds its part by (gateway, reference) through the index of parts still waiting for one, so its cost
does not grow with the history.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Union

from sqlalchemy import select
from sqlalchemy.engine import Connection

from app.gateways.base import DeliveryReport, IncomingSms, OutboundSms, SendResult
from app.store import journal
from app.store import models as m
from app.store.timeutil import time_converter

from . import lifecycle as lc
from .ids import new_message_uid
from .store_health import cause, lasting
from .views import MessageView, views_of

if TYPE_CHECKING:
    from .engine import Engine

log = logging.getLogger(__name__)

#: Seconds a report whose part is not found waits for the outcome of its send before it is dropped.
REPORT_GRACE = 30.0

T = m.Message.__table__
P = m.MessagePart.__table__


@dataclass(frozen=True)
class Outcome:
    gateway: str
    sms: OutboundSms
    result: SendResult


@dataclass(frozen=True)
class Report:
    gateway: str
    report: DeliveryReport
    #: When it was first tried and its part not found (None: not tried yet).
    first_seen: float | None = None


@dataclass(frozen=True)
class Received:
    """A message a gateway received (stored once: a fingerprint read again is skipped)."""

    gateway: str
    sms: IncomingSms
    at: datetime


@dataclass(frozen=True)
class Returned:
    """Messages handed to a gateway that never tried them: (id, claim token) pairs."""

    claims: tuple[tuple[int, int], ...]


Work = Union[Outcome, Report, Received, Returned]


def describe(item: Work) -> str:
    """What ``item`` is, for a log line."""
    if isinstance(item, Outcome):
        return f"the outcome of sending message {item.sms.message_id} through {item.gateway}"
    if isinstance(item, Report):
        return f"the delivery report of {item.gateway} for reference {item.report.reference}"
    if isinstance(item, Received):
        return f"a message from {item.sms.sender} received by {item.gateway}"
    return f"the return of {len(item.claims)} untried message(s) to the queue"


@dataclass
class Written:
    """What one run of news changed: the views of changed messages (not the sent ones, whose views the loop
    has) and of stored received messages."""

    changed: list[MessageView]
    received: list[MessageView]

_FAILURE_COLUMNS = (T.c.id, T.c.status, T.c.recipient, T.c.sender, T.c.user, T.c.message_type,
                    T.c.gateways_allowed, T.c.gateways_failed, T.c.attempts, T.c.scheduled_at, T.c.created_at,
                    T.c.claimed_by, T.c.claim_seq)


def _mark(conn: Connection) -> str:
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


class OutcomeWriter:
    """Writes a run of gateway news in one transaction (any thread; the store lane in practice)."""

    def __init__(self, engine: "Engine", rng: random.Random):
        self.engine = engine
        self.random = rng
        #: Reports whose part was not found (yet): (when first seen, the report). A modem can hand over a
        #: status report before the answer to its own send (both arrive at once); it is matched again once
        #: later outcomes are written (:meth:`take_unmatched`).
        self.unmatched: list[tuple[float, Report]] = []

    def take_unmatched(self, now: float | None = None) -> list[Report]:
        """The reports to match again; those unmatched for longer than REPORT_GRACE are dropped, logged."""
        now = time.monotonic() if now is None else now
        waiting, self.unmatched = self.unmatched, []
        for t, r in waiting:
            if now - t >= REPORT_GRACE:
                log.info("gateway %s: delivery report for unknown reference %s", r.gateway, r.report.reference)
        return [Report(r.gateway, r.report, first_seen=t) for t, r in waiting if now - t < REPORT_GRACE]

    def commit(self, work: list[Work], now: datetime) -> Written:
        """Write ``work`` in order, in one transaction."""
        changed: list[int] = []
        received: list[int] = []
        sent: list[Outcome] = []
        reported: dict[lc.Transition, list[dict[str, Any]]] = {}
        with self.engine.db.engine.begin() as conn:
            for item in work:
                if isinstance(item, Outcome) and item.result.ok:
                    self._reported(conn, reported, changed)
                    sent.append(item)
                    continue
                self._sent(conn, sent, now)  # what came before this is written first
                sent = []
                if isinstance(item, Report):
                    self._report(conn, item, now, reported)
                    continue
                self._reported(conn, reported, changed)
                if isinstance(item, Outcome):
                    changed += self._failed(conn, item, now)
                elif isinstance(item, Received):
                    received += self._received(conn, item)
                else:
                    changed += self._returned(conn, item, now)
            self._sent(conn, sent, now)
            self._reported(conn, reported, changed)
            return Written(views_of(conn, changed), views_of(conn, received))

    def commit_each(self, work: list[Work], now: datetime) -> tuple[Written, int, list[Work]]:
        """Write ``work`` one item per transaction, in order: what was written, how many items were dealt
        with, and those set aside. An item the store refuses for good (:func:`~.store_health.lasting`) is
        set aside and logged with the cause; a send outcome set aside leaves its message to the
        interrupted-send rule, so it does not stay ``sending``. Any other error stops the run: the items
        from there are tried again later."""
        changed: list[MessageView] = []
        received: list[MessageView] = []
        aside: list[Work] = []
        for k, item in enumerate(work):
            try:
                written = self.commit([item], now)
            except Exception as exc:
                if not lasting(exc):
                    return Written(changed, received), k, aside
                log.error("%s cannot be recorded and is set aside: %s", describe(item), cause(exc), exc_info=exc)
                aside.append(item)
                if isinstance(item, Outcome):
                    changed += self._settle_aside(item)
                continue
            changed += written.changed
            received += written.received
        return Written(changed, received), len(work), aside

    def _settle_aside(self, item: Outcome) -> list[MessageView]:
        try:
            with self.engine.db.session() as s:
                return self.engine.outbox.settle_interrupted(s, [item.sms.message_id])
        except Exception as exc:
            log.error("message %s: the interrupted-send rule could not be applied either: %s",
                      item.sms.message_id, cause(exc))
            return []

    # --- received ---------------------------------------------------------------------------------

    def _received(self, conn: Connection, item: Received) -> list[int]:
        sms = item.sms
        if sms.fingerprint:
            seen = conn.execute(select(T.c.id).where(T.c.fingerprint == sms.fingerprint).limit(1)).first()
            if seen is not None:
                log.info("gateway %s: message %s read again, already stored", item.gateway, sms.fingerprint)
                return []
        row = m.Message(uid=new_message_uid(), direction=m.IN, status=lc.RECEIVED, sender=sms.sender,
                        recipient=sms.recipient, text=sms.text, message_type=sms.message_type, gateway=item.gateway,
                        smsc=sms.smsc, pdu=sms.pdu, sent_at=sms.sent_at, created_at=item.at, updated_at=item.at,
                        total_parts=sms.total_parts, received_parts=sms.received_parts, parts=sms.total_parts,
                        fingerprint=sms.fingerprint).model_dump(exclude={"id"})
        return [conn.execute(T.insert().values(**row)).inserted_primary_key[0]]

    # --- sent -------------------------------------------------------------------------------------

    def _sent(self, conn: Connection, sent: list[Outcome], now: datetime) -> None:
        if not sent:
            return
        mark = _mark(conn)
        me = self.engine.instance_id
        pg = conn.dialect.name == "postgresql"  # there: each statement over arrays, not one per row
        # the parts of an earlier send of the same message are gone with this one (a first send has none)
        resent = [o for o in sent if o.sms.earlier_parts]
        if resent and pg:
            conn.exec_driver_sql(
                "DELETE FROM message_part p USING message m, unnest(%s::integer[], %s::integer[]) AS v(id, seq) "
                "WHERE p.message_id = v.id AND m.id = v.id AND m.status = 'sending' AND m.claimed_by = %s "
                "AND m.claim_seq = v.seq",
                ([o.sms.message_id for o in resent], [o.sms.claim for o in resent], me))
        elif resent:
            conn.exec_driver_sql(
                f"DELETE FROM message_part WHERE message_id = {mark} AND EXISTS "
                f"(SELECT 1 FROM message WHERE id = {mark} AND status = 'sending' AND claimed_by = {mark} "
                f"AND claim_seq = {mark})",
                [(o.sms.message_id, o.sms.message_id, me, o.sms.claim) for o in resent])
        rows = [{"b_id": o.sms.message_id, "b_by": me, "b_seq": o.sms.claim, "sent_at": now, "updated_at": now,
                 "reference": ",".join(o.result.references) or None, "parts": o.result.parts,
                 "gateway": o.gateway} for o in sent]
        if lc.apply(conn, lc.SENT, rows) < len(rows):
            self._late(conn, [(o.sms.message_id, o.gateway, "sent", rows[i]["reference"])
                              for i, o in enumerate(sent)])
        with_parts = [o for o in sent if o.result.references]
        if not with_parts:
            return
        # parts only of messages this write made sent: sent under this claim (a sent message keeps the token
        # of the claim it was sent under), not a late outcome of a claim another console took over
        stamp = time_converter(conn)(now)
        parts = [(o.sms.message_id, number, o.gateway, ref, o.sms.claim) for o in with_parts
                 for number, ref in enumerate(o.result.references, 1)]
        insert = "INSERT INTO message_part (message_id, part, gateway, reference, state, sent_at) "
        if pg:
            conn.exec_driver_sql(
                insert + f"SELECT v.id, v.part, v.gateway, v.reference, '{m.PART_SENT}', %s FROM unnest(%s::integer[], "
                "%s::integer[], %s::varchar[], %s::varchar[], %s::integer[]) AS v(id, part, gateway, reference, seq) "
                "WHERE EXISTS (SELECT 1 FROM message WHERE id = v.id AND status = 'sent' AND gateway = v.gateway "
                "AND claim_seq = v.seq)",
                (stamp, *map(list, zip(*parts))))
        else:
            conn.exec_driver_sql(
                insert + f"SELECT {mark}, {mark}, {mark}, {mark}, '{m.PART_SENT}', {mark} WHERE EXISTS "
                f"(SELECT 1 FROM message WHERE id = {mark} AND status = 'sent' AND gateway = {mark} "
                f"AND claim_seq = {mark})",
                [(i, number, gw, ref, stamp, i, gw, seq) for i, number, gw, ref, seq in parts])

    # --- failed -----------------------------------------------------------------------------------

    def _failed(self, conn: Connection, item: Outcome, now: datetime) -> list[int]:
        """Fail over to another candidate, retry after a backoff, or fail with the last reason."""
        row = conn.execute(select(*_FAILURE_COLUMNS).where(T.c.id == item.sms.message_id)).mappings().first()
        if row is None or row["status"] != m.SENDING or (row["claimed_by"], row["claim_seq"]) != (
                self.engine.instance_id, item.sms.claim):
            self._late(conn, [(item.sms.message_id, item.gateway, "failed", None)])
            return []
        transition, values = self.failure(dict(row), item.gateway, item.result.reason, item.result.retryable, now)
        if item.result.possible_duplicate:  # the provider may have it: a later send is flagged
            values["possible_duplicate"] = True
        lc.apply(conn, transition, [{"b_id": row["id"], "b_by": row["claimed_by"], "b_seq": row["claim_seq"],
                                     "updated_at": now, **values}], expect=m.SENDING)
        return [row["id"]]

    def _returned(self, conn: Connection, item: Returned, now: datetime) -> list[int]:
        """Messages a gateway never tried go back to the queue, those still under this console's claim."""
        me = self.engine.instance_id
        rows = [{"b_id": i, "b_by": me, "b_seq": seq, "updated_at": now} for i, seq in item.claims]
        ids = [i for i, _ in item.claims]
        if lc.apply(conn, lc.RETURN_UNTRIED, rows) == len(rows):
            return ids
        back = {r[0] for r in conn.execute(select(T.c.id).where(T.c.id.in_(ids), T.c.status == m.QUEUED,
                                                               T.c.claimed_by.is_(None)))}
        return [i for i in ids if i in back]

    def _late(self, conn: Connection, answers: list[tuple[int, str, str, str | None]]) -> None:
        """Say which gateway answers came too late: the claim they were sent under had been taken over
        (another console settled or re-sent the message), so nothing of them was written."""
        ids = [a[0] for a in answers]
        now = {r[0]: r[1:] for r in conn.execute(select(T.c.id, T.c.status, T.c.claimed_by, T.c.gateway,
                                                         T.c.reference).where(T.c.id.in_(ids)))}
        for message_id, gateway, outcome, reference in answers:
            status, owner, at, ref = now.get(message_id, (None, None, None, None))
            if outcome == "sent" and status == m.SENT and at == gateway and ref == reference and owner is None:
                continue  # written
            where = "deleted" if status is None else f"now {status}" + (f", claimed by {owner!r}" if owner else "")
            log.warning("message %d: the %s answer from gateway %s came after this console's claim on it was "
                        "taken over (%s); nothing was written", message_id, outcome, gateway, where)

    def failure(self, row: dict[str, Any], gateway: str, reason: str, retryable: bool,
                now: datetime) -> tuple[lc.Transition, dict[str, Any]]:
        """The transition a failed try makes, and its values."""
        settings = self.engine.settings
        due = row["scheduled_at"] or row["created_at"]
        max_age = settings["retry_max_age_seconds"]
        too_old = max_age and (now - due).total_seconds() >= max_age
        if not retryable or row["attempts"] >= settings["max_attempts"] or too_old:
            if not retryable:
                why = reason
            elif too_old:
                why = f"{reason} (still failing {max_age} s after it was due, {row['attempts']} attempts)"
            else:
                why = f"{reason} (after {row['attempts']} attempts)"
            return lc.SEND_FAILED, {"reason": why, "finished_at": now}
        router = self.engine.router
        route = router.route(row["recipient"], row["sender"], row["user"], row["message_type"],
                             row["gateways_allowed"], row["gateways_failed"])
        if router.untried_up(route, gateway):
            return lc.FAIL_OVER, {"gateways_failed": ";".join(sorted(route.failed | {gateway})),
                                  "reason": f"failing over from {gateway} after: {reason}"}
        delay = settings["retry_base_seconds"] * (2 ** max(0, row["attempts"] - 1))
        delay = min(delay, settings["retry_max_seconds"]) * self.random.uniform(0.8, 1.2)
        return lc.RETRY_LATER, {"next_attempt_at": now + timedelta(seconds=delay),
                                "reason": f"retrying after: {reason}"}

    # --- reports ----------------------------------------------------------------------------------

    def _report(self, conn: Connection, item: Report, now: datetime,
                reported: dict[lc.Transition, list[dict[str, Any]]]) -> None:
        """A final delivery report: its part is marked at once; the message is delivered when its last part
        is, undelivered (or failed) when any part is not: noted in ``reported``, written by
        :meth:`_reported` with the other reports of the run (a part once marked is not found again, so a
        later report in the run cannot take the same part)."""
        gateway, report = item.gateway, item.report
        mark = _mark(conn)
        cur = conn.connection.cursor()  # the driver's own cursor: a report is a few tiny statements
        # the newest part waiting for a report with this reference (references are reused: a modem's wrap
        # at 256); the literal state lets SQLite use the partial index of waiting parts
        cur.execute(f"SELECT p.id, p.message_id, p.part FROM message_part p JOIN message m ON m.id = p.message_id "
                    f"WHERE p.gateway = {mark} AND p.reference = {mark} AND p.state = '{m.PART_SENT}' "
                    f"AND m.status IN ('{m.SENT}', '{m.SENDING}') ORDER BY p.id DESC LIMIT 1",
                    (gateway, report.reference))
        found = cur.fetchone()
        if found is None:
            self.unmatched.append((item.first_seen or time.monotonic(), item))
            return
        part_id, message_id, number = found
        at = report.at or now
        stamp = time_converter(conn)(at)
        delivered = report.outcome == "delivered"
        state = m.PART_DELIVERED if delivered else (m.PART_FAILED if report.outcome == "failed"
                                                    else m.PART_UNDELIVERED)
        cur.execute(f"UPDATE message_part SET state = {mark}, finished_at = {mark} WHERE id = {mark}",
                    (state, stamp, part_id))
        if delivered:
            cur.execute(f"SELECT 1 FROM message_part WHERE message_id = {mark} AND state != '{m.PART_DELIVERED}' "
                        f"LIMIT 1", (message_id,))
            if cur.fetchone() is not None:  # a multipart message with parts still under way
                cur.execute(journal.part_event_sql(mark), (message_id, stamp, state, number, report.reason,
                                                           gateway))
                return
        else:  # the message is final: its other parts wait for nothing more
            cur.execute(f"UPDATE message_part SET state = '{m.PART_CLOSED}' WHERE message_id = {mark} "
                        f"AND state = '{m.PART_SENT}'", (message_id,))
        reported.setdefault(lc.report_transition(report.outcome), []).append(
            {"b_id": message_id, "reason": report.reason, "finished_at": at, "updated_at": now})

    @staticmethod
    def _reported(conn: Connection, reported: dict[lc.Transition, list[dict[str, Any]]],
                  changed: list[int]) -> None:
        """Write the messages' transitions noted by :meth:`_report`."""
        for transition, rows in reported.items():
            lc.apply(conn, transition, rows)
            changed += [r["b_id"] for r in rows]
        reported.clear()
