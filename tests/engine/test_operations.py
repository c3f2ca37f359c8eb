"""Table derivations on small projects: totals by level with signs, summaries, shares,
references between tables, provenance, and the refusal of typed computed figures."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from reportgen.engine import compute
from reportgen.errors import InputErrors
from reportgen.load import load_project
from tests.conftest import write_project

REPORT = """\
    administration: Ente
    year: 2024
    title: Relazione
    sections:
      - {id: s, title: S, blocks: [{table: comp}]}
"""


def _compute(tmp_path, files):
    return compute(load_project(write_project(tmp_path / "p", REPORT, files)))


COMP_SCHEMA = """\
    title: Componenti
    key: voce
    columns:
      gruppo: {type: text}
      voce: {type: text, required: true}
      segno: {type: sign, default: "+"}
      valore: {type: euro}
    derive:
      - op: total
        columns: {valore: sum}
        sign: segno
        levels:
          - {label: Totale}
          - {by: gruppo, label: "Totale {gruppo}", position: before}
"""


def test_total_levels_with_signs_and_provenance(tmp_path):
    result = _compute(tmp_path, {
        "data/comp.schema.yaml": COMP_SCHEMA,
        "data/comp.csv": "gruppo;voce;segno;valore\nA;a1;+;10\nA;a2;-;3\nB;b1;;5,50\n",
    })
    table = result.tables["comp"]
    assert [(r.id, r.kind) for r in table.rows] == [
        ("totale_a", "subtotal"), ("a1", "data"), ("a2", "data"),
        ("totale_b", "subtotal"), ("b1", "data"), ("totale", "total")]
    assert table.figure("totale_a", "valore").value == D(7)
    total = table.figure("totale", "valore")
    assert total.value == D("12.50")
    assert total.type == "euro"
    assert set(total.deps) == {"comp.a1.valore", "comp.a2.valore", "comp.b1.valore",
                               "comp.a1.segno", "comp.a2.segno", "comp.b1.segno"}
    assert "signed by segno" in total.formula
    assert table.figure("a1", "valore").source.row == 2


def test_summarize_share_and_weighted_mean(tmp_path):
    result = _compute(tmp_path, {
        "data/comp.schema.yaml": """\
            title: Progetti
            key: sottoambito
            columns:
              ambito: {type: text}
              sottoambito: {type: text}
              realizzazione: {type: decimal}
              progetti: {type: integer}
            """,
        "data/comp.csv": "ambito;sottoambito;realizzazione;progetti\nS;x;81,39;13\nS;y;96,83;9\nI;z;95;13\n",
        "data/ambiti.schema.yaml": """\
            title: Per ambito
            source: {table: comp}
            key: ambito
            columns:
              ambito: {type: text}
              realizzazione: {type: decimal}
              progetti: {type: integer}
            derive:
              - op: summarize
                by: ambito
                columns: {realizzazione: {weighted_mean: progetti}, progetti: sum}
                count: sottoambiti
              - {op: share, into: quota, of: progetti}
            """,
    })
    ambiti = result.tables["ambiti"]
    sociale = ambiti.row("s")
    assert sociale.value("progetti") == D(22)
    assert sociale.value("sottoambiti") == D(2)
    assert round(sociale.value("realizzazione"), 4) == D("87.7064")
    assert sociale.value("quota") == D(22) / D(35)
    assert "comp.x.realizzazione" in sociale.figures["realizzazione"].deps


def test_references_resolve_in_dependency_order(tmp_path):
    result = _compute(tmp_path, {
        "data/comp.schema.yaml": """\
            title: Sintesi
            key: id
            columns:
              id: {type: text}
              obiettivo: {type: value}
              consuntivo: {type: value}
            derive:
              - {op: scostamento, into: scostamento, obiettivo: obiettivo, consuntivo: consuntivo}
            """,
        "data/comp.csv": "id;obiettivo;consuntivo\nlogistica;100%;@zz_logistica.media.realizzazione\n",
        "data/zz_logistica.schema.yaml": """\
            title: Interventi
            key: sede
            columns:
              sede: {type: text}
              realizzazione: {type: percent}
            derive:
              - {op: total, columns: {realizzazione: mean}, levels: [{label: Media}]}
            """,
        "data/zz_logistica.csv": "sede;realizzazione\nA;100%\nB;100%\nC;100%\nD;66,67%\nE;0%\n",
    })
    row = result.tables["comp"].row("logistica")
    assert row.value("consuntivo") == D("0.7333400")
    assert row.figures["consuntivo"].deps == ("zz_logistica.media.realizzazione",)
    assert round(row.value("scostamento") * 100, 2) == D("-26.67")


def test_reference_problems_are_located(tmp_path):
    with pytest.raises(InputErrors) as info:
        _compute(tmp_path, {
            "data/comp.schema.yaml": "title: T\nkey: id\ncolumns: {id: {type: text}, v: {type: decimal}}\n",
            "data/comp.csv": "id;v\na;@comp2.nessuna.v\n",
            "data/comp2.schema.yaml": "title: T2\nkey: id\ncolumns: {id: {type: text}, v: {type: decimal}}\n",
            "data/comp2.csv": "id;v\nx;1\n",
        })
    assert [str(e) for e in info.value.errors] == [
        "data/comp.csv, row 2, column 'v': reference @comp2.nessuna.v: table 'comp2' has no row 'nessuna'; rows: x"]


def test_reference_cycle_is_an_error(tmp_path):
    with pytest.raises(InputErrors, match="cycle"):
        _compute(tmp_path, {
            "data/comp.schema.yaml": "title: T\nkey: id\ncolumns: {id: {type: text}, v: {type: decimal}}\n",
            "data/comp.csv": "id;v\na;@comp2.b.v\n",
            "data/comp2.schema.yaml": "title: T2\nkey: id\ncolumns: {id: {type: text}, v: {type: decimal}}\n",
            "data/comp2.csv": "id;v\nb;@comp.a.v\n",
        })


def test_typed_value_is_kept_only_where_it_cannot_be_computed(tmp_path):
    schema = """\
        title: Risultati
        key: id
        columns:
          id: {type: text}
          obiettivo: {type: decimal}
          consuntivo: {type: decimal}
          scostamento: {type: percent, computed: true, signed: true}
        derive:
          - {op: scostamento, into: scostamento, obiettivo: obiettivo, consuntivo: consuntivo}
        """
    result = _compute(tmp_path, {"data/comp.schema.yaml": schema,
                                 "data/comp.csv": "id;obiettivo;consuntivo;scostamento\na;1;2;\nb;;;12,73%\n"})
    table = result.tables["comp"]
    assert table.figure("a", "scostamento").value == D(1)
    assert table.figure("b", "scostamento").value == D("0.1273")
    assert table.figure("b", "scostamento").is_input
    with pytest.raises(InputErrors, match="given in the data but is also computed"):
        _compute(tmp_path / "again", {"data/comp.schema.yaml": schema,
                                      "data/comp.csv": "id;obiettivo;consuntivo;scostamento\na;1;2;5%\n"})


def test_check_values_compare_in_printed_units(tmp_path):
    result = _compute(tmp_path, {
        "data/comp.schema.yaml": COMP_SCHEMA + """\
    checks:
      - {row: totale, column: valore, published: "12,50"}
      - {row: totale_a, column: valore, published: "7,01"}
      - {row: totale_a, column: valore, published: "7,01", tolerance: 0.02}
""",
        "data/comp.csv": "gruppo;voce;segno;valore\nA;a1;+;10\nA;a2;-;3\nB;b1;;5,50\n",
    })
    assert [c.ok for c in result.checks] == [True, False, True]
    assert "published 7,01 · computed 7,00" in str(result.checks[1])  # as the report prints both
    assert str(result.checks[2]).endswith("published 7,01 · computed 7,00 (tolerance 0,02)")


def test_division_by_zero_is_a_warning_not_a_crash(tmp_path):
    schema = """\
        title: T
        key: id
        columns: {id: {type: text}, o: {type: decimal}, c: {type: decimal}}
        derive: [{op: scostamento, into: s, obiettivo: o, consuntivo: c}]
        """
    result = _compute(tmp_path, {"data/comp.schema.yaml": schema, "data/comp.csv": "id;o;c\na;0;5\n"})
    assert result.tables["comp"].figure("a", "s").value is None
    assert result.warnings == ["table 'comp', row 'a': 's' not computed (division by zero)"]
