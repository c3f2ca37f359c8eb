"""report.yaml and schema keys declared once (keys.py), the kinds of block (blocks.py), and what
load refuses before anything downstream sees it: alias bombs, control characters, trailing
newlines in names and colours, blocks an output cannot draw."""

from __future__ import annotations

import textwrap
import time
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.errors import InputErrors
from reportgen.load import blocks, keys, load_project, reference
from reportgen.load.blocks import BLOCK_KINDS, BlockKind, kind_of
from reportgen.load.config import BlockConfig, Theme, load_project_config
from tests.conftest import MINI_CSV, MINI_REPORT, MINI_SCHEMA, ROOT, write_project

DOCS = ROOT / "docs" / "project-format.md"
REPORT = textwrap.dedent(MINI_REPORT)  # blocks at 6 spaces, so that tests can append keys and blocks
SCHEMA = textwrap.dedent(MINI_SCHEMA)


def _mini(tmp_path: Path, report: str = REPORT, schema: str = SCHEMA) -> Path:
    return write_project(tmp_path / "mini", report, {
        "data/kpi.schema.yaml": schema,
        "data/kpi.csv": MINI_CSV,
        "text/risultati.md": "Deflusso.\n",
    })


def _errors(root: Path) -> list[str]:
    with pytest.raises(InputErrors) as info:
        load_project(root)
    return [str(e) for e in info.value]


# -- declarations and the generated reference -------------------------------------------------------

def test_the_reference_in_the_docs_is_the_generated_one():
    text = DOCS.read_text(encoding="utf-8")
    assert text == reference.with_reference(text), (
        f"docs/project-format.md differs from the declarations: run `{reference.COMMAND}`")


def test_the_reference_names_every_declared_key_and_what_the_samples_use():
    text = reference.reference()
    for group in (*keys.REPORT_GROUPS, *keys.SCHEMA_GROUPS):
        for key in group.keys:
            assert f"`{reference._prefix(group)}{key.name}`" in text
    for used in ("`description`", "`display`", "`display.columns`", "`display.group_by`", "`header_rows`",
                 "`columns.NAME.computed`", "`checks[].tolerance`", "`summarize`"):
        assert used in text


def test_with_reference_needs_the_markers():
    with pytest.raises(ValueError, match="reference:start"):
        reference.with_reference("# no markers\n")


def test_defaults_come_from_the_declarations(tmp_path):
    config = load_project_config(_mini(tmp_path))
    assert config.locale == keys.REPORT.default("locale") == "it_IT"
    assert config.outputs == keys.REPORT.default("outputs") == ("pdf", "pptx")
    assert config.percent_space is keys.STYLE.default("percent_space") is True
    assert config.currency_position == keys.STYLE.default("currency_position") == "prefix"
    assert config.decimal_mark == keys.DATA.default("decimal_mark") == ","
    assert config.pdf_profile == keys.PDF.default("profile") == "standard"
    assert config.document == keys.REPORT.default("document") == "relazione"
    assert config.license.name == keys.OPEN_DATA.default("license") == "CC-BY-4.0"
    assert config.theme == Theme() and config.theme.page_breaks == keys.STYLE.default("page_breaks") == "auto"
    assert (Theme().primary, Theme().palette[0]) == (keys.COLORS.default("primary"), "#0072B2")
    with pytest.raises(KeyError, match="required"):
        keys.REPORT.default("title")


@pytest.mark.parametrize(("where", "key"), [
    ("style:\n  colours: {primary: '#000000'}\n", "style.colours"),
    ("open_data:\n  licence: CC0-1.0\n", "open_data.licence"),
    ("pdf:\n  profilo: archival\n", "pdf.profilo"),
])
def test_undeclared_keys_are_errors(tmp_path, where, key):
    assert _errors(_mini(tmp_path, REPORT + where)) == [f"report.yaml: {key}: unknown key"]


def test_page_breaks_is_one_of_its_choices(tmp_path):
    config = load_project_config(_mini(tmp_path / "a", REPORT + "style: {page_breaks: none}\n"))
    assert config.theme.page_breaks == "none"
    assert _errors(_mini(tmp_path / "b", REPORT + "style: {page_breaks: parts}\n")) == [
        "report.yaml: style.page_breaks: expected one of auto, chapters, none"]


