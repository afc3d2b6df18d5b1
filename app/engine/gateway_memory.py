"""What a gateway remembers about its device between runs (a modem's IMEI and its SIM's IMSI), and the
operator's acceptance of a new one.

Kept as one stored setting per gateway (``gateway_facts:<name>``), apart from
the gateway's declared settings, so a configuration file that declares the
gateway (and wins for its settings at each start) never wipes it. Reads and
writes run in the engine's store lane, off the event loop.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from app.store.models import SettingValue

from .requests import EngineError

if TYPE_CHECKING:
    from .engine import Engine

KEY = "gateway_facts:{}"


def _read(engine: "Engine", name: str) -> dict[str, Any]:
    with engine.db.session() as s:
        row = s.get(SettingValue, KEY.format(name))
        return json.loads(row.value) if row is not None else {}


def _write(engine: "Engine", name: str, facts: dict[str, Any]) -> None:
    with engine.db.session() as s:
        s.merge(SettingValue(key=KEY.format(name), value=json.dumps(facts)))
        s.commit()


def forget(engine: "Engine", name: str) -> None:
    """Drop what a removed gateway remembered (on the calling thread)."""
    with engine.db.session() as s:
        row = s.get(SettingValue, KEY.format(name))
        if row is not None:
            s.delete(row)
            s.commit()


async def recall(engine: "Engine", name: str) -> dict[str, Any]:
    return await engine.in_lane(_read, engine, name)


async def remember(engine: "Engine", name: str, facts: dict[str, Any]) -> None:
    await engine.in_lane(_write, engine, name, dict(facts))


async def accept_identity(engine: "Engine", name: str) -> str:
    """Have modem gateway ``name`` take the new SIM (or modem) it found as its own; returns what it took."""
    accept = getattr(engine.gateway(name), "accept_identity", None)
    if accept is None:
        raise EngineError(f"gateway {name!r} is not a modem")
    try:
        return await accept()
    except LookupError as exc:
        raise EngineError(str(exc)) from None
