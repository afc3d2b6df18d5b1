"""The store lane: one worker thread that runs the engine's store work, one piece at a time.

Two kinds of work share it. Work someone waits for (a client's request to queue messages, the
window's reads and writes, a heartbeat) is *answering* work. The dispatcher's passes and the writer of
gateways' news are *background* work. When only one kind waits, it runs. When both wait, the lane
shares its time: background work gets ``BACKGROUND_SHARE`` of it (measured over the last second or so),
and never waits longer than ``BACKGROUND_MAX_WAIT`` — so a flood of requests is answered promptly and
queued, sending goes on beside it at a smaller pace and catches up when the flood ends, and a busy
gateway never makes a client wait long for its news to be written. A background pass that waited takes
what came meanwhile with it (the dispatcher and the writer gather), so waiting costs little.

Within each kind, work runs in the order it was handed over: an outcome is written before the report
that follows it, and a claim before the outcomes of its sends.
"""

from __future__ import annotations

import queue
import threading
import time
from collections import deque
from concurrent.futures import Executor, Future
from typing import Any, Callable

#: The lane's time background work gets while answering work waits too.
BACKGROUND_SHARE = 0.2
#: How long background work waits at most while answering work keeps coming (seconds; plus the piece
#: already running).
BACKGROUND_MAX_WAIT = 0.25
#: Answering work that ended this recently (seconds) counts as clients being answered: background work then
#: keeps to its share even in the gaps between their requests.
ANSWERING_GAP = 0.01
#: The time used by each kind counts half after this many seconds.
HALF_LIFE = 0.5

_Item = tuple[Future, Callable[..., Any], tuple, dict, float]


class StoreLane(Executor):
    """An executor of one thread (named ``<name>_0``) with two queues; :meth:`submit` is answering work,
    ``lane.background.submit`` background work. Both are ``concurrent.futures`` executors, for
    ``loop.run_in_executor``."""

    def __init__(self, name: str = "smsconsole-store"):
        self.name = name
        self._lock = threading.Lock()
        #: Wakes the thread when it waits (a C queue: handing work over costs the loop next to nothing).
        self._signal: queue.SimpleQueue = queue.SimpleQueue()
        self._waiting = False  # the thread waits on _signal
        self._answering: deque[_Item] = deque()
        self._background: deque[_Item] = deque()
        self._thread: threading.Thread | None = None
        self._shutdown = False
        #: Lane time used lately by answering and by background work (seconds, decaying by HALF_LIFE).
        self._used = [0.0, 0.0]
        self._used_at = time.monotonic()
        #: When answering work last ended (time.monotonic()).
        self.answered_at = 0.0
        #: The same lane, for background work.
        self.background: Executor = _Background(self)

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        return self._put(self._answering, fn, args, kwargs)

    def answering(self, within: float = 0.1) -> bool:
        """Whether answering work ran within the last ``within`` seconds: background work then comes in
        small pieces (a piece cannot be interrupted, and answering work that arrives waits for it)."""
        return time.monotonic() - self.answered_at < within

    def answered_elsewhere(self, seconds: float) -> None:
        """Answering work that just took ``seconds`` outside the lane (the queue writer storing a group of
        jobs clients wait for): counted as the lane's own, so background work keeps to its share while
        clients are being answered there too."""
        with self._lock:
            now = time.monotonic()
            self._decayed(now)[0] += seconds
            self.answered_at = now

    def _put(self, pending: deque, fn: Callable[..., Any], args: tuple, kwargs: dict) -> Future:
        future: Future = Future()
        with self._lock:
            if self._shutdown:
                raise RuntimeError("cannot schedule new futures after shutdown")
            pending.append((future, fn, args, kwargs, time.monotonic()))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=f"{self.name}_0", daemon=True)
                self._thread.start()
            elif self._waiting:
                self._waiting = False
                self._signal.put(None)
        return future

    def _next(self) -> tuple[_Item, int] | float | None:
        """The piece to run next and its kind (0 answering, 1 background), or how long to wait for one
        (seconds), or None: nothing to run. The lock held."""
        answering, background = self._answering, self._background
        if not background:
            return (answering.popleft(), 0) if answering else None
        now = time.monotonic()
        if answering or now - self.answered_at < ANSWERING_GAP:
            # clients are being answered: background work keeps to its share of the lane
            used_answering, used_background = self._decayed(now)
            behind = used_background <= BACKGROUND_SHARE * (used_answering + used_background)
            waited = now - background[0][4]
            if not behind and waited < BACKGROUND_MAX_WAIT:
                if answering:
                    return answering.popleft(), 0
                return min(ANSWERING_GAP, BACKGROUND_MAX_WAIT - waited)  # the next request is likely near
        return background.popleft(), 1

    def _decayed(self, now: float) -> list[float]:
        factor = 0.5 ** ((now - self._used_at) / HALF_LIFE)
        self._used_at = now
        self._used = [self._used[0] * factor, self._used[1] * factor]
        return self._used

    def _run(self) -> None:
        while True:
            with self._lock:
                picked = self._next()
                if picked is None or type(picked) is float:
                    if picked is None and self._shutdown:
                        return
                    self._waiting = True
            if picked is None or type(picked) is float:
                try:
                    self._signal.get(timeout=picked)  # woken by work handed over, or the wait is over
                except queue.Empty:
                    pass
                continue
            (future, fn, args, kwargs, _), kind = picked
            if not future.set_running_or_notify_cancel():
                continue
            started = time.monotonic()
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits for it
                future.set_exception(exc)
                del exc  # no reference cycle through the traceback
            else:
                future.set_result(result)
            finally:
                ended = time.monotonic()
                if kind == 0:
                    self.answered_at = ended
                with self._lock:
                    self._decayed(ended)[kind] += ended - started
            del picked, future, fn, args, kwargs

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Run what was handed over (or cancel it with ``cancel_futures``), then end the thread."""
        with self._lock:
            self._shutdown = True
            if cancel_futures:
                for pending in (self._answering, self._background):
                    while pending:
                        pending.popleft()[0].cancel()
            thread = self._thread
            self._signal.put(None)
        if wait and thread is not None and thread is not threading.current_thread():
            thread.join()


class _Background(Executor):
    def __init__(self, lane: StoreLane):
        self._lane = lane

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        return self._lane._put(self._lane._background, fn, args, kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._lane.shutdown(wait, cancel_futures=cancel_futures)
