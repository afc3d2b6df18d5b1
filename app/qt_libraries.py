"""Which system libraries Qt's platform plugin lacks, found before Qt starts.

Qt aborts the process (SIGABRT) when its platform plugin cannot be loaded,
and its message names one library, not always the missing one. The
console asks the dynamic linker first (``ldd`` on the plugin, which follows
every dependency) and says in one line what is missing and which command
installs it. No Qt is imported here.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: Library file (soname) -> (Debian/Ubuntu package, Fedora package).
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0", "libxcb"),
    "libxcb-xinput.so.0": ("libxcb-xinput0", "libxcb"),
    "libxcb-glx.so.0": ("libxcb-glx0", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libSM.so.6": ("libsm6", "libSM"),
    "libICE.so.6": ("libice6", "libICE"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libOpenGL.so.0": ("libopengl0", "libglvnd-opengl"),
    "libGLX.so.0": ("libglx0", "libglvnd-glx"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libwayland-client.so.0": ("libwayland-client0", "libwayland-client"),
    "libwayland-cursor.so.0": ("libwayland-cursor0", "libwayland-cursor"),
    "libwayland-egl.so.1": ("libwayland-egl1", "libwayland-egl"),
}
#: Installed with the xcb plugin although no library links them: Qt 6.5+ refuses to start without it.
ALSO_NEEDED = {"xcb": ("libxcb-cursor.so.0",)}
PLUGIN_FILES = {"xcb": "libqxcb.so", "wayland": "libqwayland.so", "wayland-egl": "libqwayland.so",
                "offscreen": "libqoffscreen.so", "minimal": "libqminimal.so", "vnc": "libqvnc.so",
                "eglfs": "libqeglfs.so", "linuxfb": "libqlinuxfb.so"}


@dataclass
class Missing:
    platform: str
    libraries: list[str]

    def packages(self, family: int) -> list[str]:
        names = [PACKAGES.get(lib, (None, None))[family] for lib in self.libraries]
        return list(dict.fromkeys(n for n in names if n))

    @property
    def unknown(self) -> list[str]:
        return [lib for lib in self.libraries if lib not in PACKAGES]

    def install_commands(self) -> str:
        """``sudo apt install … (Debian/Ubuntu) or sudo dnf install … (Fedora)``."""
        text = (f"sudo apt install {' '.join(self.packages(0))} (Debian/Ubuntu) or "
                f"sudo dnf install {' '.join(self.packages(1))} (Fedora)")
        if self.unknown:
            text += f"; and the packages holding {', '.join(self.unknown)}"
        return text

    def message(self) -> str:
        """One line: what is missing and the command that installs it."""
        return (f"the window cannot start: Qt's {self.platform} platform plugin needs system libraries that are "
                f"missing ({', '.join(self.libraries)}). Install them: {self.install_commands()}. "
                f"`smsconsole doctor` checks the rest; `smsconsole serve` needs none of them.")


def chosen_platform(env: dict[str, str] | None = None) -> str:
    """The platform plugin Qt will load: QT_QPA_PLATFORM's first choice, else Wayland or X11 by the session."""
    env = os.environ if env is None else env
    wanted = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if wanted:
        return wanted
    if env.get("WAYLAND_DISPLAY") and env.get("XDG_SESSION_TYPE") == "wayland":
        return "wayland"
    return "xcb"


def plugin_dirs(env: dict[str, str] | None = None) -> list[Path]:
    env = os.environ if env is None else env
    dirs = [Path(p) for p in env.get("QT_QPA_PLATFORM_PLUGIN_PATH", "").split(os.pathsep) if p]
    spec = importlib.util.find_spec("PySide6")
    for location in (spec.submodule_search_locations or []) if spec else []:
        dirs.append(Path(location) / "Qt" / "plugins" / "platforms")
    return dirs


def plugin_path(platform: str, env: dict[str, str] | None = None) -> Path | None:
    name = PLUGIN_FILES.get(platform, f"libq{platform}.so")
    return next((d / name for d in plugin_dirs(env) if (d / name).is_file()), None)


def unresolved(path: Path) -> list[str]:
    """Libraries the dynamic linker cannot find for ``path`` (and what it links), by soname."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        out = subprocess.run([ldd, str(path)], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = [line.split("=>")[0].strip() for line in out.splitlines() if "not found" in line]
    return list(dict.fromkeys(found))


def _installed(soname: str) -> bool:
    import ctypes.util

    return ctypes.util.find_library(soname.removeprefix("lib").split(".so")[0]) is not None


def missing_libraries(platform: str | None = None, env: dict[str, str] | None = None) -> Missing | None:
    """What the platform plugin lacks, or None when it will load (or cannot be checked here)."""
    import sys

    if not sys.platform.startswith("linux"):
        return None
    platform = platform or chosen_platform(env)
    path = plugin_path(platform, env)
    if path is None:
        return None
    libraries = unresolved(path) + [lib for lib in ALSO_NEEDED.get(platform, ()) if not _installed(lib)]
    return Missing(platform, list(dict.fromkeys(libraries))) if libraries else None


def display_problem(platform: str | None = None, env: dict[str, str] | None = None) -> str | None:
    """Why no window can open (no display for X11 or Wayland), in one line; None when one can."""
    env = os.environ if env is None else env
    platform = platform or chosen_platform(env)
    if platform == "xcb" and not env.get("DISPLAY"):
        return ("no display: DISPLAY is not set. Start the console from a desktop session (or set DISPLAY), "
                "or run it headless with `smsconsole serve`.")
    if platform.startswith("wayland") and not env.get("WAYLAND_DISPLAY"):
        return ("no display: WAYLAND_DISPLAY is not set. Start the console from a desktop session, "
                "or run it headless with `smsconsole serve`.")
    return None
