"""Changing a gateway's declared settings while the console runs, and resetting send limits."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlmodel import col, func, select

from app.settings import SettingError
from app.store import models as m
from app.store.models import GatewayRecord, Message, SettingValue
from app.store.timeutil import utcnow

from .events import GatewaysChanged
from .file_edits import stamp
from .requests import EngineError

if TYPE_CHECKING:
    from .engine import Engine

#: Settings that identify a gateway and cannot be changed this way.
FIXED = ("name", "kind")
#: Stored setting holding when a gateway's send limit was last reset (ISO time, UTC).
RESET_KEY = "send_limit_reset:{}"


async def set_gateway_property(engine: "Engine", name: str, key: str, text: str, *, reload: bool = True) -> Any:
    """Validate ``text`` against the gateway kind's declared setting ``key`` and store it.

    An unknown property or a bad value raises EngineError and nothing is
    stored. With ``reload`` the gateway is rebuilt with the new settings and
    started again if it is enabled.
    """
    gw = engine.gateway(name)
    group = gw.setting_group()
    if key not in group or key in FIXED:
        known = ", ".join(s.name for s in group if s.name not in FIXED)
        raise EngineError(f"unknown property {key!r} of gateway {name!r} (known: {known})")
    try:
        value = group[key].parse_text(text)
        group.validate({**gw.settings, key: value})
    except SettingError as exc:
        raise EngineError(f"{key}: {exc}") from None
    rec = await engine.in_lane(_store_property, engine, name, key, value)
    if reload:
        await gw.stop()
        fresh = engine._build(rec)
        engine.gateways[name] = fresh
        engine.events.publish(GatewaysChanged())
        if fresh.settings["enabled"] and engine.cluster.owners.runs_here(name):
            await engine.start_gateway(name)
    else:
        gw.settings[key] = value
    return value


def _store_property(engine: "Engine", name: str, key: str, value: Any) -> GatewayRecord:
    """In the store lane: write a gateway's changed setting; its record as stored."""
    with engine.db.session() as s:
        rec = s.exec(select(GatewayRecord).where(GatewayRecord.name == name)).first()
        if rec is None:
            raise EngineError(f"there is no gateway named {name!r}")
        if key == "enabled":
            rec.enabled = value
        else:
            settings = json.loads(rec.settings or "{}")
            settings[key] = value
            rec.settings = json.dumps(settings)
        stamp(engine, s, rec)
        s.add(rec)
        s.commit()
        s.refresh(rec)
        s.expunge(rec)
    return rec


def reset_send_limit(engine: "Engine", name: str) -> None:
    """Start counting a gateway's send limit afresh (gateways with a send limit only)."""
    _limited(engine, name).reset_send_limit()
    _store_reset(engine, name)
    engine.dispatcher.wake()


async def reset_send_limit_async(engine: "Engine", name: str) -> None:
    """:func:`reset_send_limit` with its store write in the store lane (the window, the API)."""
    _limited(engine, name).reset_send_limit()
    await engine.in_lane(_store_reset, engine, name)
    engine.dispatcher.wake()


def _limited(engine: "Engine", name: str):
    gw = engine.gateway(name)
    if not gw.has_send_limits():
        raise EngineError(f"gateway {name!r} has no send limit")
    return gw


def _store_reset(engine: "Engine", name: str) -> None:
    """Keep when gateway ``name``'s send limit was reset (its counts start there after a restart)."""
    with engine.db.session() as s:
        s.merge(SettingValue(key=RESET_KEY.format(name), value=json.dumps(utcnow().isoformat())))
        s.commit()


def _counted_from(session, name: str, since: datetime) -> datetime:
    """``since``, or when gateway ``name``'s send limit was last reset if that is later."""
    reset = session.get(SettingValue, RESET_KEY.format(name))
    if reset is not None:
        since = max(since, datetime.fromisoformat(json.loads(reset.value)))
    return since


def sent_since(engine: "Engine", name: str, since: datetime) -> int:
    """Messages gateway ``name`` sent since ``since``, or since its send limit was last reset if that is later."""
    with engine.db.session() as s:
        since = _counted_from(s, name, since)
        return s.exec(select(func.count()).select_from(Message).where(
            Message.gateway == name, Message.direction == m.OUT, col(Message.sent_at) >= since)).one()


def latest_sends(engine: "Engine", name: str, since: datetime, limit: int) -> list[datetime]:
    """When gateway ``name`` sent its latest ``limit`` messages since ``since`` (or since its send limit was
    last reset, if later), oldest first."""
    with engine.db.session() as s:
        since = _counted_from(s, name, since)
        times = s.exec(select(Message.sent_at).where(
            Message.gateway == name, Message.direction == m.OUT, col(Message.sent_at) >= since,
        ).order_by(col(Message.sent_at).desc()).limit(limit)).all()
    return sorted(times)
