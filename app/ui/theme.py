"""Light and dark colour schemes: follow the system, or a scheme chosen for review.

The Fusion style with a palette built here looks the same on every platform;
with ``"system"`` the palette follows the desktop's colour scheme and changes
with it while the console runs.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

SCHEMES = ("system", "light", "dark")


def dark_palette() -> QPalette:
    p = QPalette()
    base, window, text = QColor("#1f2124"), QColor("#2b2d31"), QColor("#e6e6e6")
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Window, window)
        p.setColor(group, QPalette.ColorRole.WindowText, text)
        p.setColor(group, QPalette.ColorRole.Base, base)
        p.setColor(group, QPalette.ColorRole.AlternateBase, QColor("#26282c"))
        p.setColor(group, QPalette.ColorRole.Text, text)
        p.setColor(group, QPalette.ColorRole.Button, QColor("#34373c"))
        p.setColor(group, QPalette.ColorRole.ButtonText, text)
        p.setColor(group, QPalette.ColorRole.ToolTipBase, QColor("#3a3d42"))
        p.setColor(group, QPalette.ColorRole.ToolTipText, text)
        p.setColor(group, QPalette.ColorRole.Highlight, QColor("#3d85c6"))
        p.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
        p.setColor(group, QPalette.ColorRole.PlaceholderText, QColor("#8a8d93"))
        p.setColor(group, QPalette.ColorRole.Link, QColor("#7fb2e5"))
        p.setColor(group, QPalette.ColorRole.Mid, QColor("#44474d"))
        p.setColor(group, QPalette.ColorRole.Midlight, QColor("#3a3d42"))
        p.setColor(group, QPalette.ColorRole.Dark, QColor("#18191b"))
        p.setColor(group, QPalette.ColorRole.Light, QColor("#4a4d53"))
    disabled = QColor("#7b7e84")
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, QColor("#26282c"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Window, window)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, QColor("#303236"))
    return p


def light_palette() -> QPalette:
    p = QApplication.style().standardPalette()
    p.setColor(QPalette.ColorRole.Highlight, QColor("#3d85c6"))
    return p


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def is_dark(palette: QPalette | None = None) -> bool:
    """True when the widgets are drawn light on dark."""
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def apply_scheme(app: QApplication, scheme: str = "system") -> None:
    """Use the Fusion style with a light or dark palette (``"system"``: as the desktop says)."""
    app.setStyle("Fusion")
    dark = system_is_dark() if scheme == "system" else scheme == "dark"
    app.setPalette(dark_palette() if dark else light_palette())
    if scheme == "system" and not app.property("followsScheme"):
        app.setProperty("followsScheme", True)
        QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _s: apply_scheme(app, "system"))
