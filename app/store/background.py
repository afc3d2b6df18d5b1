"""A store's worker thread that runs while it has work and ends when it has none."""

from __future__ import annotations

import threading


class OnDemandThread:
    """The thread of one background job of a store (:class:`~.derived.DerivedIndexes`,
    :class:`~.checkpoints.Checkpointer`): :meth:`_start` starts it unless it runs or the job is closed; the
    job's ``_run`` ends it (``_thread = None`` under ``_state``) when there is nothing left to do; :meth:`close`
    stops it and waits for it. ``_closing`` is set on close, for the thread's waits."""

    #: The thread's name, and whether it may be cut off when the program exits.
    thread_name = "store-worker"
    daemon = False

    def __init__(self):
        self._state = threading.Lock()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._closing = threading.Event()

    def _run(self) -> None:
        raise NotImplementedError

    def _start(self) -> None:
        """Start the thread (call with ``_state`` held)."""
        if self._thread is None and not self._closed:
            self._thread = threading.Thread(target=self._run, name=self.thread_name, daemon=self.daemon)
            self._thread.start()

    def close(self) -> None:
        """Stop the job: no new thread, the running one told (``_closing``) and waited for."""
        with self._state:
            self._closed = True
            thread = self._thread
        self._closing.set()
        if thread is not None:
            thread.join(30)
