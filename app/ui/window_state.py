"""What the window remembers between runs (QSettings): geometry, toolbars, the open tab,
splitter positions, column layouts and the Inbox view."""

from __future__ import annotations

from PySide6.QtCore import QSettings


def _parts(window) -> dict:
    return {
        "inbox/columns": window.inbox_tab.view.horizontalHeader(),
        "outbox/columns": window.outbox_tab.view.horizontalHeader(),
        "inbox/conversationSplitter": window.inbox_tab.conversations.splitter,
        "outbox/splitter": window.outbox_tab.splitter,
        "gateways/splitter": window.gateways_tab.splitter,
    }


def save_state(window) -> None:
    s = QSettings()
    s.setValue("mainWindow/geometry", window.saveGeometry())
    s.setValue("mainWindow/state", window.saveState())
    s.setValue("mainWindow/tab", window.tabs.currentIndex())
    s.setValue("inbox/page", window.inbox_tab.pages.currentIndex())
    for key, widget in _parts(window).items():
        s.setValue(key, widget.saveState())


def restore_frame(window) -> None:
    """Geometry, toolbars and the open tab: what the window needs before its contents."""
    s = QSettings()
    geometry = s.value("mainWindow/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    state = s.value("mainWindow/state")
    if state is not None:
        window.restoreState(state)
    window.tabs.setCurrentIndex(int(s.value("mainWindow/tab", 0)))


def restore_layout(window) -> None:
    """The Inbox view, splitter positions and column layouts of the tabs' contents."""
    s = QSettings()
    window.inbox_tab.show_page(int(s.value("inbox/page", window.inbox_tab.pages.currentIndex())))
    for key, widget in _parts(window).items():
        value = s.value(key)
        if value is not None:
            widget.restoreState(value)
