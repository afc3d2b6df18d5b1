"""``GET /metrics``: the console's figures in the Prometheus text format (version 0.0.4), for
monitoring: messages per state and the queue (as the engine keeps them, no store access), the
global pause, each gateway's state and counters, and each modem's signal and registration.

Scraped with HTTP Basic of a console user (``basic_auth`` in Prometheus' scrape configuration).
The rates, per hour and per day, are Prometheus' own work over these counters.
"""

from __future__ import annotations

import base64
import binascii

from aiohttp import web

from app.engine.statistics import modem_reading

from .auth import AuthError

PATH = "/metrics"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_CTX = web.AppKey("prometheus_ctx", object)


def setup(app: web.Application, ctx) -> None:
    app[_CTX] = ctx
    app.router.add_get(PATH, metrics)


def _label(value: str) -> str:
    return str(value).replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(**labels: str) -> str:
    return "{" + ",".join(f'{k}="{_label(v)}"' for k, v in labels.items()) + "}" if labels else ""


class _Text:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def family(self, name: str, kind: str, help_text: str, samples: list[tuple[dict, float]]) -> None:
        self.lines.append(f"# HELP {name} {help_text}")
        self.lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            self.lines.append(f"{name}{_labels(**labels)} {value:g}")


def metrics_text(engine) -> str:
    """The exposition text of the engine's figures now."""
    out = _Text()
    counts, queue = engine.status_figures()
    out.family("smsconsole_messages", "gauge", "Messages in the store by state.",
               [({"status": s}, n) for s, n in sorted(counts.items())])
    out.family("smsconsole_queue_length", "gauge", "Outgoing messages waiting (queued and scheduled).",
               [({}, queue)])
    out.family("smsconsole_sending_paused", "gauge", "1 while all sending is paused.",
               [({}, 1 if engine.settings.get("sending_paused") else 0)])
    views = engine.gateway_views()
    out.family("smsconsole_gateway_up", "gauge", "1 while the gateway runs (running or paused).",
               [({"gateway": g.name, "kind": g.kind, "state": g.state}, 1 if g.state in ("running", "paused")
                 else 0) for g in views])
    for field, help_text in (("sent", "Messages the gateway handed over since the console started."),
                             ("failed", "Messages the gateway failed to send since the console started."),
                             ("received", "Messages the gateway received since the console started.")):
        out.family(f"smsconsole_gateway_{field}_total", "counter", help_text,
                   [({"gateway": g.name}, getattr(g, field)) for g in views])
    readings = [(name, modem_reading(gw)) for name, gw in engine.gateways.items()]
    readings = [(name, r) for name, r in readings if r is not None]
    out.family("smsconsole_modem_signal_dbm", "gauge", "The modem's received signal strength (dBm).",
               [({"gateway": n}, r.dbm) for n, r in readings if r.dbm is not None])
    out.family("smsconsole_modem_signal_bars", "gauge", "The modem's signal as bars of 5.",
               [({"gateway": n}, r.bars) for n, r in readings if r.bars is not None])
    out.family("smsconsole_modem_registered", "gauge", "1 while the modem is registered on its network.",
               [({"gateway": n}, 1 if r.registered else 0) for n, r in readings])
    return "\n".join(out.lines) + "\n"


def _unauthorized(reason: str) -> web.Response:
    return web.Response(status=401, text=reason + "\n", headers={"WWW-Authenticate": 'Basic realm="SMS Console"'})


async def metrics(request: web.Request) -> web.Response:
    ctx = request.app[_CTX]
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic" or not token:
        return _unauthorized("authentication required: HTTP Basic with a console user")
    try:
        name, sep, password = base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return _unauthorized("the Authorization header is not valid HTTP Basic")
    try:
        await ctx.auth.check(name, password, request.remote or "")
    except AuthError as exc:
        return _unauthorized(exc.reason)
    return web.Response(body=metrics_text(ctx.engine).encode("utf-8"), headers={"Content-Type": CONTENT_TYPE})
