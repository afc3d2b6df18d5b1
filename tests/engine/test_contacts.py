"""The contacts and groups manager: numbers normalised, groups, CSV and vCard round trips."""

from __future__ import annotations

import pytest

from app.engine.requests import EngineError


@pytest.fixture
def book(make_engine):
    engine = make_engine()
    engine.set_setting("default_country", "49")
    return engine.contacts


def test_add_normalises_the_number_and_lists_by_name(book):
    book.add("zoe", "0176 1234567", groups=["Staff"])
    book.add("Adam", "+1 555 0100 200")
    assert [(c.name, c.number, c.groups) for c in book.list()] == [
        ("Adam", "+15550100200", ()), ("zoe", "+491761234567", ("Staff",))]
    assert [c.name for c in book.list("176")] == ["zoe"]
    assert book.name_of("+491761234567") == "zoe"
    assert book.name_of("+000") == ""


def test_bad_input_is_refused_in_words(book):
    with pytest.raises(EngineError, match="not a phone number"):
        book.add("X", "call me")
    with pytest.raises(EngineError, match="needs a name"):
        book.add("  ", "+15550001")
    book.add_group("Team")
    with pytest.raises(EngineError, match="exists already"):
        book.add_group("Team")


def test_groups_members_update_and_remove(book):
    a = book.add("Ann", "+15550001", groups=["Team", "Night"])
    book.add("Bob", "+15550002", groups=["Team"])
    assert book.groups() == [("Night", 1), ("Team", 2)]
    assert [c.name for c in book.members("Team")] == ["Ann", "Bob"]
    book.update(a.id, name="Anna", number="+15550009", groups=["Team"])
    assert book.groups() == [("Night", 0), ("Team", 2)]
    assert book.get(a.id).number == "+15550009"
    book.remove_group("Night")
    assert book.groups() == [("Team", 2)]
    assert book.remove([a.id]) == 1
    assert [c.name for c in book.members("Team")] == ["Bob"]


def test_csv_round_trip_and_problems_reported(book):
    result = book.import_csv("\ufeffName;Mobile;Groups\nAnn;0176 111;\"A;B\"\nBad;phone?;\nCid;+1 555 0003;\n")
    assert result.added == 2 and len(result.problems) == 1 and "entry 2" in result.problems[0]
    text = book.export_csv()
    assert text.splitlines()[0] == "name,number,note,groups"
    assert "Ann,+49176111,,A;B" in text
    with pytest.raises(EngineError, match="no number column"):
        book.import_csv("name,email\nx,y\n")


def test_vcard_round_trip(book):
    vcards = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dr. Ann\\, PhD\r\nTEL;TYPE=HOME:+15550001\r\n"
              "TEL;TYPE=CELL:0176 222\r\nNOTE:line one\\nline two\r\nCATEGORIES:Team,VIP\r\nEND:VCARD\r\n"
              "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Smith;John;;;\r\nTEL:+1555\r\n 0002\r\nEND:VCARD\r\n")
    assert book.import_vcard(vcards).added == 2
    ann, john = book.list()
    assert (ann.name, ann.number, ann.note, ann.groups) == ("Dr. Ann, PhD", "+49176222", "line one\nline two",
                                                            ("Team", "VIP"))
    assert (john.name, john.number) == ("John Smith", "+15550002")
    again = book.export_vcard()
    book.remove([ann.id, john.id])
    assert book.import_vcard(again).added == 2
    assert [(c.name, c.number, c.groups) for c in book.list()] == [
        ("Dr. Ann, PhD", "+49176222", ("Team", "VIP")), ("John Smith", "+15550002", ())]
