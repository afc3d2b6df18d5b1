"""GSM 7-bit text: character sets, septet strings and septet packing (TS 23.038 §6.1.2.1).

Text is encoded in two steps. :meth:`Charset.septets` maps characters to a
*septet string*: a ``str`` of code points 0–127, one per septet, where an
extension character becomes ``"\\x1b"`` + its code. Working on ``str`` keeps
the heavy lifting in ``str.translate`` and slicing, which is what makes
counting and splitting cheap. :func:`pack` then packs septets into octets,
after optional fill bits, and :func:`unpack` reverses it.
"""

from __future__ import annotations

import re
from functools import lru_cache

from app.sms.alphabet import DEFAULT_SHIFT_TABLE, DEFAULT_TABLE, ESC, UNDEFINED
from app.sms.national import LANGUAGES

_ESCAPED = re.compile("\x1b(.?)", re.S)


class Charset:
    """The characters of one locking shift + single shift table pair (0 = GSM default)."""

    __slots__ = ("locking", "single", "table", "shift", "basic", "extension", "chars", "_encode", "_decode", "_decode_shift",
                 "_ascii", "_foreign", "_not_ascii_ext", "_wide_ext", "_wide_ext_rx")

    def __init__(self, locking: int = 0, single: int = 0) -> None:
        self.locking = locking
        self.single = single
        self.table = DEFAULT_TABLE if locking == 0 else LANGUAGES[locking].locking_table
        self.shift = DEFAULT_SHIFT_TABLE if single == 0 else LANGUAGES[single].single_table
        if self.table is None:
            raise ValueError(f"language {locking} has no locking shift table")
        encode: dict[int, str] = {}
        for code in range(127, -1, -1):  # lowest code wins where a table repeats a character
            char = self.shift[code]
            if char != UNDEFINED:
                encode[ord(char)] = ESC + chr(code)
        for code in range(127, -1, -1):  # a character in both tables is sent from the locking table
            char = self.table[code]
            if char not in (UNDEFINED, ESC):
                encode[ord(char)] = chr(code)
        self._encode = encode
        shown = [" " if c in (UNDEFINED, ESC) else c for c in self.table]
        self._decode = {code: char for code, char in enumerate(shown)}
        self._decode_shift = [shown[code] if c == UNDEFINED else c for code, c in enumerate(self.shift)]
        self.basic = frozenset(c for c in self.table if c not in (UNDEFINED, ESC))
        self.chars = frozenset(chr(o) for o in encode)
        self.extension = self.chars - self.basic
        self._ascii = bytes(c for c in range(128) if chr(c) in self.chars)
        self._foreign = re.compile("[^" + re.escape("".join(sorted(self.chars))) + "]")
        ascii_ext = bytes(ord(c) for c in self.extension if c.isascii())
        self._not_ascii_ext = bytes(b for b in range(256) if b not in ascii_ext)
        self._wide_ext = "".join(sorted(c for c in self.extension if not c.isascii()))
        self._wide_ext_rx = re.compile("[" + re.escape(self._wide_ext) + "]") if self._wide_ext else None

    @property
    def udh_tables(self) -> int:
        """How many national language information elements a message in this charset carries."""
        return (self.locking != 0) + (self.single != 0)

    def covers(self, text: str) -> bool:
        """True if every character of ``text`` can be sent in this charset."""
        if text.isascii():
            return not text.encode("ascii").translate(None, self._ascii)
        return self._foreign.search(text) is None

    def first_foreign(self, text: str) -> str | None:
        """The first character of ``text`` this charset cannot send, or None."""
        if self.covers(text):
            return None
        return self._foreign.search(text).group()

    def replace_foreign(self, text: str, replacement: str = "?") -> str:
        """``text`` with every character this charset cannot send replaced."""
        return self._foreign.sub(replacement, text)

    def double_count(self, text: str) -> int:
        """How many characters of ``text`` take two septets (escape + code)."""
        if text.isascii():
            return len(text.encode("ascii").translate(None, self._not_ascii_ext))
        count = len(text.encode("utf-8", "surrogatepass").translate(None, self._not_ascii_ext))
        if len(self._wide_ext) == 1:
            return count + text.count(self._wide_ext)
        return count + len(self._wide_ext_rx.findall(text)) if self._wide_ext else count

    def septets(self, text: str) -> str:
        """The septet string of ``text``; characters outside the charset become ``?``."""
        if not self.covers(text):
            text = self.replace_foreign(text)
        return text.translate(self._encode)

    def decode(self, septets: bytes) -> str:
        """Text of a sequence of septet values (0–127).

        An escape followed by a code the single shift table does not define
        shows the locking table's character for that code (TS 23.038 §6.2.1.1);
        an escape at the very end is dropped; undefined codes show as a space.
        """
        raw = bytes(septets).decode("latin-1")
        if ESC not in raw:
            return raw.translate(self._decode)
        out = []
        pos = 0
        for match in _ESCAPED.finditer(raw):
            out.append(raw[pos:match.start()].translate(self._decode))
            if match.group(1):
                out.append(self._decode_shift[ord(match.group(1))])
            pos = match.end()
        out.append(raw[pos:].translate(self._decode))
        return "".join(out)


