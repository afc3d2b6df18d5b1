"""Contacts as CSV and vCard files: read (name, number, note, groups) rows, write them back.

CSV: a header row naming the columns; ``name`` and ``number`` (or ``phone``,
``mobile``, ``tel``) are looked for in any letter case, ``note`` and
``groups`` (``;``-separated) are optional. vCard 2.1/3.0/4.0: ``FN`` (or
``N``), the first ``TEL`` (a ``CELL`` one preferred), ``NOTE``, ``CATEGORIES``.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Iterable, Iterator, Protocol

Row = tuple[str, str, str, list[str]]

_NUMBER_HEADERS = ("number", "phone", "mobile", "tel", "telephone", "cell", "msisdn")


class _Contact(Protocol):
    name: str
    number: str
    note: str
    groups: tuple[str, ...]


def delimiter_of(text: str) -> str:
    """The delimiter of a CSV text: the one of ``,``, ``;`` and tab its header line uses most."""
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    return max(",;\t", key=header.count)


def read_csv(text: str) -> Iterator[Row]:
    """Rows of a contacts CSV; raises ValueError when it has no number column."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter_of(text))
    fields = {f.strip().lower(): f for f in reader.fieldnames or ()}
    name_key = fields.get("name")
    number_key = next((fields[h] for h in _NUMBER_HEADERS if h in fields), None)
    if number_key is None:
        raise ValueError("the file has no number column (a header row with \"name\" and \"number\" is needed)")
    for row in reader:
        groups = (row.get(fields.get("groups", ""), "") or "").split(";")
        yield ((row.get(name_key, "") if name_key else "").strip(), (row.get(number_key) or "").strip(),
               (row.get(fields.get("note", ""), "") or "").strip(), [g.strip() for g in groups if g.strip()])


def write_csv(contacts: Iterable[_Contact]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["name", "number", "note", "groups"])
    for c in contacts:
        writer.writerow([c.name, c.number, c.note, ";".join(c.groups)])
    return out.getvalue()


def _unfold(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.splitlines():
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        else:
            lines.append(raw)
    return lines


def _unescape(value: str) -> str:
    return re.sub(r"\\([,;\\nN])", lambda m: "\n" if m.group(1) in "nN" else m.group(1), value)


def read_vcards(text: str) -> Iterator[Row]:
    card: dict[str, list[tuple[str, str]]] | None = None
    for line in _unfold(text):
        head, _, value = line.partition(":")
        prop, *params = head.split(";")
        prop = prop.split(".")[-1].upper()
        if prop == "BEGIN" and value.strip().upper() == "VCARD":
            card = {}
        elif prop == "END" and card is not None:
            yield _card_row(card)
            card = None
        elif card is not None:
            card.setdefault(prop, []).append((";".join(params).upper(), value.strip()))


def _card_row(card: dict[str, list[tuple[str, str]]]) -> Row:
    name = _unescape(card.get("FN", [("", "")])[0][1])
    if not name and "N" in card:
        family, _, given = card["N"][0][1].partition(";")
        name = f"{given.split(';')[0]} {family}".strip()
    tels = card.get("TEL", [])
    cell = next((v for p, v in tels if "CELL" in p), None)
    number = (cell or (tels[0][1] if tels else "")).removeprefix("tel:")
    note = _unescape(card.get("NOTE", [("", "")])[0][1])
    groups = [g.strip() for p, v in card.get("CATEGORIES", []) for g in v.split(",") if g.strip()]
    return name, number, note, groups


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def write_vcards(contacts: Iterable[_Contact]) -> str:
    out = []
    for c in contacts:
        out += ["BEGIN:VCARD", "VERSION:3.0", f"FN:{_escape(c.name)}", f"N:{_escape(c.name)};;;;",
                f"TEL;TYPE=CELL:{c.number}"]
        if c.note:
            out.append(f"NOTE:{_escape(c.note)}")
        if c.groups:
            out.append("CATEGORIES:" + ",".join(_escape(g) for g in c.groups))
        out.append("END:VCARD")
    return "\r\n".join(out) + "\r\n"
