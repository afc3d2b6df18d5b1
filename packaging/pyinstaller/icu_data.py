"""ICU data for the Linux bundle: only what Qt Core asks ICU for.

PySide6's Linux wheels carry ICU for Qt Core; its data library
(`libicudata.so.<N>`, about 31 MB) holds every ICU service's data for every
locale. Qt Core calls ICU for four things only - locale-aware case mapping,
legacy text codecs, collation, and calendars with time-zone names - so the
bundle ships a data library with the same name and symbol that leaves out the
trees serving other ICU services:

    brkitr/    break iterators and their word dictionaries (Qt finds text
               boundaries with its own Unicode tables)
    lang/ region/ curr/ unit/
               display names of languages, regions, currencies, measurement
               units (ICU's locale display names and number formatting)
    rbnf/      spelled-out numbers
    translit/  transliterators
    *.spp      StringPrep profiles (IDNA 2003; QUrl has its own IDNA)
    *.cfu      spoof checker
    unames.icu Unicode character names

Everything else stays: converters and their aliases, collation, the locale
tree with calendars and number symbols, time-zone names and rules, normalization
and the supplemental data. `check_icu_calls` stops the build when a Qt library
calls an ICU function outside the four families, so that a later Qt that
starts to use, say, ICU's break iterators cannot ship with their data missing.

    python packaging/pyinstaller/icu_data.py LIBICUDATA OUTDIR [LIBRARY...]

writes OUTDIR/libicudata.so.<N> and prints the sizes. Needs binutils (`as`,
`ld`), which PyInstaller needs on Linux anyway.
"""

from __future__ import annotations

import re
import struct
import subprocess
import sys
import tempfile
from pathlib import Path

DROPPED_TREES = ("brkitr", "lang", "region", "curr", "unit", "rbnf", "translit")
DROPPED_SUFFIXES = (".spp", ".cfu")
DROPPED_ITEMS = ("unames.icu",)

# ICU functions (without the version suffix) that the kept data serves.
SERVED_CALLS = re.compile(r"^(u_strToLower|u_strToUpper|ucnv_\w+|UCNV_\w+|ucol_\w+|ucal_\w+)$")

_ELF_HEADER = struct.Struct("<16sHHIQQQIHHHHHH")
_SECTION = struct.Struct("<IIQQQQIIQQ")
_SEGMENT = struct.Struct("<IIQQQQQQ")
_SYMBOL = struct.Struct("<IBBHQQ")
_SHT_DYNSYM = 11
_PT_LOAD = 1
_ALIGN = 16


class IcuDataError(Exception):
    """The ICU data could not be read, trimmed or rebuilt."""


def dynamic_symbols(image: bytes) -> list[tuple[str, int, int, bool]]:
    """(name, address, size, defined) of each dynamic symbol of a little-endian ELF64 library."""
    if image[:4] != b"\x7fELF" or image[4] != 2 or image[5] != 1:
        raise IcuDataError("not a little-endian 64-bit ELF file")
    header = _ELF_HEADER.unpack_from(image, 0)
    shoff, shentsize, shnum = header[6], header[11], header[12]
    sections = [_SECTION.unpack_from(image, shoff + i * shentsize) for i in range(shnum)]
    symbols = []
    for section in sections:
        if section[1] != _SHT_DYNSYM:
            continue
        strings = sections[section[6]]
        str_offset = strings[4]
        for pos in range(section[4], section[4] + section[5], _SYMBOL.size):
            st_name, _info, _other, shndx, value, size = _SYMBOL.unpack_from(image, pos)
            if not st_name:
                continue
            start = str_offset + st_name
            name = image[start:image.index(b"\0", start)].decode("ascii")
            symbols.append((name, value, size, shndx != 0))
    return symbols


def _file_offset(image: bytes, address: int) -> int:
    header = _ELF_HEADER.unpack_from(image, 0)
    phoff, phentsize, phnum = header[5], header[9], header[10]
    for i in range(phnum):
        p_type, _flags, offset, vaddr, _paddr, filesz, _memsz, _align = _SEGMENT.unpack_from(
            image, phoff + i * phentsize
        )
        if p_type == _PT_LOAD and vaddr <= address < vaddr + filesz:
            return address - vaddr + offset
    raise IcuDataError(f"address {address:#x} is in no loaded segment")


def embedded_package(library: Path) -> tuple[str, bytes]:
    """The data symbol's name (`icudt<N>_dat`) and the common data package it holds."""
    image = library.read_bytes()
    for name, address, size, defined in dynamic_symbols(image):
        if defined and re.fullmatch(r"icudt\d+_dat", name):
            start = _file_offset(image, address)
            return name, image[start:start + size]
    raise IcuDataError(f"{library}: no icudt<N>_dat symbol")


