"""Messages for authors: figures as the report prints them, one message per cause, Italian by
default (--lang en for the originals), and the catalogue covering what a user meets."""

from __future__ import annotations

import ast
import re

import pytest
import yaml
from click.testing import CliRunner

from reportgen.api import compute_project
from reportgen.cli import main
from reportgen.errors import ErrorCollector, InputErrors
from reportgen.load import keys, reference
from reportgen.load.blocks import BLOCK_KINDS
from reportgen.load.config import load_project_config
from reportgen.load.operations import OPERATIONS
from reportgen.load.schema import parse_table_schema
from reportgen.messages import localize, translate
from reportgen.project import compile_project
from tests.conftest import MINI_CSV, MINI_REPORT, MINI_SCHEMA, ROOT, write_project

CHECKS = """\
    checks:
      - {row: deflusso, column: scostamento, published: "3,44"}
      - {row: costi, column: consuntivo, published: "155,5"}
      - {row: costi, column: consuntivo, published: "155", tolerance: 0.1}
"""


def _project(tmp_path, schema=MINI_SCHEMA, csv=MINI_CSV, report=MINI_REPORT, text="Testo.\n", extra=None):
    return write_project(tmp_path / "p", report, {"data/kpi.schema.yaml": schema, "data/kpi.csv": csv,
                                                  "text/risultati.md": text, **(extra or {})})


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_a_check_value_shows_both_figures_as_printed(tmp_path):
    checks = compute_project(_project(tmp_path, MINI_SCHEMA + CHECKS)).checks
    assert [c.ok for c in checks] == [False, True, False]
    # the scostamento is 3,4549…%: printed with the published text's two decimals, Italian marks
    assert checks[0].message == ("check value of table 'kpi', row 'deflusso', column 'scostamento': "
                                 "published 3,44 · computed 3,46")
    assert checks[2].message.endswith("published 155 · computed 156 (tolerance 0,1)")  # a stated tolerance
    assert localize(str(checks[0])) == (
        "data/kpi.schema.yaml: valore di controllo della tabella 'kpi', riga 'deflusso', colonna 'scostamento': "
        "pubblicato 3,44 · calcolato 3,46")


def test_build_warns_in_italian_by_default_and_in_english_with_lang_en(tmp_path, monkeypatch):
    project = _project(tmp_path, MINI_SCHEMA + CHECKS)
    monkeypatch.delenv("REPORTGEN_LANG")
    italian = run("build", str(project), "--out", str(tmp_path / "o"), "-q", "--jobs", "1", "--format", "pdf")
    assert italian.exit_code == 0, italian.output
    assert italian.stderr.splitlines()[0] == (
        "avviso: data/kpi.schema.yaml: valore di controllo della tabella 'kpi', riga 'deflusso', colonna "
        "'scostamento': pubblicato 3,44 · calcolato 3,46")
    english = run("--lang", "en", "build", str(project), "--out", str(tmp_path / "o"), "-q", "--format", "pdf")
    assert english.stderr.splitlines()[0] == (
        "warning: data/kpi.schema.yaml: check value of table 'kpi', row 'deflusso', column 'scostamento': "
        "published 3,44 · computed 3,46")
    monkeypatch.setenv("REPORTGEN_LANG", "en")
    assert run("build", str(project), "--out", str(tmp_path / "o"), "-q", "--format", "pdf").stderr == english.stderr


def test_errors_are_italian_by_default_with_their_location(tmp_path, monkeypatch):
    monkeypatch.delenv("REPORTGEN_LANG")
    project = _project(tmp_path, csv=MINI_CSV.replace("1,048", "molto"))
    result = run("build", str(project), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-2:] == [
        "errore: data/kpi.csv, riga 2, colonna 'consuntivo': 'molto' non è un numero; atteso un numero come 1.234,56",
        "1 problema trovato; nessun file è stato scritto.",
    ]
    english = run("--lang", "en", "build", str(project), "--out", str(tmp_path / "o"))
    assert english.stderr.splitlines()[-2:] == [
        "error: data/kpi.csv, row 2, column 'consuntivo': 'molto' is not a number; expected a number such as 1.234,56",
        "1 problem found; nothing was written.",
    ]


