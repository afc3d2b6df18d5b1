"""The HORISEN list grammar: filters, general search, sort and paging.

A query string such as ``?contains(accountName)=ac&in(protocol)=diafaan,retarus
&sort=-sessionStart&paging=2,20`` is parsed against a whitelist of typed
fields into a :class:`ListQuery`; :meth:`ListQuery.apply` filters, sorts and
pages rows (plain dicts) in memory. Values are compared as the field's type
(an integer field only takes integers), never pasted into any query text.
An unknown field, operator or malformed value raises :class:`FilterError`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping

#: Query parameters that are not filters.
RESERVED = ("all", "page_size", "page_number", "paging", "sort", "q")
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 1000
MAX_VALUES = 100

VALUE_OPS = ("isnull", "isnotnull", "isempty", "isnotempty")
STRING_OPS = ("eq", "neq", "startswith", "contains", "endswith", "doesnotcontain")
ORDER_OPS = ("lt", "lte", "gt", "gte")
RANGE_OPS = ("in", "notin", "between", "notbetween")
OPERATORS = VALUE_OPS + STRING_OPS + ORDER_OPS + RANGE_OPS

_KEY = re.compile(r"^([a-z]+)\(([A-Za-z_][A-Za-z0-9_]*)\)$")


class FilterError(ValueError):
    """A list request cannot be understood; the message says what to change."""


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    #: Typed operand(s): one value, a tuple for in/notin/between, a bool for the value tests.
    operand: Any

    def test(self, row: Mapping[str, Any]) -> bool:
        return _TESTS[self.op](row.get(self.field), self.operand)


@dataclass
class ListQuery:
    conditions: list[Condition] = field(default_factory=list)
    search: str | None = None
    search_fields: tuple[str, ...] = ()
    sort: list[tuple[str, bool]] = field(default_factory=list)
    page_size: int = DEFAULT_PAGE_SIZE
    page_number: int = 1
    all: bool = False

    def matches(self, row: Mapping[str, Any]) -> bool:
        if self.search is not None:
            needle = self.search.casefold()
            if not any(needle in _text(row.get(f)) for f in self.search_fields):
                return False
        return all(c.test(row) for c in self.conditions)

    def apply(self, rows: Iterable[Mapping[str, Any]]) -> tuple[list[Mapping[str, Any]], int]:
        """Filter and sort; return the requested page and the total number of matches."""
        found = [r for r in rows if self.matches(r)]
        for name, descending in reversed(self.sort):  # stable: last key first
            found.sort(key=lambda r, n=name: _sort_key(r.get(n)), reverse=descending)
        if self.all:
            return found, len(found)
        start = (self.page_number - 1) * self.page_size
        return found[start:start + self.page_size], len(found)

    def pagination(self, total: int, count: int, link: Callable[[int, int], str]) -> dict[str, Any]:
        """``meta.pagination``; ``link(page_number, page_size)`` builds a page's URL."""
        size = total if self.all else self.page_size
        pages = 1 if self.all else max(1, math.ceil(total / self.page_size))
        current = 1 if self.all else self.page_number
        return {
            "total": total, "count": count, "per_page": size, "current_page": current, "total_pages": pages,
            "links": {
                "first": link(1, self.page_size),
                "last": link(pages, self.page_size),
                "prev": link(current - 1, self.page_size) if current > 1 else None,
                "next": link(current + 1, self.page_size) if current < pages else None,
            },
        }


def parse_list_query(params: Iterable[tuple[str, str]], fields: Mapping[str, type],
                     search_fields: Iterable[str] = ()) -> ListQuery:
    """Build a ListQuery from query parameters, allowing only ``fields`` (name -> str, int or bool)."""
    q = ListQuery(search_fields=tuple(search_fields))
    seen: set[str] = set()
    for key, value in params:
        if key in RESERVED:
            if key in seen:
                raise FilterError(f"parameter {key} is given more than once")
            seen.add(key)
            _reserved(q, key, value, fields)
            continue
        m = _KEY.match(key)
        op, name = (m.group(1), m.group(2)) if m else ("eq", key)
        if op not in OPERATORS:
            raise FilterError(f"unknown filter operator {op!r} (known: {', '.join(OPERATORS)})")
        if name == "q" and op == "eq":
            _reserved(q, "q", value, fields)
            continue
        if name not in fields:
            raise FilterError(f"cannot filter on {name!r} (fields: {', '.join(fields)})")
        q.conditions.append(Condition(name, op, _operand(op, name, fields[name], value)))
    return q


