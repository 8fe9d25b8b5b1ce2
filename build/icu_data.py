"""Qt's ICU data library on Linux, rebuilt without the parts nothing in the program can reach.

Why this module exists (issue 18, bundle size): PySide6's Linux wheels ship ICU 73 for QtCore,
and its data library, ``libicudata.so.73``, is 32 MB of the bundle's ~142. It holds one ICU
data package (the ``icudt73_dat`` symbol) of about 3,900 items. QtCore is the only library in
the bundle that calls ICU (``nm -D``): converters (``ucnv_*``), collation (``ucol_*``), case
mapping (``u_strToUpper``/``u_strToLower``) and, for time-zone names, ``ucal_open``,
``ucal_getTimeZoneDisplayName`` and ``ucal_getCanonicalTimeZoneID``. Left out:

- what none of those calls reads: break-iterator rules and dictionaries, transliterators,
  spelled-out numbers, unit/currency/language/region display names, character names, the spoof
  checker, StringPrep profiles (``DROPPED_TREES``, ``DROPPED_FILES``, ``DROPPED_SUFFIXES``);
- the converters (``*.cnv``, ``cnvalias.icu``; 5 MB). Qt reaches them only when asked for a
  legacy encoding by name (QStringDecoder/QStringEncoder, an XML declaration read by
  QXmlStreamReader, an HTML file QTextBrowser loads itself); UTF-8/16/32 and Latin-1 are Qt's
  own, and Qt 6 takes Linux's 8-bit encoding to be UTF-8. The program does none of those (its
  text browsers never follow links themselves), and what it decodes it decodes with Python's
  codecs, which all stay. ``tests/test_build_spec.py`` fails if the program starts to.

What stays: collation (``coll/``: QCollator, sorting in Qt's file dialog), time-zone names and
rules (``zone/``, ``zoneinfo64.res``, ``metaZones.res``, ``timezoneTypes.res``: QTimeZone names,
QLocale's long date-time format), the locales' own bundles and ``supplementalData.res``
(calendar, numbering system), likely subtags, aliases, normalization (``REQUIRED``). Checked by
comparing, with the full and the pruned library, QCollator over 1,375 locales, case mapping and
184,000 time-zone names and long formats: identical. ``tests/test_build_spec.py`` holds QtCore's
ICU calls to ``QT_ICU_CALLS``; the frozen self-test checks collation and time-zone names.

The package is rewritten item for item (each item's bytes unchanged, the table of contents
rebuilt, names in the sorted order ICU's binary search expects) and assembled into a shared
library with binutils' ``as`` and ``ld`` (PyInstaller needs binutils on Linux anyway): same
file name, soname and symbol, so ``libicuuc.so.73`` links to it as before.
"""

from __future__ import annotations

import re
import struct
import subprocess
from pathlib import Path

