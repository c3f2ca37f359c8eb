"""The OIV readiness check: DFP structure, acts and deadlines, missed targets without a reason,
check values; the outcome rule shared with the diff."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pytest
from click.testing import CliRunner

from reportgen.cli import main
from reportgen.engine import compute
from reportgen.engine.outcomes import outcome_columns, target_met
from reportgen.load import load_project
from reportgen.readiness import check_project, deadline, findings
from tests.conftest import SAMPLE_2023, SAMPLE_2024

VALIDATION_MISSING = "report.yaml: validation: the OIV validation act is missing (give validation: {body, act, date})"
LGG_1 = ("Prestazioni pensionistiche: interventi per il miglioramento dei tempi di erogazione e dei servizi al "
         "pensionato")
LGG_1_REASON = "La DC Pensioni ha evidenziato la necessità di riprogrammare il completamento delle progettualità al 2025."


def _edit(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def _check(project):
    result = CliRunner().invoke(main, ["check", str(project)])
    return result.exit_code, result.stdout.splitlines(), result.stderr.splitlines()


@pytest.fixture
def sample(tmp_path):
    project = tmp_path / "relazione-2024"
    shutil.copytree(SAMPLE_2024, project)
    return project


@pytest.fixture
def validated(sample):
    """The sample with an OIV validation act (test data: the seeds do not publish the real one)."""
    _edit(sample / "report.yaml", "  date: 2025-06-05\n",
          "  date: 2025-06-05\nvalidation: {body: OIV, act: Documento di validazione n. 1, date: 2025-06-20}\n")
    return sample


# --- the outcome rule ---------------------------------------------------------------------------

@pytest.mark.parametrize(("op", "value", "met"), [
    ("scostamento", Decimal("0.0346"), True),
    ("scostamento", Decimal("0"), True),  # exactly on target
    ("scostamento", Decimal("-0.0001"), False),
    ("scostamento", Decimal("-1.5849"), False),
    ("realizzazione", Decimal("1"), True),
    ("realizzazione", Decimal("0.9999"), False),
    ("realizzazione", Decimal("1.2130"), True),
    ("rapporto", Decimal("1.18"), True),
    ("rapporto", Decimal("0.99"), False),
    ("scostamento", None, None),  # nothing to judge
    ("variazione", Decimal("-0.5"), None),  # not a target's outcome
    ("share", Decimal("0.1"), None),
])
def test_target_met(op, value, met):
    assert target_met(op, value) is met


def test_outcome_columns_of_the_sample_follow_the_schemas():
    loaded = load_project(SAMPLE_2024)
    columns = {tid: [(o.column, o.op, o.reason) for o in outcome_columns(schema)]
               for tid, schema in loaded.schemas.items() if outcome_columns(schema)}
    assert columns == {
        "area_legale": [("scostamento", "scostamento", "motivazione")],
        "area_medico_legale": [("scostamento", "scostamento", None)],
        "fabbisogni_standard": [("scostamento", "scostamento", None)],
        "indicatori_economici": [("scostamento", "scostamento", None)],  # the forecasts say outcome: false
        "lgg": [("realizzazione", "realizzazione", "motivazione")],
        "pndd": [("scostamento", "scostamento", None)],
        "razionalizzazione": [("raggiungimento", "realizzazione", "motivazione")],
        "risultati": [("scostamento", "scostamento", "motivazione"), ("rapporto", "rapporto", "motivazione")],
    }  # ieep says outcome: false: its budget lines are not objectives


def test_a_numeric_default_is_the_same_target_for_every_row():
    result = compute(load_project(SAMPLE_2024))
    lgg = result.tables["lgg"]
    assert {r.value("obiettivo") for r in lgg.data_rows()} == {Decimal(1)}  # 100 %, written in points
    assert result.figure("lgg.r1.realizzazione").value == Decimal("0.9034")
    assert result.figure("lgg.r2.realizzazione").value == Decimal(1)
    assert result.figure("razionalizzazione.roma.raggiungimento").value == Decimal(0)


# --- the sample -------------------------------------------------------------------------------------

def test_the_sample_lacks_only_the_oiv_validation_act(sample):
    # the seeds publish the approval (Deliberazione n. 89 of 5 June 2025) but not the OIV validation:
    # that is the one finding
    assert _check(sample)[:2] == (1, [VALIDATION_MISSING])


def test_the_sample_with_a_validation_act_is_ready(validated):
    code, out, err = _check(validated)
    assert (code, out, err) == (0, [], ["No findings."])


def test_a_missed_objective_without_its_reason_and_a_wrong_check_value(validated):
    _edit(validated / "data" / "lgg.csv", f";SP;90,34%;{LGG_1_REASON}\n", ";SP;90,34%;\n")
    _edit(validated / "data" / "pndd.schema.yaml", 'published: "12.475"', 'published: "12.476"')
    code, out, err = _check(validated)
    assert code == 1
    assert out == [
        "data/lgg.csv, row 2, column 'motivazione': target missed without a reason (motivazione dello "
        f"scostamento): lgg.r1.realizzazione = 90,34 % ('{LGG_1}')",
        "data/pndd.schema.yaml: checks[0]: check value of table 'pndd', row 'totale', column 'obiettivo': "
        "published 12.476 · computed 12.475",
    ]
    assert err == ["2 findings."]


def test_a_reason_of_only_spaces_is_no_reason(validated):
    path = validated / "data" / "area_legale.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].rsplit(";", 1)[0] + ";   "
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _ = _check(validated)
    assert code == 1
    assert out == ["data/area_legale.csv, row 2, column 'motivazione': target missed without a reason (motivazione "
                   "dello scostamento): area_legale.amministrativi.scostamento = -8,68 % ('VALORE OMOG. ATTI EMESSI E "
                   "CONTENZIOSO SU PERSONALE AREA LEGALE (AMM.VI)')"]


def test_a_table_whose_outcome_has_no_reason_column(validated):
    _edit(validated / "data" / "ieep.schema.yaml", "    outcome: false\n", "")
    code, out, _ = _check(validated)
    assert code == 1
    hint = ("data/ieep.schema.yaml names no reason column: add reason: COLUMN to derive[1] "
            "(or outcome: false if 'scostamento' is not a target's outcome)")
    assert out == [
        "data/ieep.csv, row 5: target missed without a reason (motivazione dello scostamento): "
        f"ieep.accertamento_eca.scostamento = -2,41 % ('Accertamento ECA'); {hint}",
        "data/ieep.csv, row 10: target missed without a reason (motivazione dello scostamento): "
        f"ieep.incassi_da_accertamento_eca.scostamento = -34,29 % ('Incassi da accertamento ECA'); {hint}",
        "data/ieep.csv, row 11: target missed without a reason (motivazione dello scostamento): "
        f"ieep.pagamenti_per_interessi_legali.scostamento = -158,49 % ('Pagamenti per interessi legali'); {hint}",
    ]


# --- the DFP structure --------------------------------------------------------------------------

def test_a_dfp_part_no_section_covers(validated):
    _edit(validated / "report.yaml", "  bilancio-genere: [pari-opportunita]\n", "")
    code, out, _ = _check(validated)
    assert code == 1
    assert out == ["report.yaml: dfp.bilancio-genere: no section covers 'Bilancio di genere' (Linee guida DFP "
                   "n. 3/2018); list the ids of the sections covering it, or give not_applicable: REASON"]


def test_a_dfp_part_marked_not_applicable_with_its_reason(validated):
    _edit(validated / "report.yaml", "  bilancio-genere: [pari-opportunita]\n",
          "  bilancio-genere: {not_applicable: \"Trattato nel Bilancio di genere allegato al rendiconto\"}\n")
    assert _check(validated)[:2] == (0, [])
    config = load_project(validated).config
    assert config.dfp["bilancio-genere"].not_applicable == "Trattato nel Bilancio di genere allegato al rendiconto"
    assert config.dfp["contesto-risorse"].sections == ("scheda-anagrafica", "contesto", "capitale-umano")


def test_invalid_dfp_mappings_are_input_errors(validated):
    _edit(validated / "report.yaml", "  principali-risultati: [vp-risultato, risultati-2024]\n",
          "  sintesi: [premessa]\n")
    _edit(validated / "report.yaml", "  bilancio-genere: [pari-opportunita]\n", "  bilancio-genere: [parita]\n")
    code, out, err = _check(validated)
    assert (code, out) == (2, [])
    assert err == [
        "error: report.yaml: dfp.sintesi: unknown part of the DFP guidelines; use one of principali-risultati, "
        "contesto-risorse, performance-organizzativa, performance-individuale, processo-misurazione, bilancio-genere",
        "error: report.yaml: dfp.bilancio-genere: unknown section 'parita'",
        "2 problems found; nothing was written.",
    ]


@pytest.mark.parametrize(("value", "message"), [
    ("{not_applicable: \"  \"}", "dfp.bilancio-genere.not_applicable: give the reason why this part does not apply"),
    ("{not_applicable: }", "dfp.bilancio-genere.not_applicable: give the reason why this part does not apply"),
    ("[]", "dfp.bilancio-genere: give the ids of the sections covering it, or not_applicable: REASON"),
    ("{reason: x}", "dfp.bilancio-genere.not_applicable: give the reason why this part does not apply"),
])
def test_an_empty_reason_or_list_is_an_input_error(validated, value, message):
    _edit(validated / "report.yaml", "  bilancio-genere: [pari-opportunita]\n", f"  bilancio-genere: {value}\n")
    code, out, err = _check(validated)
    assert (code, out) == (2, [])
    assert f"error: report.yaml: {message}" in err


# --- acts and deadlines -------------------------------------------------------------------------

def test_adopted_after_30_june_of_the_following_year(validated):
    assert deadline(2024).isoformat() == "2025-06-30"
    _edit(validated / "report.yaml", "  date: 2025-06-05\n", "  date: 2025-07-01\n")
    code, out, _ = _check(validated)
    assert code == 1
    assert out == [
        "report.yaml: approval.date: adopted on 2025-07-01, after 2025-06-30, the deadline for the Relazione on "
        "2024 (art. 10, c. 1, lett. b, D.Lgs. 150/2009)",
        "report.yaml: validation.date: validated on 2025-06-20, before the Relazione was adopted (2025-07-01): "
        "the OIV validates the adopted Relazione",
    ]


def test_adopted_on_30_june_is_in_time(validated):
    _edit(validated / "report.yaml", "  date: 2025-06-05\n", "  date: 2025-06-30\n")
    _edit(validated / "report.yaml", "date: 2025-06-20}", "date: 2025-06-30}")
    assert _check(validated)[:2] == (0, [])


def test_acts_without_number_or_date(validated):
    _edit(validated / "report.yaml", "  act: Deliberazione n. 89\n", "")
    _edit(validated / "report.yaml", "act: Documento di validazione n. 1, date: 2025-06-20}",
          "act: Documento di validazione n. 1, date: 2025-07-02}")
    code, out, _ = _check(validated)
    assert code == 1
    assert out == [
        "report.yaml: approval.act: the number of the act adopting the Relazione is missing",
        "report.yaml: validation.date: validated on 2025-07-02, after 2025-06-30, the deadline for the Relazione "
        "on 2024 (art. 10, c. 1, lett. b, D.Lgs. 150/2009)",
    ]


# --- schemas: reason and outcome ------------------------------------------------------------------

@pytest.mark.parametrize(("new", "message"), [
    ("reason: motivo,", "derive[0].reason: unknown column 'motivo'"),
    ("reason: attuazione,", "derive[0].reason: 'attuazione' is a percent column; the motivazione dello "
                            "scostamento is a text column"),
    ("reason: motivazione, outcome: false,", "derive[0].reason: a column with outcome: false is not a target's "
                                             "outcome: it has no reason"),
    ("reason: motivazione, outcome: sometimes,", "derive[0].outcome: expected true or false"),
])
def test_invalid_reason_declarations_are_input_errors(validated, new, message):
    _edit(validated / "data" / "lgg.schema.yaml", "reason: motivazione,", new)
    code, out, err = _check(validated)
    assert (code, out) == (2, [])
    assert err == [f"error: data/lgg.schema.yaml: {message}", "1 problem found; nothing was written."]


def test_reason_is_only_for_outcome_operations(validated):
    _edit(validated / "data" / "area_legale.schema.yaml", "    label: Var. % su consuntivo 2023\n",
          "    label: Var. % su consuntivo 2023\n    reason: motivazione\n")
    code, _, err = _check(validated)
    assert code == 2
    assert "error: data/area_legale.schema.yaml: derive[1].reason: unknown key" in err


# --- other documents and the API ------------------------------------------------------------------

def test_the_abstract_is_checked_for_its_figures_only():
    # document: abstract, and its one published figure that differs: the seed's typo 10.865 (the rows sum to 10.866)
    report = check_project(SAMPLE_2023)
    assert [(f.code, str(f)) for f in report.findings] == [(
        "check-value", "data/personale_area.schema.yaml: checks[12]: check value of table 'personale_area', row "
                       "'totale', column 'm_2023': published 10.865 · computed 10.866")]
    assert report.exit_code == 1


def test_findings_on_a_loaded_project(sample):
    _edit(sample / "report.yaml", "  date: 2025-06-05\n", "  date: 2025-07-15\n")
    loaded = load_project(sample)
    result = compute(loaded)
    assert [f.code for f in findings(loaded, result)] == ["validation-act", "adoption-late"]
    _edit(sample / "report.yaml", "name: relazione-2024\n", "name: relazione-2024\ndocument: abstract\n")
    loaded = load_project(sample)
    assert findings(loaded, compute(loaded)) == []  # an abstract has no acts nor DFP parts to check


def test_the_diff_judges_targets_with_the_same_rule(tmp_path, sample):
    from reportgen.diff import diff_projects

    new = tmp_path / "bozza-2"
    shutil.copytree(sample, new)
    # a forecast now below its target (outcome: false) and the consuntivo now below it (an outcome)
    _edit(new / "data" / "indicatori_economici.csv", ";higher;1,50;1,73;1,92;2,05;2,08;2,29\n",
          ";higher;1,50;1,40;1,92;2,05;2,08;1,45\n")
    report = diff_projects(sample, new, pages=False)
    outcomes = {c.id: c.outcome for c in report.figures if c.kind == "derived"}
    assert outcomes["indicatori_economici.redditivita.scost_forecast_1"] is None
    assert outcomes["indicatori_economici.redditivita.scostamento"] == "obiettivo raggiunto → mancato"
    assert outcomes["risultati.redditivita.scostamento"] == "obiettivo raggiunto → mancato"
