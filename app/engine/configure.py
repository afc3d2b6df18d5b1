"""Apply a configuration file to the store: the file wins for the names it declares.

On a store several consoles share, a file's ``[settings]``, ``[[routing]]``, ``[[users]]`` and
``[[gateways]]`` are shared values: one replaces the store's only where the store has none, or where the
file's value was edited after the store's was written (by any console's file, window or API), as
:mod:`app.engine.file_edits` dates it by the store's clock; an older one leaves the store as it is. The log
says which, naming the value (never a secret), the console that wrote the store's and when. Consoles apply
their files one at a time.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os

from sqlmodel import col, select

from app.config import Config, ConfigError
from app.gateways.registry import gateway_class
from app.store.models import GatewayRecord, SettingValue, User
from app.store.models import RoutingRule as RuleRow
from app.store.passwords import hash_password, verify_password

from .engine import Engine
from .file_edits import FIRST, GIVEN, FileEdits, stamp

#: The advisory lock a console holds while it applies its file to a shared store.
_APPLY_LOCK = 0x534D5346
#: A user's secrets as the log names them (never their values).
_SECRETS = (("password", "password"), ("api_secret", "API secret"), ("smpp_password", "SMPP password"))


def _secret(user: dict, key: str, where: str) -> str:
    """A user's secret ``key`` as given in the file or its ``key_env`` variable."""
    secret = os.environ.get(user[f"{key}_env"]) if user[f"{key}_env"] else user[key]
    if secret is None:
        raise ConfigError(f"{where}.{key}_env: environment variable {user[f'{key}_env']} is not set")
    if key == "smpp_password" and len(secret) > 8:
        raise ConfigError(f"{where}.{key}: SMPP passwords have at most 8 characters")
    return secret


def _matches(key: str, secret: str, stored: str) -> bool:
    """Whether the store's hash ``stored`` is of ``secret`` (an optional secret's empty value: no hash)."""
    if not secret and key != "password":
        return not stored
    return bool(stored) and verify_password(secret, stored)


def _user_text(admin: bool, enabled: bool, privileges: list, secrets: list[str]) -> str:
    return (f"admin={admin}, enabled={enabled}, privileges={privileges}"
            + (f", with {', '.join(secrets)}" if secrets else ""))


def _hash_column(key: str) -> str:
    return "password_hash" if key == "password" else f"{key}_hash"


def _apply_user(engine: Engine, s, u: dict, where: str, edits: FileEdits | None) -> None:
    name = u["name"]
    secrets = {key: _secret(u, key, where) for key, _ in _SECRETS}
    query = select(User).where(User.name == name)
    row = s.exec(query.with_for_update() if edits else query).first()
    stored = {key: getattr(row, _hash_column(key)) if row else "" for key, _ in _SECRETS}
    same = {key: _matches(key, secrets[key], stored[key]) for key, _ in _SECRETS}
    declared = {"admin": u["admin"], "enabled": u["enabled"], "privileges": list(u["privileges"])}
    if edits is not None:
        edit = edits.edit(f"users.{name}", declared, tuple(secrets[k] for k, _ in _SECRETS),
                          known=tuple(stored.values()) if all(same.values()) else ())
        given = _user_text(**declared, secrets=[label for key, label in _SECRETS if secrets[key]])
        differ = [label for key, label in _SECRETS if not same[key]]
        has = stored_text = None
        if row is not None:
            has = {"admin": row.admin, "enabled": row.enabled, "privileges": json.loads(row.privileges or "[]")}
            stored_text = _user_text(**has, secrets=[label for key, label in _SECRETS if stored[key]])
            if differ:
                given += f" ({' and '.join(differ)} other than the store's)"
        if not edits.writes(edit, f"users.{name}", given, stored_text, equal=has == declared and not differ,
                            changed_by=row and row.changed_by, changed_at=row and row.changed_at, session=s):
            return
    row = row or User(name=name, password_hash="")
    for key, _ in _SECRETS:
        if not same[key]:
            setattr(row, _hash_column(key), hash_password(secrets[key]) if secrets[key] or key == "password" else "")
    row.admin, row.enabled = u["admin"], u["enabled"]
    row.privileges = json.dumps(u["privileges"])
    row.origin = "config"
    stamp(engine, s, row)
    s.add(row)
    if edits is not None:
        edits.remember(edit, applied=True, session=s, known=tuple(getattr(row, _hash_column(k)) for k, _ in _SECRETS))