# Trees and files of the data package that are left out, each with why nothing reaches it.
DROPPED_TREES = {
    "brkitr": "break iterators and CJK/Thai/Khmer/Lao/Burmese dictionaries (ubrk_*): unused",
    "translit": "transliterators (utrans_*): unused",
    "rbnf": "spelled-out and ordinal number rules (RuleBasedNumberFormat): unused",
    "unit": "unit names for measure formatting (MeasureFormat): unused",
    "curr": "currency names and symbols (ucurr_*, NumberFormat); Qt has its own CLDR data",
    "lang": "language display names (uloc_getDisplay*, generic zone names): unused",
    "region": "region display names (uloc_getDisplay*, generic zone names): unused",
}
DROPPED_FILES = {
    "unames.icu": "Unicode character names (u_charName): unused",
    "confusables.cfu": "spoof checker (uspoof_*): unused",
    "cnvalias.icu": "converter names: legacy encodings by name through Qt (unused)",
}
DROPPED_SUFFIXES = {
    ".spp": "StringPrep profiles (usprep_*, IDNA2003); Qt does its own IDNA",
    ".cnv": "legacy-encoding tables: QStringDecoder by name, which the program never uses",
}
# What QtCore's ICU calls read: a pruning that loses one of these is a bug.
REQUIRED = (
    "coll/root.res",  # collation: QCollator, QString::localeAwareCompare, file dialogs
    "coll/ucadata.icu",
    "coll/de.res",
    "coll/res_index.res",
    "zone/en.res",  # time-zone display names: QTimeZone::displayName
    "zone/root.res",
    "zoneinfo64.res",  # time-zone rules behind ucal_open
    "metaZones.res",
    "timezoneTypes.res",
    "supplementalData.res",  # calendars' week data
    "root.res",  # the locales' own bundles (calendar, numbering system)
    "en.res",
    "de.res",
    "numberingSystems.res",
    "likelySubtags.res",
    "metadata.res",  # locale aliases
    "keyTypeData.res",
    "pool.res",
    "nfkc.nrm",
)
# The ICU functions QtCore calls (``icu_calls``), which the pruning was judged against: the test
# fails when a Qt release calls another, or another library in the bundle calls ICU.
QT_ICU_CALLS = frozenset(
    {
        *("u_strToLower", "u_strToUpper"),  # case mapping: code only, no data item
        *("ucal_open", "ucal_close", "ucal_getCanonicalTimeZoneID", "ucal_getTimeZoneDisplayName"),
        *("ucol_open", "ucol_close", "ucol_getSortKey", "ucol_setAttribute", "ucol_strcoll"),
        # converters: legacy encodings by name (see above)
        *("UCNV_FROM_U_CALLBACK_SUBSTITUTE", "UCNV_TO_U_CALLBACK_SUBSTITUTE"),
        *("ucnv_cbFromUWriteUChars", "ucnv_cbToUWriteUChars", "ucnv_close", "ucnv_open"),
        *("ucnv_countAvailable", "ucnv_getAvailableName", "ucnv_getName", "ucnv_reset"),
        *("ucnv_fromUCountPending", "ucnv_toUCountPending", "ucnv_fromUnicode", "ucnv_toUnicode"),
        *("ucnv_getFromUCallBack", "ucnv_getToUCallBack", "ucnv_getMaxCharSize"),
        *("ucnv_setFromUCallBack", "ucnv_setToUCallBack", "ucnv_getStandardName"),
    }
)

_COMMON_DATA = b"CmnD"


def drop_reason(name: str) -> str | None:
    """Why item ``name`` (``coll/de.res``, package prefix removed) is left out; None: kept."""
    tree = name.split("/", 1)[0] if "/" in name else ""
    if tree in DROPPED_TREES:
        return DROPPED_TREES[tree]
    if name in DROPPED_FILES:
        return DROPPED_FILES[name]
    for suffix, reason in DROPPED_SUFFIXES.items():
        if name.endswith(suffix):
            return reason
    return None


def read_package(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """(header, [(full item name, item bytes), ...]) of an ICU common data package."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", blob, 0)
    if (magic1, magic2) != (0xDA, 0x27) or blob[12:16] != _COMMON_DATA:
        raise ValueError("not a little-endian ICU common data package")
    toc = header_size
    (count,) = struct.unpack_from("<I", blob, toc)
    entries = [struct.unpack_from("<II", blob, toc + 4 + 8 * i) for i in range(count)]
    items = []
    for i, (name_offset, data_offset) in enumerate(entries):
        end = blob.index(b"\0", toc + name_offset)
        name = blob[toc + name_offset : end].decode("ascii")
        data_end = toc + entries[i + 1][1] if i + 1 < count else len(blob)
        items.append((name, blob[toc + data_offset : data_end]))
    return blob[:header_size], items


def write_package(header: bytes, items: list[tuple[str, bytes]]) -> bytes:
    """The package ``read_package`` reads back: table of contents, names, 16-byte aligned data."""
    if len(header) % 16:
        raise ValueError("package header not 16-byte aligned")
    names = b"".join(name.encode("ascii") + b"\0" for name, _data in items)
    toc_size = 4 + 8 * len(items)
    data_start = _align(toc_size + len(names))
    entries = []
    name_offset, data_offset = toc_size, data_start
    data = bytearray()
    for name, item in items:
        entries.append(struct.pack("<II", name_offset, data_offset))
        name_offset += len(name) + 1
        padded = item + b"\0" * (_align(len(item)) - len(item))
        data += padded
        data_offset += len(padded)
    toc = struct.pack("<I", len(items)) + b"".join(entries) + names
    return header + toc + b"\0" * (data_start - len(toc)) + bytes(data)


def prune_package(blob: bytes) -> tuple[bytes, dict[str, int]]:
    """The package without the dropped items, and the bytes dropped per reason's key."""
    header, items = read_package(blob)
    kept, dropped = [], {}
    for name, data in items:
        short = name.split("/", 1)[1]
        reason = drop_reason(short)
        if reason is None:
            kept.append((name, data))
        else:
            key = short.split("/", 1)[0] if "/" in short else short
            dropped[key] = dropped.get(key, 0) + len(data)
    missing = [r for r in REQUIRED if not any(n.split("/", 1)[1] == r for n, _d in kept)]
    if missing:
        raise ValueError(f"ICU items features need are missing: {', '.join(missing)}")
    return write_package(header, kept), dropped


def dynamic_symbols(elf: bytes) -> list[tuple[str, int, int, int]]:
    """(name, section index, value, size) of each dynamic symbol of an ELF64 little-endian file;
    section index 0: the symbol is imported (undefined here)."""
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise ValueError("not a 64-bit little-endian ELF file")
    (shoff,) = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]
    found = []
    for _name, kind, _flags, _addr, offset, size, link, _info, _alignment, entsize in sections:
        if kind != 11:  # SHT_DYNSYM
            continue
        strings = sections[link][4]
        for pos in range(offset, offset + size, entsize):
            name, _info_, _other, shndx, value, st_size = struct.unpack_from("<IBBHQQ", elf, pos)
            text = elf[strings + name : elf.index(b"\0", strings + name)].decode("ascii")
            found.append((text, shndx, value, st_size))
    return found


