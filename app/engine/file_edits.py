"""When a configuration file's shared values were edited, by the store's clock.

A console applying its file to a shared store must tell whether each of the file's values (a setting, the
``[[routing]]`` rules, a user, a gateway) is newer than the store's, which another console's file, window or
API may have written since. A host's clock cannot tell (a file's modification time is the host's, and hosts
disagree with the store and with each other), so the store remembers, for each console and file
(``config_applied``), what the file said of each value when the console last applied it and since when it
says so (the store's time). Applying the file again, a value is:

* **unchanged** (the same digest, the same secrets): as old as the time kept for it. It never replaces a
  value the store got later, from any console.
* **edited** (different from what this console last applied from this file): an edit made now, stamped
  with the store's time; it replaces the store's value.
* **first read** (this console never applied this file, or the value is new in it): dated by the file's
  modification time read on the store's clock: the host clock's difference to the store's, measured now,
  is taken off, so a host whose clock is off does not decide wrong.

A value given without a file (a :class:`~app.config.Config` built in code) is an edit made now. Only
digests are kept: a secret (a user's password) is kept as a salted hash, as the user's own.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlmodel import select

from app.store.models import ConfigApplied
from app.store.passwords import hash_password, verify_password

from .shared_queue import store_now

if TYPE_CHECKING:
    from app.config import Config

    from .engine import Engine

log = logging.getLogger(__name__)

UNCHANGED, EDITED, FIRST, GIVEN = "unchanged", "edited", "first read", "given"


@dataclass(frozen=True)
class Edit:
    """One shared value as a file gives it, and when it was edited (the store's clock)."""

    item: str
    digest: str
    secrets: tuple[str, ...]
    #: UNCHANGED, EDITED, FIRST or GIVEN.
    state: str
    at: datetime
    #: Salted hashes known to be of ``secrets`` (the store's, just checked), else empty.
    known: tuple[str, ...] = ()

    def dated(self) -> str:
        """How old the file's value is, for the log."""
        at = f"{self.at:%Y-%m-%d %H:%M:%S} UTC"
        if self.state == UNCHANGED:
            return f"unchanged in this file since {at}"
        if self.state == FIRST:
            return f"first read from this file, modified at {at} by the store's clock"
        return f"edited at {at}"


def digest(value: Any) -> str:
    """SHA-256 (hex) of a value's declaration (JSON with sorted keys)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def stamp(engine: "Engine", session, row) -> None:
    """Mark ``row`` (a user, a gateway) as written by this console now, by the store's clock."""
    row.changed_by = engine.instance_id
    row.changed_at = store_now(session.connection(), engine.clock.now())


def written_by(changed_by: str, changed_at: datetime | None) -> str:
    """'console 'a' at 2026-12-07 10:00:00 UTC', as far as the store knows."""
    by = f"console {changed_by!r}" if changed_by else "a console"
    return by + (f" at {changed_at:%Y-%m-%d %H:%M:%S} UTC" if changed_at else "")


class FileEdits:
    """The edit times of one configuration file's shared values, as one console applies it."""

    def __init__(self, engine: "Engine", cfg: "Config"):
        self.engine = engine
        self.where = str(cfg.path) if cfg.path else "config"
        self.file = str(Path(cfg.path).resolve()) if cfg.path else ""
        with engine.db.session() as s:
            host = engine.clock.now()
            #: The store's time as this console applies the file: an edit found now is this old.
            self.now = store_now(s.connection(), host)
            skew = self.now - host
            self._kept = {r.item: r for r in s.exec(select(ConfigApplied).where(
                ConfigApplied.instance == engine.instance_id, ConfigApplied.file == self.file))} if self.file else {}
        #: The file's modification time on the store's clock (the host's difference to it taken off).
        self.modified: datetime | None = None
        if self.file:
            try:
                self.modified = datetime.fromtimestamp(os.stat(self.file).st_mtime, timezone.utc) + skew
            except OSError:
                pass

    def edit(self, item: str, value: Any, secrets: tuple[str, ...] = (), known: tuple[str, ...] = ()) -> Edit:
        """When the file's ``value`` of ``item`` (with its ``secrets``, never shown nor kept) was edited.
        ``known``: salted hashes of the secrets, when the caller just found the store's to be of them (which
        spares checking the kept ones again while they are the same)."""
        d = digest(value)
        kept = self._kept.get(item)
        if not self.file:
            return Edit(item, d, secrets, GIVEN, self.now, known)
        if kept is not None and kept.digest == d and _same_secrets(secrets, kept.secret_hashes, known):
            return Edit(item, d, secrets, UNCHANGED, kept.edited_at, known)
        if kept is not None:
            return Edit(item, d, secrets, EDITED, self.now, known)
        return Edit(item, d, secrets, FIRST, min(self.now, self.modified or self.now), known)

    def writes(self, edit: Edit, what: str, value: str, stored: str | None, *, equal: bool, changed_by: str = "",
               changed_at: datetime | None = None, session=None) -> bool:
        """Whether the file's value of ``what`` (``value``, as shown) is written: where the store has none
        (``stored`` None), or has a different one (not ``equal``) older than the file's (:meth:`decide`).
        What is not written is remembered here (in ``session`` when given)."""
        if stored is None:
            self.created(what, value)
            return True
        if not equal and self.decide(edit, what, value, stored, changed_by, changed_at):
            return True
        self.remember(edit, applied=False, session=session)
        return False

    def decide(self, edit: Edit, what: str, value: str, stored: str, changed_by: str,
               changed_at: datetime | None) -> bool:
        """Whether the file's ``value`` of ``what`` replaces the store's different one (``stored``; both as
        shown, without secrets): when the file's value was edited after the store's was written, or the store
        does not know when that was. Either way the log names both, the console that wrote the store's and
        when."""
        engine = self.engine
        wins = edit.state in (EDITED, GIVEN) or changed_at is None or edit.at > changed_at
        if wins:
            log.warning("%s: %s = %s replaces %s for every console sharing the store (the store's was written "
                        "by %s; the file's is %s); changed by console %r", self.where, what, value, stored,
                        written_by(changed_by, changed_at), edit.dated(), engine.instance_id)
        else:
            log.warning("%s: %s = %s is not applied: the store's %s was written by %s, after the file's (%s); "
                        "the store's value stays for every console (edit the file again, or change it in the "
                        "window, to change it)", self.where, what, value, stored,
                        written_by(changed_by, changed_at), edit.dated())
        return wins

    def created(self, what: str, value: str) -> None:
        log.info("%s: %s = %s written for every console sharing the store (the store had none); changed by "
                 "console %r", self.where, what, value, self.engine.instance_id)

    def remember(self, edit: Edit, *, applied: bool, session=None, known: tuple[str, ...] = ()) -> None:
        """Keep what the file said of ``edit.item``: since now when it was ``applied``, else since its edit.
        In ``session`` when given (committed with the value), else on its own. ``known``: salted hashes of the
        secrets as just written (else the edit's, else new ones are made)."""
        if not self.file or edit.state == UNCHANGED:
            return
        hashes = known or edit.known or tuple(hash_password(s) if s else "" for s in edit.secrets)
        row = ConfigApplied(instance=self.engine.instance_id, file=self.file, item=edit.item, digest=edit.digest,
                            secret_hashes=json.dumps(hashes) if edit.secrets else "",
                            edited_at=self.now if applied else edit.at)
        self._kept[edit.item] = row
        if session is not None:
            session.merge(row)
            return
        with self.engine.db.session() as s:
            s.merge(row)
            s.commit()


def _same_secrets(secrets: tuple[str, ...], kept: str, known: tuple[str, ...]) -> bool:
    """Whether ``secrets`` are those the ``kept`` hashes are of: the same hashes as the ``known`` ones, or
    each checked."""
    if not secrets:
        return not kept
    try:
        hashes = tuple(json.loads(kept)) if kept else ()
    except ValueError:
        return False
    if len(hashes) != len(secrets):
        return False
    if known and hashes == tuple(known):
        return True
    return all((not s and not h) or (bool(h) and verify_password(s, h)) for s, h in zip(secrets, hashes))
