from decimal import Decimal

import pytest

from reportgen.load.values import CellError, Quantity, Ref, parse_cell, parse_number, parse_ref


@pytest.mark.parametrize("raw, expected", [
    ("1.234.567,89", Decimal("1234567.89")),
    ("1234567.89", Decimal("1234567.89")),
    ("1,234,567.89", Decimal("1234567.89")),
    ("1.234", Decimal("1234")),          # Italian: a lone dot with three digits groups thousands
    ("1,013", Decimal("1.013")),
    ("€ 1.234", Decimal("1234")),
    ("(1.234)", Decimal("-1234")),
    ("-158,49", Decimal("-158.49")),
    ("−2,41", Decimal("-2.41")),
    (" 25.343 ", Decimal("25343")),
    (89348630.21, Decimal("89348630.21")),  # an XLSX float keeps its shortest decimal form
])
def test_number_dialects(raw, expected):
    assert parse_number(raw)[0] == expected


def test_international_decimal_mark_reads_lone_dot_as_decimal():
    assert parse_number("1.013", decimal_mark=".")[0] == Decimal("1.013")


@pytest.mark.parametrize("raw", ["abc", "1.23.4", "12,3,4", "1..2", "", "--1", "1,2.3,4"])
def test_not_numbers(raw):
    with pytest.raises(CellError):
        parse_number(raw)


def test_percent_column_stores_fraction_from_points():
    assert parse_cell("90,34%", "percent") == Quantity(Decimal("0.9034"), "percent", 2)
    assert parse_cell("90,34", "percent").value == Decimal("0.9034")
    # an XLSX cell formatted as a percentage already holds the fraction
    assert parse_cell(0.9034, "percent", number_format="0.00%") == Quantity(Decimal("0.9034"), "percent", 2)


def test_value_column_takes_the_unit_of_each_cell():
    assert parse_cell("73,33%", "value").type == "percent"
    assert parse_cell("€ 4.249.834.748,30", "value").type == "euro"
    assert parse_cell("1,013", "value") == Quantity(Decimal("1.013"), "decimal", 3)


def test_plain_number_column_refuses_a_percentage_and_integers_refuse_decimals():
    with pytest.raises(CellError, match="percentage"):
        parse_cell("9%", "decimal")
    with pytest.raises(CellError, match="whole"):
        parse_cell("1,5", "integer")


def test_polarity_sign_choice_date():
    assert parse_cell("basso", "polarity") == "lower"
    assert parse_cell("-", "sign") == -1
    assert parse_cell("b", "choice", choices=("a", "b")) == "b"
    with pytest.raises(CellError):
        parse_cell("c", "choice", choices=("a", "b"))
    assert str(parse_cell("05/06/2025", "date")) == "2025-06-05"


def test_references():
    assert parse_ref("@ieep.ieep_accertato.consuntivo") == Ref("ieep", "ieep_accertato", "consuntivo")
    assert parse_ref("12") is None
    with pytest.raises(CellError):
        parse_ref("@IEEP.x")
