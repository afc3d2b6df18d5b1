"""Qt with qasync under pytest-qt.

The test's qasync loop is made the running loop over the QApplication for
the whole test (``already_running=True``): whenever Qt processes events —
inside ``qtbot.waitSignal`` — asyncio callbacks run too, as they do in the
application. Tests are plain functions; they wait on signals, and on
coroutines through :func:`complete`, never on time.
"""

from __future__ import annotations

import asyncio
import gc
import os

import pytest
from PySide6.QtCore import QObject, Signal

# The window speaks English in tests, whatever the machine's locale; a test of another language asks for it.
os.environ["SMSCONSOLE_LANGUAGE"] = "en"


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread():
    """Free the test's widgets on the GUI thread.

    A window refers to itself through its parts, so only the cycle collector frees it; left
    to chance, the collector runs in whichever thread allocates next (a store or export
    worker), and a widget deleted there leaves its timers to fire on freed memory. So the
    automatic collector is off while the test runs, and the test's garbage is collected here.
    """
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
        gc.collect()


@pytest.fixture
def qloop(qapp):
    import qasync

    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    yield loop
    # Undo what already_running set up. loop.stop() would call QApplication.exit(),
    # which makes the next test's nested event loops return at once.
    loop._QEventLoop__is_running = False
    loop._after_run_forever()
    asyncio.events._set_running_loop(None)
    loop.close()
    asyncio.set_event_loop(None)


class _Done(QObject):
    done = Signal()


def complete(qtbot, awaitable, timeout: float = 10.0):
    """Run ``awaitable`` on the running qasync loop and wait, via a signal, for its result."""
    fut = asyncio.ensure_future(awaitable)
    notifier = _Done()
    with qtbot.waitSignal(notifier.done, timeout=int(timeout * 1000), raising=True):
        fut.add_done_callback(lambda _f: notifier.done.emit())
        if fut.done():
            notifier.done.emit()
    return fut.result()


def settle(qtbot, timeout: float = 10.0) -> None:
    """Wait until every store operation the window started (``app.ui.store_op.run_op``) and every
    coroutine it spawned (``app.ui.tasks.spawn``) has finished and its result is shown."""
    from app.ui import store_op

    qtbot.waitUntil(store_op.settled, timeout=int(timeout * 1000))


@pytest.fixture
def window(qtbot, qloop, make_engine):
    """The real main window over a started engine with a fast simulated gateway."""
    from app.ui.application import make_qapplication
    from app.ui.engine_bridge import EngineBridge
    from app.ui.main_window import MainWindow

    make_qapplication()
    from PySide6.QtCore import QSettings

    QSettings().clear()  # each test starts with the window as first installed
    engine = make_engine()
    engine.add_gateway("Demo", "simulator", {"send_delay": 0.05, "report_delay": 0.05})
    bridge = EngineBridge(engine)
    win = MainWindow(bridge)
    qtbot.addWidget(win)
    win.show()
    complete(qtbot, engine.start())
    yield win
    win.close()
    # pytest-qt has deleted the window's widgets by now: no engine event may reach them while it stops
    bridge.close()
    complete(qtbot, engine.stop())
