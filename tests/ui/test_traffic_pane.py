"""The traffic log reads as it happened (oldest at the top), follows the end unless scrolled up,
can be filtered and saved, and its pane takes a real share of the tab and can be resized."""

from __future__ import annotations


def test_traffic_reads_chronologically_follows_the_end_filters_and_saves(window, qtbot, tmp_path):
    tab = window.gateways_tab
    window.resize(1180, 720)
    window.show_tab(3)
    gateway = window.engine.gateways["Demo"]
    for i in range(200):
        gateway.log_traffic("out" if i % 2 else "in", f"line {i:03d}" + (" ERROR" if i % 50 == 0 else ""))
    tab.show_traffic()
    lines = tab.traffic.toPlainText().splitlines()
    assert lines.index(next(x for x in lines if "line 000" in x)) < lines.index(next(x for x in lines
                                                                                   if "line 199" in x))
    bar = tab.traffic.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == bar.maximum()  # following the end
    assert tab.traffic.height() >= 8 * tab.traffic.fontMetrics().height()  # more than a few lines
    gateway.log_traffic("out", "line 200")
    tab.show_traffic()
    assert bar.value() == bar.maximum() and tab.traffic.toPlainText().endswith("line 200")
    bar.setValue(0)  # scrolled up to read: new lines do not pull the view away
    gateway.log_traffic("out", "line 201")
    tab.show_traffic()
    assert bar.value() == 0
    tab.traffic_pane.filter_edit.setText("error")
    assert tab.traffic.toPlainText().count("\n") == 3  # lines 0, 50, 100, 150
    path = tab.traffic_pane.save(str(tmp_path / "demo.log"))
    assert open(path, encoding="utf-8").read().count("ERROR") == 4
    sizes = tab.splitter.sizes()
    tab.splitter.moveSplitter(sizes[0] - 80, 1)  # the pane can be made larger
    assert tab.splitter.sizes()[1] > sizes[1]
