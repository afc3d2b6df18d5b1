"""Message types, Retarus options, transliteration."""

import pytest

from app.sms.errors import EncodeError
from app.sms.pdu import encode_submit
from app.sms.prepare import MESSAGE_TYPES, prepare
from app.sms.translit import transliterate, unsupported_gsm_chars


def test_message_types():
    assert prepare("hello").encoding == "gsm"
    assert prepare("Привет").encoding == "ucs2"
    assert prepare("hello", message_type="sms.unicode").encoding == "ucs2"
    text = prepare("Привет ok", message_type="sms.text")
    assert (text.encoding, text.text, text.replaced) == ("gsm", "?????? ok", list("Привет"))
    flash = prepare("hi", message_type="sms.flash")
    assert flash.flash and flash.encoding == "gsm"
    assert prepare("hi", message_type="sms.flash.unicode").encoding == "ucs2"
    assert set(MESSAGE_TYPES) >= {"sms.automatic", "sms.text", "sms.unicode", "sms.flash"}
    with pytest.raises(EncodeError, match="unknown message type"):
        prepare("x", message_type="sms.binary")


def test_retarus_encoding_and_invalid_characters():
    assert prepare("hi", encoding="utf-16").encoding == "ucs2"
    with pytest.raises(EncodeError, match="'Жы'"):
        prepare("a Жы", encoding="STANDARD")
    with pytest.raises(EncodeError, match="'Ж'"):
        prepare("a Ж", invalid_characters="refuse")
    replaced = prepare("a Ж", encoding="STANDARD", invalid_characters="REPLACE")
    assert (replaced.text, replaced.replaced) == ("a ?", ["Ж"])
    assert prepare("a Ж", encoding="STANDARD", invalid_characters="TO_UTF16").encoding == "ucs2"
    translit = prepare("„Grüße“ – naïve", encoding="STANDARD", invalid_characters="TRANSLITERATE")
    assert (translit.encoding, translit.text) == ("gsm", '"Grüße" - naive')
    assert translit.replaced == ["„", "“", "–", "ï"]
    with pytest.raises(EncodeError, match="invalidCharacters"):
        prepare("x", invalid_characters="IGNORE")
    with pytest.raises(EncodeError, match="STANDARD or UTF-16"):
        prepare("x", encoding="latin1")


def test_national_text_is_not_invalid():
    turkish = prepare("Şişli", message_type="sms.text")
    assert (turkish.encoding, turkish.text, turkish.count.language) == ("gsm", "Şişli", "Turkish")
    assert prepare("Şişli", message_type="sms.text", national=False).text == "?i?li"


def test_a_text_longer_than_max_parts_is_refused_not_cut():
    assert prepare("a" * 306, max_parts=2).count.parts == 2
    with pytest.raises(EncodeError, match="needs 4 parts, more than maxParts 2"):
        prepare("a" * 500, max_parts=2)
    assert prepare("a" * 160, max_parts=1).count.parts == 1
    with pytest.raises(EncodeError, match="more than maxParts 1"):
        prepare("a" * 161, max_parts=1)
    with pytest.raises(EncodeError, match="more than maxParts 1"):
        prepare("😀" * 36, max_parts=1)
    assert prepare("😀" * 35, max_parts=1).count.parts == 1
    with pytest.raises(EncodeError, match="between 1 and 20"):
        prepare("x", max_parts=21)


def test_a_text_needing_more_than_255_parts_is_refused_at_once():
    assert prepare("a" * 255 * 153).count.parts == 255
    with pytest.raises(EncodeError, match="needs 256 parts, more than the 255"):
        prepare("a" * (255 * 153 - 1) + "€")  # the euro sign takes two septets
    with pytest.raises(EncodeError, match="39,016 characters needs more than the 255 parts"):
        prepare("a" * (255 * 153 + 1))
    with pytest.raises(EncodeError, match="more than the 255"):
        prepare("ж" * (255 * 67 + 1))
    with pytest.raises(EncodeError, match="15,000,000 characters needs more than the 255 parts"):
        prepare("x" * 15_000_000)


def test_prepared_message_encodes_to_counted_parts():
    for text in ("a" * 400, "Çok güzel bir gün, şimdi İstanbul'dayız. " * 4, "Привет " * 30):
        prepared = prepare(text)
        parts = encode_submit("+4917612345678", prepared.text, encoding=prepared.encoding,
                              flash=prepared.flash, national=prepared.national)
        assert len(parts) == prepared.count.parts


def test_transliteration_table():
    assert transliterate("Ł ó ś ć ż ń ą ę") == "L o s c z n a e"
    assert transliterate("‘quote’ “double” – — …") == "'quote' \"double\" - - ..."
    assert transliterate("Καλημέρα") == "KAΛHMEPA"
    assert transliterate("Сахар") == "Caxap"
    assert transliterate("a\u00a0b\u200bc") == "a bc"
    assert transliterate("Grüße") == "Grüße"  # GSM has these


def test_unsupported_characters_in_order():
    assert unsupported_gsm_chars("hello €") == []
    assert unsupported_gsm_chars("Ação 😀 ação") == ["ç", "ã", "😀"]


def test_the_count_prepared_is_the_count_of_the_text_sent():
    from app.sms.counter import count

    texts = ["Hello", "x" * 160, "x" * 161, "€" * 80, "Preis: 5 € [netto] {brutto}", "ç and ş and ğ", "Привет",
             "emoji 😀 here", "a" * 153 + "€", "tab\tand\nnew line", "Ωmega", "a`b", ""]
    checked = 0
    for text in texts:
        for message_type, mode in (("sms.automatic", "auto"), ("sms.text", "gsm"), ("sms.unicode", "ucs2")):
            for national in (True, False):
                prepared = prepare(text, message_type=message_type, national=national)
                assert prepared.count == count(prepared.text, encoding=mode, national=national), (text, mode)
                checked += 1
    assert checked == len(texts) * 6
