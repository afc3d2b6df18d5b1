"""Where the console's shipped files (the icon set) are, however it was installed.

The files live in the repository's top-level ``resources/`` folder. They are
found, in this order:

1. ``$SMSCONSOLE_RESOURCES``, when set (a distribution that installs them
   elsewhere, or a test);
2. a PyInstaller bundle: ``<bundle>/resources`` (``sys._MEIPASS``);
3. an installed wheel: ``app/_resources`` (the wheel carries ``resources/``
   there);
4. a source checkout or an editable install: ``<repo>/resources``.

This module is plain Python (no Qt): the GUI turns the paths it returns into
``QIcon`` objects itself.
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache
from pathlib import Path

from app import APP_ID

#: Environment variable that points at a resources folder, overriding the search.
RESOURCES_ENV = "SMSCONSOLE_RESOURCES"

#: Sizes (pixels) of the PNG renderings of the application icon.
APP_ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)

#: Action icons shipped under ``resources/icons/actions/`` (one SVG each).
ACTION_ICONS = (
    "new-message",
    "send",
    "inbox",
    "outbox",
    "sessions",
    "gateways",
    "statistics",
    "start",
    "stop",
    "pause",
    "resume",
    "refresh",
    "search",
    "delete",
    "modem",
    "provider",
    "simulator",
)

_PACKAGE_DIR = Path(__file__).resolve().parent
# A file every complete resources folder has; used to recognise one.
_MARKER = Path("icons", "hicolor", "scalable", "apps", f"{APP_ID}.svg")


class ResourcesNotFoundError(FileNotFoundError):
    """No resources folder was found: the installation is incomplete."""


def _candidates() -> list[Path]:
    found: list[Path] = []
    override = os.environ.get(RESOURCES_ENV)
    if override:
        found.append(Path(override))
    bundle = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        found.append(Path(bundle) / "resources")
    found.append(_PACKAGE_DIR / "_resources")
    found.append(_PACKAGE_DIR.parent / "resources")
    return found


@lru_cache(maxsize=1)
def resources_dir() -> Path:
    """The folder that holds the shipped resources."""
    tried = _candidates()
    for folder in tried:
        if (folder / _MARKER).is_file():
            return folder
    looked = ", ".join(str(p) for p in tried)
    raise ResourcesNotFoundError(
        f"The console's icon files are missing (looked in: {looked}). "
        f"Reinstall SMS Console, or set {RESOURCES_ENV} to the folder that holds them."
    )


def resource_path(*parts: str) -> Path:
    """Path of a file or folder inside the resources folder (not checked to exist)."""
    return resources_dir().joinpath(*parts)


def app_icon_path() -> Path:
    """The scalable (SVG) application icon."""
    return resource_path(*_MARKER.parts)


def app_icon_png_paths() -> dict[int, Path]:
    """PNG renderings of the application icon, by size, for those present."""
    found = {}
    for size in APP_ICON_SIZES:
        path = resource_path(
            "icons", "hicolor", f"{size}x{size}", "apps", f"{APP_ID}.png"
        )
        if path.is_file():
            found[size] = path
    return found


def icon_path(name: str) -> Path:
    """Path of an icon by name: an action icon (``"send"``) or the application id.

    Raises ``FileNotFoundError`` naming the known icons when there is no such icon.
    """
    if name in (APP_ID, "app"):
        return app_icon_path()
    path = resource_path("icons", "actions", f"{name}.svg")
    if not path.is_file():
        raise FileNotFoundError(
            f"No icon named {name!r} in {path.parent}; "
            f"known icons: {', '.join(ACTION_ICONS)}, {APP_ID}"
        )
    return path
