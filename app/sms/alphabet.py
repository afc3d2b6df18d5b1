"""The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 §6.2.1).

Tables are 128-character strings indexed by septet value. In a table,
:data:`ESC` (U+001B) stands at 0x1B, the escape to the extension (single
shift) table, and :data:`UNDEFINED` marks a code the table does not define.
"""

from __future__ import annotations

#: Placeholder for codes that a table leaves undefined.
UNDEFINED = "\uffff"
#: The escape septet 0x1B as it appears in a table string.
ESC = "\x1b"

#: TS 23.038 §6.2.1, the default alphabet; one line per column of the standard's table.
DEFAULT_TABLE = (
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNO"
    "PQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmno"
    "pqrstuvwxyzäöñüà"
)

#: TS 23.038 §6.2.1.1, the extension table reached by ESC: code → character.
_EXTENSION = {0x0A: "\f", 0x14: "^", 0x28: "{", 0x29: "}", 0x2F: "\\",
              0x3C: "[", 0x3D: "~", 0x3E: "]", 0x40: "|", 0x65: "€"}
DEFAULT_SHIFT_TABLE = "".join(_EXTENSION.get(code, UNDEFINED) for code in range(128))

#: Characters of the default alphabet that cost one septet.
BASIC_CHARS = frozenset(DEFAULT_TABLE) - {ESC}
#: Characters of the extension table; each costs two septets (ESC + code).
EXTENSION_CHARS = frozenset(_EXTENSION.values())
#: Every character that plain GSM 7-bit can carry.
GSM_CHARS = BASIC_CHARS | EXTENSION_CHARS

assert len(DEFAULT_TABLE) == 128 and len(BASIC_CHARS) == 127

