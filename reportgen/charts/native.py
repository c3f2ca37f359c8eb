"""The same chart specifications as native PowerPoint charts: their data stays editable in
PowerPoint ("Edit Data"), colours follow the report's palette, and the alt text is written
on the shape (python-pptx has no API for it: ``descr`` on ``p:cNvPr``).

PowerPoint number formats are Excel codes: the grouping and decimal marks shown follow the
viewer's system locale, not the report's (an OOXML limitation). Labels printed inside coloured
areas (doughnut rings, stacked bars) take the colour the deck chooses for each fill
(``label_colour``, readable on it: WCAG 1.4.3); the deck also tags every chart's text with the
report's language.
"""

from __future__ import annotations

from collections.abc import Callable

from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.util import Pt

from ..content.chartspec import ChartSpec

CHART_TYPES = {
    "pie": XL_CHART_TYPE.PIE, "donut": XL_CHART_TYPE.DOUGHNUT, "bar": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "hbar": XL_CHART_TYPE.BAR_CLUSTERED, "trend": XL_CHART_TYPE.LINE_MARKERS, "stacked": XL_CHART_TYPE.BAR_STACKED,
}
NUMBER_FORMATS = {"percent": "0.00%", "euro": "#,##0.00", "integer": "#,##0", "decimal": "#,##0.00"}


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#"))


def _constant_reference(spec: ChartSpec) -> float | None:
    if spec.reference is not None and spec.reference.number is not None:
        return float(spec.reference.number)
    return None


def _number_format(spec: ChartSpec) -> str:
    """Excel number format; amounts in billions or millions use Excel's scaling commas."""
    if spec.value_type == "euro":
        largest = max((abs(v) for s in spec.series for v in spec.values(s) if v is not None), default=0.0)
        if largest >= 1e9:
            return '#,##0.00,,," mld"'
        if largest >= 1e6:
            return '#,##0.0,," mln"'
    return NUMBER_FORMATS.get(spec.value_type, "General")


def _show_every_category(chart) -> None:
    """PowerPoint and LibreOffice skip category labels they think crowded; a reader needs all."""
    from lxml import etree
    from pptx.oxml.ns import qn

    axis = chart._chartSpace.find(".//" + qn("c:catAx"))
    if axis is not None and axis.find(qn("c:tickLblSkip")) is None:
        skip = etree.SubElement(axis, qn("c:tickLblSkip"))
        skip.set("val", "1")


def add_native_chart(slide, spec: ChartSpec, left: int, top: int, width: int, height: int,
                     palette: tuple[str, ...], font: str, label_colour: Callable[[str], str] | None = None):
    """Add ``spec`` to ``slide`` as an editable chart; returns the graphic frame.
    ``label_colour`` gives the text colour of a label printed on a fill (``#rrggbb`` to
    ``#rrggbb``); without it such labels keep the chart's default colour."""
    number_format = _number_format(spec)
    data = CategoryChartData(number_format=number_format)
    data.categories = list(spec.categories)
    for series in spec.series:
        data.add_series(series.name, spec.values(series))
    reference = _constant_reference(spec)
    trend = spec.kind == "trend"
    if trend:  # a target drawn as a flat, dashed series: still editable data
        for series in spec.series:
            if series.reference is not None and series.reference.number is not None:
                data.add_series(f"{spec.reference_label} – {series.name}",
                                [float(series.reference.number)] * len(spec.categories))
        if reference is not None:
            data.add_series(spec.reference_label, [reference] * len(spec.categories))
    frame = slide.shapes.add_chart(CHART_TYPES[spec.kind], left, top, width, height, data)
    chart = frame.chart
    chart.has_title = True
    chart.chart_title.text_frame.text = spec.title
    for run in chart.chart_title.text_frame.paragraphs[0].runs:
        run.font.size = Pt(14)
        run.font.bold = True
        run.font.name = font
    chart.font.name = font
    chart.font.size = Pt(11)
    plot = chart.plots[0]
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = number_format
    labels.number_format_is_linked = False
    labels.show_value = True  # python-pptx's doughnut comes with labels that show nothing
    if spec.kind in ("pie", "donut"):
        if spec.kind == "pie":
            labels.position = XL_LABEL_POSITION.OUTSIDE_END
        # a doughnut's labels sit on its ring (PowerPoint accepts no position for them)
        points = plot.series[0].points
        for index in range(len(spec.categories)):
            colour = palette[index % len(palette)]
            fill = points[index].format.fill
            fill.solid()
            fill.fore_color.rgb = _rgb(colour)
            if spec.kind == "donut" and label_colour is not None:
                points[index].data_label.font.color.rgb = _rgb(label_colour(colour))
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.RIGHT
        chart.legend.include_in_layout = False
    else:
        for index, series in enumerate(plot.series):
            colour = _rgb(palette[index % len(palette)])
            if trend:
                series.format.line.color.rgb = colour
                series.format.line.width = Pt(2.25)
                series.marker.format.fill.solid()
                series.marker.format.fill.fore_color.rgb = colour
                if index >= len(spec.series):  # the target series
                    series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
                    series.format.line.color.rgb = _rgb("#1a1a1a")
                    series.data_labels.show_value = False
            else:
                series.format.fill.solid()
                series.format.fill.fore_color.rgb = colour
                if spec.kind == "stacked" and label_colour is not None:  # labels inside the bars
                    own = series.data_labels
                    own.number_format = number_format
                    own.number_format_is_linked = False
                    own.show_value = True
                    own.font.color.rgb = _rgb(label_colour(palette[index % len(palette)]))
        if spec.kind in ("hbar", "stacked"):
            chart.category_axis.reverse_order = True  # first category on top, as in the PDF
            chart.category_axis.tick_labels.font.size = Pt(9 if len(spec.categories) > 10 else 11)
            _show_every_category(chart)
        chart.value_axis.tick_labels.number_format = number_format
        chart.value_axis.tick_labels.number_format_is_linked = False
        chart.value_axis.has_major_gridlines = spec.kind == "trend"
        chart.has_legend = len(chart.plots[0].series) > 1
        if chart.has_legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
    frame._element.nvGraphicFramePr.cNvPr.set("descr", spec.alt)
    return frame
