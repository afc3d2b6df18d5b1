"""The AT channel over a real pty: line endings, echo, prompt, finals and unsolicited lines."""

from __future__ import annotations

import asyncio

import pytest

from app.gateways.modem.at_channel import AtError, AtTimeout, NotSent, PortGone, Withdrawn
from app.gateways.modem.serial_port import PortBusy, close_port, open_port


async def test_echo_and_cr_cr_lf_endings_are_handled(raw_line):
    channel, reads, writes, _ = raw_line
    task = asyncio.create_task(channel.command("AT+CGMI"))
    assert await reads() == "AT+CGMI\r"
    writes("AT+CGMI\r\r\r\nHUAWEI\r\r\n\r\r\nOK\r\r\n")
    answer = await task
    assert answer.lines == ("HUAWEI",)


async def test_unsolicited_lines_mid_command_go_to_the_handler(raw_line):
    channel, reads, writes, seen = raw_line
    task = asyncio.create_task(channel.command("AT+CPMS?"))
    await reads()
    writes('\r\n^RSSI: 17\r\n\r\n+CMTI: "SM",3\r\n\r\n+CPMS: "SM",3,30\r\n^BOOT:1,0,0,0,75\r\n'
           '\r\n+CMT: ,23\r\n0791947106004034040D91947121436587F900001120000000000004D4F29C0E\r\nOK\r\n')
    answer = await task
    assert answer.lines == ('+CPMS: "SM",3,30',)
    assert [line for line, _ in seen] == ["^RSSI: 17", '+CMTI: "SM",3', "^BOOT:1,0,0,0,75", "+CMT: ,23"]
    assert seen[-1][1].startswith("0791")


async def test_creg_is_an_answer_when_asked_and_unsolicited_otherwise(raw_line):
    channel, reads, writes, seen = raw_line
    writes("\r\n+CREG: 1\r\n")
    await asyncio.wait_for(channel.got.wait(), 5)
    task = asyncio.create_task(channel.command("AT+CREG?"))
    await reads()
    writes("\r\n+CREG: 0,5\r\n\r\nOK\r\n")
    assert (await task).lines == ("+CREG: 0,5",)
    assert seen == [("+CREG: 1", None)]


async def test_prompt_then_data_and_ctrl_z(raw_line):
    channel, reads, writes, _ = raw_line
    task = asyncio.create_task(channel.command("AT+CMGS=9", data="0011AB"))
    assert await reads() == "AT+CMGS=9\r"
    writes("\r\n> ")
    assert await reads() == "0011AB\x1a"
    writes("\r\n+CMGS: 42\r\n\r\nOK\r\n")
    assert (await task).first("+CMGS:") == "42"


@pytest.mark.parametrize("final, kind, code", [("+CMS ERROR: 38", "CMS", 38), ("+CME ERROR: 14", "CME", 14),
                                               ("ERROR", "ERROR", None), ("+CME ERROR: SIM busy", "CME", None)])
async def test_error_finals(raw_line, final, kind, code):
    channel, reads, writes, _ = raw_line
    task = asyncio.create_task(channel.command("AT+CPIN?"))
    await reads()
    writes(f"\r\n{final}\r\n")
    with pytest.raises(AtError) as info:
        await task
    assert (info.value.kind, info.value.code) == (kind, code)


async def test_garbled_bytes_do_not_kill_the_reader(raw_line):
    channel, reads, writes, seen = raw_line
    writes("\x00\xff\xfe garbage \r\n+CMT: ,5\r\nnot hex at all\r\n")
    task = asyncio.create_task(channel.command("AT"))
    await reads()
    writes("\r\nOK\r\n")
    await task
    assert ("+CMT: ,5", None) in seen  # the announced PDU was missing; reported without one


async def test_nul_bytes_are_dropped_even_inside_a_pdu_line_and_logged(raw_line):
    channel, reads, writes, seen = raw_line
    traffic: list[tuple[str, str]] = []
    channel.on_traffic = lambda direction, text: traffic.append((direction, text))
    writes("\x00\r\n+CMTI: \"SM\",\x003\r\n+CMT: ,23\r\n0791947106004034040D9194712143\x00\x006587F900001120000000000004D4F29C0E\r\n")
    task = asyncio.create_task(channel.command("AT"))
    await reads()
    writes("\r\nOK\r\n")
    await task
    assert seen == [('+CMTI: "SM",3', None),
                    ("+CMT: ,23", "0791947106004034040D91947121436587F900001120000000000004D4F29C0E")]
    notes = [text for direction, text in traffic if direction == "info"]
    assert notes and all(n.startswith("skipped ") and n.endswith(" NUL byte(s) the modem sent") for n in notes)
    assert sum(int(n.split()[1]) for n in notes) == 4  # however the bytes were split into reads


