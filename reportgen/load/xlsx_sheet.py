"""What openpyxl's fast read-only mode does not tell about a sheet, read from its XML:
hidden rows, merged cells, and formulas saved without a result.

The sheet is streamed (``iterparse``), so a 100.000-row sheet costs little memory.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from lxml import etree

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAX_UNCOMPRESSED_BYTES = 256 * 1024 * 1024  # a 100.000-row sheet is some 30 MB of XML
MAX_ENTRIES = 10_000
_REF = re.compile(r"^([A-Z]+)(\d+)$")
_UNSAVED_FORMULAS = etree.XPath("m:c[m:f and not(normalize-space(m:v))]/@r",
                                namespaces={"m": MAIN.strip("{}")})


@dataclass(slots=True)
class SheetExtras:
    hidden_rows: set[int] = field(default_factory=set)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_col, min_row, max_col, max_row
    formulas_without_value: set[tuple[int, int]] = field(default_factory=set)  # (row, column), 1-based


def _column(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def _cell(ref: str) -> tuple[int, int]:
    match = _REF.match(ref)
    if not match:
        raise ValueError(ref)
    return int(match.group(2)), _column(match.group(1))


def _sheet_path(archive: zipfile.ZipFile, sheet: str) -> str | None:
    workbook = etree.fromstring(archive.read("xl/workbook.xml"))
    rels = etree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{PKG_REL}Relationship")}
    for element in workbook.iter(f"{MAIN}sheet"):
        if element.get("name") == sheet:
            target = targets.get(element.get(f"{REL}id"), "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    return None


def check_package(package: BinaryIO) -> str | None:
    """A problem with the workbook as a ZIP package, before anything is decompressed: the 50 MB
    limit on the file says nothing of its content (3 MB of zeros inflate to 3 GB of XML).
    Python's reader never inflates an entry past the size it declares, so the declared sizes
    bound the work."""
    try:
        with zipfile.ZipFile(package) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None  # not a ZIP file: openpyxl says what it is not
    finally:
        package.seek(0)
    if len(entries) > MAX_ENTRIES:
        return f"cannot be read as an XLSX workbook (more than {MAX_ENTRIES} parts)"
    if sum(entry.file_size for entry in entries) > MAX_UNCOMPRESSED_BYTES:
        return (f"holds more than {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB once uncompressed: "
                "not read (save the needed sheet alone, or as CSV)")
    return None


def read_extras(path: Path | BinaryIO, sheet: str) -> SheetExtras:
    extras = SheetExtras()
    try:
        with zipfile.ZipFile(path) as archive:
            name = _sheet_path(archive, sheet)
            if name is None:
                return extras
            with archive.open(name) as source:
                for _, element in etree.iterparse(source, events=("end",), tag=(f"{MAIN}row", f"{MAIN}mergeCell")):
                    if element.tag == f"{MAIN}row":
                        number = element.get("r")
                        if element.get("hidden") in ("1", "true") and number:
                            extras.hidden_rows.add(int(number))
                        for ref in _UNSAVED_FORMULAS(element):  # evaluated in C: a Python loop per cell is slow
                            extras.formulas_without_value.add(_cell(str(ref)))
                    else:
                        first, _, last = element.get("ref", "").partition(":")
                        (r1, c1), (r2, c2) = _cell(first), _cell(last or first)
                        extras.merged.append((c1, r1, c2, r2))
                    element.clear()
    except (KeyError, ValueError, etree.XMLSyntaxError, zipfile.BadZipFile, OSError, EOFError):
        pass  # an unusual package: the values themselves were read by openpyxl
    return extras
