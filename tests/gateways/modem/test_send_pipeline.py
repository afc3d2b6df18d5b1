"""The send pipeline alone: the real AT channel and driver on a pty whose modem side the test writes by hand,
with the answers 3GPP TS 27.005 gives for AT+CMGS (``> `` prompt, ``+CMGS: <mr>``, ``+CMS ERROR: <err>``)."""

from __future__ import annotations

import asyncio

import pytest

from app.gateways.base import OutboundSms
from app.gateways.modem.driver import ModemDriver, Timing
from app.gateways.modem.send_pipeline import SendPipeline
from app.sms.pdu import decode

THREE_PARTS = "".join(f"part text {i:03d} " for i in range(30))  # 420 GSM characters: 3 parts of 153


def sms(text: str = "Hallo", to: str = "+4917612345678", **kwargs) -> OutboundSms:
    return OutboundSms(message_id=1, uid="u1", recipient=to, text=text, **kwargs)


class Calls:
    """What the pipeline told its gateway."""

    def __init__(self):
        self.counted = 0
        self.hung: list[str] = []

    def count(self) -> None:
        self.counted += 1


@pytest.fixture
def pipeline(raw_line):
    channel, reads, writes, _ = raw_line
    driver = ModemDriver(channel, timing=Timing(command=0.3, send=0.3))
    calls = Calls()
    made = SendPipeline(driver.submit_pdu, counted=calls.count, hung=calls.hung.append)
    return made, reads, writes, calls


async def takes_part(reads, writes, answer: str, prompt: str = "\r\n> ") -> str:
    """Play the modem for one part: read AT+CMGS, prompt, read the PDU, answer; returns the PDU."""
    command = await reads()
    assert command.startswith("AT+CMGS=") and command.endswith("\r")
    writes(prompt)
    data = await reads()
    assert data.endswith("\x1a")
    writes(answer)
    pdu = data[:-1]
    assert int(command[8:-1]) == len(pdu) // 2 - 1 - int(pdu[:2], 16)  # TPDU length without the SMSC field
    return pdu


async def nothing_more_written(reads) -> None:
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(reads(), 0.4)


async def test_every_part_answered_is_sent_with_its_references_in_part_order(pipeline):
    pipe, reads, writes, calls = pipeline
    outcome = asyncio.create_task(pipe.send(sms(THREE_PARTS, status_report=True)))
    pdus = [await takes_part(reads, writes, f"\r\n+CMGS: {mr}\r\n\r\nOK\r\n") for mr in (17, 18, 19)]
    result = await outcome
    assert result.ok and result.references == ("17", "18", "19") and result.parts == 3
    submits = [decode(p, direction="out") for p in pdus]
    assert [s.concat.part for s in submits] == [1, 2, 3] and all(s.status_report_request for s in submits)
    assert "".join(s.text for s in submits) == THREE_PARTS
    assert calls.counted == 1 and calls.hung == []


async def test_a_bare_prompt_and_a_reference_with_a_timestamp_are_taken(pipeline):
    pipe, reads, writes, calls = pipeline
    outcome = asyncio.create_task(pipe.send(sms()))
    await takes_part(reads, writes, '\r\n+CMGS: 201,"24/03/01,12:00:00+04"\r\n\r\nOK\r\n', prompt=">")
    assert (await outcome).references == ("201",)


async def test_cms_error_for_part_2_of_3_fails_it_and_never_writes_part_3(pipeline):
    pipe, reads, writes, calls = pipeline
    outcome = asyncio.create_task(pipe.send(sms(THREE_PARTS)))
    await takes_part(reads, writes, "\r\n+CMGS: 17\r\n\r\nOK\r\n")
    await takes_part(reads, writes, "\r\n+CMS ERROR: 38\r\n")
    result = await outcome
    await nothing_more_written(reads)
    assert not result.ok and not result.retryable  # part 1 reached the network: no duplicate parts
    assert result.references == ("17",) and result.parts == 3
    assert result.reason.startswith("parts 1–1 of 3 were sent, part 2 failed: +CMS ERROR 38: network out of order")
    assert calls.counted == 1


