"""Native deck charts of every sample chart: valid against the ECMA-376 chart schema where it
matters (no XSD of the schema ships in a package we can install offline, so these are targeted
checks: unsigned axis ids, the schema's sequence of a category and a value axis's children and
of a data label's), values written as the PDF prints them, thin doughnut slices labelled
outside the ring."""

from __future__ import annotations

import re

import pytest
from lxml import etree
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Emu

from reportgen.charts.native import CAT_AX_ORDER, SMALL_SLICE, add_native_chart
from reportgen.formatting import NBSP
from reportgen.render.common import contrast_ratio, text_on
from tests.charts.test_layout import CHARTS

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
# CT_ValAx's sequence (ECMA-376 part 1, 21.2.2.226)
VAL_AX_ORDER = ("axId", "scaling", "delete", "axPos", "majorGridlines", "minorGridlines", "title", "numFmt",
                "majorTickMark", "minorTickMark", "tickLblPos", "spPr", "txPr", "crossAx", "crosses", "crossesAt",
                "crossBetween", "majorUnit", "minorUnit", "dispUnits", "extLst")
# CT_DLbl's sequence (21.2.2.47): idx, then delete alone or the rest in this order
D_LBL_ORDER = ("idx", "delete", "layout", "tx", "numFmt", "spPr", "txPr", "dLblPos", "showLegendKey", "showVal",
               "showCatName", "showSerName", "showPercent", "showBubbleSize", "separator", "extLst")


@pytest.fixture(scope="module")
def native():
    """{chart id: (spec, chart XML)} of every sample chart drawn natively on a 16:9 slide."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(12192000), Emu(6858000)
    found = {}
    for spec, style in CHARTS:
        slide = deck.slides.add_slide(deck.slide_layouts[6])
        frame = add_native_chart(slide, spec, Emu(600000), Emu(900000), Emu(11000000), Emu(5400000), PALETTE,
                                 "Titillium Web", label_colour=text_on, formatter=style.formatter)
        found[spec.id] = (spec, style, frame.chart._chartSpace)
    return found


def _local(element) -> str:
    return etree.QName(element).localname


def assert_in_schema_order(parent, order: tuple[str, ...]) -> None:
    names = [_local(child) for child in parent]
    unknown = [n for n in names if n not in order]
    assert unknown == [], unknown
    positions = [order.index(n) for n in names]
    assert positions == sorted(positions), names


def chart_problems(space) -> list[str]:
    """What breaks the schema in one chart part (the checks that python-pptx's output failed)."""
    found = []
    for tag in ("c:axId", "c:crossAx"):
        for element in space.iter(qn(tag)):
            if not 0 <= int(element.get("val")) <= 2 ** 32 - 1:
                found.append(f"{tag} {element.get('val')} is not an unsigned int")
    for axis, order in (("c:catAx", CAT_AX_ORDER), ("c:valAx", VAL_AX_ORDER)):
        for element in space.iter(qn(axis)):
            try:
                assert_in_schema_order(element, order)
            except AssertionError as error:
                found.append(f"{axis}: {error}")
    for label in space.iter(qn("c:dLbl")):
        try:
            assert_in_schema_order(label, D_LBL_ORDER)
        except AssertionError as error:
            found.append(f"c:dLbl: {error}")
    return found


def test_every_chart_part_keeps_the_schema(native):
    assert {chart: chart_problems(space) for chart, (_, _, space) in native.items()} == {
        chart: [] for chart in native}


def test_the_checks_catch_what_python_pptx_writes():
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE

    deck = Presentation()
    data = CategoryChartData()
    data.categories = ["a", "b"]
    data.add_series("s", [1, 2])
    chart = deck.slides.add_slide(deck.slide_layouts[6]).shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, 0, 0, 100, 100, data).chart
    axis = chart._chartSpace.find(".//" + qn("c:catAx"))
    etree.SubElement(axis, qn("c:tickLblSkip")).set("val", "1")  # appended: after noMultiLvlLbl
    found = chart_problems(chart._chartSpace)
    assert any("is not an unsigned int" in p for p in found)
    assert any(p.startswith("c:catAx") for p in found)


def test_axes_still_pair_after_renumbering(native):
    for _, _, space in native.values():
        ids = {e.get("val") for e in space.iter(qn("c:axId")) if _local(e.getparent()).endswith("Ax")}
        crossed = {e.get("val") for e in space.iter(qn("c:crossAx"))}
        used = {e.get("val") for e in space.iter(qn("c:axId")) if not _local(e.getparent()).endswith("Ax")}
        assert crossed == ids and used <= ids


def _label_texts(space) -> list[str]:
    return ["".join(t.text or "" for t in label.iter(qn("a:t"))) for label in space.iter(qn("c:dLbl"))
            if label.find(qn("c:tx")) is not None]