def test_a_yaml_syntax_error_is_one_message(tmp_path):
    # the table block and the narrative name the table whose schema cannot be read: no "unknown table"
    project = _project(tmp_path, MINI_SCHEMA.replace("key: id", "key: id: x"),
                       text="{{ kpi.deflusso.consuntivo }}\n")
    result = run("build", str(project), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    # libyaml says "in this context", PyYAML's own loader "here"
    assert [e.replace("in this context", "here") for e in errors] == [
        "error: data/kpi.schema.yaml, line 2: invalid YAML: mapping values are not allowed here"]
    assert localize(errors[0][len("error: "):]) == (
        "data/kpi.schema.yaml, riga 2: YAML non valido: qui non può esserci un valore (manca un a capo o uno "
        "spazio dopo ':'?)")


def test_a_table_whose_schema_is_fine_is_still_unknown_when_missing(tmp_path):
    project = _project(tmp_path, report=MINI_REPORT.replace("- table: kpi", "- table: kpj"))
    with pytest.raises(InputErrors) as raised:
        compile_project(project)
    assert [str(e) for e in raised.value.errors] == [
        "report.yaml: section 'risultati': unknown table 'kpj' (no data/kpj.schema.yaml)"]


# What a user of the samples can get wrong, one change each; every message it gives must be in
# the catalogue (a message missing falls back to English: listed here, so the test says which).
BROKEN = {
    "cell": dict(csv=MINI_CSV.replace("1,048", "uno")),
    "polarity": dict(csv=MINI_CSV.replace("higher", "su")),
    "empty required": dict(csv=MINI_CSV.replace("171,54", "")),
    "missing column": dict(csv=MINI_CSV.replace("id;indicatore", "ix;indicatore")),
    "duplicate key": dict(csv=MINI_CSV.replace("costi;", "deflusso;")),
    "percent in decimal": dict(csv=MINI_CSV.replace("155,54", "15%")),
    "extra values": dict(csv=MINI_CSV.replace("155,54", "155,54;7")),
    "no rows": dict(csv="id;indicatore;polarita;obiettivo;consuntivo\n"),
    "yaml": dict(schema=MINI_SCHEMA.replace("key: id", "key: [id")),
    "unknown type": dict(schema=MINI_SCHEMA.replace("type: decimal, required: true}\n      consuntivo",
                                                    "type: numero, required: true}\n      consuntivo")),
    "unknown key": dict(schema=MINI_SCHEMA.replace("title: Indicatori", "title: Indicatori\n    titolo: X")),
    "unknown op": dict(schema=MINI_SCHEMA.replace("op: scostamento", "op: scarto")),
    "unknown column in derivation": dict(schema=MINI_SCHEMA.replace("obiettivo: obiettivo", "obiettivo: target")),
    "check row": dict(schema=MINI_SCHEMA + '    checks:\n      - {row: nessuna, column: consuntivo, published: "1"}\n'),
    "check value": dict(schema=MINI_SCHEMA + '    checks:\n      - {row: costi, column: consuntivo, published: "x"}\n'),
    "unknown table in report": dict(report=MINI_REPORT.replace("- table: kpi", "- table: kpx")),
    "unknown section key": dict(report=MINI_REPORT.replace("title: Risultati", "title: Risultati\n        titolo: R")),
    "missing text": dict(report=MINI_REPORT.replace("text/risultati.md", "text/altro.md")),
    "bad year": dict(report=MINI_REPORT.replace("year: 2024", "year: duemila")),
    "no sections": dict(report=MINI_REPORT.split("sections:")[0] + "sections: []\n"),
    "placeholder row": dict(text="{{ kpi.nessuna.consuntivo }}\n"),
    "placeholder column": dict(text="{{ kpi.costi.nessuna }}\n"),
    "placeholder table": dict(text="{{ nessuna.costi.consuntivo }}\n"),
    "placeholder syntax": dict(text="{{ kpi.costi.consuntivo \n"),
    "reference": dict(csv=MINI_CSV.replace("171,54", "@kpi.nessuna.consuntivo")),
}


def _messages(tmp_path, case: dict) -> list[str]:
    try:
        compile_project(_project(tmp_path, **case))
    except InputErrors as exc:
        return [e.message for e in exc.errors]
    return []


def test_every_message_a_sample_user_meets_is_translated(tmp_path):
    seen, missing = {}, []
    for name, case in BROKEN.items():
        messages = _messages(tmp_path / name, case)
        assert messages, f"{name}: no error"
        seen[name] = messages
        missing += [f"{name}: {m}" for m in messages if translate(m) is None]
    assert not missing, "untranslated:\n" + "\n".join(missing)


def test_untranslated_text_stays_english_and_locations_are_translated():
    assert translate("something the catalogue does not know") is None
    assert localize("data/x.csv, sheet 'Dati', row 3: something new") == "data/x.csv, foglio 'Dati', riga 3: something new"
    assert localize("data/x.csv, row 3: something new", "en") == "data/x.csv, row 3: something new"
    # a key path in front of a known message; a frame around an unknown one stays English as a whole
    assert localize("data/k.schema.yaml: columns.a: unknown key") == "data/k.schema.yaml: columns.a: chiave sconosciuta"
    assert translate("section 's': something new") is None


# Keys accepted in a place where they would do nothing: an error naming the key, never silence.
WITHOUT_EFFECT = {
    "summarize where": (
        "    derive:\n      - {op: summarize, by: [polarita], columns: {obiettivo: sum}, where: {polarita: higher}}\n",
        "derive[0].where: summarize groups every data row; 'where' has no effect here"),
    "count_label without count": (
        "    derive:\n      - {op: summarize, by: [polarita], columns: {obiettivo: sum}, count_label: Numero}\n",
        "derive[0].count_label: has no effect without 'count'"),
    "share by and total": (
        "    derive:\n      - {op: share, into: quota, of: consuntivo, total: obiettivo, by: polarita}\n",
        "derive[0].by: a share of a total column is taken row by row; 'by' has no effect with 'total'"),
    "formula reason without target": (
        "      motivo: {type: text}\n    derive:\n      - {op: formula, into: f, formula: obiettivo * 2, reason: motivo}\n",
        "derive[0].reason: a formula is a target's outcome only with 'target: N'"),
    "a second label": (
        "    derive:\n      - {op: sum, into: s, of: [obiettivo], label: Somma}\n"
        "      - {op: sum, into: s, of: [consuntivo], label: Totale, where: {polarita: lower}}\n",
        "derive[1].label: the column 's' is headed 'Somma' already; this label has no effect"),
}

BASE_SCHEMA = MINI_SCHEMA.split("    derive:")[0]


@pytest.mark.parametrize("case", list(WITHOUT_EFFECT))
def test_a_derivation_key_without_effect_is_an_error(tmp_path, case):
    extra, expected = WITHOUT_EFFECT[case]
    messages = _messages(tmp_path, {"schema": BASE_SCHEMA + extra})
    assert any(m.startswith(expected) for m in messages), messages
    assert all(translate(m) is not None for m in messages), messages


@pytest.mark.parametrize(("block", "expected"), [
    ("{table: kpi, group_titles: kpi.indicatore}", "group_titles: titles the groups of group_by"),
    ("{table: kpi, transpose: true, group_by: polarita}", "group_by: a transposed table has no groups"),
    ("{chart: {kind: bar, table: kpi, labels: indicatore, values: [consuntivo], rows: [costi], "
     "where: {polarita: lower}}}", "chart.where: the rows named by rows/series_rows are shown"),
    ("{chart: {kind: bar, table: kpi, x: [obiettivo, consuntivo], series_rows: [costi], sort: asc}}",
     "chart.sort: sorts the rows of labels + values"),
])
def test_a_block_key_without_effect_is_an_error(tmp_path, block, expected):
    report = MINI_REPORT.replace("- table: kpi", f"- {block}")
    messages = _messages(tmp_path, {"report": report})
    assert any(expected in m for m in messages), messages
    assert all(translate(m) is not None for m in messages), messages


# -- the reference: every key with an example, every example loads ------------------------------

DOC = ROOT / "docs" / "project-format.md"


def _yaml_blocks() -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)


