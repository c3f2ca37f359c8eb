"""The DC Risorse Umane card against the published card (shared/seeds/002): the figures the
card computes are computed from their components; the printed ones are in the PDF."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from reportgen.batch.card import make_card
from reportgen.batch.view import unit_view
from reportgen.project import compile_loaded

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "sample_data" / "schede-obiettivi-2024"
DC = "dc_risorse_umane"


@pytest.fixture(scope="module")
def card():
    view = unit_view(SAMPLE, DC)
    return compile_loaded(SAMPLE, view.loaded, content=False, before_content=view.apply_checks).result


def value(result, figure: str) -> Decimal:
    found = result.figure(figure)
    assert found is not None, figure
    return found.number


def test_the_five_ambiti_contribute_10_30_30_10_20_percent_summing_to_100(card):
    rows = [(r.id, r.figures["contributo"].number) for r in card.tables["ambiti"].rows]
    assert [n * 100 for _, n in rows] == [10, 30, 30, 10, 20]
    assert value(card, f"ambiti_totale.{DC}.contributo") * 100 == 100
    assert not card.tables["ambiti_totale"].rows[0].figures["contributo"].is_input


def test_sotto_ambito_weights_sum_to_100_in_each_ambito(card):
    weights: dict[str, list[Decimal]] = {}
    for row in card.tables["sottoambiti"].rows:
        weights.setdefault(row.value("ambito"), []).append(row.figures["peso"].number * 100)
    assert weights == {"Valore Sociale": [50, 50], "Valore Istituzionale": [100], "Valore Economico": [50, 50],
                       "Valore di Ecosistema": [100], "Valore organizzativo": [40, 30, 30]}
    sums = [r.figures["peso"].number * 100 for r in card.tables["sottoambiti_totale"].rows]
    assert sums == [100] * 5


@pytest.mark.parametrize(("kpi", "target"), [("deflusso", "1.013"), ("produttivita", "48.85"),
                                             ("customer_experience", "3.50"), ("reputazionale", "3.50")])
def test_kpi_targets(card, kpi, target):
    row = card.tables["kpi"].row(f"{DC}_{kpi}")
    assert row is not None and row.figures["obiettivo"].number == Decimal(target)
    assert str(row.figures["obiettivo"].number) == target  # the decimals as published


def test_ieep_objective_is_computed_from_accertato_and_incassi(card):
    accertato, incassi = value(card, "ieep.accertato.obiettivo"), value(card, "ieep.incassi_e_pagamenti.obiettivo")
    assert (accertato, incassi) == (Decimal(4_249_834_748), Decimal(7_930_574_518))
    assert value(card, "ieep.obiettivi_2024.obiettivo") == accertato + incassi == Decimal(12_180_409_266)
    assert not card.tables["ieep"].row("obiettivi_2024").figures["obiettivo"].is_input
    # the two I.E.E.P. KPIs are the computed totals, not typed figures
    kpis = {r.value("kpi_id"): r.figures["obiettivo"].number for r in card.tables["kpi"].rows}
    assert (kpis["ieep_accertamenti"], kpis["ieep_incassi_pagamenti"]) == (accertato, incassi)


def test_every_check_value_of_the_card_applies_and_matches(card):
    checked = {(c.table, c.row) for c in card.checks}
    assert ("ieep", "obiettivi_2024") in checked and ("ambiti_totale", DC) in checked
    assert len(card.checks) == 19
    assert [str(c) for c in card.checks if not c.ok] == []


def test_references_and_allegato_3(card):
    atti = {r.value("sigla"): r.value("atto") for r in card.tables["riferimenti"].rows}
    assert atti["SMVP"] == "Determinazione commissariale N. 110 del 21 dicembre 2023"
    assert atti["PIAO"] == "Determinazione commissariale N. 5 del 31 gennaio 2024"
    assert atti["Obiettivi 2024"] == "Determinazione del Direttore Generale N. 28 del 28 febbraio 2024"
    projects = [r.value("id_progetto") for r in card.tables["progetti"].rows]
    assert len(projects) == 16 and projects[:2] == ["NOPE24_DCBOL_16.1", "NOPE24_DCFI_1.2"]


@pytest.mark.slow
def test_the_card_prints_the_published_figures():
    made = make_card(str(SAMPLE), DC, ("pdf",), None, None)
    assert made.error is None and made.notes == []
    document = pdfium.PdfDocument(made.files["pdf"])
    try:
        text = " ".join(" ".join(p.get_textpage().get_text_bounded().split()) for p in document)
    finally:
        document.close()
    for printed in ("DC Risorse Umane", "10%", "30%", "20%", "40%", "1,013", "48,85", "3,50", "12.180.409.266",
                    "4.249.834.748", "7.930.574.518", "Determinazione commissariale N. 110 del 21 dicembre 2023",
                    "NOPE24_DCBOL_16.1", "Allegato 3: Elenco Progetti"):
        assert printed in text, printed
    assert "scheda generata da generate_units.py" not in text  # the real card has no banner
    assert made.pages == len(pdfium.PdfDocument(made.files["pdf"]))