def package_items(package: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The header and the (name, data) items of an ICU common data package (.dat)."""
    header_size = struct.unpack_from("<H", package, 0)[0]
    if package[2:4] != b"\xda\x27" or package[12:16] != b"CmnD" or package[8] != 0:
        raise IcuDataError("not a little-endian ICU common data package")
    count = struct.unpack_from("<I", package, header_size)[0]
    entries = [struct.unpack_from("<II", package, header_size + 4 + 8 * i) for i in range(count)]
    starts = [header_size + data for _name, data in entries] + [len(package)]
    items = []
    for i, (name_offset, _data) in enumerate(entries):
        name_start = header_size + name_offset
        name = package[name_start:package.index(b"\0", name_start)].decode("ascii")
        items.append((name, package[starts[i]:starts[i + 1]]))
    return package[:header_size], items


def build_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """An ICU common data package of the items (kept in their sorted order), each 16-byte aligned."""
    toc_size = 4 + 8 * len(items)
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in items)
    name_offsets, offset = [], toc_size
    for name, _ in items:
        name_offsets.append(offset)
        offset += len(name) + 1
    position = len(header) + toc_size + len(names)
    padding = -position % _ALIGN
    position += padding
    data_offsets, body = [], bytearray()
    for _name, data in items:
        data_offsets.append(position - len(header))
        chunk = data + b"\0" * (-len(data) % _ALIGN)
        body += chunk
        position += len(chunk)
    toc = struct.pack("<I", len(items)) + b"".join(
        struct.pack("<II", n, d) for n, d in zip(name_offsets, data_offsets)
    )
    return header + toc + names + b"\0" * padding + bytes(body)


def dropped(name: str) -> bool:
    """Whether the bundle leaves this package item (`icudt<N>l/<tree>/<item>`) out."""
    parts = name.split("/")
    if len(parts) > 2:
        return parts[1] in DROPPED_TREES
    return parts[-1].endswith(DROPPED_SUFFIXES) or parts[-1] in DROPPED_ITEMS


def trim_package(package: bytes) -> bytes:
    """The package without the items `dropped` names."""
    header, items = package_items(package)
    return build_package(header, [(name, data) for name, data in items if not dropped(name)])


def icu_calls(library: Path, version: str) -> set[str]:
    """The ICU functions a library imports: C functions without ICU's version suffix
    (`ucol_open_73` -> `ucol_open`), C++ ones by their mangled names (`_ZN6icu_73...`)."""
    suffix, namespace = f"_{version}", f"icu_{version}"
    calls = set()
    for name, _address, _size, defined in dynamic_symbols(library.read_bytes()):
        if defined:
            continue
        if name.endswith(suffix):
            calls.add(name[: -len(suffix)])
        elif namespace in name:
            calls.add(name)
    return calls


def check_icu_calls(libraries: list[Path], version: str) -> None:
    """Raise IcuDataError when a library calls ICU for something the trimmed data does not serve."""
    unserved = sorted(
        f"{library.name}: {call}"
        for library in libraries
        for call in icu_calls(library, version)
        if not SERVED_CALLS.match(call)
    )
    if unserved:
        raise IcuDataError(
            "these ICU calls may need data the bundle leaves out (see packaging/pyinstaller/icu_data.py): "
            + ", ".join(unserved)
        )


def build_library(package: bytes, symbol: str, soname: str, out_dir: Path) -> Path:
    """A shared library `soname` exporting `symbol` = package, as ICU's own data library does."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = (out_dir / soname).resolve()
    with tempfile.TemporaryDirectory(prefix="icudata-") as tmp:
        work = Path(tmp)
        (work / "data.dat").write_bytes(package)
        (work / "data.s").write_text(
            "\t.section .rodata\n"
            f"\t.globl {symbol}\n"
            f"\t.type {symbol}, @object\n"
            f"\t.balign {_ALIGN}\n"
            f"{symbol}:\n"
            '\t.incbin "data.dat"\n'
            f"\t.size {symbol}, . - {symbol}\n"
            '\t.section .note.GNU-stack,"",@progbits\n',
            encoding="ascii",
        )
        for command in (
            ["as", "-o", "data.o", "data.s"],
            ["ld", "-shared", "-soname", soname, "-z", "noexecstack", "-o", str(target), "data.o"],
        ):
            done = subprocess.run(command, cwd=work, capture_output=True, text=True)
            if done.returncode:
                raise IcuDataError(f"{' '.join(command)}: {done.stderr.strip()}")
    return target


def slim_data_library(library: Path, out_dir: Path, callers: list[Path] = ()) -> Path:
    """Write out_dir/<library's name>: the same ICU data library without the dropped items.

    callers: the libraries (other than ICU's own) that call ICU; see `check_icu_calls`.
    """
    symbol, package = embedded_package(library)
    check_icu_calls(list(callers), symbol[len("icudt"):-len("_dat")])
    return build_library(trim_package(package), symbol, library.name, out_dir)


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__.split("\n\n")[-2].strip(), file=sys.stderr)
        return 2
    library, out_dir = Path(argv[0]), Path(argv[1])
    slim = slim_data_library(library, out_dir, [Path(p) for p in argv[2:]])
    print(f"{library}: {library.stat().st_size / 2**20:.1f} MiB -> {slim}: {slim.stat().st_size / 2**20:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