def test_every_key_and_operation_of_the_reference_has_an_example():
    groups = [*keys.REPORT_GROUPS, *keys.SCHEMA_GROUPS, *(g for kind in BLOCK_KINDS.values() for g in kind.keys)]
    assert [f"{g.path or g.file}: {k.name}" for g in groups for k in g.keys if not k.example] == []
    assert set(reference.OPERATION_EXAMPLES) == set(OPERATIONS)
    for group in groups:  # a mapping or a list is shown in flow YAML, which must read as one
        for key in group.keys:
            if key.type in ("mapping", "list"):
                assert isinstance(yaml.safe_load(key.example), dict if key.type == "mapping" else list), key.name


def test_every_operation_example_is_a_valid_derivation(tmp_path):
    derive = "\n".join(f"  - {example}" for example in reference.OPERATION_EXAMPLES.values()
                       if "summarize" not in example)
    columns = {name: "decimal" for name in ("sede", "cluster", "q1", "q2", "obiettivo", "consuntivo", "m_2023",
                                            "m_2024", "presenti", "fabbisogno", "importo", "accertato")}
    columns.update(polarita="polarity", motivazione="text", area="text", segno="sign")
    schema = "title: Esempi\ncolumns:\n" + "".join(f"  {n}: {{type: {t}}}\n" for n, t in columns.items())
    path = tmp_path / "esempi.schema.yaml"
    for text in (schema + "derive:\n" + derive + "\n",
                 schema + f"derive:\n  - {reference.OPERATION_EXAMPLES['summarize']}\n"):
        path.write_text(text, encoding="utf-8")
        errors = ErrorCollector()
        assert parse_table_schema(path, "data/esempi.schema.yaml", "esempi", errors) is not None
        assert [str(e) for e in errors.errors] == []


