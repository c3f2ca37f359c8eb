"""The same chart specifications as native PowerPoint charts: their data stays editable in
PowerPoint ("Edit Data"), colours follow the report's palette, and the alt text is written
on the shape (python-pptx has no API for it: ``descr`` on ``p:cNvPr``).

PowerPoint number formats are Excel codes whose grouping and decimal marks follow the
viewer's system locale, not the report's (an OOXML limitation). So every value label is
written into the chart as text, formatted like the PDF (``€ 6,42 mld``, ``+1,88 %``), and
the value axis, whose every value is labelled, prints no numbers of its own. Labels printed
inside coloured areas (doughnut rings, stacked bars) take the colour the deck chooses for
each fill (``label_colour``, readable on it: WCAG 1.4.3); the deck also tags every chart's
text with the report's language. The XML is kept valid against the ECMA-376 chart schema:
axis ids are unsigned and every element is at its place in the schema's sequence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from lxml import etree
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
from pptx.enum.dml import MSO_LINE_DASH_STYLE
from pptx.oxml import parse_xml
from pptx.oxml.ns import qn
from pptx.util import Pt

from ..content.chartspec import ChartSpec
from ..formatting import Formatter
from .axes import AxisFormat

CHART_TYPES = {
    "pie": XL_CHART_TYPE.PIE, "donut": XL_CHART_TYPE.DOUGHNUT, "bar": XL_CHART_TYPE.COLUMN_CLUSTERED,
    "hbar": XL_CHART_TYPE.BAR_CLUSTERED, "trend": XL_CHART_TYPE.LINE_MARKERS, "stacked": XL_CHART_TYPE.BAR_STACKED,
}
# [$€-410]: the euro sign, in the it-IT locale (LCID 0x410) for viewers that honour it
NUMBER_FORMATS = {"percent": "0.00%", "euro": "[$€-410] #,##0.00", "integer": "#,##0", "decimal": "#,##0.00"}
PAGE_TEXT = "#000000"  # a doughnut label moved out of its ring is printed on the slide's white
LABEL_SIZE = 11  # points: value labels and legends
SMALL_SLICE = 0.08
STACK_LABEL_FROM = 0.05  # of the longest bar: a shorter stacked segment has no room for its label  # a doughnut slice under this share has its label moved out of the ring
# CT_CatAx's sequence (ECMA-376 part 1, 21.2.2.25): an element written out of it breaks the file
CAT_AX_ORDER = ("axId", "scaling", "delete", "axPos", "majorGridlines", "minorGridlines", "title", "numFmt",
                "majorTickMark", "minorTickMark", "tickLblPos", "spPr", "txPr", "crossAx", "crosses",
                "crossesAt", "auto", "lblAlgn", "lblOffset", "tickLblSkip", "tickMarkSkip", "noMultiLvlLbl",
                "extLst")


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
            return '[$€-410] #,##0.00,,," mld"'
        if largest >= 1e6:
            return '[$€-410] #,##0.0,," mln"'
    return NUMBER_FORMATS.get(spec.value_type, "General")


def _show_every_category(chart) -> None:
    """PowerPoint and LibreOffice skip category labels they think crowded; a reader needs all.
    ``c:tickLblSkip`` goes where the schema's sequence puts it, before what follows it there."""
    axis = chart._chartSpace.find(".//" + qn("c:catAx"))
    if axis is None or axis.find(qn("c:tickLblSkip")) is not None:
        return
    skip = etree.Element(qn("c:tickLblSkip"))
    skip.set("val", "1")
    later = {qn(f"c:{name}") for name in CAT_AX_ORDER[CAT_AX_ORDER.index("tickLblSkip") + 1:]}
    following = next((child for child in axis if child.tag in later), None)
    if following is None:
        axis.append(skip)
    else:
        following.addprevious(skip)


def _unsigned_axis_ids(chart) -> None:
    """python-pptx's chart templates number their axes with negative ids; the schema wants an
    unsigned int. The same id maps to the same number, so axes and their references still pair."""
    for tag in ("c:axId", "c:crossAx"):
        for element in chart._chartSpace.iter(qn(tag)):
            value = int(element.get("val"))
            if value < 0:
                element.set("val", str(value + 2 ** 32))


# A label python-pptx wrote on a new c:dLbl, by font, colour and weight (its text and index left
# to fill): a chart has dozens of labels, each otherwise some twenty python-pptx property writes.
_LABELS: dict[tuple[str, str | None, bool], bytes] = {}
_LABEL_TEXT = "c:tx/c:rich/a:p/a:r/a:t"
_PLAIN = re.compile("^[^\x00-\x1f]+$")  # python-pptx splits or escapes control characters


