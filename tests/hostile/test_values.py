"""Issue 20, item 14: values that are wrong in a way a parser can trip on (impossible dates, a
recursive YAML structure, huge numbers and precisions, an Excel error in a number cell) are one
line naming the input and exit 2, or a safe build; never a traceback."""

from __future__ import annotations

import textwrap

import pytest

from tests.conftest import MINI_CSV, MINI_REPORT, MINI_SCHEMA

REPORT = textwrap.dedent(MINI_REPORT)
SCHEMA = textwrap.dedent(MINI_SCHEMA)
SIGNED = REPORT + "      - signature: {place: Roma, date: %s, signatories: [{role: Il Direttore, name: M. Rossi}]}\n"


def _report(text: str):
    return lambda h: (h.project / "report.yaml").write_text(text, encoding="utf-8")


def _schema(text: str):
    return lambda h: (h.project / "data" / "kpi.schema.yaml").write_text(text, encoding="utf-8")


def _csv(text: str):
    return lambda h: (h.project / "data" / "kpi.csv").write_text(textwrap.dedent(text), encoding="utf-8")


TOTAL = "  - op: total\n    columns: {obiettivo: sum, consuntivo: %s}\n"
HUGE = "9" * 5000

# case: (setup, names one error line must contain)
CASES = {
    # impossible or malformed dates and timestamps
    "document-date-feb-30": (_report(REPORT + "document_date: 2025-02-30\n"), ("document_date",)),
    "document-date-timestamp": (_report(REPORT + "document_date: 2025-02-03T25:61:00\n"), ("document_date",)),
    "document-date-month-13": (_report(REPORT + "document_date: 2025-13-01\n"), ("document_date",)),
    "document-date-year-0": (_report(REPORT + "document_date: 0000-01-01\n"), ("document_date",)),
    "document-date-text": (_report(REPORT + "document_date: domani\n"), ("document_date",)),
    "approval-date-feb-30": (_report(REPORT + "approval: {body: CdA, act: n. 1, date: 2025-02-30}\n"),
                             ("approval",)),
    "approval-timestamp": (_report(REPORT + "approval: {body: CdA, act: n. 1, date: 2025-02-03 99:00:00}\n"),
                           ("approval",)),
    "validation-date-feb-30": (_report(REPORT + "validation: {body: OIV, act: n. 2, date: 2025-02-30}\n"),
                               ("validation",)),
    "signature-date-feb-30": (_report(SIGNED % "2024-02-30"), ("signature", "date")),
    "signature-timestamp": (_report(SIGNED % "2024-02-03T24:00:99"), ("signature", "date")),
    # a recursive structure: the alias names the mapping it is inside of
    "sections-self-alias": (_report(REPORT.replace("sections:\n", "sections: &s\n") +
                                    "    sections: *s\n"), ("report.yaml",)),
    "sections-list-in-itself": (_report(REPORT.replace("  - id: risultati", "  - &r\n    id: risultati")
                                        + "    sections: [*r]\n"), ("report.yaml",)),
    # aggregates and precisions
    "weighted-mean-list": (_schema(SCHEMA + TOTAL % "{weighted_mean: [1]}"), ("weighted_mean", "kpi.schema.yaml")),
    "weighted-mean-mapping": (_schema(SCHEMA + TOTAL % "{weighted_mean: {a: 1}}"),
                              ("weighted_mean", "kpi.schema.yaml")),
    "weighted-mean-unknown": (_schema(SCHEMA + TOTAL % "{weighted_mean: nessuna}"),
                              ("weighted_mean", "nessuna", "kpi.schema.yaml")),
    "decimals-huge": (_schema(SCHEMA.replace("obiettivo: {type: decimal, required: true}",
                                             "obiettivo: {type: decimal, required: true, decimals: 10000000000}")),
                      ("decimals",)),
    "decimals-negative": (_schema(SCHEMA.replace("obiettivo: {type: decimal, required: true}",
                                                 "obiettivo: {type: decimal, required: true, decimals: -3}")),
                          ("decimals",)),
    # numbers a cell or a check may hold
    "cell-5000-digits": (_csv(MINI_CSV.replace("1,048", HUGE)), ("kpi.csv",)),
    "cell-5000-decimals": (_csv(MINI_CSV.replace("1,048", "1," + HUGE)), ("kpi.csv",)),
    "cell-exponent": (_csv(MINI_CSV.replace("1,048", "1e999999")), ("kpi.csv",)),
    "cell-nan": (_csv(MINI_CSV.replace("1,048", "NaN")), ("kpi.csv",)),
    "cell-infinity": (_csv(MINI_CSV.replace("1,048", "Infinity")), ("kpi.csv",)),
    "check-year-1e23": (_schema(SCHEMA + "checks:\n  - {row: deflusso, column: consuntivo, published: "
                                "\"100000000000000000000000-01-01\"}\n"), ("kpi.schema.yaml",)),
    "check-exponent": (_schema(SCHEMA + "checks:\n  - {row: deflusso, column: consuntivo, published: \"1e23\"}\n"),
                       ("kpi.schema.yaml",)),
    "check-5000-digits": (_schema(SCHEMA + f"checks:\n  - {{row: deflusso, column: consuntivo, published: \"{HUGE}\"}}\n"),
                          ("kpi.schema.yaml",)),
    "check-tolerance-huge": (_schema(SCHEMA + "checks:\n  - {row: deflusso, column: consuntivo, published: \"1,048\", "
                                     f"tolerance: {HUGE}}}\n"), ("kpi.schema.yaml",)),
    "check-published-float-1e23": (_schema(SCHEMA + "checks:\n  - {row: deflusso, column: consuntivo, published: 1e+23}\n"),
                                   ("kpi.schema.yaml",)),
    "check-published-nan": (_schema(SCHEMA + "checks:\n  - {row: deflusso, column: consuntivo, published: .nan}\n"),
                            ("kpi.schema.yaml",)),
    "check-published-text": (_schema(SCHEMA + "checks:\n  - {row: deflusso, column: consuntivo, published: circa}\n"),
                             ("kpi.schema.yaml",)),
    "check-published-date": (_schema(SCHEMA + "checks:\n  - {row: deflusso, column: consuntivo, "
                                     "published: 2024-02-30}\n"), ("kpi.schema.yaml",)),
    "check-tolerance-1e23": (_schema(SCHEMA + "checks:\n  - {row: deflusso, column: consuntivo, published: \"1,048\", "
                                     "tolerance: 1e+23}\n"), ("kpi.schema.yaml",)),
    "check-tolerance-inf": (_schema(SCHEMA + "checks:\n  - {row: deflusso, column: consuntivo, published: \"1,048\", "
                                    "tolerance: .inf}\n"), ("kpi.schema.yaml",)),
    "check-tolerance-nan": (_schema(SCHEMA + "checks:\n  - {row: deflusso, column: consuntivo, published: \"1,048\", "
                                    "tolerance: .nan}\n"), ("kpi.schema.yaml",)),
    "check-tolerance-negative": (_schema(SCHEMA + "checks:\n  - {row: deflusso, column: consuntivo, "
                                         "published: \"1,048\", tolerance: -1}\n"), ("kpi.schema.yaml",)),
    "year-float-1e23": (_report(REPORT.replace("year: 2024", "year: 1e+23")), ("year",)),
    "year-1e23": (_report(REPORT.replace("year: 2024", "year: 100000000000000000000000")), ("year",)),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_value_is_one_line_or_a_safe_build(hostile, case):
    hostile.make()
    setup, names = CASES[case]
    setup(hostile)
    hostile.seed_earlier()
    run = hostile.build(timeout=40)
    hostile.assert_safe(run, names)
    hostile.assert_earlier_intact(run)
