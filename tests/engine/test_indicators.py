"""The indicator maths on exact decimals, with the conventions of shared/domain.md."""

from decimal import Decimal as D

import pytest

from reportgen.engine import indicators as ind
from reportgen.formatting import round_half_up


def pct(value):
    return round_half_up(value * 100, 2)


def test_scostamento_sign_means_better_for_both_polarities():
    assert pct(ind.scostamento(D("1.013"), D("1.048"))) == D("3.46")           # deflusso, higher is better
    assert pct(ind.scostamento(D("171.54"), D("155.54"), ind.LOWER)) == D("9.33")  # costi per punto
    assert pct(ind.scostamento(D("100"), D("87.81"), ind.LOWER)) == D("12.19")     # fabbisogni standard
    assert pct(ind.scostamento(D("25428553"), D("65730354.69"), ind.LOWER)) == D("-158.49")  # interessi legali


def test_scostamento_uses_the_absolute_target():
    assert ind.scostamento(D("-100"), D("-50")) == D("0.5")


def test_missing_operands_give_none_and_zero_target_raises():
    assert ind.scostamento(None, D("1")) is None
    with pytest.raises(ZeroDivisionError):
        ind.scostamento(D("0"), D("1"))


def test_ratio_and_realizzazione():
    assert round_half_up(ind.rapporto(D("3.50"), D("4.13")), 2) == D("1.18")
    assert ind.realizzazione(D("100"), D("80")) == D("0.8")
    assert ind.realizzazione(D("100"), D("80"), ind.LOWER) == D("1.25")


def test_signed_sum_subtracts_components():
    # IEEP Incassi e Pagamenti, gestione prestazioni: interessi legali subtract
    components = [D("25428553"), D("2044414764"), D("34159637"), D("462137847"), D("143550113"), D("8267344")]
    signs = [-1, 1, 1, 1, 1, 1]
    assert ind.signed_sum(components, signs) == D("2667101152")
    assert ind.signed_sum([None, None]) is None


def test_means():
    assert ind.mean([D("115.90"), D("132.18")]) == D("124.04")
    # 2023 OGE of the abstract: weights 30/20/20/10/20 → 105,68
    results = [D("111.43"), D("89.53"), D("116.58"), D("100.00"), D("105.15")]
    weights = [D(30), D(20), D(20), D(10), D(20)]
    assert round_half_up(ind.weighted_mean(results, weights), 2) == D("105.68")


def test_weighted_tree_nests():
    tree = [(D(60), D("6.74")), (D(40), D("12.73"))]
    assert ind.weighted_tree(tree) == D("9.136")
    nested = [(D(1), [(D(1), D(100)), (D(1), D(50))]), (D(1), D(75))]
    assert ind.weighted_tree(nested) == D(75)


def test_variation_difference_share_carenza():
    assert pct(ind.variazione(D(23303), D(26712))) == D("14.63")
    assert ind.differenza(D(23303), D(26712)) == D(3409)
    assert pct(ind.share(D(159), D(181))) == D("87.85")
    assert pct(ind.carenza(D(25343), D(33184))) == D("-23.63")
