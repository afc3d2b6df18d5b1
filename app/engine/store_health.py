"""Whether the store answers: one line when it goes away (with the cause), a growing wait between tries
while it is away, one line when it is back and how long it was gone.

The dispatcher, the writer of gateways' answers and the heartbeat tell it of each failure and success;
an error that is not about reaching the store (a bug, a constraint) is not its business and is logged
where it happens, as before.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import TYPE_CHECKING

from sqlalchemy import exc as sa_exc

from .events import StoreHealthChanged

if TYPE_CHECKING:
    from .engine import Engine

log = logging.getLogger(__name__)

#: First wait between two tries while the store is away (seconds); doubles up to MAX_BACKOFF.
FIRST_BACKOFF = 0.5
MAX_BACKOFF = 10.0


def unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` says the store cannot be reached (connection refused or lost, server shutting down)."""
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    if isinstance(exc, (sa_exc.OperationalError, sa_exc.InterfaceError)):
        # PostgreSQL: no SQLSTATE (the client could not talk to it), class 08 (connection exception) or 57P
        # (the server shutting down or refusing connections); a deadlock or a lock timeout is not an outage
        state = getattr(getattr(exc, "orig", None), "sqlstate", "")
        return state is None or state.startswith(("08", "57P"))
    if isinstance(exc, sa_exc.TimeoutError):  # no connection from the pool in time
        return True
    return isinstance(exc, (ConnectionError, TimeoutError))


def lasting(exc: BaseException) -> bool:
    """Whether trying again will not mend ``exc``: neither the store being away nor a passing state of it
    (a lock held, a deadlock, a full disk: SQLAlchemy's OperationalError), but a value or a constraint the
    store refuses, or a bug."""
    return not unreachable(exc) and not isinstance(exc, sa_exc.OperationalError)


def cause(exc: BaseException) -> str:
    """The cause in one line (the driver's first line, without SQLAlchemy's background link)."""
    inner = getattr(exc, "orig", None) or exc
    text = str(inner).strip().splitlines()
    return f"{type(inner).__name__}: {text[0]}" if text else type(inner).__name__


class StoreHealth:
    def __init__(self, engine: "Engine"):
        self.engine = engine
        self._lock = threading.Lock()
        #: When the store went away (monotonic), None while it answers.
        self.down_since: float | None = None
        self.cause = ""
        self._failures = 0

    @property
    def reachable(self) -> bool:
        return self.down_since is None

    def failed(self, exc: BaseException) -> bool:
        """Note a failure (on the loop's thread: its event is published at once). Returns whether it was the store being away (then it is logged
        here, once per outage); False: the caller logs it as its own error."""
        if not unreachable(exc):
            return False
        with self._lock:
            self._failures += 1
            if self.down_since is not None:
                return True
            self.down_since = time.monotonic()
            self.cause = cause(exc)
        log.error("store %s unreachable: %s; trying again with a growing wait", self.engine.db.display_url,
                  self.cause)
        self._publish()
        return True

    def ok(self) -> None:
        """Note a success (on the loop's thread): the store answers."""
        if self.down_since is None:
            return
        with self._lock:
            if self.down_since is None:
                return
            gone = time.monotonic() - self.down_since
            self.down_since, self._failures = None, 0
        log.warning("store %s reachable again after %.1f s", self.engine.db.display_url, gone)
        self._publish(gone)

    def retry_delay(self) -> float:
        """How long to wait before the next try while the store is away."""
        return min(MAX_BACKOFF, FIRST_BACKOFF * 2 ** max(0, self._failures - 1))

    def _publish(self, gone: float = 0.0) -> None:
        self.engine.events.publish(StoreHealthChanged(self.reachable, self.cause if not self.reachable else "",
                                                      gone))
