"""Arithmetic derivations: a column or a row defined as an expression of others, with
provenance to every input and a judgement like any other derived figure; totals over a subset."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from reportgen.engine import compute
from reportgen.errors import InputErrors
from reportgen.load import load_project
from reportgen.load.expression import ExpressionError, parse_expression
from tests.conftest import write_project

REPORT = """\
    administration: Ente
    year: 2024
    title: Relazione
    sections:
      - {id: s, title: S, blocks: [{table: t}]}
"""

SCHEMA = """\
    title: Strutture
    key: id
    columns:
      id: {type: text, required: true}
      gruppo: {type: text}
      sede: {type: decimal}
      cluster: {type: decimal}
      annuo: {type: euro}
    derive:
%s
"""

CSV = """\
    id;gruppo;sede;cluster;annuo
    roma;centro;120;80;730
    milano;nord;90;110;365
    torino;nord;100;100;0
"""


def _compute(tmp_path, derive: str, csv: str = CSV):
    files = {"data/t.schema.yaml": SCHEMA % derive, "data/t.csv": csv}
    return compute(load_project(write_project(tmp_path / "p", REPORT, files)))


def test_a_column_formula_computes_each_row_with_provenance(tmp_path):
    result = _compute(tmp_path, "      - {op: formula, into: pesato, formula: 'sede * cluster / 100'}\n"
                                "      - {op: formula, into: giornaliero, formula: annuo / 365, type: euro}")
    figure = result.figure("t.roma.pesato")
    assert figure.value == D(96)  # 120 × 80 / 100
    assert figure.formula == "sede * cluster / 100"
    assert figure.deps == ("t.roma.sede", "t.roma.cluster")
    assert result.figure("t.milano.giornaliero").value == D(1)
    assert result.figure("t.milano.giornaliero").type == "euro"


def test_a_formula_is_judged_as_its_author_says(tmp_path):
    result = _compute(tmp_path, "      - {op: formula, into: delta, formula: '(cluster - sede) / sede', type: percent,"
                                " signed: true, judged: true, target: 0}")
    worse, better = result.figure("t.roma.delta"), result.figure("t.milano.delta")
    assert worse.value == D(-40) / D(120) and better.value > 0
    assert worse.judgement.by_sign and worse.judgement.met(worse.number) is False
    assert better.judgement.met(better.number) is True


def test_division_by_zero_leaves_the_figure_empty_with_a_warning(tmp_path):
    result = _compute(tmp_path, "      - {op: formula, into: r, formula: sede / annuo}")
    assert result.figure("t.torino.r").value is None
    assert any("torino" in w and "division by zero" in w for w in result.warnings)


@pytest.mark.parametrize("text", ["__import__('os')", "sede.real", "sede[0]", "sede ** 2", "f(sede)", "", "a if b else c",
                                  "'text'", "lambda: 1"])
def test_only_arithmetic_is_accepted(text):
    with pytest.raises(ExpressionError):
        parse_expression(text)


def test_an_unknown_column_in_a_formula_is_an_input_error(tmp_path):
    with pytest.raises(InputErrors) as caught:
        _compute(tmp_path, "      - {op: formula, into: x, formula: sede * nessuna}")
    assert "unknown column 'nessuna' in the formula" in str(caught.value)


def test_a_row_formula_adds_a_row_from_other_rows(tmp_path):
    result = _compute(tmp_path, "      - {op: row_formula, row: obiettivo, label: Obiettivo, formula: roma + milano - 10,"
                                " columns: [sede, annuo]}")
    table = result.tables["t"]
    assert table.rows[-1].id == "obiettivo" and table.rows[-1].kind == "total"
    assert result.figure("t.obiettivo.sede").value == D(200)
    assert result.figure("t.obiettivo.annuo").value == D(1085)
    assert set(result.figure("t.obiettivo.sede").deps) == {"t.roma.sede", "t.milano.sede"}
    assert result.figure("t.obiettivo.cluster") is None  # not asked for


def test_a_row_formula_naming_a_missing_row_is_an_input_error(tmp_path):
    with pytest.raises(InputErrors) as caught:
        _compute(tmp_path, "      - {op: row_formula, row: x, formula: roma + napoli, columns: [sede]}")
    assert "no row 'napoli'" in str(caught.value)


def test_a_total_with_where_sums_only_the_rows_it_selects(tmp_path):
    result = _compute(tmp_path, """\
      - op: total
        where: {gruppo: nord}
        columns: {sede: sum}
        levels: [{label: Totale nord}]
      - op: total
        columns: {sede: sum}
        levels: [{label: Totale}]""")
    assert result.figure("t.totale_nord.sede").value == D(190)
    assert result.figure("t.totale.sede").value == D(310)


def test_arithmetic_on_figures_keeps_unit_precision_and_provenance(tmp_path):
    from reportgen.engine.figures import Figure, UnitMismatch

    result = _compute(tmp_path, "      - {op: formula, into: quota, formula: sede / 200, type: percent}")
    sede = result.figure("t.roma.sede")
    total = sede + result.figure("t.milano.sede") + 43
    assert total.value == D(253) and total.type == "decimal"
    assert total.deps == ("t.roma.sede", "t.milano.sede")
    quota = result.figure("t.roma.quota")  # 0,6 (60 %)
    rest = 100 - quota  # a number beside a percentage is in points
    assert rest.type == "percent" and rest.value == D("0.4")
    assert (result.figure("t.roma.annuo") * quota).type == "euro"
    assert (-sede).value == D(-120)
    with pytest.raises(UnitMismatch):
        result.figure("t.roma.annuo") + quota
    assert isinstance(sede / result.figure("t.milano.sede"), Figure)


def test_decimals_per_row(tmp_path):
    """One column printing 138, 100,6 and 100,09, as the seeds do: each row's decimals."""
    schema = """\
        title: Indici
        key: id
        row_decimals: decimali
        columns:
          id: {type: text, required: true}
          decimali: {type: integer}
          valore: {type: decimal}
        derive:
          - {op: formula, into: doppio, formula: valore * 2}
    """
    csv = "id;decimali;valore\na;0;138\nb;1;100,6\nc;2;100,09\nd;;7,5\n"
    files = {"data/t.schema.yaml": schema, "data/t.csv": csv}
    from reportgen.content import formatter_for
    loaded = load_project(write_project(tmp_path / "p", REPORT, files))
    result = compute(loaded)
    fmt = formatter_for(loaded.config)
    printed = [fmt.figure(result.figure(f"t.{r}.valore")) for r in "abcd"]
    assert printed == ["138", "100,6", "100,09", "7,5"]  # no decimals given: as typed
    assert fmt.figure(result.figure("t.b.doppio")) == "201,2"  # a computed figure of the row too
