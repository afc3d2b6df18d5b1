"""The keyboard shortcuts of the window, listed from the actions themselves (Help → Keyboard shortcuts)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QAction, QKeySequence


def shortcut_list(window) -> list[tuple[str, str, str]]:
    """(where, action, keys) for every action with a shortcut, window actions first."""
    out = []
    places = ((QCoreApplication.translate("Shortcuts", "Window"), window),
              (QCoreApplication.translate("Shortcuts", "Inbox"), window.inbox_tab),
              (QCoreApplication.translate("Shortcuts", "Outbox"), window.outbox_tab),
              (QCoreApplication.translate("Shortcuts", "Gateways"), window.gateways_tab))
    seen = set()
    for place, owner in places:
        for a in owner.findChildren(QAction):
            keys = a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            key = (place, a.text(), keys)
            if keys and key not in seen and (owner is not window or a.parent() is window):
                seen.add(key)
                out.append((place, a.text().replace("&", ""), keys))
    return out


def shortcuts_html(window) -> str:
    rows = "".join(f"<tr><td>{escape(p)}</td><td>{escape(a)}</td><td><b>{escape(k)}</b></td></tr>"
                   for p, a, k in shortcut_list(window))
    note = escape(QCoreApplication.translate("Shortcuts", "Ctrl+Enter sends in the message and reply boxes."))
    return f"<table cellspacing='4'>{rows}</table><p>{note}</p>"
