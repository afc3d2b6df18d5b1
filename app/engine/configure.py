"""Apply a configuration file to the store: the file wins for the names it declares.

On a store several consoles share, a file's ``[settings]`` and ``[[routing]]`` are shared values: one
replaces the store's only when the file was modified after the store's value was written (by any
console's file, window or API); an older file leaves the store as it is. The log says which.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from datetime import datetime, timezone

from sqlmodel import col, select

from app.config import Config, ConfigError
from app.gateways.registry import gateway_class
from app.store.models import GatewayRecord, SettingValue, User
from app.store.models import RoutingRule as RuleRow
from app.store.passwords import hash_password, verify_password

from .engine import Engine

log = logging.getLogger(__name__)


def _secret_hash(user: dict, key: str, stored: str, where: str) -> str:
    """The hash to keep for a user's optional secret ``key`` (or ``key_env``): the stored one while it still
    matches, a new one when it changed, empty when none is given."""
    secret = os.environ.get(user[f"{key}_env"]) if user[f"{key}_env"] else user[key]
    if secret is None:
        raise ConfigError(f"{where}.{key}_env: environment variable {user[f'{key}_env']} is not set")
    if key == "smpp_password" and len(secret) > 8:
        raise ConfigError(f"{where}.{key}: SMPP passwords have at most 8 characters")
    if not secret:
        return ""
    return stored if stored and verify_password(secret, stored) else hash_password(secret)


def _modified(cfg: Config) -> datetime | None:
    """When the file was last modified (None: no file, as a file just written)."""
    try:
        return datetime.fromtimestamp(os.stat(cfg.path).st_mtime, timezone.utc) if cfg.path else None
    except OSError:
        return None


def _rules_text(rules) -> str:
    return "; ".join(f"{r.name or r.destination or '*'} -> {','.join(r.gateways)}" for r in rules) or "none"


def _file_wins(engine: Engine, where: str, file_time: datetime | None, what: str, value: str, stored: str,
               changed_by: str, changed_at: datetime | None) -> bool:
    """Whether a file's shared value (``value``, as shown) replaces the store's different one on a shared
    store: only when the file was modified after the store's value was written (by any console: its file,
    window or API), or the store does not know when that was. Either way the log says which console wrote
    what."""
    by = f"console {changed_by!r}" if changed_by else "a console"
    when = f" at {changed_at:%Y-%m-%d %H:%M:%S} UTC" if changed_at else ""
    if file_time is None or changed_at is None or file_time > changed_at:
        log.warning("%s: %s = %s replaces %s for every console sharing the store (the store's was written by "
                    "%s%s); changed by console %r", where, what, value, stored, by, when, engine.instance_id)
        return True
    log.warning("%s: %s = %s is not applied: the store's %s was written by %s%s, after this file was modified "
                "(%s UTC); the store's value stays for every console (edit the file again, or change it in the "
                "window, to change it)", where, what, value, stored, by, when,
                f"{file_time:%Y-%m-%d %H:%M:%S}")
    return False


def apply_config(engine: Engine, cfg: Config) -> None:
    engine.open_store()
    engine.cluster.register()  # a console whose name is taken writes nothing to a shared store
    where = str(cfg.path) if cfg.path else "config"
    with engine.db.session() as s:
        for i, u in enumerate(cfg.users):
            password = u["password"]
            if u["password_env"]:
                password = os.environ.get(u["password_env"])
                if password is None:
                    raise ConfigError(f"{where}: users[{i}].password_env: environment variable "
                                      f"{u['password_env']} is not set")
            row = s.exec(select(User).where(User.name == u["name"])).first() or User(name=u["name"],
                                                                                    password_hash="")
            if not row.password_hash or not verify_password(password, row.password_hash):
                row.password_hash = hash_password(password)
            row.admin = u["admin"]
            row.enabled = u["enabled"]
            row.privileges = json.dumps(u["privileges"])
            row.origin = "config"
            row.api_secret_hash = _secret_hash(u, "api_secret", row.api_secret_hash, f"{where}: users[{i}]")
            smpp = _secret_hash(u, "smpp_password", row.smpp_password_hash, f"{where}: users[{i}]")
            row.smpp_password_hash = smpp
            s.add(row)
        for gw in cfg.gateways:
            name = gw["name"].strip()
            row = s.exec(select(GatewayRecord).where(GatewayRecord.name == name)).first()
            row = row or GatewayRecord(name=name, kind=gw["kind"])
            row.kind = gw["kind"]
            row.enabled = gw.get("enabled", True)
            settings = {k: v for k, v in gw.items() if k not in ("name", "kind", "enabled")}
            # a modem belongs to the machine whose file declares it; providers to any one console
            if engine.cluster.owners.default_owner(gw["kind"]):
                settings.setdefault("owner", engine.cluster.owners.default_owner(gw["kind"]))
            # passwords and PINs of the file stay in memory: the store never holds them in plain text
            secret_keys = {st.name for st in gateway_class(gw["kind"]).setting_group() if st.secret}
            engine.gateway_secrets[name] = {k: settings.pop(k) for k in list(settings) if k in secret_keys}
            row.settings = json.dumps(settings)
            row.origin = "config"
            s.add(row)
        s.commit()
    shared = engine.cluster.shared
    file_time = _modified(cfg)
    for key, value in cfg.settings.items():
        if shared:
            with engine.db.session() as s:
                row = s.get(SettingValue, key)
            now = engine.settings.get(key)
            if row is not None and (value == now or not _file_wins(
                    engine, where, file_time, f"settings.{key}", repr(value), repr(now), row.changed_by,
                    row.changed_at)):
                continue
        engine.set_setting(key, value)
    from .routing import RoutingRule

    rules = [RoutingRule(gateways=tuple(r["gateways"]), name=r["name"], destination=r["destination"],
                         sender=r["sender"], user=r["user"], message_type=r["message_type"], enabled=r["enabled"],
                         origin="config") for r in cfg.routing]
    if shared:
        stored = [dataclasses.replace(r, id=None) for r in engine.routing_rules() if r.origin == "config"]
        with engine.db.session() as s:
            last = s.exec(select(RuleRow).where(RuleRow.origin == "config")
                          .order_by(col(RuleRow.changed_at).desc())).first()
        if not stored or stored != rules and _file_wins(engine, where, file_time, "[[routing]]", _rules_text(rules),
                                                        _rules_text(stored), last.changed_by, last.changed_at):
            engine.set_routing_rules(rules, origin="config")
    else:
        engine.set_routing_rules(rules, origin="config")
    for number in cfg.blocked:
        engine.block_number(number, "config file")
