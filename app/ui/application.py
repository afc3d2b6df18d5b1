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

    from .single_instance import SingleInstance
    from .theme import apply_scheme

    app = make_qapplication()
    instance = SingleInstance(parent=app)
    if instance.ask_running():
        return 0  # the running console shows its window instead
    instance.listen()
    apply_scheme(app, "system")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    bridge = EngineBridge(engine)
    window = MainWindow(bridge)
    instance.raise_requested.connect(window.notifier.raise_window)
    closed = asyncio.Event()
    app.setQuitOnLastWindowClosed(False)  # the loop ends after the engine has stopped
    app.lastWindowClosed.connect(closed.set)

    async def main() -> None:
        window.show()
        window.repaint()  # paint the window now, before the engine's start-up work
        await engine.start()
        apply_scheme(app, engine.settings.get("color_scheme", "system"))
        api = await _start_api(engine, cfg, window)
        await closed.wait()
        if api is not None:
            await api.stop()
        await engine.stop()

    with loop:
        loop.run_until_complete(main())
    return 0


async def _start_api(engine: Engine, cfg: Config, window):
    """Serve the HTTP API when enabled; a port already taken is told in a message box, the window stays."""
    if not cfg.api["enabled"]:
        return None
    from PySide6.QtWidgets import QMessageBox

    from app.api.server import ApiServer, ApiStartError

    from app.engine.api_overrides import effective_api

    cfg.api = effective_api(cfg.api, engine.settings)  # the Settings dialog's choices, when made
    api = ApiServer(engine, cfg)
    try:
        await api.start()
    except ApiStartError as exc:
        box = QMessageBox(QMessageBox.Icon.Warning, window.tr("HTTP API not available"),
                          window.tr("The HTTP API is not served: %s.\n\nIf another program uses this address, choose "
                                    "another one in [api] listen of the configuration file (or fix tls_cert and "
                                    "tls_key) and restart. Sending and receiving work meanwhile.") % exc, parent=window)
        box.setObjectName("api_error_box")
        box.open()
        return None
    window.statusBar().showMessage(window.tr("HTTP API on %s") % api.url, 10000)
    return api