@pytest.mark.parametrize("error, retryable, reason", [
    ("+CMS ERROR: 38", True, "+CMS ERROR 38: network out of order"),
    ("+CMS ERROR: 1", False, "+CMS ERROR 1: unassigned (unallocated) number"),
])
async def test_a_refused_first_part_is_retried_or_failed_by_the_error(pipeline, error, retryable, reason):
    pipe, reads, writes, calls = pipeline
    outcome = asyncio.create_task(pipe.send(sms(THREE_PARTS)))
    await takes_part(reads, writes, f"\r\n{error}\r\n")
    result = await outcome
    await nothing_more_written(reads)
    assert (result.ok, result.retryable, result.reason, result.references) == (False, retryable, reason, ())
    assert calls.counted == 0  # nothing reached the network


async def test_no_answer_after_the_pdu_fails_it_as_maybe_sent(pipeline):
    pipe, reads, writes, calls = pipeline
    outcome = asyncio.create_task(pipe.send(sms()))
    await takes_part(reads, writes, "")  # the PDU is taken, then silence
    result = await outcome
    assert not result.ok and not result.retryable
    assert result.reason.startswith("the modem stopped answering after part 1 of 1 was handed over; it may have "
                                    "been sent")
    assert calls.counted == 1 and len(calls.hung) == 1


async def test_a_lost_prompt_leaves_the_prompt_and_is_retried_later(pipeline):
    pipe, reads, writes, calls = pipeline
    outcome = asyncio.create_task(pipe.send(sms()))
    assert (await reads()).startswith("AT+CMGS=")  # and no "> " comes
    result = await outcome
    assert await reads() == "\x1b"  # ESC: should the prompt come late, the modem leaves it
    assert (result.ok, result.retryable, result.reason) == (False, True, "the modem stopped answering")
    assert calls.counted == 0 and len(calls.hung) == 1


async def test_an_answer_without_a_reference_is_a_failure(pipeline):
    pipe, reads, writes, calls = pipeline
    outcome = asyncio.create_task(pipe.send(sms()))
    await takes_part(reads, writes, "\r\nOK\r\n")
    result = await outcome
    assert not result.ok and "the modem sent no message reference" in result.reason


async def test_a_message_that_cannot_be_encoded_never_reaches_the_modem(pipeline):
    pipe, reads, writes, calls = pipeline
    result = await pipe.send(sms(to="+49" + "1" * 22))
    assert (result.ok, result.retryable) == (False, False) and "has 24 digits; an address holds at most 20" in result.reason
    await nothing_more_written(reads)


async def test_without_a_modem_the_message_is_retried_later(raw_line):
    pipe = SendPipeline(lambda *a, **k: pytest.fail("nothing is queued"), connected=lambda: False)
    result = await pipe.send(sms())
    assert (result.ok, result.retryable, result.reason) == (False, True, "the modem is not connected")


async def test_the_service_centre_goes_into_every_pdu(raw_line):
    channel, reads, writes, _ = raw_line
    pipe = SendPipeline(ModemDriver(channel, timing=Timing(command=0.3, send=0.3)).submit_pdu,
                        smsc=lambda: "+491710760000")
    outcome = asyncio.create_task(pipe.send(sms()))
    pdu = await takes_part(reads, writes, "\r\n+CMGS: 3\r\n\r\nOK\r\n")
    await outcome
    assert pdu.startswith("07919471")  # 7 octets of SMSC address: international, 49 171 ...


async def test_a_message_queued_behind_one_in_flight_can_be_withdrawn_untried(pipeline):
    pipe, reads, writes, calls = pipeline
    first = pipe.begin(sms())
    second = pipe.begin(sms("behind"))
    assert (await reads()).startswith("AT+CMGS=")
    assert second.untried and second.withdraw()
    writes("\r\n> ")
    await reads()
    writes("\r\n+CMGS: 5\r\n\r\nOK\r\n")
    assert (await pipe.finish(first)).ok
    await nothing_more_written(reads)
    assert not (await pipe.finish(second)).ok and calls.counted == 1
    assert not first.withdraw()  # written: the modem saw it
