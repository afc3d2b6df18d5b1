"""API users and their privileges, as the Settings dialog manages them.

Users declared in the configuration file (``origin = "config"``) are shown
but changed in the file; the others are kept in the store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import select

from app.store.models import User
from app.store.passwords import hash_password

from .events import UsersChanged
from .file_edits import stamp
from .requests import EngineError

if TYPE_CHECKING:
    from .engine import Engine

#: Privilege names the HTTP API knows (administrators have all).
KNOWN_PRIVILEGES = (
    "sms-session-manager.view",
    "sms-supplier-session-manager.view",
    "customer-connection-session-manager.manage",
    "supplier-gate-session-manager.manage",
)


@dataclass(frozen=True)
class UserView:
    name: str
    admin: bool
    enabled: bool
    privileges: tuple[str, ...]
    origin: str


class UserBook:
    def __init__(self, engine: "Engine"):
        self.engine = engine

    def list(self) -> list[UserView]:
        with self.engine.db.session() as s:
            rows = list(s.exec(select(User).order_by(User.name)))
        return [UserView(r.name, r.admin, r.enabled, tuple(json.loads(r.privileges or "[]")), r.origin)
                for r in rows]

    def save(self, name: str, *, password: str | None, admin: bool, enabled: bool = True,
             privileges: tuple[str, ...] = (), smpp_password: str | None = None) -> UserView:
        """Add a user (a password is needed) or change one (``password=None`` keeps it).

        ``smpp_password``: the password for binding to the SMPP server (at most 8 characters; "" takes the
        user's SMPP access away, None keeps it)."""
        name = name.strip()
        if not name:
            raise EngineError("a user needs a name")
        if password is not None and len(password) < 8:
            raise EngineError("a password needs at least 8 characters")
        if smpp_password is not None and len(smpp_password) > 8:
            raise EngineError("an SMPP password has at most 8 characters")
        with self.engine.db.session() as s:
            row = s.exec(select(User).where(User.name == name)).first()
            if row is not None and row.origin == "config":
                raise EngineError(f"user {name!r} is declared in the configuration file: change it there")
            if row is None:
                if password is None:
                    raise EngineError(f"give user {name!r} a password")
                row = User(name=name, password_hash="")
            if password is not None:
                row.password_hash = hash_password(password)
            if smpp_password is not None:
                row.smpp_password_hash = hash_password(smpp_password) if smpp_password else ""
            row.admin, row.enabled = admin, enabled
            row.privileges = json.dumps(sorted(set(p.strip() for p in privileges if p.strip())))
            stamp(self.engine, s, row)
            s.add(row)
            s.commit()
        self.engine.events.publish(UsersChanged(name))
        return next(u for u in self.list() if u.name == name)

    def remove(self, name: str) -> None:
        with self.engine.db.session() as s:
            row = s.exec(select(User).where(User.name == name)).first()
            if row is None:
                return
            if row.origin == "config":
                raise EngineError(f"user {name!r} is declared in the configuration file: remove it there")
            s.delete(row)
            s.commit()
        self.engine.events.publish(UsersChanged(name))