def test_undeclared_schema_display_key_is_an_error(tmp_path):
    root = _mini(tmp_path, schema=SCHEMA + "display: {colums: [id]}\n")
    assert _errors(root) == ["data/kpi.schema.yaml: display.colums: unknown key"]


# -- block kinds --------------------------------------------------------------------------------------

def test_every_block_config_is_a_registered_kind():
    classes = set(typing.get_args(BlockConfig))
    assert classes == {kind.config for kind in BLOCK_KINDS.values()}
    for name, kind in BLOCK_KINDS.items():
        assert kind.name == name == kind.config.block_kind
        assert kind.keys and kind.keys[0].names >= {name}


def test_kind_of_a_parsed_block(tmp_path):
    section = load_project_config(_mini(tmp_path)).sections[0]
    assert [kind_of(b).name for b in section.blocks] == ["text", "table"]
    with pytest.raises(KeyError, match="not a registered kind"):
        kind_of(object())


def test_unknown_block_and_unknown_block_keys_are_errors(tmp_path):
    report = REPORT + (
        "      - firma: Il Direttore\n"
        "      - kpi: [{figure: kpi.deflusso.consuntivo, label: Deflusso}]\n"
        "        titolo: Numeri\n"
        "      - chart: {kind: bar, table: kpi, labels: indicatore, values: [consuntivo]}\n"
        "        size: half\n")
    assert _errors(_mini(tmp_path, report)) == [
        "report.yaml: sections[0].blocks[2]: a block is one of: text, table, kpi, chart, signature",
        "report.yaml: sections[0].blocks[3].titolo: unknown key",
        "report.yaml: sections[0].blocks[4].size: unknown key",
    ]


@dataclass(frozen=True, slots=True)
class SignatureConfig:
    block_kind: ClassVar[str] = "signature"
    who: str


def _signature_kind(outputs: frozenset[str], checked: list) -> BlockKind:
    def parse(spec, section_id):
        block = SignatureConfig(spec.line("signature"))
        spec.reject_unknown({"signature"})
        return block

    def check(block, section, schemas, narratives, errors):
        checked.append((section.id, block.who, sorted(schemas)))

    return BlockKind("signature", SignatureConfig, parse, check, outputs, "a signature")


SIGNED = REPORT + "      - signature: Il Direttore generale\n"


def test_a_block_an_output_cannot_draw_is_an_error_when_read(tmp_path, monkeypatch):
    checked: list = []
    monkeypatch.setitem(BLOCK_KINDS, "signature", _signature_kind(frozenset({"pdf"}), checked))
    assert _errors(_mini(tmp_path, SIGNED)) == [
        "report.yaml: section 'risultati': blocks[2]: a signature block cannot be drawn in pptx; "
        "leave it out of the section or pptx out of outputs"]


def test_a_registered_kind_is_parsed_and_checked(tmp_path, monkeypatch):
    checked: list = []
    monkeypatch.setitem(BLOCK_KINDS, "signature", _signature_kind(frozenset({"pdf"}), checked))
    loaded = load_project(_mini(tmp_path, SIGNED + "outputs: [pdf]\n"))
    assert loaded.config.sections[0].blocks[2] == SignatureConfig("Il Direttore generale")
    assert checked == [("risultati", "Il Direttore generale", ["kpi"])]


def test_the_chart_kind_keeps_its_own_kind_field(tmp_path):
    report = REPORT + "      - chart: {kind: hbar, table: kpi, labels: indicatore, values: [consuntivo]}\n"
    chart = load_project_config(_mini(tmp_path, report)).sections[0].blocks[2]
    assert (chart.kind, chart.block_kind, kind_of(chart) is BLOCK_KINDS["chart"]) == ("hbar", "chart", True)
    assert blocks.ChartBlockConfig.block_kind == "chart"


# -- hostile input ------------------------------------------------------------------------------------

BOMB = "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['lol'] * 9)}]\n"
    for prev, name in zip(["", *"abcdefgh"], "abcdefghi", strict=True))


