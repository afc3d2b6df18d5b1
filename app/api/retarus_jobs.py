"""A Retarus ``JobRequest`` (``POST /rest/v1/jobs``) checked and turned into
engine requests.

Everything is checked before anything is stored, so a job is accepted whole
or refused whole: option values that do not fit answer 400 (``qos``,
``encoding``, ``validityMin``, ``maxParts``, timestamps, booleans, lengths,
sender id), a job with nothing to send, an invalid number or text the
``invalidCharacters`` rule refuses answers 422 (the text is checked once, by
the engine as it queues the job atomically). What real clients send is
accepted: booleans as JSON booleans or the strings ``"true"``/``"false"`` in
any case, ``encoding`` and enumerations in any case.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from app.engine import blackout
from app.engine.requests import OutboundRequest
from app.sms.numbers import InvalidNumber, normalize_number, validate_sender
from app.sms.prepare import INVALID_CHARACTERS

MAX_RECIPIENTS = 3000
QOS_PRIORITY = {"EXPRESS": 1, "NORMAL": 0}
ENCODINGS = ("STANDARD", "UTF-16")
VALIDITY_RANGE = (5, 2880)
MAX_PARTS_RANGE = (1, 20)
MAX_BILLCODE = 70
MAX_REF = 64


class RetarusError(Exception):
    """A request refused with an HTTP status; the body is ``{"code": status, "message": ...}``."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def bad(message: str) -> RetarusError:
    return RetarusError(400, message)


def unprocessable(message: str) -> RetarusError:
    return RetarusError(422, message)


@functools.lru_cache(maxsize=1024)
def _check_sender(sender: str) -> None:
    """``validate_sender``, remembered for the senders that pass (a client sends the same few all day)."""
    validate_sender(sender)


def parse_bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise bad(f"{name} must be true or false, not {value!r}")


def parse_time(value: Any, name: str) -> datetime:
    """An ISO-8601 timestamp; one without a UTC offset is taken as UTC."""
    if not isinstance(value, str):
        raise bad(f"{name} must be an ISO-8601 timestamp, not {value!r}")
    try:
        return blackout.parse_time(value)
    except ValueError:
        raise bad(f"{name} {value[:40]!r} is not an ISO-8601 timestamp between 1970 and 2999 such as "
                  "2030-09-24T11:00:00.000+02:00") from None


def _int(value: Any, name: str, lo: int, hi: int, *, zero: bool = False) -> int:
    if isinstance(value, str) and value.strip().lstrip("-").isascii() and value.strip().lstrip("-").isdigit() \
            and len(value) < 20:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad(f"{name} must be a whole number, not {value!r}")
    if not (lo <= value <= hi or (zero and value == 0)):
        allowed = f"0 or {lo}–{hi}" if zero else f"{lo}–{hi}"
        raise bad(f"{name} must be {allowed}, not {value}")
    return value