def test_labels_are_written_as_the_pdf_prints_them(native):
    spec, style, space = native["ieep-1"]
    texts = _label_texts(space)
    assert f"€{NBSP}0,53{NBSP}mld" in texts and f"€{NBSP}2,45{NBSP}mld" in texts
    formats = {e.get("formatCode") for e in space.iter(qn("c:numFmt"))}
    assert formats and all("€" in f for f in formats)
    spec, style, space = native["pndd-1"]
    assert _label_texts(space)[:2] == [f"+4,19{NBSP}%", f"+3,94{NBSP}%"]
    # the value axis prints no numbers of its own (the viewer's locale would choose the marks)
    assert [e.get("val") for e in space.iter(qn("c:tickLblPos"))][-1] == "none"


def test_trend_target_carries_its_value_in_the_legend(native):
    spec, _, space = native["customer-experience-1"]
    names = [v.text for series in space.iter(qn("c:ser")) for v in series.find(qn("c:tx")).iter(qn("c:v"))]
    assert any(re.fullmatch(r"Obiettivo 2024: 3,50", n or "") for n in names), names


def test_thin_doughnut_slices_are_labelled_outside_the_ring(native):
    spec, _, space = native["lavoro-distanza-dati-1"]
    values = spec.values(spec.series[0])
    total = sum(values)
    labels = {int(label.find(qn("c:idx")).get("val")): label for label in space.iter(qn("c:dLbl"))}
    thin = [i for i, v in enumerate(values) if v / total < SMALL_SLICE]
    assert thin == [1, 2]  # 2,00 % and 6,90 %
    offsets = []
    for index, label in labels.items():
        moved = label.find(f"{qn('c:layout')}/{qn('c:manualLayout')}")
        assert (moved is not None) == (index in thin)
        if moved is not None:
            offsets.append((float(moved.find(qn("c:x")).get("val")), float(moved.find(qn("c:y")).get("val"))))
    assert offsets[0] != offsets[1]  # two thin neighbours do not land on one spot


def test_labels_on_fills_reach_4_5_to_1(native):
    checked = on_page = 0
    for _spec, _, space in (native["lavoro-distanza-dati-1"], native["performance-professionisti-1"]):
        for series in space.iter(qn("c:ser")):
            series_fill = series.find(f"{qn('c:spPr')}/{qn('a:solidFill')}/{qn('a:srgbClr')}")
            points = {int(p.find(qn("c:idx")).get("val")): p for p in series.iter(qn("c:dPt"))}
            for label in series.iter(qn("c:dLbl")):
                colour = label.find(f".//{qn('a:rPr')}/{qn('a:solidFill')}/{qn('a:srgbClr')}")
                if colour is None:  # written on the page, outside any fill
                    continue
                index = int(label.find(qn("c:idx")).get("val"))
                point = points.get(index)
                fill = (point.find(f".//{qn('a:srgbClr')}") if point is not None else series_fill).get("val")
                if label.find(f"{qn('c:layout')}/{qn('c:manualLayout')}") is not None:
                    fill = "ffffff"  # moved out of the ring: on the slide
                    on_page += 1
                assert contrast_ratio("#" + colour.get("val"), "#" + fill) >= 4.5
                checked += 1
    # the ring's wide slice and the five segments long enough for their figure; two thin slices
    assert (checked, on_page) == (8, 2)


def test_zero_and_short_stacked_segments_have_no_label(native):
    spec, _, space = native["performance-professionisti-1"]
    hidden = [label for label in space.iter(qn("c:dLbl")) if label.find(qn("c:delete")) is not None]
    zeros = sum(1 for s in spec.series for f in s.figures if f is not None and f.number == 0)
    assert zeros and len(hidden) >= zeros


class _Forgetful(dict):
    """A memo of value labels that remembers none: every label written by python-pptx."""

    def __setitem__(self, key, value) -> None:
        pass


def _drawn() -> list[bytes]:
    deck = Presentation()
    charts = []
    for spec, style in CHARTS:
        slide = deck.slides.add_slide(deck.slide_layouts[6])
        frame = add_native_chart(slide, spec, Emu(600000), Emu(900000), Emu(11000000), Emu(5400000), PALETTE,
                                 "Titillium Web", label_colour=text_on, formatter=style.formatter)
        charts.append(etree.tostring(frame.chart._chartSpace))
    return charts


def test_copied_value_labels_are_the_labels_python_pptx_writes(monkeypatch):
    from reportgen.charts import native as module

    copied = _drawn()
    assert module._LABELS  # the labels of every kind were copied after the first
    monkeypatch.setattr(module, "_LABELS", _Forgetful())
    assert _drawn() == copied