def _write_label(data_label, text: str, font: str, colour: str | None = None, bold: bool = False) -> None:
    """A value label written as text: what the PDF prints, whatever the viewer's locale. Its
    colour goes on the text and on the label's own defaults (what a viewer applies when the
    text is edited). A label made new is a copy of the first of its kind python-pptx wrote,
    the same XML but for its text and index."""
    key = (font, colour, bold)
    fresh = data_label._dLbl is None and _PLAIN.match(text) is not None
    if fresh and key in _LABELS:
        made = data_label._get_or_add_dLbl()  # python-pptx's new label, at its place among the others
        label = parse_xml(_LABELS[key])
        label.find(qn("c:idx")).set("val", made.find(qn("c:idx")).get("val"))
        label.xpath(_LABEL_TEXT)[0].text = text  # python-pptx's namespace prefixes
        made.getparent().replace(made, label)
        return
    frame = data_label.text_frame
    frame.text = text
    for target in (frame.paragraphs[0].runs[0].font, data_label.font):
        target.size = Pt(LABEL_SIZE)
        target.name = font
        target.bold = bold
        if colour is not None:
            target.color.rgb = _rgb(colour)
    if fresh and len(_LABELS) < 64:
        _LABELS[key] = etree.tostring(data_label._dLbl)


def _hide_label(data_label) -> None:
    """No label on this point (a zero segment, or one too short to hold its figure)."""
    dLbl = data_label._get_or_add_dLbl()
    for child in list(dLbl):
        if child.tag != qn("c:idx"):
            dLbl.remove(child)
    etree.SubElement(dLbl, qn("c:delete")).set("val", "1")


def _away_from_the_ring(data_label, angle: float, width: int, height: int, step: int) -> None:
    """Move a small slice's label out of the ring, along the slice's middle (``angle``, clockwise
    from 12 o'clock as PowerPoint draws a doughnut): neighbours no longer print over each other.
    ``c:manualLayout`` offsets are fractions of the chart's width and height; every other small
    label goes a little further, so that two thin neighbours do not meet outside either."""
    radius = 0.36 * min(width, height)  # the ring's outer radius in a chart with a title and a legend
    distance = radius * (0.42 + 0.22 * (step % 2))
    dx, dy = distance * math.sin(angle) / width, -distance * math.cos(angle) / height
    dLbl = data_label._get_or_add_dLbl()
    layout = dLbl.find(qn("c:layout"))
    if layout is None:
        layout = etree.Element(qn("c:layout"))
        dLbl.find(qn("c:idx")).addnext(layout)
    manual = etree.SubElement(layout, qn("c:manualLayout"))
    for name, value in (("x", dx), ("y", dy)):
        etree.SubElement(manual, qn(f"c:{name}")).set("val", f"{value:.4f}")


