"""The PyInstaller spec leaves out no Qt module that the console imports."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SPEC = REPO / "packaging" / "pyinstaller" / "smsconsole.spec"


def _excluded_qt_modules() -> set[str]:
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "UNUSED_QT_MODULES" for target in node.targets
        ):
            return set(ast.literal_eval(node.value))
    raise AssertionError("the spec names no UNUSED_QT_MODULES")


def _imported_qt_modules() -> dict[str, str]:
    """Qt module -> the first console module that imports it."""
    found: dict[str, str] = {}
    for path in sorted((REPO / "app").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                if node.module == "PySide6":
                    names = [alias.name for alias in node.names]
                elif node.module.startswith("PySide6."):
                    names = [node.module.split(".")[1]]
            elif isinstance(node, ast.Import):
                names = [alias.name.split(".")[1] for alias in node.names if alias.name.startswith("PySide6.")]
            for name in names:
                if re.fullmatch(r"Qt\w+", name):
                    found.setdefault(name, str(path.relative_to(REPO)))
    return found


def test_the_spec_keeps_every_qt_module_the_console_imports():
    imported = _imported_qt_modules()
    assert {"QtCore", "QtGui", "QtWidgets"} <= set(imported)
    dropped = {name: where for name, where in imported.items() if name in _excluded_qt_modules()}
    assert dropped == {}, f"the bundle would lack Qt modules the console imports: {dropped}"
