"""Job and recipient reports in the Retarus vocabulary, read from the console's
own message states.

======================  ===============  ============  =======================
console state           processStatus    status        reason
======================  ===============  ============  =======================
queued, scheduled,      OPEN             (empty)       the console's reason
sending                                                (retry, blackout...)
sent, report asked      OPEN             SUC_ACC       Accepted.
sent, no report asked   DONE             SUC_ACC       Accepted.
delivered               DONE             SUC_FIN       the report's text
undelivered             DONE             FAILED_FIN    the report's text
expired                 DONE             TIMEOUT       validity ended...
failed                  DONE             SEND_ERR      the failure's reason
                                         (INVALID_DST for a refused number,
                                         BLOCKED for a blocked one)
cancelled               CANCELED         NOT_ACC_REC   cancelled by...
======================  ===============  ============  =======================

A recipient is final when its processStatus is DONE or CANCELED; a job's
``finishedTs`` is set once every recipient is final.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Iterable


from app.store import models as m
from app.store.models import Message

FINAL_PROCESS = ("DONE", "CANCELED")

#: Message columns the reports read.
COLUMNS = (Message.uid, Message.recipient, Message.status, Message.status_report, Message.customer_ref,
           Message.reason, Message.sent_at, Message.finished_at, Message.updated_at)


def ts(value: datetime | None) -> str | None:
    """Retarus timestamp: ISO-8601 with milliseconds and offset (``2018-09-24T12:17:44.653+00:00``)."""
    return value.isoformat(timespec="milliseconds") if value else None


def process_status(status: str, status_report: bool) -> tuple[str, str]:
    """(processStatus, status) of a console message state."""
    if status in m.PENDING_STATES:
        return "OPEN", ""
    if status == m.SENT:
        return ("OPEN" if status_report else "DONE"), "SUC_ACC"
    if status == m.DELIVERED:
        return "DONE", "SUC_FIN"
    if status == m.UNDELIVERED:
        return "DONE", "FAILED_FIN"
    if status == m.EXPIRED:
        return "DONE", "TIMEOUT"
    if status == m.CANCELLED:
        return "CANCELED", "NOT_ACC_REC"
    return "DONE", "SEND_ERR"


def _failure_status(reason: str) -> str:
    low = reason.lower()
    if "invalid number" in low:
        return "INVALID_DST"
    if "blocked" in low:
        return "BLOCKED"
    return "SEND_ERR"


def recipient_report(row) -> dict[str, Any]:
    """One element of ``GET /sms?jobId=`` for a row of :data:`COLUMNS`."""
    uid, dst, status, report, ref, reason, sent_at, finished_at, _ = row
    process, code = process_status(status, report)
    if status == m.FAILED:
        code = _failure_status(reason)
    out: dict[str, Any] = {"smsId": uid, "dst": dst, "processStatus": process}
    if code:
        out["status"] = code
    out["customerRef"] = ref or dst
    if code == "SUC_ACC" and not reason:
        reason = "Accepted."
    if reason:
        out["reason"] = reason
    if sent_at:
        out["sentTs"] = ts(sent_at)
    if process in FINAL_PROCESS and (finished_at or sent_at):
        # a modem's delivery report carries the network's clock, which can be behind ours
        out["finishedTs"] = ts(max(t for t in (finished_at, sent_at) if t))
    return out




#: What a job that does not set an option gets, as its report shows it (clients such as the official SDK
#: read every one of these as required).
EFFECTIVE_OPTIONS = {"src": "", "encoding": "STANDARD", "billcode": "", "statusRequested": False, "flash": False,
                     "validityMin": 0, "customerRef": "", "qos": "NORMAL", "duplicateDetection": False}


def job_report(job, rows: Iterable, *, with_ids: bool = True) -> dict[str, Any]:
    """The seed's job report: the submitted options, ``receiptTs``, ``finishedTs`` and ``recipientIds``."""
    options = {**EFFECTIVE_OPTIONS, **json.loads(job.options or "{}")}
    out: dict[str, Any] = {"jobId": job.id}
    for key in ("src", "encoding", "billcode", "statusRequested", "flash", "validityMin", "customerRef", "qos",
                "maxParts", "invalidCharacters", "jobPeriod", "duplicateDetection", "blackoutPeriods"):
        if key in options:
            out[key] = options[key].lower() if key == "encoding" else options[key]
    out["receiptTs"] = ts(job.created_at)
    rows = list(rows)
    finals = []
    for row in rows:
        process, _ = process_status(row[2], row[3])
        if process not in FINAL_PROCESS:
            break
        times = [t for t in (row[7], row[6]) if t]
        finals.append(max(times) if times else row[8])
    else:
        if rows:
            out["finishedTs"] = ts(max(finals))
    if with_ids:
        out["recipientIds"] = [row[0] for row in rows]
    return out