def add_native_chart(slide, spec: ChartSpec, left: int, top: int, width: int, height: int,
                     palette: tuple[str, ...], font: str, label_colour: Callable[[str], str] | None = None,
                     formatter: Formatter | None = None):
    """Add ``spec`` to ``slide`` as an editable chart; returns the graphic frame.
    ``label_colour`` gives the text colour of a label printed on a fill (``#rrggbb`` to
    ``#rrggbb``); without it such labels keep the chart's default colour. Values are written
    with ``formatter`` (the report's; by default the Italian style)."""
    formatter = formatter or Formatter()
    values = [v for s in spec.series for v in spec.values(s) if v is not None]
    fmt = AxisFormat(formatter, spec.value_type, values)
    number_format = _number_format(spec)
    data = CategoryChartData(number_format=number_format)
    data.categories = list(spec.categories)
    for series in spec.series:
        data.add_series(series.name, spec.values(series))
    reference = _constant_reference(spec)
    trend = spec.kind == "trend"
    if trend:  # a target drawn as a flat, dashed series: still editable data; its value in its name
        for series in spec.series:
            if series.reference is not None and series.reference.number is not None:
                name = f"{spec.reference_label}: {fmt.label(series.reference)}"
                data.add_series(name if len(spec.series) == 1 else f"{name} ({series.name})",
                                [float(series.reference.number)] * len(spec.categories))
        if reference is not None:
            data.add_series(f"{spec.reference_label}: {fmt.label(spec.reference)}",
                            [reference] * len(spec.categories))
    frame = slide.shapes.add_chart(CHART_TYPES[spec.kind], left, top, width, height, data)
    chart = frame.chart
    chart.has_title = True
    chart.chart_title.text_frame.text = spec.title
    for run in chart.chart_title.text_frame.paragraphs[0].runs:
        run.font.size = Pt(14)
        run.font.bold = True
        run.font.name = font
    chart.font.name = font
    chart.font.size = Pt(LABEL_SIZE)
    plot = chart.plots[0]
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = number_format
    labels.number_format_is_linked = False
    labels.show_value = True  # python-pptx's doughnut comes with labels that show nothing
    totals = [sum(abs(v or 0.0) for v in column) for column in zip(*(spec.values(s) for s in spec.series))]
    longest = max(totals, default=0.0) or 1.0  # the longest stacked bar: the axis' length
    if spec.kind in ("pie", "donut"):
        _round(spec, plot, fmt, palette, font, label_colour, width, height)
        chart.has_legend = True
        chart.legend.position = XL_LEGEND_POSITION.RIGHT
        chart.legend.include_in_layout = False
    else:
        for index, series in enumerate(plot.series):
            colour = palette[index % len(palette)]
            if trend:
                series.format.line.color.rgb = _rgb(colour)
                series.format.line.width = Pt(2.25)
                series.marker.format.fill.solid()
                series.marker.format.fill.fore_color.rgb = _rgb(colour)
                if index >= len(spec.series):  # the target series
                    series.format.line.dash_style = MSO_LINE_DASH_STYLE.DASH
                    series.format.line.color.rgb = _rgb("#1a1a1a")
                    series.data_labels.show_value = False
                    continue
            else:
                series.format.fill.solid()
                series.format.fill.fore_color.rgb = _rgb(colour)
            on_fill = spec.kind == "stacked" and label_colour is not None  # labels inside the bars
            if on_fill:  # the series' label defaults, for a label added in PowerPoint
                own = series.data_labels
                own.number_format = number_format
                own.number_format_is_linked = False
                own.show_value = True
                own.font.color.rgb = _rgb(label_colour(colour))
            for point, figure in enumerate(spec.series[index].figures):
                if figure is None or figure.number is None:
                    continue
                if spec.kind == "stacked" and abs(float(figure.number)) < STACK_LABEL_FROM * longest:
                    _hide_label(series.points[point].data_label)  # no room for it inside its segment
                    continue
                _write_label(series.points[point].data_label, fmt.label(figure), font,
                             label_colour(colour) if on_fill else None, bold=on_fill)
        if spec.kind in ("hbar", "stacked"):
            chart.category_axis.reverse_order = True  # first category on top, as in the PDF
            chart.category_axis.tick_labels.font.size = Pt(9 if len(spec.categories) > 10 else 11)
            _show_every_category(chart)
        axis = chart.value_axis
        axis.tick_labels.number_format = number_format
        axis.tick_labels.number_format_is_linked = False
        axis.tick_label_position = XL_TICK_LABEL_POSITION.NONE  # every value is labelled
        axis.has_major_gridlines = trend
        chart.has_legend = len(chart.plots[0].series) > 1
        if chart.has_legend:
            chart.legend.position = XL_LEGEND_POSITION.BOTTOM
            chart.legend.include_in_layout = False
    _unsigned_axis_ids(chart)
    frame._element.nvGraphicFramePr.cNvPr.set("descr", spec.alt)
    return frame


def _round(spec: ChartSpec, plot, fmt: AxisFormat, palette, font: str, label_colour, width: int,
           height: int) -> None:
    """A pie's or a doughnut's slices and labels: a pie's outside its edge, a doughnut's on
    its ring in the colour that reads on the slice, or, for a thin slice, moved out of it."""
    series = spec.series[0]
    values = [v if v is not None and v > 0 else 0.0 for v in spec.values(series)]
    total = sum(values) or 1.0
    if spec.kind == "pie":
        plot.data_labels.position = XL_LABEL_POSITION.OUTSIDE_END
    points = plot.series[0].points
    start, small = 0.0, 0
    for index, (value, figure) in enumerate(zip(values, series.figures)):
        colour = palette[index % len(palette)]
        fill = points[index].format.fill
        fill.solid()
        fill.fore_color.rgb = _rgb(colour)
        share = value / total
        middle = (start + share / 2) * 2 * math.pi
        start += share
        if not value:
            continue
        text = fmt.label(figure) if spec.value_type == "percent" else fmt.formatter.percent(
            _decimal(share), 2)  # two decimals, as the text and the tables print shares
        label = points[index].data_label
        if spec.kind == "donut" and share >= SMALL_SLICE:
            _write_label(label, text, font, label_colour(colour) if label_colour else None, bold=True)
        else:  # on the page: the text colour of the page
            _write_label(label, text, font, PAGE_TEXT if spec.kind == "donut" else None)
            if spec.kind == "donut":
                _away_from_the_ring(label, middle, width, height, small)
                small += 1


def _decimal(value: float):
    from decimal import Decimal

    return Decimal(str(value))
