"""Phone numbers and sender ids as the SMS layer accepts them.

:func:`normalize_number` turns what an operator or an API client typed into
the canonical form stored and sent:

* spaces, dashes, parentheses, dots and slashes are removed;
* ``+<digits>`` and ``00<digits>`` are international and become ``+<digits>``
  (E.164: at most 15 digits);
* a national number with a trunk prefix (``0176 1234567``) becomes
  international when a default country is given, as its **calling code**
  (``"49"`` or ``"+49"``, the form of the ``default_country`` setting);
  without one it is kept as digits;
* other digit strings (short codes of 3–8 digits, subscriber numbers) are kept.

Anything else raises :class:`InvalidNumber` with the reason.
"""

from __future__ import annotations

import re

from app.sms.alphabet import EXTENSION_CHARS, GSM_CHARS
from app.sms.errors import InvalidNumber

__all__ = ["InvalidNumber", "normalize_number", "is_alphanumeric_sender", "validate_sender",
           "MAX_DIGITS", "MAX_ALPHANUMERIC", "MAX_NUMERIC_SENDER"]

#: E.164 allows at most 15 digits after the "+".
MAX_DIGITS = 15
#: TS 23.040 alphanumeric address: 11 characters of the GSM alphabet.
MAX_ALPHANUMERIC = 11
#: Longest numeric sender id accepted (the TP-OA limit is 20 semi-octets; providers take 16).
MAX_NUMERIC_SENDER = 16
#: Shortest number accepted (short codes are 3–8 digits).
MIN_DIGITS = 3

_SEPARATORS = str.maketrans("", "", " \t-().\u00a0/")
_CALLING_CODE = re.compile(r"\+?([1-9][0-9]{0,2})")


def _calling_code(default_country: str) -> str:
    match = _CALLING_CODE.fullmatch(default_country.strip())
    if not match:
        raise InvalidNumber(f"default country {default_country!r} is not a calling code such as \"49\"")
    return match.group(1)


def normalize_number(number: str, default_country: str | None = None) -> str:
    """Return ``number`` in canonical form (see the module doc), or raise :class:`InvalidNumber`."""
    if number is None or not str(number).strip():
        raise InvalidNumber("the number is empty")
    cleaned = str(number).translate(_SEPARATORS)
    international = cleaned.startswith("+")
    digits = cleaned[1:] if international else cleaned
    if not digits.isascii() or not digits.isdigit():
        bad = sorted({c for c in digits if not (c.isascii() and c.isdigit())})
        raise InvalidNumber(f"{number!r} is not a phone number: it contains {''.join(bad)!r}")
    if not international and digits.startswith("00"):
        international, digits = True, digits[2:]
    elif not international and default_country and digits.startswith("0") and len(digits) > 1:
        international, digits = True, _calling_code(default_country) + digits[1:]
    if international and digits.startswith("0"):
        raise InvalidNumber(f"{number!r}: an international number cannot start with 0 after the country prefix")
    if len(digits) > MAX_DIGITS:
        raise InvalidNumber(f"{number!r} has {len(digits)} digits; a phone number has at most {MAX_DIGITS}")
    if len(digits) < MIN_DIGITS:
        raise InvalidNumber(f"{number!r} is too short; a number has at least {MIN_DIGITS} digits")
    return "+" + digits if international else digits


def is_alphanumeric_sender(sender: str) -> bool:
    """True if ``sender`` is a name: anything but digits, separators and a leading ``+``."""
    cleaned = sender.translate(_SEPARATORS)
    body = cleaned[1:] if cleaned.startswith("+") else cleaned
    return not (body.isascii() and body.isdigit())


def validate_sender(sender: str) -> str:
    """Return the sender id to use, or raise :class:`InvalidNumber` saying why it cannot be used.

    An alphanumeric sender is at most 11 characters of the GSM alphabet
    (extension characters such as ``€`` count two); a numeric one is at most
    16 digits, with an optional leading ``+``, separators removed.
    """
    if sender is None or not sender.strip():
        raise InvalidNumber("the sender is empty")
    if is_alphanumeric_sender(sender):
        name = sender.strip()
        bad = sorted({c for c in name if c not in GSM_CHARS})
        if bad:
            raise InvalidNumber(f"sender {name!r} has characters outside the GSM alphabet: {''.join(bad)!r}")
        size = len(name) + sum(name.count(c) for c in EXTENSION_CHARS)
        if size > MAX_ALPHANUMERIC:
            raise InvalidNumber(f"sender {name!r} is {size} characters long; a sender name has at most "
                                f"{MAX_ALPHANUMERIC}")
        return name
    cleaned = sender.translate(_SEPARATORS)
    digits = cleaned.lstrip("+")
    if len(digits) > MAX_NUMERIC_SENDER:
        raise InvalidNumber(f"sender {sender!r} has {len(digits)} digits; a numeric sender has at most "
                            f"{MAX_NUMERIC_SENDER}")
    return cleaned
