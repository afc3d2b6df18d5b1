"""Public ids for jobs and messages."""

from __future__ import annotations

import functools
import secrets
import string
from datetime import datetime, timezone

_ALPHABET = string.ascii_letters + string.digits


def new_job_id(now: datetime | None = None) -> str:
    """A job id in the Retarus form ``J.20221116-102407.583-0lajfsfmoXIZJO93PQ``."""
    return f"J.{_stamp(now or datetime.now(timezone.utc))}-" + _random_tail()


def new_sms_id(now: datetime | None = None) -> str:
    """An SMS id in the Retarus form ``S.20220928-125820.022-0l8likueyRB3CT8FTG``."""
    return f"S.{_stamp(now or datetime.now(timezone.utc))}-" + _random_tail()


@functools.lru_cache(maxsize=8)
def _stamp(now: datetime) -> str:
    """The time part of an id (the jobs stored together share their time: formatted once)."""
    return now.strftime("%Y%m%d-%H%M%S.") + f"{now.microsecond // 1000:03d}"


def _random_tail() -> str:
    """18 letters and digits, uniformly random (107 bits), cheap enough for 100,000 ids at once.

    Random bytes below 248 (= 4 × 62) map evenly onto the 62 characters; the
    others are dropped, so no character is more likely than another.
    """
    out = b""
    while len(out) < 18:
        out += secrets.token_bytes(24).translate(_BYTE_TO_CHAR, _UNEVEN)
    return out[:18].decode("ascii")


_BYTE_TO_CHAR = bytes(ord(_ALPHABET[b % 62]) for b in range(256))
_UNEVEN = bytes(range(248, 256))


def new_message_uids(count: int, now: datetime | None = None) -> list[str]:
    """``count`` new message ids at once (one time stamp, as for the messages of one job)."""
    prefix = new_sms_id(now)[:-18]
    # one draw of random bytes for all of them, with room for the dropped ones
    pool = b""
    while len(pool) < 18 * count:
        pool += secrets.token_bytes(20 * count + 64).translate(_BYTE_TO_CHAR, _UNEVEN)
    tails = pool.decode("ascii")
    # in ascending order: the job's messages then enter the unique index of ids one after the
    # other instead of at random places (the ids themselves are as random as before)
    return sorted(prefix + tails[i:i + 18] for i in range(0, 18 * count, 18))


def new_message_uid() -> str:
    """The public id of a new message: an SMS id (unique: 18 random characters, 107 bits)."""
    return new_sms_id()
