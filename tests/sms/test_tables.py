"""Spot checks of the GSM 7-bit tables against TS 23.038 §6.2.1 and Annex A."""

import pytest

from app.sms.alphabet import DEFAULT_SHIFT_TABLE, DEFAULT_TABLE
from app.sms.gsm7 import charset
from app.sms.national import LANGUAGE_IDS, LANGUAGES


def test_default_alphabet_landmarks():
    assert (DEFAULT_TABLE[0x00], DEFAULT_TABLE[0x09], DEFAULT_TABLE[0x1B], DEFAULT_TABLE[0x24]) == ("@", "Ç", "\x1b", "¤")
    assert (DEFAULT_TABLE[0x40], DEFAULT_TABLE[0x60], DEFAULT_TABLE[0x7F]) == ("¡", "¿", "à")
    assert DEFAULT_SHIFT_TABLE[0x65] == "€" and DEFAULT_SHIFT_TABLE[0x0A] == "\f"


def test_thirteen_languages_with_their_identifiers():
    assert LANGUAGE_IDS == {"turkish": 1, "spanish": 2, "portuguese": 3, "bengali": 4, "gujarati": 5, "hindi": 6,
                            "kannada": 7, "malayalam": 8, "oriya": 9, "punjabi": 10, "tamil": 11, "telugu": 12,
                            "urdu": 13}
    assert LANGUAGES[2].locking is None  # Spanish has a single shift table only


@pytest.mark.parametrize("lang, table, code, char", [
    (1, "single", 0x47, "Ğ"), (1, "single", 0x73, "ş"), (1, "locking", 0x04, "€"), (1, "locking", 0x40, "İ"),
    (2, "single", 0x09, "ç"), (2, "single", 0x75, "ú"),
    (3, "locking", 0x13, "Ç"), (3, "locking", 0x7D, "`"), (3, "single", 0x7F, "â"),
    (6, "locking", 0x00, "\u0901"), (6, "single", 0x19, "\u0964"),
    (7, "locking", 0x24, "\u0ca1"),  # TS 23.038 V9.1.1 misprints U+0CAA here
    (11, "single", 0x24, "\u0bee"), (12, "single", 0x22, "\u0c6c"),
    (13, "locking", 0x00, "\u0627"), (13, "single", 0x19, "\u0600"),
])
def test_annex_a_entries(lang, table, code, char):
    language = LANGUAGES[lang]
    assert (language.locking_table if table == "locking" else language.single_table)[code] == char


def test_every_table_pair_round_trips_its_characters():
    for lang in LANGUAGES.values():
        pairs = [(0, lang.id)] + ([(lang.id, 0), (lang.id, lang.id)] if lang.locking else [])
        for locking, single in pairs:
            cs = charset(locking, single)
            text = "".join(sorted(cs.chars))
            assert cs.decode(cs.septets(text).encode("latin-1")) == text, lang.name