def _file_offset(elf: bytes, shndx: int, value: int) -> int:
    (shoff,) = struct.unpack_from("<Q", elf, 0x28)
    (shentsize,) = struct.unpack_from("<H", elf, 0x3A)
    addr, offset = struct.unpack_from("<QQ", elf, shoff + shndx * shentsize + 0x10)
    return value - addr + offset


def data_symbol(library: Path) -> tuple[str, bytes]:
    """(symbol, package bytes) of an ICU data library: ``icudtNN_dat``."""
    elf = library.read_bytes()
    for name, shndx, value, size in dynamic_symbols(elf):
        if shndx and re.fullmatch(r"icudt\d+_dat", name):
            start = _file_offset(elf, shndx, value)
            return name, elf[start : start + size]
    raise ValueError(f"{library.name} defines no icudtNN_dat symbol")


def icu_calls(library: Path) -> set[str]:
    """The ICU functions ``library`` imports (``ucol_open_73`` -> ``ucol_open``)."""
    found = set()
    for name, shndx, _value, _size in dynamic_symbols(library.read_bytes()):
        versioned = re.fullmatch(r"(u[a-z]*_\w+?|U[A-Z_]+?)_(\d{2,3})", name)
        if shndx == 0 and versioned:
            found.add(versioned.group(1))
    return found


def soname(library: Path) -> str:
    """The library's SONAME (``libicudata.so.73``), read with ``objdump -p``."""
    out = subprocess.run(
        ["objdump", "-p", str(library)], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(r"^\s*SONAME\s+(\S+)", out, re.MULTILINE)
    if found is None:
        raise ValueError(f"{library.name} has no SONAME")
    return found.group(1)


def link_data_library(package: bytes, symbol: str, name: str, work: Path) -> Path:
    """``work/name``: a shared library whose only symbol, ``symbol``, is ``package``."""
    work.mkdir(parents=True, exist_ok=True)
    dat = work / f"{symbol}.dat"
    dat.write_bytes(package)
    source = work / f"{symbol}.s"
    source.write_text(
        "\n".join(
            [
                '\t.section .rodata,"a"',
                "\t.balign 16",
                f"\t.globl {symbol}",
                f"\t.type {symbol}, @object",
                f"\t.size {symbol}, {len(package)}",
                f"{symbol}:",
                f'\t.incbin "{dat.name}"',
                '\t.section .note.GNU-stack,"",@progbits',
                "",
            ]
        ),
        encoding="ascii",
    )
    obj = work / f"{symbol}.o"
    library = work / name
    subprocess.run(["as", "-o", obj.name, source.name], cwd=work, check=True)
    subprocess.run(
        ["ld", "-shared", "-soname", name, "-z", "noexecstack", "-o", library.name, obj.name],
        cwd=work,
        check=True,
    )
    return library


def pruned_library(library: Path, work: Path) -> tuple[Path, dict[str, int]]:
    """``library`` rebuilt under ``work`` without the dropped items; the bytes dropped by key."""
    symbol, blob = data_symbol(library)
    package, dropped = prune_package(blob)
    return link_data_library(package, symbol, soname(library), work), dropped


def _align(size: int) -> int:
    return (size + 15) // 16 * 16
