"""The open data export: every printed table as CSV, XLSX and a Frictionless data package,
with the engine's exact figures, deterministic, atomic, and owning its folder."""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import io
import json
import math
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from reportgen import output
from reportgen.cli import main
from reportgen.content import build_report
from reportgen.content.model import TableBlock
from reportgen.engine import compute
from reportgen.errors import InputErrors
from reportgen.export import export_project, export_tables, sheet_names, table_csvs
from reportgen.load import load_project
from reportgen.progress import Silent
from reportgen.render.common import header_text
from tests.conftest import MINI_CSV, MINI_REPORT, MINI_SCHEMA, SAMPLE_2024, write_project

PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")  # dot decimal mark, no grouping, no exponent
KINDS = {"data": "dato", "subtotal": "subtotale", "total": "totale"}


@pytest.fixture(scope="module")
def sample():
    loaded = load_project(SAMPLE_2024)
    result = compute(loaded)
    return loaded, result, build_report(loaded, result)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    return export_project(SAMPLE_2024, out=tmp_path_factory.mktemp("export"))


def blocks(report) -> list[tuple[object, TableBlock]]:
    return [(s, b) for s in report.walk() for b in s.blocks if isinstance(b, TableBlock)]


def read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no BOM
    with io.StringIO(raw.decode("utf-8"), newline="") as handle:
        return list(csv.reader(handle, delimiter=",", quotechar='"', strict=True))


def package(result) -> dict:
    return json.loads((result.folder / "datapackage.json").read_text(encoding="utf-8"))


def expected_headers(block: TableBlock) -> list[str]:
    """What the PDF and the deck print as headers, plus the export's documented extra columns."""
    headers = [block.group_label] if block.group_by else []
    for column in block.columns:
        headers.append(header_text(column))
        if column.type == "value":
            headers.append(f"{column.label} (unità)")
    return [*headers, "tipo_riga", "id_riga"]


def test_folder_is_named_after_the_project_and_holds_one_csv_per_printed_table(exported, sample):
    _, _, report = sample
    assert exported.folder.name == "relazione-2024-data"
    tables = blocks(report)
    assert len(tables) > 40  # the sample prints about fifty tables
    csvs = sorted(p.name for p in exported.folder.glob("*.csv"))
    assert len(csvs) == len(tables)
    assert sorted(p.name for p in exported.folder.iterdir()) == sorted(
        [*csvs, "relazione-2024.xlsx", "datapackage.json"])
    assert [p.name for p in exported.files][-2:] == ["relazione-2024.xlsx", "datapackage.json"]
    # named <section id>--<table id>, a second showing in the same section with -2
    assert "ieep--ieep.csv" in csvs
    assert {"lgg-attuazione--lgg.csv", "lgg-attuazione--lgg-2.csv", "vp-centrali--vp_ambiti.csv",
            "vp-territoriali--vp_ambiti.csv"} <= set(csvs)


def test_every_csv_holds_exactly_the_engine_figures_of_the_printed_table(exported, sample):
    _, result, report = sample
    resources = package(exported)["resources"]
    assert len(resources) == len(blocks(report))
    checked = 0
    for resource, (section, block) in zip(resources, blocks(report)):
        assert resource["name"].startswith(f"{section.id}--{block.table}")
        rows = read_csv(exported.folder / resource["path"])
        header, body = rows[0], rows[1:]
        assert header == expected_headers(block)
        assert len(body) == len(block.rows)
        table = result.tables[block.table]
        offset = 1 if block.group_by else 0
        for line, printed in zip(body, block.rows):
            assert len(line) == len(header)
            assert line[-1] == printed.id and line[-2] == KINDS[printed.kind]
            if block.group_by:
                assert line[0] == (printed.group or "")
            position = offset
            for index, column in enumerate(block.columns):
                figure = table.figure(printed.id, column.name)  # the engine's figure, not the block's
                text = line[position]
                position += 2 if column.type == "value" else 1
                if figure is None or figure.value is None:
                    assert text == ""
                elif isinstance(figure.value, Decimal):
                    assert PLAIN_NUMBER.match(text), (resource["name"], text)
                    expected = figure.value * 100 if figure.type == "percent" else figure.value
                    assert Decimal(text) == expected, (resource["name"], printed.id, column.name)
                    if column.type == "value":
                        assert line[position - 1] == {"percent": "%", "euro": "EUR"}.get(figure.type, "")
                elif figure.type == "polarity":
                    assert text == figure.value  # higher / lower
                elif figure.type == "sign":
                    assert text == ("-" if figure.value < 0 else "+")
                elif isinstance(figure.value, _dt.date):
                    assert text == figure.value.isoformat()
                else:  # a text as printed: a subtracted row's label carries its "(-)"
                    assert text == str(printed.cells[index].value) and text.startswith(str(figure.value))
                checked += 1
    assert checked > 2000


