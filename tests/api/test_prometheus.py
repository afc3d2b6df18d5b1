"""GET /metrics: the console's figures in the Prometheus text format, read back with Prometheus'
own Python client's parser; a console user is needed."""

from __future__ import annotations

import asyncio

import httpx
from prometheus_client.parser import text_string_to_metric_families

from app.engine.requests import OutboundRequest


def families(text: str) -> dict:
    return {f.name: f for f in text_string_to_metric_families(text)}


async def test_metrics_in_the_prometheus_format_for_a_console_user(start_api, make_engine, make_user):
    engine = make_engine()
    engine.add_gateway("Modem", "modem", {"port": "simulator"}, enabled=False)
    server = await start_api(engine)
    user = make_user(engine, "monitor", "secret-pw")
    engine.queue_messages([OutboundRequest(["+15550001", "+15550002"], "hi")])
    for _ in range(200):
        if engine.gateways["Sim"].counters.sent == 2 and engine.status_figures()[0].get("queued", 0) == 0:
            break
        await asyncio.sleep(0.02)
    async with httpx.AsyncClient() as http:
        refused = await http.get(f"{server.url}/metrics")
        wrong = await http.get(f"{server.url}/metrics", auth=("monitor", "nope"))
        answer = await http.get(f"{server.url}/metrics", auth=user)
    assert refused.status_code == 401 and "Basic" in refused.headers["WWW-Authenticate"]
    assert wrong.status_code == 401
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    found = families(answer.text)
    up = {s.labels["gateway"]: (s.value, s.labels["state"]) for s in found["smsconsole_gateway_up"].samples}
    assert up == {"Sim": (1.0, "running"), "Modem": (0.0, "stopped")}
    sent = {s.labels["gateway"]: s.value for s in found["smsconsole_gateway_sent"].samples}
    assert sent["Sim"] == 2.0 and found["smsconsole_gateway_sent"].type == "counter"
    assert found["smsconsole_queue_length"].samples[0].value == engine.status_figures()[1]
    assert found["smsconsole_sending_paused"].samples[0].value == 0.0
    registered = {s.labels["gateway"]: s.value for s in found["smsconsole_modem_registered"].samples}
    assert registered == {"Modem": 0.0}  # a stopped modem is not registered, and shows no signal
    assert not found["smsconsole_modem_signal_bars"].samples