def _reserved(q: ListQuery, key: str, value: str, fields: Mapping[str, type]) -> None:
    if key == "all":
        if value not in ("yes", "no"):
            raise FilterError(f"all must be yes or no, got {value!r}")
        q.all = value == "yes"
    elif key == "page_size":
        q.page_size = _positive("page_size", value, MAX_PAGE_SIZE)
    elif key == "page_number":
        q.page_number = _positive("page_number", value)
    elif key == "paging":
        parts = value.split(",")
        if len(parts) != 2:
            raise FilterError(f"paging must be page_number,page_size (e.g. 1,10), got {value!r}")
        q.page_number = _positive("paging page number", parts[0])
        q.page_size = _positive("paging page size", parts[1], MAX_PAGE_SIZE)
    elif key == "sort":
        for item in value.split(","):
            item = item.strip()
            descending = item.startswith("-")
            name = item.lstrip("-+")
            if name not in fields:
                raise FilterError(f"cannot sort by {name!r} (fields: {', '.join(fields)})")
            q.sort.append((name, descending))
    elif key == "q":
        if q.search is not None:
            raise FilterError("parameter q is given more than once")
        q.search = value


def _positive(what: str, value: str, maximum: int | None = None) -> int:
    value = value.strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 9 or int(value) < 1:
        raise FilterError(f"{what} must be a whole number of at least 1, got {value!r}")
    n = int(value)
    if maximum is not None and n > maximum:
        raise FilterError(f"{what} must be at most {maximum}, got {n}")
    return n


def _operand(op: str, name: str, kind: type, raw: str) -> Any:
    if op in VALUE_OPS:
        flag = raw.strip().lower()
        if flag in ("", "true", "1", "yes"):
            return True
        if flag in ("false", "0", "no"):
            return False
        raise FilterError(f"{op}({name}) takes no value, or true/false; got {raw!r}")
    if op in RANGE_OPS:
        items = raw.split(",")
        if len(items) > MAX_VALUES:
            raise FilterError(f"{op}({name}) takes at most {MAX_VALUES} values")
        if op in ("between", "notbetween") and len(items) != 2:
            raise FilterError(f"{op}({name}) takes two values separated by a comma, got {raw!r}")
        return tuple(_typed(name, kind, v) for v in items)
    if kind is bool and op not in ("eq", "neq"):
        raise FilterError(f"{name} is true or false: use eq or neq, not {op}")
    if kind is int and op in STRING_OPS[2:]:
        raise FilterError(f"{name} is a number: {op} applies to text fields only")
    return _typed(name, kind, raw)


def _typed(name: str, kind: type, raw: str) -> Any:
    if kind is int:
        try:
            if len(raw.strip()) > 20:
                raise ValueError(raw)
            return int(raw.strip())
        except ValueError:
            raise FilterError(f"{name} is a number, got {raw!r}") from None
    if kind is bool:
        low = raw.strip().lower()
        if low in ("true", "1", "yes"):
            return True
        if low in ("false", "0", "no"):
            return False
        raise FilterError(f"{name} is true or false, got {raw!r}")
    return raw


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).casefold()


def _cmp_value(value: Any) -> Any:
    """Strings compare without regard to case; numbers and flags as they are."""
    return value.casefold() if isinstance(value, str) else value


def _sort_key(value: Any) -> tuple:
    return (value is not None, _cmp_value(value) if value is not None else 0)


def _order(value: Any, operand: Any, fn: Callable[[Any, Any], bool]) -> bool:
    if value is None:
        return False
    try:
        return fn(_cmp_value(value), _cmp_value(operand))
    except TypeError:
        return False


def _eq(v: Any, o: Any) -> bool:
    return v is not None and _cmp_value(v) == _cmp_value(o)


def _between(v: Any, o: tuple) -> bool:
    lo, hi = o
    return _order(v, lo, lambda a, b: a >= b) and _order(v, hi, lambda a, b: a <= b)


_TESTS: dict[str, Callable[[Any, Any], bool]] = {
    "isnull": lambda v, want: (v is None) == want,
    "isnotnull": lambda v, want: (v is not None) == want,
    "isempty": lambda v, want: (v is None or v == "") == want,
    "isnotempty": lambda v, want: (v is not None and v != "") == want,
    "eq": _eq,
    "neq": lambda v, o: not _eq(v, o),
    "startswith": lambda v, o: _text(v).startswith(o.casefold()),
    "contains": lambda v, o: o.casefold() in _text(v),
    "endswith": lambda v, o: _text(v).endswith(o.casefold()),
    "doesnotcontain": lambda v, o: o.casefold() not in _text(v),
    "lt": lambda v, o: _order(v, o, lambda a, b: a < b),
    "lte": lambda v, o: _order(v, o, lambda a, b: a <= b),
    "gt": lambda v, o: _order(v, o, lambda a, b: a > b),
    "gte": lambda v, o: _order(v, o, lambda a, b: a >= b),
    "in": lambda v, o: any(_eq(v, x) for x in o),
    "notin": lambda v, o: not any(_eq(v, x) for x in o),
    "between": _between,
    "notbetween": lambda v, o: not _between(v, o),
}