def test_ieep_incassi_da_vigilanza_ispettiva_is_exported_at_full_precision(exported, sample):
    _, _, report = sample
    with (SAMPLE_2024 / "data" / "ieep.csv").open(encoding="utf-8", newline="") as handle:
        source = next(r for r in csv.DictReader(handle, delimiter=";") if r["voce"] == "Incassi da vigilanza ispettiva")
    typed = Decimal(source["consuntivo"].replace(".", "").replace(",", "."))  # "89.348.630,21" as typed
    block = next(b for _, b in blocks(report) if b.table == "ieep")
    consuntivo = next(header_text(c) for c in block.columns if c.name == "consuntivo")
    with (exported.folder / "ieep--ieep.csv").open(encoding="utf-8", newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Voce"] == "Incassi da vigilanza ispettiva")
    assert row[consuntivo] == str(typed) == "89348630.21"
    assert row["tipo_riga"] == "dato"


def test_where_and_group_by_export_what_is_printed(exported):
    motivations = read_csv(exported.folder / "lgg-attuazione--lgg-2.csv")
    everything = read_csv(exported.folder / "lgg-attuazione--lgg.csv")
    assert 0 < len(motivations) < len(everything)
    column = motivations[0].index(next(h for h in motivations[0] if h.startswith("Motivazion")))
    assert all(row[column] for row in motivations[1:])
    staff = read_csv(exported.folder / "personale-qualifica--personale_qualifica.csv")
    kinds = [row[-2] for row in staff[1:]]
    assert kinds.count("subtotale") == 2 and kinds[-1] == "totale"
    assert staff[1][0] and staff[0][0] == "Categoria"  # the group heading, as a column


def _valid_cell(kind: str, text: str) -> bool:
    if text == "":
        return True
    if kind == "integer":
        return re.fullmatch(r"-?\d+", text) is not None
    if kind == "number":
        return PLAIN_NUMBER.match(text) is not None
    if kind == "date":
        return _dt.date.fromisoformat(text).isoformat() == text
    return kind == "string"


def test_datapackage_is_a_valid_tabular_data_package(exported, sample):
    _, _, report = sample
    data = package(exported)
    assert data["profile"] == "tabular-data-package"
    assert re.fullmatch(r"[a-z0-9._-]+", data["name"]) and data["name"] == "relazione-2024"
    assert data["title"].startswith(report.meta.title)
    assert data["created"] == f"{report.meta.document_date.isoformat()}T00:00:00Z" == "2025-06-05T00:00:00Z"
    assert data["licenses"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/",
                                 "title": "Creative Commons Attribution 4.0 International"}]
    names = [r["name"] for r in data["resources"]]
    assert len(set(names)) == len(names)
    for resource in data["resources"]:
        for key in ("profile", "name", "path", "title", "format", "mediatype", "encoding", "schema"):
            assert resource[key], key
        assert resource["profile"] == "tabular-data-resource"
        assert re.fullmatch(r"[a-z0-9._-]+", resource["name"])
        assert (resource["format"], resource["mediatype"], resource["encoding"]) == ("csv", "text/csv", "utf-8")
        path = exported.folder / resource["path"]
        assert path.is_file() and path.parent == exported.folder
        raw = path.read_bytes()
        assert resource["bytes"] == len(raw)
        assert resource["hash"] == f"sha256:{hashlib.sha256(raw).hexdigest()}"
        rows = read_csv(path)
        fields = resource["schema"]["fields"]
        assert [f["name"] for f in fields] == rows[0]
        assert len(set(rows[0])) == len(rows[0])
        for f in fields:
            assert f["type"] in ("string", "number", "integer", "date") and f["title"] and f["description"]
        for row in rows[1:]:
            for f, text in zip(fields, row):
                assert _valid_cell(f["type"], text), (resource["name"], f["name"], text)
                if text and "enum" in f.get("constraints", {}):
                    assert text in f["constraints"]["enum"]
        key = resource["schema"]["primaryKey"]
        assert key == ["id_riga"]
        ids = [row[rows[0].index("id_riga")] for row in rows[1:]]
        assert len(set(ids)) == len(ids) and all(ids)
    ieep = next(r for r in data["resources"] if r["name"] == "ieep--ieep")
    units = {f["name"]: f.get("unit") for f in ieep["schema"]["fields"]}
    assert units["Consuntivo 2024 (€)"] == "EUR" and units["Var. % consuntivo/obiettivo"] == "%"
    personale = next(r for r in data["resources"] if r["name"] == "personale-qualifica--personale_qualifica")
    assert {f["type"] for f in personale["schema"]["fields"]} == {"string", "integer", "number"}