async def test_timeout_says_whether_the_data_was_written(raw_line):
    channel, reads, writes, _ = raw_line
    with pytest.raises(AtTimeout) as info:
        await channel.command("AT+CMGS=9", 0.2, data="00", prompt_timeout=0.2)
    assert not info.value.data_written
    task = asyncio.create_task(channel.command("AT+CMGS=9", 0.2, data="00", prompt_timeout=1))
    await reads()
    await reads()  # the ESC that left the first prompt
    writes("> ")
    with pytest.raises(AtTimeout) as info:
        await task
    assert info.value.data_written


async def test_a_closed_port_fails_the_command_in_flight(raw_line):
    channel, reads, writes, _ = raw_line
    task = asyncio.create_task(channel.command("AT"))
    await reads()
    channel.detach()
    with pytest.raises(PortGone):
        await task


async def test_a_port_is_opened_by_one_program_only(make_sim):
    sim = await make_sim()
    first = open_port(sim.link)
    try:
        with pytest.raises(PortBusy):
            open_port(sim.link)
    finally:
        close_port(first)
    with pytest.raises(FileNotFoundError):
        open_port(sim.link + ".missing")


async def test_a_queued_command_is_written_only_after_the_final_of_the_one_before(raw_line):
    channel, reads, writes, _ = raw_line
    first = channel.submit("AT+CMGS=9", data="00AA")
    second = channel.submit("AT+CMGS=9", data="00BB")
    assert await reads() == "AT+CMGS=9\r"
    writes("\r\n> ")
    assert await reads() == "00AA\x1a"  # the second command waits: the modem has one command at a time
    writes("\r\n+CMGS: 1\r\n\r\nOK\r\n")
    assert await reads() == "AT+CMGS=9\r"
    assert (await first.result()).first("+CMGS:") == "1"
    assert second.written and not second.data_written
    writes("\r\n> ")
    assert await reads() == "00BB\x1a"
    writes("\r\n+CMGS: 2\r\n\r\nOK\r\n")
    assert (await second.result()).first("+CMGS:") == "2"


async def test_a_command_after_a_failed_one_is_never_written(raw_line):
    channel, reads, writes, _ = raw_line
    part1 = channel.submit("AT+CMGS=9", data="00AA")
    part2 = channel.submit("AT+CMGS=9", data="00BB", after=part1)
    other = channel.submit("AT+CSQ")
    assert await reads() == "AT+CMGS=9\r"
    writes("\r\n+CMS ERROR: 38\r\n")
    assert await reads() == "AT+CSQ\r"  # part 2 is skipped, the next command goes
    with pytest.raises(Withdrawn):
        await part2.result()
    assert not part2.written
    writes("\r\n+CSQ: 20,99\r\n\r\nOK\r\n")
    assert (await other.result()).lines == ("+CSQ: 20,99",)


async def test_commands_waiting_behind_an_unanswered_one_are_not_sent(raw_line):
    channel, reads, writes, _ = raw_line
    first = channel.submit("AT+CMGS=9", 0.2, data="00AA", prompt_timeout=0.2)
    second = channel.submit("AT+CMGS=9", 0.2, data="00BB", prompt_timeout=0.2)
    assert await reads() == "AT+CMGS=9\r"
    with pytest.raises(AtTimeout) as info:
        await first.result()
    assert not info.value.data_written
    with pytest.raises(NotSent):
        await second.result()
    assert not second.written
    assert await reads() == "\x1b"  # only the ESC that leaves the prompt followed


async def test_a_waiting_command_can_be_taken_back(raw_line):
    channel, reads, writes, _ = raw_line
    first = channel.submit("AT")
    second = channel.submit("AT+CSQ")
    assert channel.withdraw(second)
    assert not channel.withdraw(first)  # written: it keeps the line until its final result
    await reads()
    writes("\r\nOK\r\n")
    await first.result()
    with pytest.raises(Withdrawn):
        await second.result()


