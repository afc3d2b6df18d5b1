"""Refresh the translation sources from the code, and compile them for the console.

    python resources/translations/refresh.py

1. ``pyside6-lupdate`` reads every ``tr()`` / ``translate()`` text of ``app/ui``
   into ``smsconsole_de.ts`` (all texts; translations already made are kept,
   texts gone from the code are marked obsolete) and ``smsconsole_en.ts``
   (the texts with a count only: their English singular and plural forms).
2. English plural forms still empty are written from the source text
   ("%n message(s)" -> "%n message" / "%n messages"); check them in Qt
   Linguist (``pyside6-linguist resources/translations/smsconsole_en.ts``).
3. ``pyside6-lrelease`` compiles each ``.ts`` to the ``.qm`` the console loads.

New German texts show as unfinished in Linguist; translate them there, then
run this again. Another language: copy ``smsconsole_de.ts`` to
``smsconsole_<code>.ts``, set its ``language`` attribute, translate, run this,
and add the code to ``LANGUAGES`` in ``app/ui/translations.py``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SOURCES = sorted(str(p.relative_to(REPO)) for p in (REPO / "app" / "ui").glob("*.py"))


def tool(name: str) -> str:
    """A Qt tool from the running Python's environment (the venv's bin), else from PATH."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    if not found:
        sys.exit(f"{name} not found: install pyside6-essentials in this environment")
    return found


def english_forms(source: str) -> tuple[str, str]:
    """Singular and plural of a source text that writes its plural as "word(s)"."""
    return re.sub(r"\((?:e?s)\)", "", source), re.sub(r"\((e?s)\)", r"\1", source)


def fill_english(ts: Path) -> int:
    """Write the English forms into the plural messages that have none; returns how many."""
    tree = ET.parse(ts)
    filled = 0
    for message in tree.getroot().iter("message"):
        if message.get("numerus") != "yes":
            continue
        translation = message.find("translation")
        forms = translation.findall("numerusform")
        if all((f.text or "").strip() for f in forms) and forms:
            continue
        for f in forms:
            translation.remove(f)
        for text in english_forms(message.find("source").text or ""):
            ET.SubElement(translation, "numerusform").text = text
        translation.attrib.pop("type", None)
        filled += 1
    if filled:
        tree.write(ts, encoding="utf-8", xml_declaration=True)
    return filled


def main() -> None:
    lupdate, lrelease = tool("pyside6-lupdate"), tool("pyside6-lrelease")
    english = HERE / "smsconsole_en.ts"
    subprocess.run([lupdate, *SOURCES, "-no-obsolete", "-locations", "none", "-target-language", "en",
                    "-pluralonly", "-ts", str(english)], cwd=REPO, check=True)
    print(f"{english.name}: {fill_english(english)} plural forms written")
    for ts in sorted(HERE.glob("smsconsole_*.ts")):
        if ts != english:
            subprocess.run([lupdate, *SOURCES, "-locations", "none", "-ts", str(ts)], cwd=REPO, check=True)
    for ts in sorted(HERE.glob("smsconsole_*.ts")):
        subprocess.run([lrelease, str(ts), "-qm", str(ts.with_suffix(".qm"))], check=True)


if __name__ == "__main__":
    main()
