"""Chart specifications: which figures a chart shows, resolved from a computed table.

A spec holds figures, never pixels: the chart stage draws it for the PDF (matplotlib) and
the deck (a native PowerPoint chart) from the same spec. Its alt text and its data table
are generated here from the figures, so they always say what the chart shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from ..engine import EngineResult, Figure, Row, Table
from ..errors import ErrorCollector, Location
from ..formatting import Formatter
from ..load.config import ChartBlockConfig

KIND_NAMES = {
    "pie": "Grafico a torta", "donut": "Grafico ad anello", "bar": "Grafico a colonne",
    "hbar": "Grafico a barre orizzontali", "trend": "Grafico dell'andamento", "stacked": "Grafico a barre in pila",
}


@dataclass(frozen=True, slots=True)
class ChartSeries:
    name: str
    figures: tuple[Figure | None, ...]  # one per category
    reference: Figure | None = None  # this series' own target (a row's obiettivo)


@dataclass(frozen=True, slots=True)
class ChartSpec:
    id: str  # stable within the report: "<section>-<n>"
    kind: str
    title: str
    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    value_type: str  # percent / euro / integer / decimal: how axes and labels are formatted
    reference: Figure | None = None  # one reference line for the whole chart
    reference_label: str = "Obiettivo"
    size: str = "full"
    alt: str = ""

    def values(self, series: ChartSeries) -> list[float | None]:
        return [None if f is None or f.number is None else float(f.number) for f in series.figures]

    def data_table(self, formatter: Formatter) -> tuple[list[str], list[list[str]]]:
        """The chart's data as a small table (accessibility, open-data export)."""
        header = [""] + [s.name for s in self.series]
        rows = [[category] + [_text(formatter, s.figures[i]) for s in self.series]
                for i, category in enumerate(self.categories)]
        return header, rows


def _text(formatter: Formatter, figure: Figure | None) -> str:
    return formatter.style.missing if figure is None else formatter.figure(figure)


def _label(table: Table, row: Row) -> str:
    column = table.schema.label_column
    value = row.value(column) if column else None
    return str(value) if value is not None else row.id


def _rows(table: Table, block: ChartBlockConfig, errors: ErrorCollector, where: Location) -> list[Row]:
    if block.rows or block.series_rows:
        wanted = block.rows or block.series_rows
        rows = []
        for row_id in wanted:
            row = table.row(row_id)
            if row is None:
                errors.add(f"chart of table '{table.id}': no row '{row_id}'", where)
            else:
                rows.append(row)
        return rows
    rows = table.data_rows()
    for column, pattern in block.where:
        rows = [r for r in rows if fnmatchcase(str(r.value(column) or ""), pattern)]
    if not rows:
        errors.add(f"chart of table '{table.id}': no rows to show", where)
    return rows


def _value_type(series: list[ChartSeries]) -> str:
    for s in series:
        for figure in s.figures:
            if figure is not None and figure.value is not None:
                return "decimal" if figure.type == "value" else figure.type
    return "decimal"


def build_chart(block: ChartBlockConfig, chart_id: str, result: EngineResult, formatter: Formatter,
                errors: ErrorCollector) -> ChartSpec | None:
    where = Location("report.yaml")
    table = result.tables[block.table]
    rows = _rows(table, block, errors, where)
    if not rows:
        return None
    reference = None
    if block.reference and block.reference.figure:
        reference = result.figure(block.reference.figure.id)
        if reference is None:
            errors.add(f"chart reference: no figure {block.reference.figure.id}", where)
    if block.labels:  # rows are categories, columns are series
        if block.sort:
            key = block.values[0]
            present = [r for r in rows if r.figures.get(key) is not None and r.figures[key].number is not None]
            missing = [r for r in rows if r not in present]
            present.sort(key=lambda r: r.figures[key].number, reverse=block.sort == "desc")
            rows = present + missing
        categories = tuple(str(r.value(block.labels) or r.id) for r in rows)
        series = [ChartSeries(table.columns[c].label, tuple(r.figures.get(c) for r in rows)) for c in block.values]
    else:  # columns are categories, rows are series
        categories = tuple(table.columns[c].label for c in block.x)
        ref_column = block.reference.column if block.reference else None
        series = [ChartSeries(_label(table, r), tuple(r.figures.get(c) for c in block.x),
                              r.figures.get(ref_column) if ref_column else None) for r in rows]
    spec = ChartSpec(
        id=chart_id, kind=block.kind, title=block.title or table.schema.title, categories=categories,
        series=tuple(series), value_type=_value_type(series), reference=reference,
        reference_label=block.reference.label if block.reference else "Obiettivo", size=block.size)
    return _with_alt(spec, formatter)


def _with_alt(spec: ChartSpec, formatter: Formatter) -> ChartSpec:
    from dataclasses import replace

    return replace(spec, alt=alt_text(spec, formatter))


def alt_text(spec: ChartSpec, formatter: Formatter) -> str:
    """What the chart shows and its key values, in Italian, generated from the figures."""
    parts = [f"{KIND_NAMES[spec.kind]} «{spec.title}»."]
    for series in spec.series:
        values = [(c, f) for c, f in zip(spec.categories, series.figures) if f is not None and f.number is not None]
        if not values:
            continue
        name = f"{series.name}: " if len(spec.series) > 1 or spec.kind in ("trend", "stacked") else ""
        if spec.kind == "trend":
            (first_c, first_f), (last_c, last_f) = values[0], values[-1]
            text = f"{name}da {_text(formatter, first_f)} ({first_c}) a {_text(formatter, last_f)} ({last_c})"
            if len(values) > 2:
                high = max(values, key=lambda v: v[1].number)
                low = min(values, key=lambda v: v[1].number)
                text += (f", massimo {_text(formatter, high[1])} ({high[0]}),"
                         f" minimo {_text(formatter, low[1])} ({low[0]})")
        elif len(values) <= 8:
            text = name + "; ".join(f"{c} {_text(formatter, f)}" for c, f in values)
        else:
            high = max(values, key=lambda v: v[1].number)
            low = min(values, key=lambda v: v[1].number)
            text = (f"{name}{len(values)} valori, il più alto {high[0]} {_text(formatter, high[1])},"
                    f" il più basso {low[0]} {_text(formatter, low[1])}")
        if series.reference is not None:
            text += f"; obiettivo {_text(formatter, series.reference)}"
        parts.append(text + ".")
    if spec.reference is not None:
        parts.append(f"Linea di riferimento: {spec.reference_label} {_text(formatter, spec.reference)}.")
    return " ".join(parts)
