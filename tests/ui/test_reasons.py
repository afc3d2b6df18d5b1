"""Why a message waits or failed shows with its status, in plain words, at the default window size."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics

from app.engine import lifecycle
from app.engine.requests import OutboundRequest
from app.ui.outbox_tab import STATUS
from app.ui.reason_words import ShownTextRole, plain_reason, status_with_reason


def test_standard_texts_read_as_plain_words():
    assert plain_reason("delivered", "short message received by the SME") == ""
    assert plain_reason("undelivered", "no response from SME (SC not making further attempts)") == \
        "the phone is off or out of reach"
    assert plain_reason("sent", "SME busy (SC still trying)") == "the phone is busy; the network keeps trying"
    assert plain_reason("failed", "+CMS ERROR 1: unassigned (unallocated) number") == "the number does not exist"
    assert plain_reason("queued", "waiting: sending is paused") == "sending is paused"
    assert plain_reason("failed", "provider said: HTTP 402") == "provider said: HTTP 402"  # as it came
    assert status_with_reason("cancelled", "cancelled", "cancelled by the operator") == "cancelled by the operator"
    assert status_with_reason("delivered", "delivered", "short message received by the SME") == "delivered"


def test_the_reason_shows_whole_with_the_status_at_1180_by_720(window, qtbot):
    window.resize(1180, 720)
    window.show_tab(1)
    engine = window.engine
    engine.pause_gateway("Demo")
    engine.queue_messages([OutboundRequest(["+15550001"], "Are you there?")])
    view = window.outbox_tab.view
    model = view.model()
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    message_id = model.index(0, STATUS).data(model.MessageRole).id
    engine._transition([message_id], lifecycle.BLOCK,
                       reason="no response from SME (SC not making further attempts)")
    qtbot.waitUntil(lambda: model.index(0, STATUS).data() == "failed")
    shown = model.index(0, STATUS).data(ShownTextRole)
    assert shown == "failed — the phone is off or out of reach"
    assert "SME" in model.index(0, STATUS).data(0x3)  # the tooltip keeps the standard's words
    needed = QFontMetrics(view.font()).horizontalAdvance(shown) + 32  # the dot and the margins
    left = view.columnViewportPosition(STATUS)
    assert view.columnWidth(STATUS) >= needed
    assert 0 <= left and left + needed <= view.viewport().width()
