"""Every kind of block and every operation is declared once and handled everywhere: a kind an
output cannot draw, or an operation without code, fails here rather than vanishing from a report."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from reportgen.api import compute_project
from reportgen.content.blocks import BUILDERS
from reportgen.engine import operations as implemented
from reportgen.load import operations as declared
from reportgen.load.blocks import BLOCK_KINDS
from reportgen.render.deck import DECK_BUILDERS
from reportgen.render.html import environment
from reportgen.render.opendata import EXPORTS_ROWS

from ..conftest import SAMPLE_2024

KINDS = tuple(BLOCK_KINDS)  # declared once, at load


@pytest.fixture(scope="module")
def sample_result():
    return compute_project(SAMPLE_2024)


def test_every_block_kind_has_a_content_builder_a_deck_builder_and_an_export_entry():
    assert set(BUILDERS) == set(KINDS)
    assert set(DECK_BUILDERS) == set(KINDS)
    assert set(EXPORTS_ROWS) == set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_every_block_kind_has_a_macro_for_the_pdf_and_slide_pages(kind, tmp_path):
    module = environment(tmp_path).get_template("pdf/blocks.html.j2").make_module(
        {"safe_html": str, "tone": lambda f: "", "fmt": str, "chart_src": str, "cell": str})
    assert callable(getattr(module, f"{kind}_block", None))


def test_every_declared_operation_is_implemented_and_nothing_else():
    assert set(implemented.OPERATIONS) == set(declared.OPERATIONS)


def test_outcome_operations_are_those_with_a_threshold():
    assert set(declared.OUTCOME_OPERATIONS) == {"scostamento", "realizzazione", "rapporto"}
    assert declared.OPERATIONS["scostamento"].judgement.threshold == Decimal(0)
    assert declared.OPERATIONS["realizzazione"].judgement.threshold == Decimal(1)


def test_a_figure_carries_its_judgement(sample_result):
    """A scostamento computed with a polarity is judged by its sign and against 0; a variazione
    is not judged at all: the renderers and the diff read this from the figure."""
    forecast = sample_result.figure("ieep.ieep_accertato.scostamento")  # outcome: false in its schema
    assert forecast.judgement == declared.Judgement(by_sign=True, threshold=None)
    outcomes = [f for t in sample_result.tables.values() for f in t.figures()
                if f.judgement is not None and f.judgement.threshold is not None and f.number is not None]
    assert {f.judgement.threshold for f in outcomes} == {Decimal(0), Decimal(1)}
    assert all(f.judgement.met(f.number) is (f.number >= f.judgement.threshold) for f in outcomes)
    assert any(f.judgement.met(f.number) is False for f in outcomes), "the sample misses some targets"
    changes = [f for t in sample_result.tables.values() for f in t.figures()
               if f.formula and f.formula.startswith("(") and "higher is better" not in f.formula
               and "lower is better" not in f.formula and "−" in f.formula]
    assert changes, "the sample has variazioni"
    assert all(f.judgement is None or not f.judgement.by_sign or f.id.rsplit(".", 1)[1].startswith("scostamento")
               for f in changes)


def test_outcome_false_keeps_the_colour_but_is_no_outcome():
    op = declared.OPERATIONS["scostamento"]
    assert op.judgement_of({}) == op.judgement
    assert op.judgement_of({"outcome": False}) == declared.Judgement(by_sign=True)
    assert declared.OPERATIONS["rapporto"].judgement_of({"outcome": False}) is None
    assert dataclasses.is_dataclass(op)
