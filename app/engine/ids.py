"""Public ids for jobs and messages."""

from __future__ import annotations

import functools
import os
import secrets
import string
import threading
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
    """18 letters and digits, uniformly random (107 bits)."""
    return _POOL.take(18)


_BYTE_TO_CHAR = bytes(ord(_ALPHABET[b % 62]) for b in range(256))
_UNEVEN = bytes(range(248, 256))


class _RandomPool:
    """Letters and digits from the operating system's random source, drawn in blocks.

    Random bytes below 248 (= 4 × 62) map evenly onto the 62 characters; the
    others are dropped, so no character is more likely than another. One draw
    serves hundreds of ids (a job of one message needs two: a system call for
    each cost as much as the rest of its id). No character is handed out twice,
    and a forked process starts with an empty pool of its own.
    """

    BLOCK = 8192

    def __init__(self):
        self._lock = threading.Lock()
        self._chars = ""
        self._at = 0

    def take(self, n: int) -> str:
        with self._lock:
            if self._at + n > len(self._chars):
                self._refill(n)
            out = self._chars[self._at:self._at + n]
            self._at += n
            return out

    def _refill(self, n: int) -> None:
        fresh = self._chars[self._at:]
        while len(fresh) < max(n, self.BLOCK // 2):
            fresh += secrets.token_bytes(max(self.BLOCK, n + n // 8 + 64)).translate(
                _BYTE_TO_CHAR, _UNEVEN).decode("ascii")
        self._chars, self._at = fresh, 0

    def clear(self) -> None:
        self._lock = threading.Lock()
        self._chars, self._at = "", 0


_POOL = _RandomPool()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_POOL.clear)


def new_message_uids(count: int, now: datetime | None = None) -> list[str]:
    """``count`` new message ids at once (one time stamp, as for the messages of one job)."""
    prefix = new_sms_id(now)[:-18]
    if count == 1:
        return [prefix + _POOL.take(18)]
    tails = _POOL.take(18 * count)
    # in ascending order: the job's messages then enter the unique index of ids one after the
    # other instead of at random places (the ids themselves are as random as before)
    return sorted(prefix + tails[i:i + 18] for i in range(0, 18 * count, 18))


def new_message_uid() -> str:
    """The public id of a new message: an SMS id (unique: 18 random characters, 107 bits)."""
    return new_sms_id()
