"""Start the window on the shared qasync loop, with the engine on the same loop."""

from __future__ import annotations

import asyncio
import sys

from app import APP_DIRNAME, APP_ID, APP_NAME, __version__
from app.config import Config
from app.engine.engine import Engine


def make_qapplication(argv: list[str] | None = None):
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_DIRNAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_DIRNAME)
    app.setDesktopFileName(APP_ID)
    from PySide6.QtGui import QIcon

    from app.resources import app_icon_path

    app.setWindowIcon(QIcon(str(app_icon_path())))
    return app


def run_application(engine: Engine, cfg: Config) -> int:
    import qasync

    from .engine_bridge import EngineBridge
    from .main_window import MainWindow

    app = make_qapplication()
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    bridge = EngineBridge(engine)
    window = MainWindow(bridge)
    closed = asyncio.Event()
    app.setQuitOnLastWindowClosed(False)  # the loop ends after the engine has stopped
    app.lastWindowClosed.connect(closed.set)

    async def main() -> None:
        window.show()
        await engine.start()
        await closed.wait()
        await engine.stop()

    with loop:
        loop.run_until_complete(main())
    return 0