@lru_cache(maxsize=None)
def charset(locking: int = 0, single: int = 0) -> Charset:
    """The (cached) :class:`Charset` of a locking / single shift language pair."""
    return Charset(locking, single)


@lru_cache(maxsize=64)
def _lane_masks(lanes: int) -> tuple[int, ...]:
    """Bit masks, repeated over ``lanes`` 64-bit lanes, for moving 8 septets to 56 bits and back."""
    def rep(mask: int) -> int:
        return int.from_bytes(mask.to_bytes(8, "little") * lanes, "little")
    return tuple(rep(m) for m in (0x007F007F007F007F, 0x7F007F007F007F00, 0x00003FFF00003FFF,
                                  0x3FFF00003FFF0000, 0x000000000FFFFFFF, 0x0FFFFFFF00000000,
                                  0x00FFFFFFF0000000, 0x0FFFC0000FFFC000, 0x3F803F803F803F80))


def pack(septets: bytes, fill_bits: int = 0) -> bytes:
    """Pack septet values (each < 128) into octets, least significant bit first.

    ``fill_bits`` zero bits come first (the fill after a user data header).
    The result has ``ceil((7 * len(septets) + fill_bits) / 8)`` octets.
    """
    count = len(septets)
    if not count:
        return bytes((fill_bits + 7) // 8)
    lanes = (count + 7) // 8
    m = _lane_masks(lanes)
    x = int.from_bytes(septets, "little")
    x = (x & m[0]) | ((x & m[1]) >> 1)
    x = (x & m[2]) | ((x & m[3]) >> 2)
    x = (x & m[4]) | ((x & m[5]) >> 4)
    lanes_bytes = bytearray(x.to_bytes(8 * lanes, "little"))
    del lanes_bytes[7::8]
    size = (7 * count + fill_bits + 7) // 8
    if fill_bits:
        return (int.from_bytes(lanes_bytes, "little") << fill_bits).to_bytes(size + 1, "little")[:size]
    return bytes(lanes_bytes[:size])


def unpack(data: bytes, count: int, fill_bits: int = 0) -> bytes:
    """The first ``count`` septet values packed in ``data`` after ``fill_bits`` bits."""
    if count <= 0:
        return b""
    if fill_bits:
        data = (int.from_bytes(data, "little") >> fill_bits).to_bytes(len(data), "little")
    lanes = (count + 7) // 8
    buf = bytearray(8 * lanes)
    data = bytes(data[:7 * lanes]).ljust(7 * lanes, b"\0")
    for k in range(7):
        buf[k::8] = data[k::7]
    m = _lane_masks(lanes)
    x = int.from_bytes(buf, "little")
    x = (x & m[4]) | ((x & m[6]) << 4)
    x = (x & m[2]) | ((x & m[7]) << 2)
    x = (x & m[0]) | ((x & m[8]) << 1)
    return x.to_bytes(8 * lanes, "little")[:count]
