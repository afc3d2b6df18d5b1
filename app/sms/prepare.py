"""Message options as users know them, turned into the text and encoding to send.

Diafaan message types (:data:`MESSAGE_TYPES`):

``sms.automatic``
    GSM 7-bit when the text allows it (national tables included), else UCS-2.
``sms.text``
    Always GSM 7-bit; characters it cannot carry become ``?``.
``sms.unicode``
    Always UCS-2.
``sms.flash``, ``sms.flash.text``, ``sms.flash.unicode``
    The same as a class 0 (flash) message, shown at once and not stored.

Retarus options, any letter case: ``encoding`` ``STANDARD`` (GSM 7-bit) or
``UTF-16`` (UCS-2) overrides the type's encoding; ``invalid_characters`` says
what happens to characters GSM 7-bit cannot carry: ``REFUSE`` (raise
:class:`EncodeError` naming them; the default with ``STANDARD``), ``REPLACE``
(``?``; the default of ``sms.text``), ``TO_UTF16`` (send the message in
UCS-2 instead; what ``sms.automatic`` does), ``TRANSLITERATE`` (apply
:data:`~app.sms.translit.TRANSLITERATION`, then go on as the type says:
``?`` for what is left in GSM mode, UCS-2 in automatic mode). A text that
needs more parts than ``max_parts`` (1–20), or than the
:data:`MAX_CONCAT_PARTS` a concatenated SMS can have, is refused with
:class:`EncodeError`: nothing is cut off silently, and a huge text is refused
before it costs any work.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.sms.counter import Layout, SmsCount, count, count_of, layout
from app.sms.errors import EncodeError
from app.sms.translit import TRANSLITERATION, transliterate

MESSAGE_TYPES = ("sms.automatic", "sms.text", "sms.unicode", "sms.flash", "sms.flash.text", "sms.flash.unicode")
INVALID_CHARACTERS = ("REFUSE", "REPLACE", "TO_UTF16", "TRANSLITERATE")
RETARUS_ENCODINGS = ("STANDARD", "UTF-16")
MAX_PARTS = 20
#: Parts a concatenated SMS can have at most (one octet counts them, TS 23.040 9.2.3.24.1).
MAX_CONCAT_PARTS = 255
#: No text longer than this fits in MAX_CONCAT_PARTS parts (153 GSM 7-bit characters each).
_LONGEST_TEXT = MAX_CONCAT_PARTS * 153

#: Message type → (encoding mode of :func:`app.sms.counter.layout`, flash).
_TYPES = {"sms.automatic": ("auto", False), "sms.text": ("gsm", False), "sms.unicode": ("ucs2", False),
          "sms.flash": ("auto", True), "sms.flash.text": ("gsm", True), "sms.flash.unicode": ("ucs2", True)}


@dataclass(frozen=True)
class Prepared:
    """The text to send and how: pass ``text``, ``encoding``, ``flash`` and ``national`` to
    :func:`app.sms.pdu.encode_submit` and it sends exactly ``count.parts`` parts."""

    text: str
    encoding: str
    flash: bool
    national: bool
    count: SmsCount
    #: Always False: a text longer than its part limit is refused (kept for callers that read it).
    truncated: bool = False
    replaced: list[str] = field(default_factory=list)


def _invalid(text: str, national: bool) -> tuple[list[str], Layout]:
    """Characters of ``text`` that GSM 7-bit cannot carry (none if a national table pair can), with its
    GSM 7-bit layout."""
    lay = layout(text, "gsm", national)
    if lay.text == text:
        return [], lay
    return list(dict.fromkeys(c for c, sent in zip(text, lay.text) if c != sent)), lay


def prepare(text: str, *, message_type: str = "sms.automatic", encoding: str | None = None,
            invalid_characters: str | None = None, max_parts: int | None = None,
            national: bool = True) -> Prepared:
    """Apply message type and options to ``text`` (see the module doc)."""
    if message_type not in MESSAGE_TYPES:
        raise EncodeError(f"unknown message type {message_type!r}; use one of {', '.join(MESSAGE_TYPES)}")
    mode, flash = _TYPES[message_type]
    policy = None
    if encoding is not None:
        chosen = encoding.upper()
        if chosen not in RETARUS_ENCODINGS:
            raise EncodeError(f"unknown encoding {encoding!r}; use STANDARD or UTF-16")
        mode = "ucs2" if chosen == "UTF-16" else "gsm"
        policy = "REFUSE" if chosen == "STANDARD" else None
    if invalid_characters is not None:
        policy = invalid_characters.upper()
        if policy not in INVALID_CHARACTERS:
            raise EncodeError(f"unknown invalidCharacters {invalid_characters!r}; use one of "
                              f"{', '.join(INVALID_CHARACTERS)}")
    if max_parts is not None and not 1 <= max_parts <= MAX_PARTS:
        raise EncodeError(f"maxParts must be between 1 and {MAX_PARTS}, not {max_parts}")
    if len(text) > _LONGEST_TEXT:
        raise EncodeError(f"the text of {len(text):,} characters needs more than the {MAX_CONCAT_PARTS} parts "
                          "a concatenated SMS can have")
    replaced: list[str] = []
    gsm: Layout | None = None
    if mode != "ucs2":
        if policy == "TRANSLITERATE":
            replaced = list(dict.fromkeys(c for c in text if ord(c) in TRANSLITERATION))
            text = transliterate(text)
        invalid, gsm = _invalid(text, national)
        if invalid:
            if policy == "REFUSE":
                raise EncodeError(f"the text has characters GSM 7-bit cannot carry: {''.join(invalid)!r}")
            if policy == "TO_UTF16" or (mode == "auto" and policy != "REPLACE"):
                mode = "ucs2" if mode == "gsm" else "auto"
            else:
                text = gsm.text
                replaced += [c for c in invalid if c not in replaced]
                mode = "gsm"
    if gsm is not None and gsm.text == text and not gsm.charset.udh_tables and mode in ("auto", "gsm"):
        # the default alphabet carries the text: the layout made is the one counting would make again
        final = count_of(gsm)
    else:
        final = count(text, encoding=mode, national=national)
    limit = max_parts or MAX_CONCAT_PARTS
    if final.parts > limit:
        allowed = f"maxParts {max_parts}" if max_parts else f"the {MAX_CONCAT_PARTS} a concatenated SMS can have"
        raise EncodeError(f"the text needs {final.parts} parts, more than {allowed}")
    return Prepared(text, final.encoding, flash, national, final, False, replaced)
