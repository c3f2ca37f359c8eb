"""Issue 20, items 7 and 9: a stray quote in a CSV is reported with its file, row and column
(never rows silently folded into one cell); an XLSX that inflates to gigabytes is refused
before it is decompressed; damaged workbooks end in one line, exit 2."""

from __future__ import annotations

import io
import textwrap
import zipfile

import pytest

HEADER = "id;indicatore;polarita;obiettivo;consuntivo\n"
ROWS = ["deflusso;Indice di deflusso;higher;1,013;1,048\n", "costi;Costi per punto;lower;171,54;155,54\n",
        "tempi;Tempi medi;lower;30;28\n", "qualita;Qualità percepita;higher;80;82\n"]

# (CSV text, the location the message must give)
STRAY_QUOTES = {
    "opened-never-closed": (HEADER + ROWS[0] + '"costi;Costi per punto;lower;171,54;155,54\n' + "".join(ROWS[2:]),
                            "data/kpi.csv, row 3"),
    "opened-in-a-cell": (HEADER + ROWS[0] + 'costi;"Costi per punto;lower;171,54;155,54\n' + "".join(ROWS[2:]),
                         "data/kpi.csv, row 3"),
    "opened-in-last-cell": (HEADER + ROWS[0] + 'costi;Costi per punto;lower;171,54;"155,54\n' + "".join(ROWS[2:]),
                            "data/kpi.csv, row 3"),
    "closed-rows-later": (HEADER + ROWS[0] + 'costi;"Costi per punto;lower;171,54;155,54\n' + ROWS[2]
                          + 'qualita";Qualità percepita;higher;80;82\n', "data/kpi.csv, row 3, column 'indicatore'"),
    "closed-rows-later-first-cell": (HEADER + '"deflusso;Indice di deflusso;higher;1,013;1,048\n' + ROWS[1]
                                     + 'tempi";Tempi medi;lower;30;28\n' + ROWS[3], "data/kpi.csv, row 2, column 'id'"),
    "text-after-closing-quote": (HEADER + ROWS[0] + 'costi;"Costi" per punto;lower;171,54;155,54\n',
                                 "data/kpi.csv, row 3"),
    "quote-at-end-of-file": (HEADER + "".join(ROWS) + '"', "data/kpi.csv, row 6"),
    "crlf-folded": ((HEADER + ROWS[0] + 'costi;"Costi per punto;lower;171,54;155,54\n' + ROWS[2]
                     + 'qualita";Qualità percepita;higher;80;82\n').replace("\n", "\r\n"),
                    "data/kpi.csv, row 3, column 'indicatore'"),
}


@pytest.mark.parametrize("case", STRAY_QUOTES)
def test_stray_quote_is_reported_where_it_is(hostile, case):
    text, where = STRAY_QUOTES[case]
    hostile.make(csv="", extra={"data/kpi.csv": text.encode("utf-8")})
    run = hostile.check()
    hostile.assert_safe(run, (where,), ok=False)


@pytest.mark.parametrize("text", [
    HEADER + 'deflusso;"Indice di deflusso:\n- primo punto;\n- secondo punto;";higher;1,013;1,048\n',  # a list in a cell
    HEADER + 'deflusso;"Indice ""di"" deflusso";higher;1,013;1,048\n',  # an escaped quote
    HEADER + 'deflusso;Indice 5" di deflusso;higher;1,013;1,048\n',  # a quote inside an unquoted cell
])
def test_quotes_used_correctly_are_read(hostile, text):
    hostile.make(csv="", extra={"data/kpi.csv": text.encode("utf-8")})
    run = hostile.build()
    hostile.assert_safe(run, ok=True)


# -- XLSX

def _workbook() -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    for line in (HEADER + "".join(ROWS)).splitlines():
        book.active.append(line.split(";"))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rewrite(data: bytes, change) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = change(item.filename, source.read(item.filename))
            if content is not None:
                target.writestr(item.filename, content)
    return buffer.getvalue()


def _bomb(data: bytes) -> bytes:
    # 300 MB of spaces inside the sheet's XML: a few hundred kilobytes once compressed
    def change(name, content):
        if name == "xl/worksheets/sheet1.xml":
            return content.replace(b"<sheetData>", b"<sheetData>" + b" " * (300 * 1024 * 1024), 1)
        return content
    return _rewrite(data, change)


def _extra_entry_bomb(data: bytes) -> bytes:
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/zeros.bin", b"\0" * (300 * 1024 * 1024))
    return buffer.getvalue()


def _many_entries(data: bytes) -> bytes:
    buffer = io.BytesIO(data)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_STORED) as archive:
        for i in range(12_000):
            archive.writestr(f"xl/x/{i}.xml", b"")
    return buffer.getvalue()


def _sheet_outside(data: bytes) -> bytes:
    return _rewrite(data, lambda name, content: content.replace(b'Target="worksheets/sheet1.xml"',
                                                                b'Target="../../../../etc/passwd"')
                    if name == "xl/_rels/workbook.xml.rels" else content)


def _sheet_absolute(data: bytes) -> bytes:
    return _rewrite(data, lambda name, content: content.replace(b'Target="worksheets/sheet1.xml"',
                                                                b'Target="/etc/passwd"')
                    if name == "xl/_rels/workbook.xml.rels" else content)


def _bad_merge(data: bytes) -> bytes:
    def change(name, content):
        if name == "xl/worksheets/sheet1.xml":
            return content.replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="ZZZ:1A"/>'
                                   b"</mergeCells>", 1)
        return content
    return _rewrite(data, change)


def _no_sheets(data: bytes) -> bytes:
    return _rewrite(data, lambda name, content: None if name.startswith("xl/worksheets/") else content)


XLSX = {
    "zip-bomb-in-sheet": lambda: _bomb(_workbook()),
    "zip-bomb-extra-part": lambda: _extra_entry_bomb(_workbook()),
    "many-parts": lambda: _many_entries(_workbook()),
    "sheet-target-outside": lambda: _sheet_outside(_workbook()),
    "sheet-target-absolute": lambda: _sheet_absolute(_workbook()),
    "invalid-merged-reference": lambda: _bad_merge(_workbook()),
    "no-sheets": lambda: _no_sheets(_workbook()),
    "garbage": lambda: b"this is not a workbook" * 100,
    "empty": lambda: b"",
    "truncated": lambda: _workbook()[:2000],
    "zip-of-nothing": lambda: _rewrite(_workbook(), lambda name, content: None),
}


@pytest.mark.parametrize("case", XLSX)
def test_damaged_or_inflating_workbook_ends_in_one_line(hostile, case):
    hostile.make(csv="", extra={"data/kpi.xlsx": XLSX[case]()})
    (hostile.project / "data" / "kpi.csv").unlink()
    run = hostile.build(timeout=60)
    hostile.assert_safe(run, ("data/kpi.xlsx",))


def test_zip_bomb_is_refused_before_it_is_inflated(hostile):
    hostile.make(csv="", extra={"data/kpi.xlsx": _bomb(_workbook())})
    (hostile.project / "data" / "kpi.csv").unlink()
    run = hostile.check(timeout=20)
    hostile.assert_safe(run, ("data/kpi.xlsx:",), ok=False)
    assert "MB once uncompressed" in run.stderr


def test_sound_workbook_is_read(hostile):
    hostile.make(csv="", extra={"data/kpi.xlsx": _workbook(),
                                "text/risultati.md": textwrap.dedent("Tempi: {{ kpi.tempi.consuntivo }}.\n")})
    (hostile.project / "data" / "kpi.csv").unlink()
    hostile.assert_safe(hostile.build(), ok=True)
