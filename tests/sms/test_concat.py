"""Reassembly of concatenated incoming messages."""

from app.sms.concat import MISSING_PART, Reassembler
from app.sms.pdu import decode, encode_submit


def deliver_parts(text: str, sender: str = "+4917612345678", reference: int = 42):
    """SMS-DELIVERs for ``text``: built from SMS-SUBMIT parts by swapping the header fields."""
    parts = []
    for part in encode_submit(sender, text, concat_reference=reference):
        submit = decode(part.hex)
        parts.append(submit)
    return parts


def as_deliver(submit, sender):
    from app.sms.pdu import Deliver
    return Deliver(smsc=None, text=submit.text, encoding=submit.encoding, dcs=submit.dcs,
                   message_class=submit.message_class, pid=0, udh=submit.udh, concat=submit.concat,
                   language=submit.language, raw=submit.raw, sender=sender)


def make(text, sender="+4917612345678", reference=42):
    return [as_deliver(s, sender) for s in deliver_parts(text, sender, reference)]


def test_single_part_message_passes_through():
    [sms] = make("hello")
    message = Reassembler().add(sms, now=0)
    assert message.complete and message.text == "hello" and message.total_parts == 1


def test_out_of_order_and_duplicate_parts():
    text = "x" * 200 + "y" * 200
    first, second, third = make(text)
    box = Reassembler()
    assert box.add(third, 0) is None
    assert box.add(first, 1) is None
    assert box.add(first, 2) is None  # repeated part ignored
    message = box.add(second, 3)
    assert message.complete and message.text == text and message.parts_received == 3
    assert message.pdus == [first.raw, second.raw, third.raw]
    assert box.pending() == []


def test_sets_are_kept_apart_by_sender_and_reference():
    box = Reassembler()
    a1, a2 = make("a" * 200, reference=1)
    b1, b2 = make("b" * 200, reference=2)
    c1, c2 = make("c" * 200, sender="+33612345678", reference=1)
    for part in (a1, b1, c1):
        assert box.add(part, 0) is None
    assert len(box.pending()) == 3
    assert box.add(b2, 1).text == "b" * 200
    assert box.add(c2, 1).text == "c" * 200
    assert box.add(a2, 1).text == "a" * 200


def test_incomplete_set_released_after_timeout():
    first, _, third = make("p" * 400)
    box = Reassembler(timeout=60)
    box.add(first, now=100)
    box.add(third, now=130)
    assert box.expire(now=159) == []
    [message] = box.expire(now=160)
    assert not message.complete and message.parts_received == 2 and message.total_parts == 3
    assert MISSING_PART.format(part=2, total=3) in message.text
    assert message.text.startswith(first.text) and message.text.endswith(third.text)
    assert box.pending() == []


def test_emoji_split_by_a_sender_is_joined():
    from dataclasses import replace
    [whole] = make("😀")
    high, low = "😀".encode("utf-16-be", "surrogatepass")[:2], "😀".encode("utf-16-be", "surrogatepass")[2:]
    from app.sms.udh import Concat
    p1 = replace(whole, text=high.decode("utf-16-be", "surrogatepass"), concat=Concat(5, 1, 2))
    p2 = replace(whole, text=low.decode("utf-16-be", "surrogatepass"), concat=Concat(5, 2, 2))
    box = Reassembler()
    box.add(p1, 0)
    assert box.add(p2, 0).text == "😀"