def test_every_yaml_example_of_the_format_document_loads(tmp_path):
    blocks = _yaml_blocks()
    assert len(blocks) >= 12
    schemas = reports = 0
    for index, block in enumerate(blocks):
        data = yaml.safe_load(block)  # every snippet is YAML
        first = block.splitlines()[0]
        errors = ErrorCollector()
        if first.startswith("# data/") and first.endswith(".schema.yaml"):  # a whole schema: the schema loader
            path = tmp_path / f"s{index}.schema.yaml"
            path.write_text(block, encoding="utf-8")
            assert parse_table_schema(path, first[2:], f"s{index}", errors) is not None
            schemas += 1
        elif first == "# report.yaml":  # a whole report.yaml: the configuration loader
            root = write_project(tmp_path / f"r{index}", block, {"text/risultati.md": "Testo.\n"})
            load_project_config(root, errors)
            reports += 1
        else:
            assert isinstance(data, dict | list), block
        assert [str(e) for e in errors.errors] == [], block
    assert schemas >= 6 and reports >= 1


# -- the catalogue covers the messages the stages can raise -----------------------------------------

RAISING = {"add", "error", "InputError", "CellError", "LookupProblem", "NarrativeLimit", "ExpressionError",
           "UnsafeFile", "UnitMismatch", "OutputError"}
# messages that are all variable parts (a key path and a message, a cell and its problem): their parts
# are translated on their own, and are in this list when the catalogue has them
FRAMES = {"x: x", "'x' x", "expected x", "cannot x x figures"}
MODULES = [*sorted((ROOT / "reportgen" / "load").glob("*.py")), *sorted((ROOT / "reportgen" / "engine").glob("*.py")),
           *(ROOT / "reportgen" / name for name in ("content/narrative.py", "content/blocks.py", "content/chartspec.py",
                                                    "api.py", "output.py"))]


def _sample(node: ast.AST) -> str | None:
    """The text of a message as written in the source, each {variable part} an 'x'."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "x" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _sample(node.left), _sample(node.right)
        return None if left is None or right is None else left + right
    return None


def test_the_catalogue_translates_every_message_of_load_engine_narrative_and_content():
    """Every message written in those stages (errors.add, spec.error, the error types they raise, the
    engine's warnings), its variable parts as 'x', is in the catalogue: a new message without its
    Italian is listed here."""
    found, missing = 0, []
    for module in MODULES:
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            is_warning = name == "append" and "warnings" in ast.unparse(func)
            text = _sample(node.args[0]) if name in RAISING or is_warning else None
            if text is None:
                continue
            found += 1
            if text not in FRAMES and translate(text) is None:
                missing.append(f"{module.relative_to(ROOT)}:{node.lineno}: {text}")
    assert found > 150
    assert not missing, "untranslated:\n" + "\n".join(missing)


def test_check_and_the_progress_lines_speak_italian(tmp_path):
    from tests.conftest import SAMPLE_2023

    result = run("--lang", "it", "check", str(SAMPLE_2023))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "data/personale_area.schema.yaml: checks[12]: valore di controllo della tabella 'personale_area', riga "
        "'totale', colonna 'm_2023': pubblicato 10.865 · calcolato 10.866"]
    assert result.stderr == "1 rilievo.\n"
    project = _project(tmp_path)
    built = run("--lang", "it", "build", str(project), "--out", str(tmp_path / "o"), "--jobs", "1", "--format", "pdf")
    assert built.exit_code == 0, built.output
    assert built.stderr.splitlines()[:3] == ["… Lettura e verifica del progetto", "… Calcolo delle cifre",
                                             "… Composizione dei contenuti"]
    assert "… Scrittura dei file" in built.stderr.splitlines()


def test_a_column_with_an_unknown_type_is_one_message(tmp_path):
    # not also "unknown column" in the derivation using it, nor "unexpected column" in the data
    assert _messages(tmp_path, BROKEN["unknown type"]) == [
        "columns.obiettivo.type: unknown type 'numero'; use one of choice, date, decimal, euro, integer, note, "
        "percent, polarity, row_kind, sign, text, value"]
