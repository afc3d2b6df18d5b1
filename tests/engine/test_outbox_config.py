"""``[[routing]]`` rules and the ``blocked`` list in the configuration file."""

from __future__ import annotations

import pytest

from app.cli import main
from app.config import ConfigError, load_config
from app.engine.configure import apply_config
from app.engine.requests import OutboundRequest

GOOD = '''
blocked = ["+4917600000001", "+15550009"]

[[gateways]]
name = "A"
kind = "simulator"

[[gateways]]
name = "B"
kind = "simulator"

[[routing]]
name = "DE mobile"
destination = "+4917"
gateways = ["B", "A"]

[[routing]]
message_type = "sms.unicode"
gateways = ["A"]
enabled = false
'''


def write(tmp_path, text):
    path = tmp_path / "console.toml"
    path.write_text(text)
    return path


async def test_rules_and_blocked_numbers_from_the_file_are_applied(tmp_path, make_engine):
    cfg = load_config(write(tmp_path, GOOD))
    engine = make_engine()
    apply_config(engine, cfg)
    rules = engine.routing_rules()
    assert [(r.name, r.destination, r.gateways, r.enabled, r.origin) for r in rules] == [
        ("DE mobile", "+4917", ("B", "A"), True, "config"), ("", "", ("A",), False, "config")]
    assert [n for n, _ in engine.blocked_numbers()] == ["+15550009", "+4917600000001"]
    r = engine.queue_messages([OutboundRequest(["+15550009"], "x")])
    assert r.items[0].code == "blocked" and "config file" in r.items[0].error
    apply_config(engine, cfg)  # applying again changes nothing
    assert len(engine.routing_rules()) == 2


@pytest.mark.parametrize("text, message", [
    ('[[routing]]\ngateways = ["A"]\nprefix = "+49"\n', "routing[0].prefix: unknown key"),
    ('[[routing]]\ngateways = "A"\n', "routing[0].gateways: expected a list"),
    ('[[routing]]\ndestination = "+49"\n', "routing[0].gateways: required key is missing"),
    ('[[routing]]\ngateways = ["A", "A"]\n', "routing[0].gateways: a gateway is named twice"),
    ('blocked = "+4917600000001"\n', "blocked: expected a list of phone numbers"),
    ('blocked = ["call me"]\n', "blocked: 'call me' is not a phone number"),
])
def test_bad_routing_or_blocked_key_is_one_clear_line(tmp_path, capsys, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_config(path)
    with pytest.raises(SystemExit) as exc:
        main(["serve", "--config", str(path)])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and message in err and str(path) in err