async def test_the_traffic_log_gets_the_dialogue_with_control_characters_named(raw_line):
    channel, reads, writes, _ = raw_line
    traffic: list[tuple[str, str]] = []
    channel.on_traffic = lambda direction, text: traffic.append((direction, text))
    task = asyncio.create_task(channel.command("AT+CMGS=9", data="0011AB"))
    await reads()
    writes("\r\n> ")
    await reads()
    writes("\r\n+CMGS: 42\r\n\r\nOK\r\n")
    await task
    assert traffic == [("out", "AT+CMGS=9"), ("in", ">"), ("out", "0011AB<Ctrl-Z>"), ("in", "+CMGS: 42"),
                       ("in", "OK")]


async def test_the_traffic_log_never_shows_a_pin_even_when_the_modem_echoes_it(raw_line):
    channel, reads, writes, _ = raw_line
    traffic: list[tuple[str, str]] = []
    channel.on_traffic = lambda direction, text: traffic.append((direction, text))
    task = asyncio.create_task(channel.command('AT+CPIN="4321"'))
    assert await reads() == 'AT+CPIN="4321"\r'  # the modem gets the PIN
    writes('AT+CPIN="4321"\r\r\nOK\r\n')  # echo on
    await task
    assert traffic == [("out", "AT+CPIN=<hidden>"), ("in", "AT+CPIN=<hidden>"), ("in", "OK")]


async def test_information_response_without_final_result_is_the_answer_after_the_grace(raw_line):
    channel, reads, writes, _ = raw_line
    channel.info_grace = 0.05
    task = asyncio.create_task(channel.command("AT+CPIN?", 30.0))
    assert await reads() == "AT+CPIN?\r"
    writes("\r\n+CPIN: READY\r\n")  # as a Wavecom M1306B answers: no OK
    answer = await task
    assert answer.lines == ("+CPIN: READY",) and channel.graced == 1
    # the line is free at once: the next command goes out and gets its own answer
    task = asyncio.create_task(channel.command("AT+CSQ"))
    assert await reads() == "AT+CSQ\r"
    writes("\r\n+CSQ: 17,99\r\n\r\nOK\r\n")
    assert (await task).lines == ("+CSQ: 17,99",) and channel.graced == 1


async def test_a_final_result_within_the_grace_is_taken_as_usual(raw_line):
    channel, reads, writes, _ = raw_line
    channel.info_grace = 0.2
    task = asyncio.create_task(channel.command("AT+CMGR=0"))
    assert await reads() == "AT+CMGR=0\r"
    writes("\r\n+CMGR: 0,,26\r\n")  # the header alone is not the whole answer: the PDU follows
    await asyncio.sleep(0.3)
    assert not task.done()
    writes("\r\n0691947100000006000D91947116325400F0622170205045006221702050550000\r\n\r\n+CMS ERROR: 500\r\n")
    with pytest.raises(AtError):
        await task
    assert channel.graced == 0


async def test_listing_is_never_cut_short_by_the_grace(raw_line):
    channel, reads, writes, _ = raw_line
    channel.info_grace = 0.05
    task = asyncio.create_task(channel.command("AT+CMGL=4", 0.5))
    assert await reads() == "AT+CMGL=4\r"
    writes('\r\n+CMGL: 1,0,"",26\r\n0691947100000006000D91947116325400F0622170205045006221702050550000\r\n')
    with pytest.raises(AtTimeout):
        await task


async def test_nul_bytes_vendor_error_words_and_a_bare_prompt(raw_line):
    channel, reads, writes, seen = raw_line
    task = asyncio.create_task(channel.command("AT^CVOICE?"))
    assert await reads() == "AT^CVOICE?\r"
    writes("\r\n\x00^RSSI:17\r\n\x00\r\nCOMMAND NOT SUPPORT\r\n")  # a Huawei stick
    with pytest.raises(AtError) as exc:
        await task
    assert exc.value.kind == "ERROR" and seen == [("^RSSI:17", None)]
    task = asyncio.create_task(channel.command("AT+CMGS=9", data="0001000381F000000141"))
    assert await reads() == "AT+CMGS=9\r"
    writes("\r\n>\r\n")  # SIM7670G: no space after the prompt
    assert await reads() == "0001000381F000000141\x1a"
    writes("\r\n+CMGS: 7\r\n\r\nOK\r\n")
    assert (await task).first("+CMGS:") == "7"
