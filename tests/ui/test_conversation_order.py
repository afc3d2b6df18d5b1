"""The Inbox's conversations: those with received messages first (a reply of ours does not push
them down), outbound-only ones after, each group most recent first."""

from __future__ import annotations

from tests.ui.conftest import settle

from app.engine.requests import OutboundRequest
from app.ui.inbox_tab import CONVERSATIONS


def test_received_conversations_come_before_outbound_only_ones(window, qtbot):
    engine = window.engine
    with qtbot.waitSignal(window.bridge.message_stored, timeout=5000):
        engine.simulate_incoming(sender="+15550100", text="Is my order ready?")
    with qtbot.waitSignal(window.bridge.message_stored, timeout=5000):
        engine.simulate_incoming(sender="+15550200", text="Thanks!")
    engine.queue_messages([OutboundRequest(["+15550200"], "You are welcome")])  # replied: last is ours
    for i in range(4):
        engine.queue_messages([OutboundRequest([f"+1555090{i}"], "Our shop opens at 9")])
    tab = window.inbox_tab
    tab.show_page(CONVERSATIONS)
    model = tab.conversations.list_model
    model.refresh()
    settle(qtbot)
    numbers = [model.row_at(r).number for r in range(model.rowCount())]
    assert numbers[:2] == ["+15550200", "+15550100"]  # received, most recent first
    assert numbers[2:] == ["+15550903", "+15550902", "+15550901", "+15550900"]
    assert model.is_received(0) and not model.is_received(2)
    with qtbot.waitSignal(window.bridge.message_stored, timeout=5000):
        engine.simulate_incoming(sender="+15550901", text="STOP")  # an outbound-only one answers
    model.refresh()
    settle(qtbot)
    numbers = [model.row_at(r).number for r in range(model.rowCount())]
    assert numbers[0] == "+15550901" and numbers.index("+15550100") < numbers.index("+15550903")
