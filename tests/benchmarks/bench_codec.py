"""Throughput of the SMS codec: encode, decode and count.

Run: ``python tests/benchmarks/bench_codec.py``. Prints messages per second
for single-part encodes, decodes of received PDUs and a realistic mix
(short GSM, long GSM multipart, UCS-2, emoji), and the time of one ``count``
of a 1,000-character text. Targets: 20,000 encodes/s, 10,000 decodes/s,
count under 50 µs.
"""

from __future__ import annotations

import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", ".."))

from app.sms.counter import count  # noqa: E402
from app.sms.pdu import decode, encode_submit  # noqa: E402

SHORT = "Your code is 482913. It expires in 10 minutes."
LONG = ("Dear customer, your order 55123 has shipped and will arrive on Tuesday between 9:00 and 13:00. "
        "Track it at example.com/t/55123 or reply STOP to opt out. Questions? Call us [Mon-Fri] {8-18}. ") * 2
UCS2 = "Ваш заказ отправлен и прибудет во вторник. Спасибо!"
EMOJI = "Happy birthday! 🎉🎂 See you tonight 😀👍"
MIX = [SHORT] * 5 + [LONG] * 2 + [UCS2] * 2 + [EMOJI]
DESTINATION = "+4917612345678"


def per_second(func, items: list, seconds: float = 1.5) -> float:
    """Calls of ``func`` per second over ``items`` (cycled) for about ``seconds``."""
    done = 0
    start = time.perf_counter()
    while True:
        for item in items:
            func(item)
        done += len(items)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


def received(pdu_hex: str) -> str:
    """The SMS-DELIVER an SMS-SUBMIT of :func:`encode_submit` arrives as (what a modem reports).

    The SUBMIT to ``DESTINATION`` without validity has its TP-UDL at octet 14.
    """
    submit = decode(pdu_hex)
    first = 0x44 if submit.udh else 0x04
    return f"00{first:02X}0D91947116325476F800{submit.dcs:02X}52106231124580" + pdu_hex[28:]


def main() -> None:
    singles = [SHORT, UCS2, EMOJI, "Meeting moved to 15:30, room B."]
    encode_rate = per_second(lambda text: encode_submit(DESTINATION, text), singles)
    mix_encode_rate = per_second(lambda text: encode_submit(DESTINATION, text, concat_reference=1), MIX)
    part_hexes = [p.hex for text in MIX for p in encode_submit(DESTINATION, text, concat_reference=1)]
    delivers = [received(h) for h in part_hexes]
    assert [decode(d).text for d in delivers] == [decode(h).text for h in part_hexes]
    single_delivers = [received(encode_submit(DESTINATION, t)[0].hex) for t in singles]
    decode_rate = per_second(decode, single_delivers)
    mix_decode_rate = per_second(decode, delivers)
    text_1000 = (LONG * 3)[:1000]
    rounds = 20000
    start = time.perf_counter()
    for _ in range(rounds):
        count(text_1000)
    count_us = (time.perf_counter() - start) / rounds * 1e6
    ucs2_1000 = (UCS2 + " " + EMOJI + " ") * 12
    ucs2_1000 = ucs2_1000[:1000]
    start = time.perf_counter()
    for _ in range(rounds // 4):
        count(ucs2_1000)
    count_ucs2_us = (time.perf_counter() - start) / (rounds // 4) * 1e6
    turkish_1000 = ("Şu an İstanbul'dayım, çok güzel bir gün. Ğ ı ş ç " * 25)[:1000]
    start = time.perf_counter()
    for _ in range(rounds // 10):
        count(turkish_1000)
    count_turkish_us = (time.perf_counter() - start) / (rounds // 10) * 1e6
    print(f"encode, single-part messages:      {encode_rate:10,.0f} /s   (target 20,000)")
    print(f"decode, single-part SMS-DELIVER:    {decode_rate:10,.0f} /s   (target 10,000)")
    print(f"encode, mix (messages):             {mix_encode_rate:10,.0f} /s")
    print(f"decode, mix (PDUs of the mix):      {mix_decode_rate:10,.0f} /s")
    print(f"count, 1,000 GSM characters:        {count_us:10.1f} µs  (target < 50)")
    print(f"count, 1,000 UCS-2/emoji characters:{count_ucs2_us:10.1f} µs")
    print(f"count, 1,000 Turkish characters:    {count_turkish_us:10.1f} µs  (national tables tried)")


if __name__ == "__main__":
    main()
