"""Contacts and groups: the manager's operations (:class:`ContactBook`), and
recipients named by contact or group, as the Diafaan ``contact-name``
parameter gives them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

from sqlalchemy import func, or_
from sqlmodel import col, select

from app.sms.numbers import InvalidNumber, normalize_number
from app.store.models import Contact, ContactGroup, ContactGroupLink

from . import contact_files
from .requests import EngineError

if TYPE_CHECKING:
    from .engine import Engine


def resolve_contact_names(engine: "Engine", names: list[str]) -> list[tuple[str, list[str]]]:
    """For each name in order: the numbers it stands for.

    A group gives its members' numbers (in name order), a contact its number;
    a name that matches a contact and a group gives both. An unknown name gives
    an empty list, so the caller can report it in its place.
    """
    out: list[tuple[str, list[str]]] = []
    with engine.db.session() as s:
        for name in names:
            numbers = [c.number for c in s.exec(select(Contact).where(Contact.name == name).order_by(Contact.id))]
            group = s.exec(select(ContactGroup).where(ContactGroup.name == name)).first()
            if group is not None:
                members = s.exec(select(Contact).join(ContactGroupLink, ContactGroupLink.contact_id == Contact.id)
                                 .where(ContactGroupLink.group_id == group.id)
                                 .order_by(Contact.name, Contact.id))
                numbers += [c.number for c in members]
            out.append((name, numbers))
    return out


# --- the contacts and groups manager -------------------------------------------------------------

@dataclass(frozen=True)
class ContactView:
    id: int
    name: str
    number: str
    note: str = ""
    groups: tuple[str, ...] = ()


class ContactBook:
    """Contacts and groups: list, add, change, remove, and import/export as CSV or vCard.

    Numbers are stored normalised (E.164 with the default country), so a
    contact is found by the number messages carry.
    """

    def __init__(self, engine: "Engine"):
        self.engine = engine

    @property
    def db(self):
        return self.engine.db

    def _normal(self, number: str) -> str:
        try:
            return normalize_number(number, self.engine.settings.get("default_country") or None)
        except InvalidNumber as exc:
            raise EngineError(str(exc)) from None

    # --- contacts ---------------------------------------------------------------------

    def list(self, text: str = "", group: str | None = None) -> list[ContactView]:
        """Contacts whose name or number contains ``text`` (all when empty), by name."""
        with self.db.session() as s:
            q = select(Contact)
            if text.strip():
                like = f"%{text.strip().lower()}%"
                q = q.where(or_(func.lower(Contact.name).like(like), col(Contact.number).like(like)))
            if group:
                q = (q.join(ContactGroupLink, ContactGroupLink.contact_id == Contact.id)
                     .join(ContactGroup, ContactGroup.id == ContactGroupLink.group_id)
                     .where(ContactGroup.name == group))
            contacts = list(s.exec(q.order_by(func.lower(Contact.name), Contact.id)))
            links: dict[int, list[str]] = {}
            ids = [c.id for c in contacts]
            for cid, gname in s.exec(select(ContactGroupLink.contact_id, ContactGroup.name)
                                     .join(ContactGroup, ContactGroup.id == ContactGroupLink.group_id)
                                     .where(col(ContactGroupLink.contact_id).in_(ids))
                                     .order_by(ContactGroup.name)):
                links.setdefault(cid, []).append(gname)
        return [ContactView(c.id, c.name, c.number, c.note, tuple(links.get(c.id, ()))) for c in contacts]

    def add(self, name: str, number: str, note: str = "", groups: Iterable[str] = ()) -> ContactView:
        if not name.strip():
            raise EngineError("a contact needs a name")
        row = Contact(name=name.strip(), number=self._normal(number), note=note)
        with self.db.session() as s:
            s.add(row)
            s.commit()
            self._set_groups(s, row.id, groups)
        return self.get(row.id)

    def update(self, contact_id: int, *, name: str, number: str, note: str = "",
               groups: Iterable[str] = ()) -> ContactView:
        if not name.strip():
            raise EngineError("a contact needs a name")
        with self.db.session() as s:
            row = s.get(Contact, contact_id)
            if row is None:
                raise EngineError("that contact no longer exists")
            row.name, row.number, row.note = name.strip(), self._normal(number), note
            s.add(row)
            s.commit()
            self._set_groups(s, contact_id, groups)
        return self.get(contact_id)

    def remove(self, ids: Iterable[int]) -> int:
        ids = list(ids)
        with self.db.session() as s:
            s.exec(ContactGroupLink.__table__.delete().where(ContactGroupLink.__table__.c.contact_id.in_(ids)))
            n = s.exec(Contact.__table__.delete().where(Contact.__table__.c.id.in_(ids))).rowcount
            s.commit()
        return n

    def get(self, contact_id: int) -> ContactView:
        with self.db.session() as s:
            row = s.get(Contact, contact_id)
            if row is None:
                raise EngineError("that contact no longer exists")
            groups = s.exec(select(ContactGroup.name).join(ContactGroupLink,
                                                           ContactGroupLink.group_id == ContactGroup.id)
                            .where(ContactGroupLink.contact_id == contact_id).order_by(ContactGroup.name)).all()
        return ContactView(row.id, row.name, row.number, row.note, tuple(groups))

    def name_of(self, number: str) -> str:
        """The contact name for a number, or "" when it is not a contact."""
        with self.db.session() as s:
            return s.exec(select(Contact.name).where(Contact.number == number)).first() or ""

    # --- groups -----------------------------------------------------------------------

    def groups(self) -> list[tuple[str, int]]:
        """Group names with their member counts, by name."""
        with self.db.session() as s:
            rows = s.exec(select(ContactGroup.name, func.count(ContactGroupLink.contact_id))
                          .join(ContactGroupLink, ContactGroupLink.group_id == ContactGroup.id, isouter=True)
                          .group_by(ContactGroup.id).order_by(ContactGroup.name)).all()
        return [(n, c) for n, c in rows]

    def add_group(self, name: str) -> None:
        if not name.strip():
            raise EngineError("a group needs a name")
        with self.db.session() as s:
            if s.exec(select(ContactGroup).where(ContactGroup.name == name.strip())).first():
                raise EngineError(f"a group named {name.strip()!r} exists already")
            s.add(ContactGroup(name=name.strip()))
            s.commit()

    def remove_group(self, name: str) -> None:
        with self.db.session() as s:
            group = s.exec(select(ContactGroup).where(ContactGroup.name == name)).first()
            if group is None:
                return
            s.exec(ContactGroupLink.__table__.delete().where(ContactGroupLink.__table__.c.group_id == group.id))
            s.delete(group)
            s.commit()

    def members(self, group: str) -> list[ContactView]:
        return self.list(group=group)

    def _set_groups(self, s, contact_id: int, groups: Iterable[str]) -> None:
        names = {g.strip() for g in groups if g.strip()}
        s.exec(ContactGroupLink.__table__.delete().where(ContactGroupLink.__table__.c.contact_id == contact_id))
        for name in sorted(names):
            group = s.exec(select(ContactGroup).where(ContactGroup.name == name)).first()
            if group is None:
                group = ContactGroup(name=name)
                s.add(group)
                s.flush()
            s.add(ContactGroupLink(contact_id=contact_id, group_id=group.id))
        s.commit()

    # --- import and export ------------------------------------------------------------

    def import_rows(self, rows: Iterable[tuple[str, str, str, Iterable[str]]]) -> ImportResult:
        """Add (name, number, note, groups) rows; rows with a bad number are reported, not added."""
        added, problems = 0, []
        for line, (name, number, note, groups) in enumerate(rows, start=1):
            try:
                self.add(name or number, number, note, groups)
                added += 1
            except EngineError as exc:
                problems.append(f"entry {line}: {exc}")
        return ImportResult(added, tuple(problems))

    def import_csv(self, text: str) -> ImportResult:
        try:
            return self.import_rows(contact_files.read_csv(text))
        except ValueError as exc:
            raise EngineError(str(exc)) from None

    def import_vcard(self, text: str) -> ImportResult:
        return self.import_rows(contact_files.read_vcards(text))

    def export_csv(self) -> str:
        return contact_files.write_csv(self.list())

    def export_vcard(self) -> str:
        return contact_files.write_vcards(self.list())


@dataclass(frozen=True)
class ImportResult:
    added: int
    problems: tuple[str, ...] = ()
