"""The engine knows nothing of the window: only app/ui imports Qt."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
QT_MODULES = ("PySide6", "qasync", "shiboken6")


def qt_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        found += [n for n in names if n.split(".")[0] in QT_MODULES]
    return found


def test_nothing_outside_ui_imports_qt():
    offenders = {}
    for path in APP.rglob("*.py"):
        rel = path.relative_to(APP)
        if rel.parts[0] == "ui":
            continue
        found = qt_imports(path)
        if found:
            offenders[str(rel)] = found
    assert offenders == {}


def test_the_check_sees_a_qt_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from PySide6.QtCore import QObject\n")
    assert qt_imports(sample) == ["PySide6.QtCore"]


def test_headless_engine_imports_no_qt():
    import subprocess
    import sys

    code = ("import sys, app.cli, app.serve, app.runtime, app.engine.engine; "
            "bad=[m for m in sys.modules if m.split('.')[0] in ('PySide6','qasync')]; print(bad); "
            "sys.exit(1 if bad else 0)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_window_frame_needs_neither_the_store_nor_the_engine():
    """What the GUI imports before its window is painted stays light: the store and the engine
    (SQLAlchemy, pydantic) are imported after the first paint."""
    import subprocess
    import sys

    code = ("import sys, app.cli, app.ui.application, app.ui.main_window; "
            "print(sorted(m for m in ('sqlalchemy', 'sqlmodel', 'pydantic', 'app.engine.engine', 'aiohttp') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         cwd=APP.parent)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
