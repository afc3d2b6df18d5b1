"""``smsconsole serve``: the engine with no window, until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import os
import signal

from app.config import Config
from app.engine.engine import Engine
from app.runtime import settle_heap

log = logging.getLogger(__name__)


def run(main) -> None:
    """Run the coroutine ``main`` on the headless loop: uvloop's when it is installed (requests cost less
    loop time there; the window keeps qasync's), asyncio's otherwise. ``SMSCONSOLE_LOOP=asyncio`` chooses
    asyncio's."""
    if os.environ.get("SMSCONSOLE_LOOP", "").strip().lower() != "asyncio":
        try:
            import uvloop
        except ImportError:
            pass
        else:
            uvloop.run(main)
            return
    asyncio.run(main)


async def serve(engine: Engine, cfg: Config, *, ready=None) -> None:
    """Run until a stop signal; then finish in-flight work and close the store."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            pass
    await engine.start()
    api = await _start_api(engine, cfg)
    smpp = await _start_smpp(engine, cfg)
    settle_heap()
    names = ", ".join(f"{g.name} ({g.state.value})" for g in engine.gateways.values()) or "none"
    log.info("serving on store %s; gateways: %s", engine.db.display_url, names)
    if ready is not None:
        ready.set()
    try:
        await stop.wait()
    finally:
        log.info("stopping: finishing messages in flight")
        if smpp is not None:
            await smpp.stop()
        if api is not None:
            await api.stop()
        await engine.stop()
        log.info("stopped cleanly")


async def _start_api(engine: Engine, cfg: Config):
    """Serve the HTTP API when ``[api] enabled``; a port that cannot be used ends the run with one line."""
    from app.api.server import ApiServer, ApiStartError
    from app.engine.api_overrides import effective_api

    cfg.api = effective_api(cfg.api, engine.settings)  # the Settings dialog's choices, when made
    if not cfg.api["enabled"]:
        return None

    api = ApiServer(engine, cfg)
    try:
        await api.start()
    except ApiStartError as exc:
        log.error("%s", exc)
        await engine.stop()
        raise SystemExit(f"smsconsole: {exc}") from None
    return api


async def _start_smpp(engine: Engine, cfg: Config):
    """Serve SMPP when ``[smpp] enabled`` (or chosen in the Settings dialog); an address that cannot be used
    ends the run with one line."""
    from app.engine.api_overrides import effective_smpp
    from app.smpp.server import SmppServer, SmppStartError

    cfg.smpp = effective_smpp(cfg.smpp, engine.settings)
    if not cfg.smpp["enabled"]:
        return None
    server = SmppServer(engine, cfg.smpp)
    try:
        await server.start()
    except SmppStartError as exc:
        log.error("%s", exc)
        await engine.stop()
        raise SystemExit(f"smsconsole: {exc}") from None
    return server
