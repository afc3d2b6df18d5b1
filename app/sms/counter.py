"""Part counting: which encoding a text goes out in and how it splits into parts.

This is the arithmetic handsets do (3GPP TS 23.040 §9.2.3.24, TS 23.038):

============  =========  ==========  ===========================================
encoding      one part   each part   of a concatenated message
============  =========  ==========  ===========================================
GSM 7-bit     160        153         septets; ``^{}\\[~]|€`` and form feed cost 2
8-bit data    140        134         octets
UCS-2         70         67          UTF-16 code units; emoji and other characters
                                     outside the BMP cost 2
============  =========  ==========  ===========================================

A national language table costs a 3-octet information element in every part,
even a single one: 155/149 septets with one table, 152/146 with both. An
escape pair or a surrogate pair is never split across parts; the part before
it ends one unit short instead.

:func:`layout` is the one place that decides encoding and part boundaries;
:func:`count` reports it for the compose dialog (it must stay cheap: it never
builds the septets, only counts double-cost characters with one regex scan),
and the PDU encoder sends exactly the parts :func:`layout` gives.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

from app.sms.gsm7 import Charset, charset
from app.sms.national import LANGUAGES

ENCODINGS = ("auto", "gsm", "ucs2", "8bit")
#: Octets of user data in one SMS.
UD_OCTETS = 140
#: Octets of a user data header holding an 8-bit concatenation element (UDHL included).
CONCAT_UDH = 6
#: Octets each national language information element adds.
NATIONAL_IE = 3

#: (locking, single) language pairs tried for national encoding, single shift first.
_NATIONAL_PAIRS = tuple(pair for lang in LANGUAGES.values() for pair in
                        ((0, lang.id), (lang.id, 0), (lang.id, lang.id)) if pair[0] == 0 or lang.locking)


@dataclass(frozen=True)
class Layout:
    """How a text is sent: encoding, charset (for GSM), capacity and part boundaries.

    ``bounds`` are ``(start, end)`` character indices of ``text``, one per part,
    and ``part_units`` the units each part uses.
    ``text`` is what is sent: for forced GSM, unsupported characters are ``?``.
    """

    text: str
    encoding: str
    charset: Charset | None
    units: int
    per_part: int
    bounds: tuple[tuple[int, int], ...]
    part_units: tuple[int, ...]

    @property
    def parts(self) -> int:
        return len(self.bounds)


@dataclass(frozen=True)
class SmsCount:
    """What the compose dialog shows: encoding, parts, characters and what is left."""

    encoding: str
    parts: int
    chars: int
    units: int
    left: int
    per_part: int
    language: str | None = None
    locking_shift: int = 0
    single_shift: int = 0

    def to_dict(self) -> dict:
        """JSON-friendly form (field names as above)."""
        return asdict(self)


def capacity(encoding: str, parts: int, national_tables: int = 0) -> int:
    """Units (septets, octets or UCS-2 units) one part holds."""
    udh = (CONCAT_UDH if parts > 1 else 0) + NATIONAL_IE * national_tables
    if udh and parts == 1:
        udh += 1  # the UDHL octet
    room = UD_OCTETS - udh
    if encoding == "gsm":
        return room * 8 // 7
    return room // 2 if encoding == "ucs2" else room


def _split(text: str, doubles: Callable[[str], int], is_double: Callable[[str], bool],
           multi: int) -> tuple[tuple, tuple]:
    """Boundaries and units of each part of ``text`` in parts of ``multi`` units.

    ``doubles(piece)`` counts the characters of a piece that cost two units and
    ``is_double(char)`` tells it for one. Each part takes the next ``multi``
    characters and gives back characters from its end until it fits, so it ends
    at the largest index whose cost fits and never splits a double character.
    """
    n = len(text)
    bounds = []
    units = []
    start = 0
    while start < n:
        piece = text[start:start + multi]
        size = len(piece)
        cost = size + doubles(piece)
        while cost > multi:
            drop = (cost - multi) // 2  # frees between drop and 2 * drop units
            if drop > 1:
                cost -= drop + doubles(piece[size - drop:size])
                size -= drop
            else:
                size -= 1
                cost -= 2 if is_double(piece[size]) else 1
        bounds.append((start, start + size))
        units.append(cost)
        start += size
    return tuple(bounds), tuple(units)


def _astral_count(text: str) -> int:
    """How many characters of ``text`` lie outside the BMP (two UTF-16 units each)."""
    return 0 if text.isascii() else len(text.encode("utf-16-le", "surrogatepass")) // 2 - len(text)


def _no_doubles(text: str) -> int:
    return 0


def _layout_utf16(text: str, total: int, multi: int) -> Layout:
    """UCS-2 layout of a text with characters outside the BMP: cut the UTF-16 units every
    ``multi`` units, one unit earlier where the cut would fall between a surrogate pair."""
    data = text.encode("utf-16-be", "surrogatepass")
    bounds = []
    units = []
    start_unit = start_char = 0
    while start_unit < total:
        end_unit = min(start_unit + multi, total)
        if end_unit < total and 0xD8 <= data[2 * end_unit - 2] <= 0xDB:
            end_unit -= 1
        chars = len(data[2 * start_unit:2 * end_unit].decode("utf-16-be", "surrogatepass"))
        bounds.append((start_char, start_char + chars))
        units.append(end_unit - start_unit)
        start_unit, start_char = end_unit, start_char + chars
    return Layout(text, "ucs2", None, total, multi, tuple(bounds), tuple(units))


def _layout_in(text: str, encoding: str, cs: Charset | None) -> Layout:
    """Layout of ``text`` in a given encoding (and charset, for GSM)."""
    n = len(text)
    tables = cs.udh_tables if cs is not None else 0
    if encoding == "gsm":
        doubles, is_double = cs.double_count, cs.extension.__contains__
    else:  # UCS-2 texts with doubles take _layout_utf16 below
        doubles, is_double = (_astral_count if encoding == "ucs2" else _no_doubles), bool
    total = n + doubles(text)
    single = capacity(encoding, 1, tables)
    if total <= single:
        return Layout(text, encoding, cs, total, single, ((0, n),), (total,))
    multi = capacity(encoding, 2, tables)
    if encoding == "ucs2" and total != n:
        return _layout_utf16(text, total, multi)
    if total == n:
        bounds = tuple((i, min(i + multi, n)) for i in range(0, n, multi))
        return Layout(text, encoding, cs, total, multi, bounds, tuple(end - start for start, end in bounds))
    bounds, units = _split(text, doubles, is_double, multi)
    return Layout(text, encoding, cs, total, multi, bounds, units)


_PAIRS_WITH: dict[str, tuple[tuple[int, int], ...]] = {}


def _pairs_with(char: str) -> tuple[tuple[int, int], ...]:
    """The national (locking, single) pairs whose charset has ``char`` (cached per character)."""
    pairs = _PAIRS_WITH.get(char)
    if pairs is None:
        if len(_PAIRS_WITH) > 4096:
            _PAIRS_WITH.clear()
        pairs = _PAIRS_WITH[char] = tuple(p for p in _NATIONAL_PAIRS if char in charset(*p).chars)
    return pairs


def _best_national(text: str, foreign: str) -> Layout | None:
    """The national pair that covers ``text`` in the fewest parts (fewest tables on a tie).

    ``foreign`` is one character the default alphabet lacks; pairs without it are skipped.
    Pairs are tried in the order of a cheap lower bound of their part count, and a full
    layout is made only while a pair can still beat the best found.
    """
    n = len(text)
    candidates = []
    for locking, single in _pairs_with(foreign):
        cs = charset(locking, single)
        if cs.covers(text):
            total = n + cs.double_count(text)
            tables = cs.udh_tables
            fits_one = total <= capacity("gsm", 1, tables)
            estimate = 1 if fits_one else -(-total // capacity("gsm", 2, tables))
            candidates.append((estimate, tables, cs))
    candidates.sort(key=lambda c: (c[0], c[1]))
    best = None
    for estimate, tables, cs in candidates:
        if best is not None and (estimate, tables) >= (best.parts, best.charset.udh_tables):
            continue
        candidate = _layout_in(text, "gsm", cs)
        if best is None or (candidate.parts, tables) < (best.parts, best.charset.udh_tables):
            best = candidate
    return best


def layout(text: str, encoding: str = "auto", national: bool = True) -> Layout:
    """Decide encoding and parts of ``text``.

    ``auto``: GSM 7-bit when the default alphabet covers the text; else a
    national table pair if ``national`` and it needs fewer parts than UCS-2;
    else UCS-2. ``gsm``: always 7-bit (a covering national pair if allowed,
    else the default alphabet with ``?`` for unsupported characters).
    ``ucs2``: always UCS-2. ``8bit``: octets, for text of code points < 256.
    """
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding must be one of {', '.join(ENCODINGS)}, not {encoding!r}")
    if encoding in ("ucs2", "8bit"):
        return _layout_in(text, encoding, None)
    default = charset()
    foreign = default.first_foreign(text)
    if foreign is None:
        return _layout_in(text, "gsm", default)
    national_layout = _best_national(text, foreign) if national else None
    if encoding == "gsm":
        if national_layout is not None:
            return national_layout
        return _layout_in(default.replace_foreign(text), "gsm", default)
    ucs2 = _layout_in(text, "ucs2", None)
    if national_layout is not None and national_layout.parts < ucs2.parts:
        return national_layout
    return ucs2


def count(text: str, *, encoding: str = "auto", national: bool = True) -> SmsCount:
    """Encoding, parts, characters, units and units left in the current part of ``text``."""
    return count_of(layout(text, encoding, national))


def count_of(lay: Layout) -> SmsCount:
    """The :class:`SmsCount` of a layout already made."""
    cs = lay.charset
    tables = cs is not None and cs.udh_tables
    return SmsCount(lay.encoding, lay.parts, len(lay.text), lay.units, lay.per_part - lay.part_units[-1],
                    lay.per_part, LANGUAGES[cs.locking or cs.single].name if tables else None,
                    cs.locking if cs else 0, cs.single if cs else 0)
