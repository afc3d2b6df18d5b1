"""Public ids for jobs and messages."""

from __future__ import annotations

import secrets
import string
import uuid
from datetime import datetime, timezone

_ALPHABET = string.ascii_letters + string.digits


def new_job_id(now: datetime | None = None) -> str:
    """A job id in the Retarus form ``J.20221116-102407.583-0lajfsfmoXIZJO93PQ``."""
    now = now or datetime.now(timezone.utc)
    stamp = now.strftime("%Y%m%d-%H%M%S.") + f"{now.microsecond // 1000:03d}"
    return f"J.{stamp}-" + "".join(secrets.choice(_ALPHABET) for _ in range(18))


def new_message_uid() -> str:
    return str(uuid.uuid4())
