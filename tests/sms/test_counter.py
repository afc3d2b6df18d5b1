"""Part counting at the boundaries handsets use (TS 23.038, TS 23.040 §9.2.3.24)."""

import pytest

from app.sms.counter import count, layout


@pytest.mark.parametrize("length, parts, left", [
    (0, 1, 160), (1, 1, 159), (160, 1, 0), (161, 2, 145), (306, 2, 0), (307, 3, 152),
    (459, 3, 0), (460, 4, 152),
])
def test_gsm_boundaries(length, parts, left):
    result = count("a" * length)
    assert (result.encoding, result.parts, result.left, result.chars) == ("gsm", parts, left, length)


@pytest.mark.parametrize("length, parts, left", [
    (70, 1, 0), (71, 2, 63), (134, 2, 0), (135, 3, 66), (201, 3, 0), (202, 4, 66),
])
def test_ucs2_boundaries(length, parts, left):
    result = count("Ж" * length)
    assert (result.encoding, result.parts, result.left, result.per_part) == (
        "ucs2", parts, left, 70 if parts == 1 else 67)


@pytest.mark.parametrize("char", list("^{}\\[~]|€\f"))
def test_extension_characters_cost_two_septets(char):
    assert count(char).units == 2
    assert count("a" * 158 + char).parts == 1
    assert count("a" * 159 + char).parts == 2


def test_escape_never_split_across_parts():
    text = "a" * 152 + "€" + "b"  # the € would straddle septets 153/154
    assert count(text).parts == 1  # 155 septets fit in one
    text = "a" * 152 + "€" + "b" * 10
    lay = layout(text)
    assert lay.bounds[0] == (0, 152)  # the first part ends one septet short
    assert lay.part_units == (152, 12)


def test_emoji_never_split_across_parts():
    assert count("😀" * 35).parts == 1
    text = "Ж" * 66 + "😀" + "Ж" * 10
    lay = layout(text)
    assert lay.encoding == "ucs2" and lay.bounds[0] == (0, 66)
    assert lay.part_units[0] == 66


def test_emoji_units():
    result = count("hi 😀")
    assert (result.encoding, result.chars, result.units, result.left) == ("ucs2", 4, 5, 65)


def test_national_single_shift_used_when_it_saves_parts():
    text = "Çok güzel bir gün, şimdi İstanbul'dayız. " * 4  # Turkish, 164 chars
    result = count(text)
    assert result.encoding == "gsm" and result.language == "Turkish"
    assert result.parts == 2 and result.per_part in (149, 146)
    assert count(text, national=False).encoding == "ucs2"
    assert count(text, national=False).parts == 3


def test_national_table_udh_costs_capacity_even_in_one_part():
    text = "ş" + "a" * 154  # 155 septets with the Turkish single shift (3-octet IE): fits in one part
    result = count(text)
    assert result.language == "Turkish" and result.parts == 1
    assert result.per_part == 155 and result.left == 0
    assert count("ş" + "a" * 155).parts == 2


def test_short_national_text_stays_ucs2_when_no_parts_saved():
    assert count("Şişli").encoding == "ucs2"


def test_spanish_and_portuguese():
    spanish = "Información sobre la canción: él está aquí. " * 4
    assert count(spanish).language in ("Spanish", "Portuguese")
    portuguese = "Ação, não é possível à Tânia ver o coração. " * 4
    assert count(portuguese).language == "Portuguese"


def test_forced_encodings():
    assert count("hello", encoding="ucs2").encoding == "ucs2"
    forced = count("Привет", encoding="gsm")
    assert (forced.encoding, forced.units) == ("gsm", 6)


def test_unknown_encoding():
    with pytest.raises(ValueError):
        count("x", encoding="latin1")


def test_count_to_dict():
    assert count("hello").to_dict() == {"encoding": "gsm", "parts": 1, "chars": 5, "units": 5, "left": 155,
                                        "per_part": 160, "language": None, "locking_shift": 0,
                                        "single_shift": 0}
