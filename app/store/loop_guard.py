"""A guard that catches store access on the event loop's thread.

With ``SMSCONSOLE_STRICT_LOOP=1`` every store connection taken on a thread that is running an
asyncio event loop raises :class:`LoopStoreAccess` (and is recorded in :data:`violations`, so one
that a caller swallows is still seen); with ``SMSCONSOLE_STRICT_LOOP=warn`` it is logged once per
place instead. Off by default. Store work belongs in the engine's store lane
(``Engine.in_lane``); see docs/ARCHITECTURE.md.

Test code that reads or writes the store itself, to set a test up or to check its outcome, says so: with
:func:`allowed` around it, or by a rule the test suite sets in :data:`exempt`; the application uses
neither.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import os
import sys
import traceback
from types import FrameType
from typing import Callable

from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

#: Places (file:line of the caller) where the store was reached on the loop's thread, in order.
violations: list[str] = []
_warned: set[str] = set()
_allowed = contextvars.ContextVar("store_on_the_loop_allowed", default=False)
#: Set by a test suite, never by the application: given the frame that took the connection, whether the
#: access is the test's own (tests/conftest.py: a test calling a synchronous engine function directly).
exempt: Callable[[FrameType], bool] | None = None


class LoopStoreAccess(RuntimeError):
    """The store was reached on the event loop's thread."""


def mode() -> str:
    value = os.environ.get("SMSCONSOLE_STRICT_LOOP", "").strip().lower()
    return {"1": "raise", "true": "raise", "yes": "raise", "warn": "warn"}.get(value, "")


@contextlib.contextmanager
def allowed():
    """Within this block (and tasks it starts) the store may be reached on the loop's thread: for tests'
    own setup and checks, never for the application."""
    token = _allowed.set(True)
    try:
        yield
    finally:
        _allowed.reset(token)


def install(engine: Engine) -> None:
    """Watch ``engine``'s connections (the environment says, at each checkout, whether and how)."""
    event.listen(engine, "checkout", _checkout)


def _caller() -> str:
    """The first frame of the application outside the store's plumbing that asked for the connection."""
    for frame in reversed(traceback.extract_stack()[:-3]):
        path = frame.filename.replace(os.sep, "/")
        if "/app/" in path and "/app/store/" not in path:
            return f"{path.rsplit('/app/', 1)[1]}:{frame.lineno} ({frame.name})"
    return "unknown"


def _checkout(_dbapi_conn, _record, _proxy) -> None:
    if asyncio.events._get_running_loop() is None or not mode() or _allowed.get():
        return  # a worker thread (the store lane, an export), no loop at all (scripts), or not asked for
    if exempt is not None and exempt(sys._getframe(1)):
        return  # the test's own access (the suite's rule)
    place = _caller()
    violations.append(place)
    if mode() == "raise":
        raise LoopStoreAccess(f"the store was reached on the event loop's thread from app/{place}: "
                              "run it in the store lane (Engine.in_lane)")
    if place not in _warned:
        _warned.add(place)
        log.warning("store reached on the event loop's thread from app/%s", place)
