#!/usr/bin/env python3
"""Render the application icon's PNG sizes from its SVG, with Qt's SVG renderer.

    python packaging/render_icons.py            # write resources/icons/hicolor/NxN/apps/*.png
    python packaging/render_icons.py --check    # exit 1 if a PNG is missing or out of date
    python packaging/render_icons.py --iconset DIR   # macOS .iconset folder (for iconutil)

The scalable SVG (resources/icons/hicolor/scalable/apps/<APP_ID>.svg) is the
source; the PNGs are committed so that packaging needs no renderer.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from app import APP_ID  # noqa: E402
from app.resources import APP_ICON_SIZES  # noqa: E402

HICOLOR = REPO / "resources" / "icons" / "hicolor"
SOURCE = HICOLOR / "scalable" / "apps" / f"{APP_ID}.svg"
# Largest mean per-channel difference (0..255) still counted as "the same picture".
TOLERANCE = 2.0


def _qt():
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # A QApplication (not only a QGuiApplication), so that code sharing the
    # process - a test session with widgets - can still create widgets.
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def render(svg: Path, size: int):
    """The SVG rendered to a transparent size×size QImage."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _qt()
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not a valid SVG for Qt")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def mean_difference(a, b) -> float:
    """Mean absolute per-channel difference of two same-size ARGB32 images."""
    if a.size() != b.size():
        return 255.0
    pa = bytes(a.constBits())[: a.sizeInBytes()]
    pb = bytes(b.constBits())[: b.sizeInBytes()]
    return sum(abs(x - y) for x, y in zip(pa, pb)) / max(len(pa), 1)


def png_path(size: int) -> Path:
    return HICOLOR / f"{size}x{size}" / "apps" / f"{APP_ID}.png"


def write_all() -> None:
    for size in APP_ICON_SIZES:
        out = png_path(size)
        out.parent.mkdir(parents=True, exist_ok=True)
        if not render(SOURCE, size).save(str(out), "PNG"):
            raise OSError(f"could not write {out}")
        print(out.relative_to(REPO))


def check_all() -> list[str]:
    from PySide6.QtGui import QImage

    problems = []
    for size in APP_ICON_SIZES:
        path = png_path(size)
        if not path.is_file():
            problems.append(f"{path.relative_to(REPO)} is missing")
            continue
        stored = QImage(str(path)).convertToFormat(QImage.Format.Format_ARGB32)
        diff = mean_difference(stored, render(SOURCE, size))
        if diff > TOLERANCE:
            problems.append(
                f"{path.relative_to(REPO)} differs from the SVG (mean difference {diff:.1f})"
            )
    return problems


def write_iconset(folder: Path) -> None:
    """A macOS .iconset (icon_16x16.png … icon_512x512@2x.png) for iconutil."""
    folder.mkdir(parents=True, exist_ok=True)
    for base in (16, 32, 128, 256, 512):
        render(SOURCE, base).save(str(folder / f"icon_{base}x{base}.png"), "PNG")
        render(SOURCE, base * 2).save(str(folder / f"icon_{base}x{base}@2x.png"), "PNG")
    print(folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    parser.add_argument("--iconset", type=Path, help="write a macOS .iconset folder here")
    args = parser.parse_args(argv)
    if args.iconset:
        write_iconset(args.iconset)
        return 0
    if args.check:
        problems = check_all()
        for line in problems:
            print(line, file=sys.stderr)
        return 1 if problems else 0
    write_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