def test_an_alias_bomb_is_one_error_within_a_second(tmp_path):
    report = REPORT.replace("- table: kpi", "- table: kpi\n        where: {indicatore: *i}")
    root = _mini(tmp_path, report)
    (root / "report.yaml").write_text(BOMB + (root / "report.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    assert len((root / "report.yaml").read_bytes()) < 1500
    start = time.perf_counter()
    errors = _errors(root)
    assert time.perf_counter() - start < 1
    assert errors == ["report.yaml: its aliases (*name) expand to more than 200,000 values; write the values out"]
    result = CliRunner().invoke(main, ["build", str(root), "--out", str(tmp_path / "out")], catch_exceptions=False)
    assert result.exit_code == 2
    assert [line for line in result.stderr.splitlines() if line.startswith("error: ")] == [f"error: {errors[0]}"]


def test_an_alias_bomb_in_a_schema_names_the_schema(tmp_path):
    root = _mini(tmp_path, schema=BOMB + SCHEMA + "display: {columns: *i}\n")
    errors = _errors(root)
    assert errors[0] == ("data/kpi.schema.yaml: its aliases (*name) expand to more than 200,000 values; "
                         "write the values out")


def test_aliases_within_the_bound_still_work(tmp_path):
    report = REPORT.replace("title: Relazione sulla Performance 2024",
                                 "title: &t Relazione sulla Performance 2024\nsubtitle: *t")
    assert load_project_config(_mini(tmp_path, report)).subtitle == "Relazione sulla Performance 2024"


@pytest.mark.parametrize(("line", "replacement", "error"), [
    ("title: Relazione sulla Performance 2024", 'title: "Relazione\\fsulla Performance"',
     "report.yaml: title: contains a control character (U+000C)"),
    ("administration: Comune di Esempio", 'administration: "Comune\\ndi Esempio"',
     "report.yaml: administration: must be one line, without control characters (found U+000A)"),
    ("year: 2024", 'year: 2024\nname: "mini\\n"',
     "report.yaml: name: must be one line, without control characters (found U+000A)"),
    ("year: 2024", 'year: 2024\nname: "mini\\u0085"',
     "report.yaml: name: contains a control character (U+0085)"),
    ("year: 2024", 'year: 2024\nstyle: {colors: {primary: "#0b4f8a\\n"}}',
     "report.yaml: style.colors.primary: must be one line, without control characters (found U+000A)"),
    ("year: 2024", 'year: 2024\nstyle: {palette: ["#0b4f8a\\n"]}',
     "report.yaml: style.palette: a name contains a control character (U+000A)"),
    ("year: 2024", 'year: 2024\nsubtitle: "a\\x1bb"',
     "report.yaml: subtitle: contains a control character (U+001B)"),
    ("- id: risultati", '- id: "risultati\\n"',
     "report.yaml: sections[0].id: must be one line, without control characters (found U+000A)"),
])
def test_control_characters_and_trailing_newlines_are_refused(tmp_path, line, replacement, error):
    assert line in REPORT
    root = _mini(tmp_path, REPORT.replace(line, replacement))
    assert error in _errors(root)
    result = CliRunner().invoke(main, ["build", str(root), "--out", str(tmp_path / "out")], catch_exceptions=False)
    assert result.exit_code == 2
    assert f"error: {error}" in result.stderr.splitlines()
    assert not (tmp_path / "out").exists()


def test_a_trailing_newline_fails_the_patterns_themselves():
    from reportgen.load import config, schema

    for pattern, good in ((config._COLOR, "#0b4f8a"), (config._NAME, "mini"), (config.SECTION_ID, "premessa"),
                          (schema.ID_PATTERN, "kpi")):
        assert pattern.fullmatch(good)
        assert not pattern.fullmatch(good + "\n")
    assert not schema.ID_PATTERN.match("kpi\n")  # the derivations still use match()


def test_a_column_name_with_a_newline_is_refused(tmp_path):
    root = _mini(tmp_path, schema=SCHEMA.replace("  indicatore:", '  "indicatore\\n":'))
    assert "data/kpi.schema.yaml: columns.indicatore\\n: column names are lowercase letters, digits and _" \
        in _errors(root)


def test_tabs_and_newlines_stay_allowed_in_longer_texts(tmp_path):
    root = _mini(tmp_path, schema=SCHEMA + 'note: "Fonte:\\tPiano\\nBudget"\ndescription: |\n  a\n  b\n')
    assert load_project(root).schemas["kpi"].note == "Fonte:\tPiano\nBudget"
