"""The bundle's trimmed ICU data: a valid ICU package, and Qt answers the same with it as with the full data."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("icu_data", REPO / "packaging" / "pyinstaller" / "icu_data.py")
icu_data = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(icu_data)

PROBE = Path(__file__).with_name("icu_probe.py")


def _header() -> bytes:
    """A common data package header as ICU writes it (little endian, ASCII, format CmnD 1.0)."""
    info = struct.pack("<HHBBBB4s4s4s", 20, 0, 0, 0, 2, 0, b"CmnD", bytes([1, 0, 0, 0]), bytes(4))
    header = struct.pack("<HBB", 0, 0xDA, 0x27) + info
    header += b"\0" * (-len(header) % 16)
    return struct.pack("<H", len(header)) + header[2:]


ITEMS = [
    ("icudt73l/brkitr/word.brk", b"W" * 40),
    ("icudt73l/cnvalias.icu", b"A" * 17),
    ("icudt73l/coll/de.res", b"C" * 33),
    ("icudt73l/confusables.cfu", b"F" * 9),
    ("icudt73l/de.res", b"D" * 5),
    ("icudt73l/lang/de.res", b"L" * 12),
    ("icudt73l/rfc3491.spp", b"S" * 3),
    ("icudt73l/unames.icu", b"N" * 8),
    ("icudt73l/zone/de.res", b"Z" * 21),
]
KEPT = ["icudt73l/cnvalias.icu", "icudt73l/coll/de.res", "icudt73l/de.res", "icudt73l/zone/de.res"]


def test_a_built_package_reads_back_with_its_items_aligned():
    package = icu_data.build_package(_header(), ITEMS)
    header, items = icu_data.package_items(package)
    assert header == _header()
    assert [name for name, _ in items] == [name for name, _ in ITEMS]
    for (name, data), (_, original) in zip(items, ITEMS):
        assert data.rstrip(b"\0") == original, name
    count = struct.unpack_from("<I", package, len(header))[0]
    for i in range(count):
        _name, offset = struct.unpack_from("<II", package, len(header) + 4 + 8 * i)
        assert (len(header) + offset) % 16 == 0


def test_trimming_leaves_out_only_the_services_qt_does_not_call():
    _, items = icu_data.package_items(icu_data.trim_package(icu_data.build_package(_header(), ITEMS)))
    assert [name for name, _ in items] == KEPT


def test_a_package_of_another_kind_is_refused():
    with pytest.raises(icu_data.IcuDataError):
        icu_data.package_items(b"\x20\x00\xda\x27" + b"\0" * 8 + b"ResB" + b"\0" * 16)


def _pyside_icu() -> Path:
    pyside = pytest.importorskip("PySide6")
    lib = Path(pyside.__file__).parent / "Qt" / "lib"
    found = sorted(lib.glob("libicudata.so.*"))
    if not sys.platform.startswith("linux") or not found:
        pytest.skip("this PySide6 carries no ICU of its own")
    if not (shutil.which("as") and shutil.which("ld")):
        pytest.skip("binutils (as, ld) are not installed")
    return found[0]


@pytest.fixture(scope="module")
def slim_library(tmp_path_factory) -> tuple[Path, Path]:
    full = _pyside_icu()
    qt_core = full.parent / "libQt6Core.so.6"
    slim = icu_data.slim_data_library(full, tmp_path_factory.mktemp("icu"), [qt_core])
    return full, slim


def test_the_trimmed_library_is_icus_data_library_at_half_the_size(slim_library):
    full, slim = slim_library
    assert slim.name == full.name
    full_symbol, full_package = icu_data.embedded_package(full)
    slim_symbol, slim_package = icu_data.embedded_package(slim)
    assert slim_symbol == full_symbol
    assert slim.stat().st_size < full.stat().st_size * 0.6
    full_names = [name for name, _ in icu_data.package_items(full_package)[1]]
    slim_items = dict(icu_data.package_items(slim_package)[1])
    assert list(slim_items) == [name for name in full_names if not icu_data.dropped(name)]
    full_items = dict(icu_data.package_items(full_package)[1])
    for name, data in slim_items.items():
        assert data.rstrip(b"\0") == full_items[name].rstrip(b"\0"), name


def _qt_answers(library_dir: Path | None) -> dict:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("LD_LIBRARY_PATH", None)
    if library_dir is not None:
        env["LD_LIBRARY_PATH"] = str(library_dir)
    done = subprocess.run([sys.executable, str(PROBE)], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Could not create collator" not in done.stderr, done.stderr
    return json.loads(done.stdout)


def test_qt_answers_the_same_with_the_trimmed_data(slim_library):
    full, slim = slim_library
    with_full = _qt_answers(None)
    with_slim = _qt_answers(slim.parent)
    assert with_full.pop("icudata") == [str(full.resolve())]
    assert with_slim.pop("icudata") == [str(slim.resolve())]
    assert with_slim["zone Europe/Berlin de_DE LongName"] == [
        "Mitteleuropäische Normalzeit", "Mitteleuropäische Sommerzeit"]
    assert with_slim == with_full


def test_the_build_stops_when_qt_calls_an_icu_service_whose_data_is_left_out(slim_library):
    full, _ = slim_library
    symbol, _package = icu_data.embedded_package(full)
    version = symbol[len("icudt"):-len("_dat")]
    icu_data.check_icu_calls([full.parent / "libQt6Core.so.6"], version)
    # ICU's own i18n library calls, among others, the character names left out of the data.
    with pytest.raises(icu_data.IcuDataError, match="u_charName"):
        icu_data.check_icu_calls([full.parent / f"libicui18n.so.{version}"], version)