def test_workbook_sheets_equal_the_csvs(exported):
    book = openpyxl.load_workbook(exported.folder / "relazione-2024.xlsx")
    index = list(book["Indice"].iter_rows(values_only=True))
    assert index[0][:2] == ("Foglio", "File CSV")
    mapping = {sheet: csv_name for sheet, csv_name, *_ in index[1:]}
    assert book.sheetnames == ["Indice", *mapping]
    assert set(mapping.values()) == {p.name for p in exported.folder.glob("*.csv")}
    assert book.sheetnames[list(mapping.values()).index("ieep--ieep.csv") + 1] == "11.9 ieep"
    lowered = [name.lower() for name in book.sheetnames]
    assert len(set(lowered)) == len(lowered)
    for sheet_name, csv_name in mapping.items():
        assert len(sheet_name) <= 31 and not re.search(r"[\[\]:*?/\\]", sheet_name)
        rows = read_csv(exported.folder / csv_name)
        cells = list(book[sheet_name].iter_rows(values_only=True))
        assert len(cells) == len(rows)
        assert list(cells[0]) == rows[0]
        for line, values in zip(rows[1:], cells[1:]):
            for text, value in zip(line, values):
                if text == "":
                    assert value is None
                elif PLAIN_NUMBER.match(text) and isinstance(value, (int, float)):
                    exact = Decimal(text)
                    if len(exact.normalize().as_tuple().digits) <= 15:
                        assert Decimal(repr(float(value))) == exact
                    else:  # Excel keeps a double: 15-16 significant digits
                        assert math.isclose(value, float(exact), rel_tol=1e-15)
                else:
                    assert value == text, (sheet_name, text, value)
    ieep = book["11.9 ieep"]
    number = ieep.cell(row=2, column=2)
    assert isinstance(number.value, (int, float)) and number.number_format == "#,##0.00"


@pytest.mark.slow
def test_rerun_gives_the_same_bytes(exported, tmp_path):
    before = {p.name: p.read_bytes() for p in exported.folder.iterdir()}
    again = export_project(SAMPLE_2024, out=exported.folder.parent)
    elsewhere = export_project(SAMPLE_2024, out=tmp_path)
    for result in (again, elsewhere):
        assert {p.name: p.read_bytes() for p in result.folder.iterdir()} == before
        assert not result.removed


@pytest.mark.slow
def test_a_table_removed_from_report_yaml_disappears_on_rerun(sample_copy, tmp_path):
    first = export_project(sample_copy, out=tmp_path)
    gone = first.folder / "cruscotto-qualita--cruscotto.csv"
    assert gone.is_file()
    config = sample_copy / "report.yaml"
    text = config.read_text(encoding="utf-8")
    assert text.count("          - table: cruscotto\n") == 1
    config.write_text(text.replace("          - table: cruscotto\n", ""), encoding="utf-8")
    mine = first.folder / "appunti.csv"  # the user's own files are never touched
    mine.write_text("nota\n", encoding="utf-8")
    (first.folder / "link.csv").symlink_to(mine)
    second = export_project(sample_copy, out=tmp_path, progress=Silent())
    assert second.removed == [gone] and not gone.exists()
    assert mine.read_text(encoding="utf-8") == "nota\n" and (first.folder / "link.csv").is_symlink()
    mine.unlink()
    (first.folder / "link.csv").unlink()
    assert len(list(second.folder.glob("*.csv"))) == len(list(first.files)) - 3
    assert "cruscotto-qualita--cruscotto" not in [r["name"] for r in package(second)["resources"]]
    assert "11.8 cruscotto" not in openpyxl.load_workbook(second.folder / "relazione-2024.xlsx").sheetnames


@pytest.mark.slow
def test_a_failed_export_leaves_the_previous_files_intact(sample_copy, tmp_path, monkeypatch):
    first = export_project(sample_copy, out=tmp_path)
    before = {p.name: p.read_bytes() for p in first.folder.iterdir()}
    ieep = sample_copy / "data" / "ieep.csv"
    ieep.write_text(ieep.read_text(encoding="utf-8").replace("89.348.630,21", "89.348.630,99"), encoding="utf-8")
    calls = []
    real = output._write_temporary

    def failing(path, data):
        calls.append(path)
        if len(calls) == 5:
            raise OSError("disk full")
        return real(path, data)

    monkeypatch.setattr(output, "_write_temporary", failing)
    with pytest.raises(output.OutputError, match=r"cannot be written \(disk full\); the previous outputs are unchanged"):
        export_project(sample_copy, out=tmp_path)
    assert {p.name: p.read_bytes() for p in first.folder.iterdir()} == before  # no temporary file left either
    monkeypatch.undo()
    ieep.write_text("voce;obiettivo\n", encoding="utf-8")  # invalid project: nothing is touched
    with pytest.raises(InputErrors):
        export_project(sample_copy, out=tmp_path)
    assert {p.name: p.read_bytes() for p in first.folder.iterdir()} == before


