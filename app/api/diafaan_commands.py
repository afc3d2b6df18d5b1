"""Diafaan ``send-server-command``: gateways, connectors, configuration and
settings, for administrators, when the ``send_server_command_enabled``
setting allows it.

Each command calls the same engine operation as the console's buttons.
Properties are validated against their declared settings; an unknown
property or a bad value is refused and nothing is stored. Commands over a
list of gateways or connectors answer one ``OK:`` line per name, or an
``ERROR:`` line for a name the command could not be applied to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Awaitable, Callable

from aiohttp import web

from app.engine.connectors import NAMES as CONNECTORS
from app.engine.connectors import PROPERTIES as CONNECTOR_PROPERTIES
from app.engine.connectors import ROUTING as CONNECTOR_ROUTING
from app.engine.requests import EngineError
from app.settings import GENERAL, SettingError

from . import diafaan_codes as codes
from . import diafaan_xml
from .diafaan_codes import DiafaanError, error_line, text_reply, xml_reply

if TYPE_CHECKING:
    from app.engine.engine import Engine

    from .diafaan import Params

GATEWAY_COMMANDS = ("start-gateway", "stop-gateway", "restart-gateway", "pause-sending", "resume-sending",
                    "reset-send-limit", "accept-modem")
CONNECTOR_COMMANDS = ("start-connector", "stop-connector", "restart-connector")
OTHER_COMMANDS = ("get-server-configuration", "get-server-settings", "set-gateway-property",
                  "set-connector-property", "set-routing-property", "set-settings-property")
COMMANDS = GATEWAY_COMMANDS + CONNECTOR_COMMANDS + OTHER_COMMANDS


def _reply(lines: list[str]) -> web.Response:
    return text_reply(lines)


#: Which gateways a command without a ``gateway`` list applies to (default: all).
APPLIES_TO = {"reset-send-limit": lambda g: g.has_send_limits(),
              "accept-modem": lambda g: getattr(getattr(g, "identity", None), "pending", False)}


def _gateways(engine: "Engine", params: "Params", command: str = "") -> list[str]:
    """The ``gateway`` list; empty means all (all with a send limit for reset-send-limit, all with a new
    SIM or modem waiting for acceptance for accept-modem)."""
    names = params.names("gateway")
    if names:
        return names
    applies = APPLIES_TO.get(command, lambda g: True)
    return [n for n, g in engine.gateways.items() if applies(g)]


def _connectors(engine: "Engine", params: "Params") -> list[str]:
    names = params.names("connector")
    return [engine.connectors.check_name(n) for n in names] if names else list(CONNECTORS)


async def _each(names: list[str], op: Callable[[str], Awaitable[Any] | Any], done: str) -> web.Response:
    lines = []
    for name in names:
        try:
            result = op(name)
            if hasattr(result, "__await__"):
                await result
            lines.append(f"OK: {done} {name}")
        except EngineError as exc:
            lines.append(error_line(codes.NOT_ALLOWED, str(exc)))
    return _reply(lines or [error_line(codes.NOT_ALLOWED, "there is no gateway to apply this to")])


async def run_server_command(engine: "Engine", params: "Params") -> web.Response:
    command = params.required("command").lower()
    if command not in COMMANDS:
        raise DiafaanError(codes.UNKNOWN_COMMAND, f"unknown server command {command[:40]!r}")
    if command in GATEWAY_COMMANDS:
        ops = {"start-gateway": (engine.start_gateway, "started"), "stop-gateway": (engine.stop_gateway, "stopped"),
               "restart-gateway": (engine.restart_gateway, "restarted"),
               "pause-sending": (engine.pause_gateway, "paused sending of"),
               "resume-sending": (engine.resume_gateway, "resumed sending of"),
               "reset-send-limit": (engine.reset_send_limit_async, "reset the send limit of"),
               "accept-modem": (engine.accept_modem_identity, "accepted the new SIM or modem of")}
        op, done = ops[command]
        return await _each(_gateways(engine, params, command), op, done)
    if command in CONNECTOR_COMMANDS:
        reg = engine.connectors

        async def restart(name: str) -> None:
            await reg.stop(name)
            await reg.start(name)

        op, done = {"start-connector": (reg.start, "started"), "stop-connector": (reg.stop, "stopped"),
                    "restart-connector": (restart, "restarted")}[command]
        return await _each(_connectors(engine, params), op, done)
    if command == "get-server-configuration":
        return _configuration(engine)
    if command == "get-server-settings":
        return xml_reply(diafaan_xml.server_settings(
            [(s.name, s.type.__name__, engine.settings[s.name], s.description) for s in GENERAL]))
    return await _set_property(engine, command, params)


async def _set_property(engine: "Engine", command: str, params: "Params") -> web.Response:
    key = params.required("property")
    value = params.get("value")
    if "value" not in params.first:
        raise DiafaanError(codes.UNKNOWN_COMMAND, "parameter value is required")
    reload = params.choice("reload", ("0", "1"), "1") == "1"
    if command == "set-settings-property":
        key = GENERAL.resolve(key)
        if key not in GENERAL:
            raise DiafaanError(codes.NOT_ALLOWED, f"unknown settings property {key!r} "
                                                  f"(known: {', '.join(GENERAL.by_name)})")
        try:
            await engine.in_lane(engine.set_setting, key, GENERAL[key].parse_text(value))
        except SettingError as exc:
            raise DiafaanError(codes.NOT_ALLOWED, f"{key}: {exc}") from None
        return _reply([f"OK: {key} set"])
    if command == "set-gateway-property":
        names = _gateways(engine, params)
        if names:  # property names are matched without regard to letter case, as Diafaan's are
            key = engine.gateway(names[0]).setting_group().resolve(key)
        _validate_all(engine, names, key, value)
        return await _each(names, lambda n: engine.set_gateway_property(n, key, value, reload=reload), f"{key} set for")
    connectors = _connectors(engine, params)
    if command == "set-connector-property":
        key = CONNECTOR_PROPERTIES.resolve(key)
        if key not in CONNECTOR_PROPERTIES:
            raise DiafaanError(codes.NOT_ALLOWED, f"unknown connector property {key!r} "
                                                  f"(known: {', '.join(CONNECTOR_PROPERTIES.by_name)})")
        return await _each(connectors, lambda n: engine.connectors.set_property(n, key, value), f"{key} set for")
    gateways = _gateways(engine, params)
    for gw in gateways:
        engine.gateway(gw)
    key = CONNECTOR_ROUTING.resolve(key)
    lines = []
    for conn in connectors:
        for gw in gateways:
            await engine.connectors.set_routing(conn, gw, key, value)
            lines.append(f"OK: {key} set for {conn} via {gw}")
    return _reply(lines)


def _validate_all(engine: "Engine", names: list[str], key: str, value: str) -> None:
    """Refuse the whole command before anything is stored when one gateway cannot take the value."""
    for name in names:
        group = engine.gateway(name).setting_group()
        if key not in group or key in ("name", "kind"):
            raise EngineError(f"unknown property {key!r} of gateway {name!r}")
        try:
            group[key].parse_text(value)
        except SettingError as exc:
            raise EngineError(f"{key}: {exc}") from None


def _configuration(engine: "Engine") -> web.Response:
    gateways = []
    for view in engine.gateway_views():
        group = engine.gateway(view.name).setting_group()
        props = [(s.name, s.type.__name__, view.settings.get(s.name)) for s in group
                 if s.name in view.settings and s.name not in ("name", "kind")]
        gateways.append((view, props))
    connectors = [(name, dict(engine.connectors.properties[name]),
                   {gw: engine.connectors.route(name, gw) for gw in engine.gateways}) for name in CONNECTORS]
    return xml_reply(diafaan_xml.server_configuration(gateways, connectors))
