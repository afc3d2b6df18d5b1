"""View → Cluster over a shared PostgreSQL store (SMSCONSOLE_TEST_PG_URL)."""

from __future__ import annotations

import os

import pytest

from app.engine.engine import Engine
from app.store.database import Database

from .conftest import complete

PG_URL = os.environ.get("SMSCONSOLE_TEST_PG_URL")
pytestmark = [pytest.mark.postgres,
              pytest.mark.skipif(not PG_URL, reason="SMSCONSOLE_TEST_PG_URL is not set: no PostgreSQL server")]


def test_the_cluster_view_lists_the_consoles_and_moves_a_gateway(qtbot, qloop, pg_url, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    from app.ui.application import make_qapplication
    from app.ui.cluster_view import GATEWAYS, HOST, NAME, STATE, ClusterDialog
    from app.ui.engine_bridge import EngineBridge
    from app.ui.main_window import MainWindow

    make_qapplication()
    a = Engine(Database(pg_url), instance_id="a")
    a.open_store()
    a.add_gateway("P", "simulator", {})
    other = Engine(Database(pg_url), instance_id="b")
    other.open_store()
    other.cluster.register()  # a console "b" on the same store
    complete(qtbot, a.start())
    win = MainWindow(EngineBridge(a))
    qtbot.addWidget(win)
    try:
        assert win.cluster_action is not None and win.cluster_action in win.view_menu.actions()
        dialog = ClusterDialog(a, win)
        qtbot.addWidget(dialog)
        complete(qtbot, dialog.refresh())
        rows = {dialog.consoles.item(i, NAME).text(): i for i in range(dialog.consoles.rowCount())}
        assert set(rows) == {"a (this console)", "b"}
        row = rows["a (this console)"]
        assert dialog.consoles.item(row, STATE).text() == "running" and dialog.consoles.item(row, HOST).text()
        assert dialog.gateways.item(0, 0).text() == "P" and dialog.gateways.item(0, 3).text() == "a"
        assert a.gateways["P"].running
        dialog.gateways.selectRow(0)
        monkeypatch.setattr(QInputDialog, "getItem", lambda *args, **kw: ("b", True))
        complete(qtbot, dialog.change_owner())
        assert a.gateways["P"].settings["owner"] == "b" and not a.gateways["P"].running
        assert dialog.gateways.item(0, 2).text() == "b"
        assert dialog.consoles.item(row, GATEWAYS).text() in ("", "P")  # as of a's last heartbeat
        dialog.close()
    finally:
        complete(qtbot, a.stop())
        other.db.close()

