"""Public ids for jobs and messages."""

from __future__ import annotations

import secrets
import string
from datetime import datetime, timezone

_ALPHABET = string.ascii_letters + string.digits


def new_job_id(now: datetime | None = None) -> str:
    """A job id in the Retarus form ``J.20221116-102407.583-0lajfsfmoXIZJO93PQ``."""
    now = now or datetime.now(timezone.utc)
    stamp = now.strftime("%Y%m%d-%H%M%S.") + f"{now.microsecond // 1000:03d}"
    return f"J.{stamp}-" + "".join(secrets.choice(_ALPHABET) for _ in range(18))


def new_sms_id(now: datetime | None = None) -> str:
    """An SMS id in the Retarus form ``S.20220928-125820.022-0l8likueyRB3CT8FTG``."""
    now = now or datetime.now(timezone.utc)
    stamp = now.strftime("%Y%m%d-%H%M%S.") + f"{now.microsecond // 1000:03d}"
    return f"S.{stamp}-" + _random_tail()


def _random_tail() -> str:
    """18 letters and digits from 107 random bits (cheap enough for 3,000 ids at once)."""
    n = secrets.randbits(107)
    out = []
    for _ in range(18):
        n, r = divmod(n, 62)
        out.append(_ALPHABET[r])
    return "".join(out)


def new_message_uid() -> str:
    """The public id of a new message: an SMS id (unique: 18 random characters, 107 bits)."""
    return new_sms_id()
