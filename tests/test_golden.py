"""The golden figures of shared/domain.md, recomputed by the engine from the inputs in
sample_data/ and printed as the published documents print them.

The expected strings are the published values (seeds 003 and 004); nothing here is typed
into the sample data: each figure is computed from its published components.
"""

from __future__ import annotations

import pytest

from reportgen.api import compute_project
from reportgen.content import formatter_for
from reportgen.formatting import NBSP
from reportgen.load import load_project
from tests.conftest import SAMPLE_2023, SAMPLE_2024


@pytest.fixture(scope="module")
def relazione():
    return compute_project(SAMPLE_2024)


@pytest.fixture(scope="module")
def abstract():
    return compute_project(SAMPLE_2023)


@pytest.fixture(scope="module")
def fmt():
    return formatter_for(load_project(SAMPLE_2024).config)


def pct(text: str) -> str:
    return text.replace("%", f"{NBSP}%")


GOLDEN_2024 = [
    # VP di Istituto: mean of central (115,90) and territorial (132,18) structures
    ("valore_pubblico.istituto.valore", "124,04"),
    # OGE: (attività progettuali + indicatori) / 2
    ("oge.r12.risultato", pct("101,54%")),
    ("oge.r6.risultato", pct("100,03%")),
    ("oge.r7.risultato", pct("96,61%")),   # 96,605: half-up rounding matters
    ("oge.r8.risultato", pct("121,30%")),
    # IEEP: components with interessi legali subtracted
    ("ieep.ieep_accertato.obiettivo", f"€{NBSP}4.249.834.748,30"),
    ("ieep.ieep_accertato.consuntivo", f"€{NBSP}6.418.930.625,60"),
    ("ieep.ieep_accertato.scostamento", pct("+51,04%")),
    ("ieep.ieep_incassi_e_pagamenti.obiettivo", f"€{NBSP}7.930.574.518,20"),
    ("ieep.ieep_incassi_e_pagamenti.consuntivo", f"€{NBSP}9.407.787.684,63"),
    ("ieep.ieep_incassi_e_pagamenti.scostamento", pct("+18,63%")),
    ("ieep.pagamenti_per_interessi_legali.scostamento", pct("-158,49%")),
    # KPI of the summary table, with polarity
    ("risultati.deflusso.scostamento", pct("+3,46%")),
    ("risultati.produttivita.scostamento", pct("+9,56%")),
    ("risultati.costi_punto.scostamento", pct("+9,33%")),          # lower is better
    ("risultati.fabbisogni_standard.scostamento", pct("+12,19%")),  # lower is better
    ("risultati.customer_experience.rapporto", "1,18"),             # a ratio, not a deviation
    ("risultati.razionalizzazione.scostamento", pct("-26,67%")),
    # PES: 59 + 85 + 37 projects, 159 completed
    ("pes_ambiti.totali.n_pes_strategico", "59"),
    ("pes_ambiti.totali.n_pes_istituzionale", "85"),
    ("pes_ambiti.totali.n_no_pes", "37"),
    ("pes_ambiti.totali.totale", "181"),
    ("pes_stato.totale.numero", "181"),
    ("pes_stato.progetti_con_il_100_dei_kpi_realizzati.quota", pct("87,85%")),
    ("pes_stato.progetti_in_ritardo.quota", pct("12,15%")),
    # Piano Nazionale Difesa a Distanza, by region
    ("pndd.totale.obiettivo", "12.475"),
    ("pndd.totale.consuntivo", "12.710"),
    ("pndd.totale.scostamento", pct("+1,88%")),
    # Personale per area e genere
    ("personale_area.totale.tot_2023", "26.712"),
    ("personale_area.totale.tot_2024", "25.343"),
]

GOLDEN_2023 = [
    ("oge_2023.risultato_complessivo.risultato", "105,68"),  # weights 30/20/20/10/20
    ("personale_area.totale.tot_2022", "23.303"),
    ("personale_area.totale.tot_2023", "26.712"),
    ("personale_area.totale.differenza", "+3.409"),
    ("personale_area.totale.variazione", pct("+14,63%")),
]


@pytest.mark.parametrize("figure_id, published", GOLDEN_2024)
def test_golden_2024(relazione, fmt, figure_id, published):
    figure = relazione.figure(figure_id)
    assert figure is not None, figure_id
    assert not figure.is_input, f"{figure_id} must be computed, not typed"
    assert fmt.figure(figure) == published


@pytest.mark.parametrize("figure_id, published", GOLDEN_2023)
def test_golden_2023_abstract(abstract, fmt, figure_id, published):
    figure = abstract.figure(figure_id)
    assert figure is not None, figure_id
    assert not figure.is_input
    assert fmt.figure(figure) == published


def test_oge_activities_come_from_the_lgg_table(relazione):
    # the OGE's "attività progettuali" are the attuazione of its LGG, not typed twice
    figure = relazione.figure("oge.r12.attivita_progettuali")
    assert figure.deps == ("lgg.r12.attuazione",)
    assert relazione.figure("lgg.r12.attuazione").is_input


def _inputs_of(result, figure_id, seen=None):
    seen = set() if seen is None else seen
    figure = result.figure(figure_id)
    if figure.is_input:
        return {figure_id}
    found = set()
    for dep in figure.deps:
        if dep not in seen:
            seen.add(dep)
            found |= _inputs_of(result, dep, seen)
    return found


@pytest.mark.parametrize("project", [SAMPLE_2024, SAMPLE_2023])
def test_every_figure_traces_back_to_input_cells(project):
    result = compute_project(project)
    figures = result.all_figures()
    for figure in figures.values():
        for dep in figure.deps:
            assert dep in figures, f"{figure.id} depends on missing {dep}"
        if figure.is_input:
            assert figure.source is not None and figure.source.row is not None, figure.id
    accertato = _inputs_of(result, "ieep.ieep_accertato.consuntivo") if project == SAMPLE_2024 else set()
    if accertato:
        assert len(accertato) == 5 + 5  # five components, their signs
        assert all(result.figure(i).source.file == "data/ieep.csv" for i in accertato)


def test_published_totals_match_except_documented_seed_misprints(relazione, abstract):
    assert [str(c) for c in relazione.failed_checks] == []
    # seed 004 prints the 2023 male total as 10.865 while its own rows sum to 10.866
    assert [(c.table, c.row, c.column) for c in abstract.failed_checks] == [("personale_area", "totale", "m_2023")]
    assert len(relazione.checks) > 250
