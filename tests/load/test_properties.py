"""Property-based tests: whatever a spreadsheet holds, loading either succeeds or raises the
project's own validation error — never another exception."""

from __future__ import annotations

import string
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from reportgen.engine import compute
from reportgen.errors import InputErrors
from reportgen.load import load_project
from reportgen.load.values import CellError, parse_cell, parse_number
from tests.conftest import write_project

ALPHABET = string.ascii_letters + string.digits + " .,;%€()-−+'\"\t\n@_àèìòù/\\<>{}|"
cells = st.one_of(
    st.text(alphabet=ALPHABET, max_size=14),
    st.from_regex(r"-?\(?€? ?\d{1,3}(\.\d{3}){0,3}(,\d{1,3})?%?\)?", fullmatch=True),
    st.from_regex(r"-?\d{1,9}(\.\d{1,4})?", fullmatch=True),
    st.sampled_from(["", " ", "-", "–", "NaN", "nan", "inf", "1e5", "@t.r.c", "@x", "1.234.5", "1,2,3"]),
)


@given(cells, st.sampled_from(["integer", "decimal", "percent", "euro", "value", "polarity", "sign", "date",
                               "text"]))
def test_a_cell_is_parsed_or_refused_with_a_message(raw, kind):
    try:
        parse_cell(raw, kind)
    except CellError as error:
        assert str(error)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-10**12, max_value=10**12))
def test_italian_numbers_round_trip(value):
    from reportgen.formatting import Formatter

    text = Formatter().number(value, 2)
    assert parse_number(text)[0] == value.quantize(Decimal("0.01"))


REPORT = """\
    administration: Ente
    year: 2024
    title: R
    sections:
      - {id: s, title: S, blocks: [{table: t}]}
"""
SCHEMA = """\
    title: T
    key: voce
    columns:
      voce: {type: text, required: true}
      segno: {type: sign, default: "+"}
      obiettivo: {type: euro, required: true}
      consuntivo: {type: value}
    derive:
      - {op: total, columns: {obiettivo: sum}, sign: segno}
      - {op: scostamento, into: scostamento, obiettivo: obiettivo, consuntivo: consuntivo}
"""
header = st.lists(st.sampled_from(["voce", "segno", "obiettivo", "consuntivo", "extra", "", "Voce "]),
                  min_size=0, max_size=5)
rows = st.lists(st.lists(cells, min_size=0, max_size=6), min_size=0, max_size=6)


def _try(root):
    try:
        compute(load_project(root))
    except InputErrors as errors:
        assert all(str(e) for e in errors)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header, rows, st.sampled_from([";", ",", "\t"]), st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_any_csv_loads_or_is_refused(tmp_path_factory, columns, body, separator, encoding):
    root = tmp_path_factory.mktemp("csv")
    text = "\n".join(separator.join(c.replace(separator, " ").replace("\n", " ") for c in row)
                     for row in [columns, *body]) + "\n"
    write_project(root, REPORT, {"data/t.schema.yaml": SCHEMA,
                                 "data/t.csv": text.encode(encoding, errors="replace")})
    _try(root)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header, st.lists(st.lists(st.one_of(cells, st.floats(allow_nan=True), st.integers(-10**15, 10**15),
                                            st.none(), st.booleans()), max_size=6), max_size=5))
def test_any_xlsx_loads_or_is_refused(tmp_path_factory, columns, body):
    root = tmp_path_factory.mktemp("xlsx")
    write_project(root, REPORT, {"data/t.schema.yaml": SCHEMA})
    book = Workbook()
    for row in [columns, *body]:
        book.active.append([None if isinstance(v, str) and v.startswith("=") else v for v in row])
    book.save(root / "data" / "t.xlsx")
    _try(root)
