"""Connectors: the console's API front-ends (Diafaan, Retarus, HORISEN).

Each can be stopped and started (a stopped connector refuses its clients and
ends their sessions), has declared properties, and routing properties per
gateway: ``send`` (its clients' messages may leave through that gateway) and
``receive`` (it hands out messages received on that gateway). Everything is
kept in the store under ``connector.*`` keys.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sqlmodel import col, select

from app.settings import Setting, SettingError, SettingGroup
from app.store.models import SettingValue

from .events import SessionsChanged
from .requests import EngineError

if TYPE_CHECKING:
    from .engine import Engine

NAMES = ("diafaan", "retarus", "horisen")

PROPERTIES = SettingGroup((
    Setting("enabled", bool, True, "The connector serves its clients; false refuses them until started."),
))
ROUTING = SettingGroup((
    Setting("send", bool, True, "The connector's messages may be sent through this gateway."),
    Setting("receive", bool, True, "Messages received on this gateway are handed out by this connector."),
))
_PREFIX = "connector."


class ConnectorRegistry:
    def __init__(self, engine: "Engine"):
        self.engine = engine
        self.properties: dict[str, dict[str, Any]] = {n: PROPERTIES.defaults() for n in NAMES}
        #: (connector, gateway) -> routing values that differ from the defaults.
        self.routing: dict[tuple[str, str], dict[str, Any]] = {}

    def load(self) -> None:
        """Read the stored connector properties and routing."""
        with self.engine.db.session() as s:
            rows = s.exec(select(SettingValue).where(col(SettingValue.key).startswith(_PREFIX))).all()
        for row in rows:
            parts = row.key.split(".", 3)
            try:
                value = json.loads(row.value)
                if len(parts) == 3 and parts[1] in NAMES and parts[2] in PROPERTIES:
                    self.properties[parts[1]][parts[2]] = PROPERTIES[parts[2]].check(value)
                elif len(parts) == 4 and parts[1] in NAMES and parts[2] in ROUTING:
                    self.routing.setdefault((parts[1], parts[3]), {})[parts[2]] = ROUTING[parts[2]].check(value)
            except (ValueError, SettingError):
                continue

    def check_name(self, name: str) -> str:
        key = name.strip().lower()
        if key not in NAMES:
            raise EngineError(f"there is no connector named {name!r} (connectors: {', '.join(NAMES)})")
        return key

    def running(self, name: str) -> bool:
        return self.properties[name]["enabled"]

    async def start(self, name: str) -> None:
        await self.engine.in_lane(self._store, f"{_PREFIX}{name}.enabled", True)
        self.properties[name]["enabled"] = True
        self.engine.events.publish(SessionsChanged())

    async def stop(self, name: str) -> None:
        """Refuse the connector's clients and end their sessions."""
        await self.engine.in_lane(self._store, f"{_PREFIX}{name}.enabled", False)
        self.properties[name]["enabled"] = False
        self.engine.sessions.end_protocol(name)

    async def set_property(self, name: str, key: str, text: str) -> Any:
        if key not in PROPERTIES:
            raise EngineError(f"unknown connector property {key!r} (known: {', '.join(PROPERTIES.by_name)})")
        value = _parse(PROPERTIES[key], key, text)
        if key == "enabled":
            await (self.start if value else self.stop)(name)
        return value

    async def set_routing(self, name: str, gateway: str, key: str, text: str) -> Any:
        if key not in ROUTING:
            raise EngineError(f"unknown routing property {key!r} (known: {', '.join(ROUTING.by_name)})")
        self.engine.gateway(gateway)
        value = _parse(ROUTING[key], key, text)
        await self.engine.in_lane(self._store, f"{_PREFIX}{name}.{key}.{gateway}", value)
        self.routing.setdefault((name, gateway), {})[key] = value
        return value

    def route(self, name: str, gateway: str) -> dict[str, Any]:
        return {**ROUTING.defaults(), **self.routing.get((name, gateway), {})}

    def send_gateways(self, name: str, requested: list[str]) -> list[str] | None:
        """Gateways the connector's message may use: ``requested`` (or all) minus those routed off.

        None means any gateway; an empty list means none may carry it.
        """
        closed = {gw for (conn, gw), r in self.routing.items() if conn == name and r.get("send") is False}
        if not closed:
            return requested or None
        pool = requested or list(self.engine.gateways)
        return [g for g in pool if g not in closed]

    def _store(self, key: str, value: Any) -> None:
        """In the store lane: keep one connector value."""
        with self.engine.db.session() as s:
            s.merge(SettingValue(key=key, value=json.dumps(value)))
            s.commit()


def _parse(setting: Setting, key: str, text: str) -> Any:
    try:
        return setting.parse_text(text)
    except SettingError as exc:
        raise EngineError(f"{key}: {exc}") from None