def test_licence_is_configurable_in_report_yaml(tmp_path):
    def project(name: str, open_data: str) -> Path:
        return write_project(tmp_path / name, MINI_REPORT + open_data, {
            "data/kpi.schema.yaml": MINI_SCHEMA, "data/kpi.csv": MINI_CSV, "text/risultati.md": "Testo.\n"})

    def licences(root: Path) -> list[dict]:
        return package(export_project(root, out=tmp_path / "out"))["licenses"]

    assert licences(project("cc0", "    open_data: {license: CC0-1.0}\n")) == [{
        "name": "CC0-1.0", "path": "https://creativecommons.org/publicdomain/zero/1.0/",
        "title": "Creative Commons Zero v1.0 Universal"}]
    custom = "    open_data:\n      license: {name: IODL-2.0, path: 'https://example.org/iodl', title: IODL 2.0}\n"
    assert licences(project("iodl", custom)) == [{"name": "IODL-2.0", "path": "https://example.org/iodl",
                                                  "title": "IODL 2.0"}]
    with pytest.raises(InputErrors, match="open_data.license: expected a licence identifier"):
        licences(project("bad", "    open_data: {license: [1, 2]}\n"))


def test_awkward_text_survives_csv_and_workbook(tmp_path):
    awkward = 'Costi, "per" punto =1+1'
    root = write_project(tmp_path / "mini", MINI_REPORT, {
        "data/kpi.schema.yaml": MINI_SCHEMA,
        "data/kpi.csv": MINI_CSV.replace("Costi per punto", awkward).replace("Indice di deflusso", "=SUM(A1:A2)"),
        "text/risultati.md": "Testo.\n"})
    loaded = load_project(root)
    result = compute(loaded)
    report = build_report(loaded, result)
    files = export_tables(report)
    [table] = table_csvs(report)
    assert files[table.path] == table.csv
    rows = list(csv.reader(io.StringIO(table.csv.decode("utf-8"), newline="")))
    assert [row[1] for row in rows[1:]] == ["=SUM(A1:A2)", awkward]
    book = openpyxl.load_workbook(io.BytesIO(files["mini.xlsx"]))
    sheet = book[book.sheetnames[1]]
    assert [sheet.cell(row=r, column=2).value for r in (2, 3)] == ["=SUM(A1:A2)", awkward]
    assert sheet.cell(row=2, column=2).data_type == "s"  # text, not a formula


def test_sheet_names_stay_within_excel_rules():
    from reportgen.export import ExportedTable

    def table(number: str, table_id: str, occurrence: int = 1) -> ExportedTable:
        return ExportedTable(f"s--{table_id}", "T", table_id, "s", number, "S", None, (), (), (), b"", occurrence)

    names = sheet_names([table("12.3.4", "a_very_long_table_identifier_indeed"),
                         table("12.3.4", "a_very_long_table_identifier_indeed", 2),
                         table("12.3.4", "a_very_long_table_identifier_indeed_too"),
                         table("1", "indice")])
    assert all(len(n) <= 31 for n in names)
    assert len({n.lower() for n in names} | {"indice"}) == 5
    assert names[1].endswith(" (2)")


def test_cli_prints_the_paths_and_says_it_owns_the_folder(mini_project, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["export", str(mini_project), "--out", str(tmp_path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    folder = tmp_path / "mini-data"
    assert result.stdout.splitlines() == [str(folder / "risultati--kpi.csv"), str(folder / "mini.xlsx"),
                                          str(folder / "datapackage.json")]
    assert "… Writing the files" in result.stderr
    quiet = runner.invoke(main, ["export", str(mini_project), "-o", str(tmp_path), "-q"], catch_exceptions=False)
    assert quiet.stderr == "" and len(quiet.stdout.splitlines()) == 3
    text = " ".join(runner.invoke(main, ["export", "--help"]).output.split())
    assert "is deleted" in text and "any other file in the folder is left alone" in text and "--out" in text
    broken = runner.invoke(main, ["export", str(tmp_path / "missing"), "-o", str(tmp_path)])
    assert broken.exit_code == 2
