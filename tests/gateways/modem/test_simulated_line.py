"""The simulator's throttled line: never faster than its baud rate in either direction."""

from __future__ import annotations

import asyncio

from app.gateways.modem.at_channel import AtChannel
from app.gateways.modem.serial_port import close_port, open_port


async def test_a_throttled_line_carries_no_more_than_its_baud_rate(make_sim):
    sim = await make_sim(baud=2400)  # 240 bytes a second each way (8N1: 10 bits a byte)
    port = open_port(sim.link)
    channel = AtChannel(port.fileno(), lambda line, pdu: None, name="line")
    try:
        loop = asyncio.get_running_loop()
        started = loop.time()
        await channel.command("ATI")  # echo is on at power-up: the command comes back before the answer
        elapsed = loop.time() - started
    finally:
        channel.detach()
        close_port(port)
    assert (channel.bytes_out, sim.bytes_in) == (4, 4)
    assert channel.bytes_in == sim.bytes_out > 20
    # the command crosses the line before the modem acts on it; the echo and answer cross it after
    assert elapsed >= sim.line_seconds(channel.bytes_out) + sim.line_seconds(channel.bytes_in)