def _choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value.strip().upper() not in choices:
        raise bad(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value.strip().upper()


def _text(value: Any, name: str, limit: int) -> str:
    if not isinstance(value, str):
        raise bad(f"{name} must be a string, not {value!r}")
    if len(value) > limit:
        raise bad(f"{name} is longer than {limit} characters")
    return value


def _periods(value: Any, name: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise bad(f"{name} must be a list of \"start/end\" ISO-8601 intervals")
    for p in value:
        try:
            blackout.parse_period(p)
        except blackout.BlackoutError as exc:
            raise bad(f"{name}: {exc}") from None
    return list(value)


def _camel(key: str) -> str:
    """``customer_ref`` -> ``customerRef``: the official Python SDK sends its field names in snake case."""
    head, *rest = key.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _camel_keys(raw: dict, where: str) -> dict:
    """``raw`` with snake-case keys in their Retarus spelling; a key given both ways is refused."""
    out: dict = {}
    for key, value in raw.items():
        name = _camel(key) if isinstance(key, str) and "_" in key else key
        if name in out:
            raise bad(f"{where}: {name} is given twice")
        out[name] = value
    return out


@dataclass
class ParsedJob:
    requests: list[OutboundRequest]
    #: The options as reports echo them (Retarus names and spelling).
    options: dict[str, Any]
    recipients: int


def parse_options(raw: Any) -> dict[str, Any]:
    """Checked options with their Retarus names; only the ones given."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise bad("options must be an object")
    raw = _camel_keys(raw, "options")
    known = {"src", "encoding", "billcode", "statusRequested", "flash", "customerRef", "validityMin", "maxParts",
             "invalidCharacters", "qos", "jobPeriod", "duplicateDetection", "blackoutPeriods"}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise bad(f"unknown option {unknown[0]!r}")
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if value is None:
            continue
        if key == "src":
            out[key] = _text(value, "src", 16).strip()
            if out[key]:
                try:
                    _check_sender(out[key])
                except InvalidNumber as exc:
                    raise bad(f"src {value!r} cannot be used as sender id: {exc}") from None
        elif key == "encoding":
            out[key] = _choice(value, key, ENCODINGS)
        elif key == "billcode":
            out[key] = _text(value, key, MAX_BILLCODE)
        elif key == "customerRef":
            out[key] = _text(value, key, MAX_REF)
        elif key in ("statusRequested", "flash", "duplicateDetection"):
            out[key] = parse_bool(value, key)
        elif key == "validityMin":
            out[key] = _int(value, key, *VALIDITY_RANGE, zero=True)
        elif key == "maxParts":
            out[key] = _int(value, key, *MAX_PARTS_RANGE)
        elif key == "invalidCharacters":
            out[key] = _choice(value, key, INVALID_CHARACTERS)
        elif key == "qos":
            out[key] = _choice(value, key, tuple(QOS_PRIORITY))
        elif key == "jobPeriod":
            parse_time(value, key)
            out[key] = value.strip()
        elif key == "blackoutPeriods":
            out[key] = _periods(value, key)
    return out


def parse_job(body: Any, *, country: str | None, now: datetime) -> ParsedJob:
    """Check a whole JobRequest; raises RetarusError (400/422) naming the first problem.

    ``validityMin`` runs from the job period when one is given (the engine
    counts validity from ``now``), so a job sent later is not expired on arrival.
    """
    if not isinstance(body, dict):
        raise bad("the body must be a JSON object with options and messages")
    opts = parse_options(body.get("options"))
    messages = body.get("messages")
    if messages is None or messages == []:
        raise unprocessable("the job has no messages")
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        raise bad("messages must be a list of objects with text and recipients")
    total = sum(len(m.get("recipients") or ()) if isinstance(m.get("recipients"), list) else 0 for m in messages)
    if total > MAX_RECIPIENTS:
        raise unprocessable(f"a job has at most {MAX_RECIPIENTS} recipients, this one has {total}")
    scheduled_at = parse_time(opts["jobPeriod"], "jobPeriod") if "jobPeriod" in opts else None
    validity = opts.get("validityMin", 0) * 60
    if validity and scheduled_at and scheduled_at > now:
        validity += int((scheduled_at - now).total_seconds())
    common = dict(
        sender=opts.get("src", ""), priority=QOS_PRIORITY[opts.get("qos", "NORMAL")], scheduled_at=scheduled_at,
        validity_seconds=validity or None, status_report=opts.get("statusRequested", False),
        flash=opts.get("flash", False), customer_ref=opts.get("customerRef", ""), billcode=opts.get("billcode", ""),
        encoding=opts.get("encoding"), invalid_characters=opts.get("invalidCharacters"),
        max_parts=opts.get("maxParts"), blackout=opts.get("blackoutPeriods", []),
        duplicate_detection=opts.get("duplicateDetection", False),
    )
    requests: list[OutboundRequest] = []
    for i, msg in enumerate(messages):
        where = f"messages[{i}]"
        text = msg.get("text")
        if not isinstance(text, str) or not text:
            raise unprocessable(f"{where} has no text")
        recipients = msg.get("recipients")
        if not recipients:
            raise unprocessable(f"{where} has no recipients")
        if not isinstance(recipients, list) or not all(isinstance(r, dict) for r in recipients):
            raise bad(f"{where}.recipients must be a list of objects with dst")
        # the text itself (characters refused by invalidCharacters: REFUSE) is checked by the engine when
        # the job is queued: a refused text refuses the whole job there, with 422
        numbers, refs, periods = [], [], []
        for j, rcp in enumerate(recipients):
            rcp = _camel_keys(rcp, f"{where}.recipients[{j}]")
            dst = rcp.get("dst")
            if not isinstance(dst, str) or not dst.strip():
                raise unprocessable(f"{where}.recipients[{j}] has no dst")
            try:
                normalize_number(dst, country)
            except InvalidNumber as exc:
                raise unprocessable(f"{where}.recipients[{j}]: invalid number {dst!r}: {exc}") from None
            ref = rcp.get("customerRef")
            numbers.append(dst)
            refs.append(_text(ref, f"{where}.recipients[{j}].customerRef", MAX_REF) if ref else dst)
            periods.append(_periods(rcp.get("blackoutPeriods"), f"{where}.recipients[{j}].blackoutPeriods"))
        requests.append(OutboundRequest(
            recipients=numbers, text=text, recipient_refs=refs,
            recipient_blackout=periods if any(periods) else None, **common))
    return ParsedJob(requests=requests, options=opts, recipients=total)
