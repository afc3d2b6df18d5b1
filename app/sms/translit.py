"""Transliteration to the GSM 7-bit alphabet, and the characters that force Unicode.

:data:`TRANSLITERATION` is the documented table the ``TRANSLITERATE`` option
applies (Retarus ``invalidCharacters``). It maps

* accented Latin letters the GSM alphabet lacks to the closest letter it has
  (``á → a``, ``ç → c``, ``ł → l``, ``œ → oe``);
* typographic quotes, dashes, ellipsis, bullets and special spaces to their
  plain forms (``“ → "``, ``— → -``, ``… → ...``, no-break space → space);
  zero-width characters are dropped;
* Greek letters to the capitals GSM has or their Latin look-alikes
  (``α → A``, ``λ → Λ``, ``ώ → Ω``), the usual way Greek is sent in 7-bit;
* Cyrillic letters that look like Latin ones (``А → A``, ``с → c``, ``у → y``);
  other Cyrillic letters have no sensible look-alike and are left alone.

Characters the table does not map stay as they are.
"""

from __future__ import annotations

from app.sms.alphabet import GSM_CHARS


def _pairs(source: str, target: str) -> dict[int, str]:
    assert len(source) == len(target), (source, target)
    return {ord(s): t for s, t in zip(source, target)}


def _groups(groups: dict[str, str]) -> dict[int, str]:
    return {ord(s): target for target, sources in groups.items() for s in sources}


TRANSLITERATION: dict[int, str] = {
    # Latin letters with marks GSM lacks: the closest letter it has.
    **_groups({"a": "áâãāăąǎ", "A": "ÁÀÂÃĀĂĄǍ", "c": "çćĉċč", "C": "ĆĈĊČ", "d": "ďđð", "D": "ĎĐÐ",
               "e": "êëēĕėęě", "E": "ÈÊËĒĔĖĘĚ", "g": "ĝğġģ", "G": "ĜĞĠĢ", "h": "ĥħ", "H": "ĤĦ",
               "i": "íîïĩīĭįı", "I": "ÍÌÎÏĨĪĬĮİ", "j": "ĵ", "J": "Ĵ", "k": "ķ", "K": "Ķ",
               "l": "ĺļľŀł", "L": "ĹĻĽĿŁ", "n": "ńņňŉ", "N": "ŃŅŇ", "o": "óôõōŏőǒ", "O": "ÓÒÔÕŌŎŐǑ",
               "r": "ŕŗř", "R": "ŔŖŘ", "s": "śŝşšș", "S": "ŚŜŞŠȘ", "t": "ţťŧț", "T": "ŢŤŦȚ",
               "u": "úûũūŭůűųǔ", "U": "ÚÙÛŨŪŬŮŰŲǓ", "w": "ŵ", "W": "Ŵ", "y": "ýÿŷ", "Y": "ÝŸŶ",
               "z": "źżž", "Z": "ŹŻŽ", "oe": "œ", "OE": "Œ", "th": "þ", "Th": "Þ", "ij": "ĳ", "IJ": "Ĳ"}),
    # Typography.
    **_groups({"'": "‘’‚‛′‹›`´", '"': "“”„‟″«»", "-": "–—―‐‑‒−", "*": "•", ".": "·", "x": "×", "/": "÷",
               "|": "¦"}),
    ord("…"): "...", ord("™"): "TM", ord("©"): "(c)", ord("®"): "(R)", ord("½"): "1/2", ord("¼"): "1/4",
    ord("¾"): "3/4", ord("²"): "2", ord("³"): "3", ord("¹"): "1", ord("¢"): "c", ord("\t"): " ",
    **{c: " " for c in (0x00A0, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000)},
    **{c: "" for c in (0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x00AD)},
    # Greek: capitals GSM has, Latin look-alikes for the rest, small letters as capitals.
    **_groups({"A": "ΑΆαά", "B": "Ββ", "Γ": "γ", "Δ": "δ", "E": "ΕΈεέ", "Z": "Ζζ", "H": "ΗΉηή", "Θ": "θ",
               "I": "ΙΊΪιίϊΐ", "K": "Κκ", "Λ": "λ", "M": "Μμ", "N": "Νν", "Ξ": "ξ", "O": "ΟΌοό", "Π": "π",
               "P": "Ρρ", "Σ": "σς", "T": "Ττ", "Y": "ΥΎΫυύϋΰ", "Φ": "φ", "X": "Χχ", "Ψ": "ψ", "Ω": "Ώωώ"}),
    # Cyrillic letters that look like Latin ones.
    **_pairs("АВЕКМНОРСТХЅІЈаеорсухѕіј", "ABEKMHOPCTXSIJaeopcyxsij"),
}

assert all(set(value) <= GSM_CHARS for value in TRANSLITERATION.values())


def transliterate(text: str) -> str:
    """``text`` with every character of :data:`TRANSLITERATION` replaced by its GSM form."""
    return text.translate(TRANSLITERATION)


def unsupported_gsm_chars(text: str) -> list[str]:
    """Characters of ``text`` outside the GSM 7-bit alphabet and its extension, each once,
    in order of appearance: the ones that make a message go out in Unicode."""
    if GSM_CHARS.issuperset(text):
        return []
    return list(dict.fromkeys(c for c in text if c not in GSM_CHARS))
