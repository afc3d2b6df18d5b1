"""Property and fuzz tests: round trips for any text, and only PduError from bad PDUs."""

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.sms.counter import count
from app.sms.errors import PduError
from app.sms.national import LANGUAGES
from app.sms.pdu import decode, encode_submit

_GSM = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡AZÄÖÑÜ§¿azäöñüà^{}\\[~]|€\f"
_NATIONAL = "".join(sorted({c for lang in LANGUAGES.values() for c in lang.single.values()}))
texts = st.one_of(
    st.text(alphabet=_GSM, max_size=500),
    st.text(alphabet=_GSM + "şğıİçáíóúêãõ", max_size=400),
    st.text(alphabet=_NATIONAL + "abc ", max_size=400),
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from(list("aé€😀👍🏽Ж中 ")), max_size=300),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, encoding=st.sampled_from(["auto", "gsm", "ucs2"]), national=st.booleans(),
       flash=st.booleans())
def test_decode_of_encode_reproduces_text_and_count(text, encoding, national, flash):
    parts = encode_submit("+4917612345678", text, encoding=encoding, national=national, flash=flash,
                          concat_reference=77)
    expected = count(text, encoding=encoding, national=national)
    assert len(parts) == expected.parts
    decoded = [decode(p.hex) for p in parts]
    sent = "".join(p.text for p in parts)
    assert "".join(d.text for d in decoded) == sent
    if encoding == "gsm":  # forced 7-bit: characters it cannot carry are sent as "?"
        assert len(sent) == len(text) and all(a == b or b == "?" for a, b in zip(text, sent))
    else:
        assert sent == text
    for part, sms in zip(parts, decoded):
        assert part.length == len(part.hex) // 2 - 1
        assert sms.flash == flash
        if len(parts) > 1:
            assert (sms.concat.reference, sms.concat.part, sms.concat.total) == (77, part.part, len(parts))


@settings(max_examples=300, deadline=None)
@given(text=st.one_of(st.text(alphabet=_GSM, max_size=500), st.text(max_size=300)),
       national=st.booleans())
def test_auto_round_trip_is_exact(text, national):
    parts = encode_submit("+4917612345678", text, national=national, concat_reference=1)
    assert "".join(decode(p.hex).text for p in parts) == text
    assert len(parts) == count(text, national=national).parts


_SEEDS = [
    "07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07",
    "0006D60B911326880736F4111011719551401110117195714000",
    "0591721891F1400781721881F800003160526104848059050003C30101916536FB1DCABEEB2074D85E064941B19CAB06",
    "07914346466554F601000B914316565811F9000806304253F68449",
] + [p.hex for p in encode_submit("+4917612345678", "Çok güzel bir gün şimdi " * 8, concat_reference=3)]


def _mutate(rng: random.Random, data: bytearray) -> bytearray:
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        action = rng.random()
        if action < 0.4 and data:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif action < 0.6 and data:
            del data[rng.randrange(len(data)):]
        elif action < 0.8:
            data.insert(rng.randrange(len(data) + 1), rng.randrange(256))
        elif data:
            del data[rng.randrange(len(data))]
    return data


def test_fuzz_decoder_raises_only_pdu_error():
    rng = random.Random(20240601)
    outcomes = {"decoded": 0, "refused": 0}
    for i in range(6000):
        if i % 3 == 0:
            raw = bytes(rng.randrange(256) for _ in range(rng.randint(0, 60))).hex()
        else:
            raw = _mutate(rng, bytearray.fromhex(rng.choice(_SEEDS))).hex()
        if i % 50 == 0:
            raw = raw[:-1]
        try:
            result = decode(raw, has_sca=rng.random() < 0.8)
            result.to_dict()
            outcomes["decoded"] += 1
        except PduError as exc:
            assert str(exc)
            outcomes["refused"] += 1
    assert outcomes["decoded"] > 100 and outcomes["refused"] > 100


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=200))
def test_random_bytes_decode_or_raise_pdu_error(data):
    try:
        decode(data.hex())
    except PduError:
        pass