def _apply_gateway(engine: Engine, s, gw: dict, edits: FileEdits | None) -> None:
    name, kind = gw["name"].strip(), gw["kind"]
    settings = {k: v for k, v in gw.items() if k not in ("name", "kind", "enabled")}
    # a modem belongs to the machine whose file declares it; providers to any one console
    if engine.cluster.owners.default_owner(kind):
        settings.setdefault("owner", engine.cluster.owners.default_owner(kind))
    # passwords and PINs of the file stay in memory: the store never holds them in plain text
    secret_keys = {st.name for st in gateway_class(kind).setting_group() if st.secret}
    engine.gateway_secrets[name] = {k: settings.pop(k) for k in list(settings) if k in secret_keys}
    declared = {"kind": kind, "enabled": gw.get("enabled", True), "settings": settings}
    query = select(GatewayRecord).where(GatewayRecord.name == name)
    row = s.exec(query.with_for_update() if edits else query).first()
    if edits is not None:
        edit = edits.edit(f"gateways.{name}", declared)
        has = {"kind": row.kind, "enabled": row.enabled, "settings": json.loads(row.settings or "{}")} if row else None
        if not edits.writes(edit, f"gateways.{name}", _gateway_text(**declared), has and _gateway_text(**has),
                            equal=has == declared, changed_by=row and row.changed_by,
                            changed_at=row and row.changed_at, session=s):
            return
    row = row or GatewayRecord(name=name, kind=kind)
    row.kind, row.enabled = kind, declared["enabled"]
    row.settings = json.dumps(settings)
    row.origin = "config"
    stamp(engine, s, row)
    s.add(row)
    if edits is not None:
        edits.remember(edit, applied=True, session=s)


def _gateway_text(kind: str, enabled: bool, settings: dict) -> str:
    """A gateway as the log shows it: its secrets are never among its stored settings."""
    return f"{kind}, enabled={enabled}, {json.dumps(settings, sort_keys=True)}"


def _apply_settings(engine: Engine, cfg: Config, edits: FileEdits | None) -> None:
    for key, value in cfg.settings.items():
        if edits is not None:
            edit = edits.edit(f"settings.{key}", value)
            with engine.db.session() as s:
                row = s.get(SettingValue, key)
            now = engine.settings.get(key)
            if not edits.writes(edit, f"settings.{key}", repr(value), row and repr(now), equal=value == now,
                                changed_by=row and row.changed_by, changed_at=row and row.changed_at):
                continue
        engine.set_setting(key, value)
        if edits is not None:
            edits.remember(edit, applied=True)


def _rules_text(rules) -> str:
    return "; ".join(f"{r.name or r.destination or '*'} -> {','.join(r.gateways)}" for r in rules) or "none"


def _apply_routing(engine: Engine, cfg: Config, edits: FileEdits | None) -> None:
    from .routing import RoutingRule

    rules = [RoutingRule(gateways=tuple(r["gateways"]), name=r["name"], destination=r["destination"],
                         sender=r["sender"], user=r["user"], message_type=r["message_type"], enabled=r["enabled"],
                         origin="config") for r in cfg.routing]
    if edits is None:
        engine.set_routing_rules(rules, origin="config")
        return
    edit = edits.edit("[[routing]]", cfg.routing)
    if not rules and edit.state in (FIRST, GIVEN):  # no file, or one that never had rules: the store's stay
        edits.remember(edit, applied=False)
        return
    stored = [dataclasses.replace(r, id=None) for r in engine.routing_rules() if r.origin == "config"]
    with engine.db.session() as s:
        last = s.exec(select(RuleRow).where(RuleRow.origin == "config")
                      .order_by(col(RuleRow.changed_at).desc())).first()
    if not edits.writes(edit, "[[routing]]", _rules_text(rules), (stored or None) and _rules_text(stored),
                        equal=stored == rules, changed_by=last and last.changed_by,
                        changed_at=last and last.changed_at):
        return
    engine.set_routing_rules(rules, origin="config")
    edits.remember(edit, applied=True)


@contextlib.contextmanager
def _one_at_a_time(engine: Engine):
    """On a shared store: hold the lock that lets one console at a time apply its file."""
    if engine.db.is_sqlite:
        yield
        return
    with engine.db.engine.connect() as lock:
        lock.exec_driver_sql(f"SELECT pg_advisory_lock({_APPLY_LOCK})")
        lock.commit()
        try:
            yield
        finally:
            lock.exec_driver_sql(f"SELECT pg_advisory_unlock({_APPLY_LOCK})")
            lock.commit()


def apply_config(engine: Engine, cfg: Config) -> None:
    engine.open_store()
    engine.cluster.register()  # a console whose name is taken writes nothing to a shared store
    where = str(cfg.path) if cfg.path else "config"
    with _one_at_a_time(engine):
        edits = FileEdits(engine, cfg) if engine.cluster.shared else None
        with engine.db.session() as s:
            for i, u in enumerate(cfg.users):
                _apply_user(engine, s, u, f"{where}: users[{i}]", edits)
            for gw in cfg.gateways:
                _apply_gateway(engine, s, gw, edits)
            s.commit()
        _apply_settings(engine, cfg, edits)
        _apply_routing(engine, cfg, edits)
    for number in cfg.blocked:
        engine.block_number(number, "config file")
