"""Start the window on the shared qasync loop, with the engine on the same loop."""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING, Callable

from app import APP_DIRNAME, APP_ID, APP_NAME, __version__
from app.config import Config, ConfigError

if TYPE_CHECKING:
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
    from .translations import install_translators

    install_translators(app)  # before any widget: the window is built in the operator's language
    return app


def run_application(cfg: Config, open_engine: Callable[[], "Engine"]) -> int:
    """Show the window, then open the engine (``open_engine``) and fill the window from it.

    The window is painted before the engine and the store are opened (importing them is most of
    the start-up time). A store that cannot be opened is told in a message box; exit code 2.
    """
    import qasync

    from .main_window import MainWindow
    from .single_instance import SingleInstance
    from .theme import apply_scheme

    app = make_qapplication()
    instance = SingleInstance(parent=app)
    if instance.ask_running():
        return 0  # the running console shows its window instead
    instance.listen()
    apply_scheme(app, "system")
    window = MainWindow()
    _show_now(app, window)
    try:
        engine = open_engine()
    except Exception as exc:
        from app.store.database import StoreError

        if not isinstance(exc, (ConfigError, StoreError)):
            raise
        # the store, or what the configuration asks of it: told in words, no traceback
        print(f"smsconsole: {exc}", file=sys.stderr)
        from PySide6.QtCore import QCoreApplication
        from PySide6.QtWidgets import QMessageBox

        # texts of the main window's context, so its translation serves them
        QMessageBox.critical(window, QCoreApplication.translate("MainWindow", "The console cannot start"), str(exc))
        return 2
    from .engine_bridge import EngineBridge

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    from app.logging_setup import log_dir

    from .error_hook import ErrorHook

    ErrorHook(window, str(log_dir() / "smsconsole.log")).install(loop)  # what escapes: logged, told in words
    window.attach(EngineBridge(engine))
    from app.runtime import settle_heap

    settle_heap()  # before the loop runs: what the start-up built is never walked by the collector again
    from .gui_gc import GuiThreadCollector

    collector = GuiThreadCollector(app)  # and the collector runs on this thread only
    instance.raise_requested.connect(window.notifier.raise_window)
    closed = asyncio.Event()
    app.setQuitOnLastWindowClosed(False)  # the loop ends after the engine has stopped
    app.lastWindowClosed.connect(closed.set)

    async def main() -> None:
        await engine.start()
        apply_scheme(app, engine.settings.get("color_scheme", "system"))
        api = await _start_api(engine, cfg, window)
        from .first_run import first_run_needed

        if await first_run_needed(engine):
            window.show_first_run(api.url if api is not None else None)
        smpp = await _start_smpp(engine, cfg, window)
        await closed.wait()
        if smpp is not None:
            await smpp.stop()
        if api is not None:
            await api.stop()
        await engine.stop()

    with loop:
        loop.run_until_complete(main())
    collector.stop()
    return 0


async def _start_smpp(engine: Engine, cfg: Config, window):
    """Serve SMPP when enabled; an address that cannot be used is told in a message box, the window stays."""
    from app.engine.api_overrides import effective_smpp

    cfg.smpp = effective_smpp(cfg.smpp, engine.settings)
    if not cfg.smpp["enabled"]:
        return None
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    from app.smpp.server import SmppServer, SmppStartError

    server = SmppServer(engine, cfg.smpp)
    try:
        await server.start()
    except SmppStartError as exc:
        title = QCoreApplication.translate("MainWindow", "SMPP server not available")
        text = QCoreApplication.translate(
            "MainWindow", "The SMPP server is not served: %s.\n\nChoose another address in [smpp] listen of "
            "the configuration file and restart. Sending and receiving work meanwhile.") % exc
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=window)
        box.setObjectName("smpp_error_box")
        box.open()
        return None
    return server


def _show_now(app, window, wait: float = 0.5) -> None:
    """Show the window and paint it now, before the engine and the store are opened: the
    window system has to map it first (a round trip on X11), so wait a moment for that."""
    import time

    window.show()
    deadline = time.monotonic() + wait
    handle = window.windowHandle()
    while handle is not None and not handle.isExposed() and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.002)
    window.repaint()
    app.processEvents()


async def _start_api(engine: Engine, cfg: Config, window):
    """Serve the HTTP API when enabled; a port already taken is told in a message box, the window stays."""
    if not cfg.api["enabled"]:
        return None
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    from app.api.server import ApiServer, ApiStartError

    from app.engine.api_overrides import effective_api

    cfg.api = effective_api(cfg.api, engine.settings)  # the Settings dialog's choices, when made
    api = ApiServer(engine, cfg)
    try:
        await api.start()
    except ApiStartError as exc:
        title = QCoreApplication.translate("MainWindow", "HTTP API not available")
        text = QCoreApplication.translate(
            "MainWindow", "The HTTP API is not served: %s.\n\nIf another program uses this address, choose "
            "another one in [api] listen of the configuration file (or fix tls_cert and "
            "tls_key) and restart. Sending and receiving work meanwhile.") % exc
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, parent=window)
        box.setObjectName("api_error_box")
        box.open()
        return None
    window.statusBar().showMessage(QCoreApplication.translate("MainWindow", "HTTP API on %s") % api.url, 10000)
    return api
