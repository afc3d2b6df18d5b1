"""An SMPP provider declared in the configuration file ([[gateways]] kind = "smpp"): read, refused in one
line when a value is wrong, applied with its password kept in memory only, and it binds."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from app.config import ConfigError, load_config
from app.engine.configure import apply_config
from app.gateways.base import GatewayState
from app.store.models import GatewayRecord
from tests.gateways.fake_smsc import FakeSmsc
from tests.engine.consoles import until

FILE = """
[[gateways]]
name = "Upstream"
kind = "smpp"
host = "127.0.0.1"
port = {port}
system_id = "esme"
password = "secret"
bind_mode = "transmitter+receiver"
source_ton = 5
source_npi = 0
data_coding = 3
long_messages = "sar"
window = 50
messages_per_second = 200.0
enquire_link_interval = 15.0
reconnect_backoff = 0.5
"""


async def test_an_smpp_gateway_of_the_file_is_applied_and_binds(tmp_path, make_engine):
    smsc = await FakeSmsc().start()
    path = tmp_path / "console.toml"
    path.write_text(FILE.format(port=smsc.port))
    engine = make_engine()
    apply_config(engine, load_config(path))
    with engine.db.session() as s:
        [row] = s.exec(select(GatewayRecord)).all()
    stored = json.loads(row.settings)
    assert row.kind == "smpp" and "password" not in stored and stored["long_messages"] == "sar"
    await engine.start()
    try:
        gw = engine.gateways["Upstream"]
        await until(lambda: gw.state == GatewayState.RUNNING, "the binds")
        assert smsc.binds == [("transmitter", "esme", "secret"), ("receiver", "esme", "secret")]
        assert gw.settings["window"] == 50 and gw.settings["messages_per_second"] == 200.0
    finally:
        await engine.stop()
        await smsc.stop()


@pytest.mark.parametrize("line, words", [
    ('bind_mode = "both"', "gateways[0].bind_mode: must be one of transceiver, transmitter+receiver"),
    ("data_coding = 8", "gateways[0].data_coding: must be one of 0, 1, 3"),
    ('long_messages = "split"', "gateways[0].long_messages: must be one of udh, sar, payload"),
    ("window = 0", "gateways[0].window: must be at least 1"),
])
def test_a_wrong_value_is_refused_in_one_line(tmp_path, line, words):
    path = tmp_path / "console.toml"
    path.write_text(f'[[gateways]]\nname = "U"\nkind = "smpp"\nhost = "h"\nsystem_id = "s"\n{line}\n')
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert words in str(exc.value)
