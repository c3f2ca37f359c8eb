"""The deck is accessible (EN 301 549 / WCAG 2.1 AA, as AgID requires of published documents),
checked on the real sample decks opened with python-pptx: alt text on every chart, picture and
table; a unique title on every slide; every run in the report's language; shapes stored in
reading order; text colours at 4.5:1 on their backgrounds; better/worse never by colour alone,
in the deck and in the PDF's HTML. And the faster deck is the same deck."""

from __future__ import annotations

import contextlib
import io
from collections import defaultdict
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree
from lxml import html as lxml_html
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE, PP_PLACEHOLDER
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn

from reportgen.charts import RenderedChart
from reportgen.content import build_report, formatter_for
from reportgen.content.model import KpiBlock, TableBlock
from reportgen.engine import compute
from reportgen.load import load_project
from reportgen.render.common import CUES, readable, tint, tone
from reportgen.render.deck import fastxml, render_pptx
from reportgen.render.deck.template import Colours
from reportgen.render.html import render_html
from reportgen.resources import assets_dir
from tests.conftest import SAMPLE_2023, SAMPLE_2024, write_project

TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


class Built:
    def __init__(self, root: Path):
        self.root = root
        loaded = load_project(root)
        self.result = compute(loaded)
        self.report = build_report(loaded, self.result)
        self.formatter = formatter_for(loaded.config)
        self.data = render_pptx(self.report, self.formatter, root)
        self.prs = Presentation(io.BytesIO(self.data))

    @property
    def lang(self) -> str:
        return self.report.meta.locale.replace("_", "-")


@pytest.fixture(scope="module", params=[SAMPLE_2024, SAMPLE_2023], ids=["relazione-2024", "abstract-2023"])
def sample(request) -> Built:
    return Built(request.param)


# -- helpers: an independent reading of the deck ----------------------------------------------

def walk(shapes):
    """Every shape, inside group shapes too."""
    for shape in shapes:
        yield shape
        if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
            yield from walk(shape.shapes)


def descr(shape) -> str | None:
    c_nv_pr = shape._element.xpath("./*[1]/p:cNvPr")
    return c_nv_pr[0].get("descr") if c_nv_pr else None


def title_text(slide) -> str | None:
    shape = slide.shapes.title
    return None if shape is None else shape.text_frame.text


def luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    value = colour.lstrip("#")
    r, g, b = (channel(int(value[i:i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def srgb(element) -> str | None:
    """The explicit solid fill of an ``a:rPr``, ``a:tcPr`` or ``p:spPr`` (None if not set)."""
    if element is None:
        return None
    colour = element.find(f"{A}solidFill/{A}srgbClr")
    return None if colour is None else "#" + colour.get("val")


def theme_colours(prs) -> dict[str, str]:
    master = prs.slide_masters[0]
    theme = etree.fromstring(master.part.part_related_by(RT.THEME).blob)
    colours = {}
    for element in theme.find(f".//{A}clrScheme"):
        value = element[0].get("val") if element[0].tag == f"{A}srgbClr" else element[0].get("lastClr")
        colours[etree.QName(element).localname] = "#" + value
    mapping = master._element.find(qn("p:clrMap"))
    for name, target in mapping.attrib.items():
        colours[name] = colours.get(target, colours.get(name))
    return colours


def slide_background(slide, colours: dict[str, str]) -> str:
    """The slide's background colour: its own, else its layout's, else its master's."""
    for source in (slide, slide.slide_layout, slide.slide_layout.slide_master):
        background = source._element.find(f"{qn('p:cSld')}/{qn('p:bg')}")
        if background is None:
            continue
        explicit = srgb(background.find(qn("p:bgPr")))
        if explicit:
            return explicit
        scheme = background.find(f"{qn('p:bgRef')}/{A}schemeClr")
        if scheme is not None:
            return colours[scheme.get("val")]
    return "#ffffff"


def coloured_runs(prs):
    """(slide number, text, text colour, background colours) of every run with an explicit
    colour: on its cell's fill, or the table style's bands when the cell has none; on its
    shape's fill, or the slide's background."""
    colours = theme_colours(prs)
    bands = [tint(colours["accent1"], 0.4), tint(colours["accent1"], 0.2)]  # Medium Style 2 – Accent 1
    for number, slide in enumerate(prs.slides, start=1):
        background = slide_background(slide, colours)
        for shape in walk(slide.shapes):
            if shape.has_text_frame:
                behind = [srgb(shape._element.find(qn("p:spPr"))) or background]
                for run in shape._element.iter(f"{A}r"):
                    colour = srgb(run.find(f"{A}rPr"))
                    if colour:
                        yield number, run.findtext(f"{A}t"), colour, behind
            if getattr(shape, "has_table", False):
                for row in shape.table.rows:
                    for cell in row.cells:
                        behind = [srgb(cell._tc.find(f"{A}tcPr"))] if srgb(cell._tc.find(f"{A}tcPr")) else bands
                        for run in cell._tc.iter(f"{A}r"):
                            colour = srgb(run.find(f"{A}rPr"))
                            if colour:
                                yield number, run.findtext(f"{A}t"), colour, behind


def toned_cells(report):
    """(text as printed, tone) of every figure a table colours as better or worse."""
    for section in report.walk():
        for block in section.blocks:
            if isinstance(block, TableBlock):
                for row, repeats in zip(block.rows, block.repeated()):
                    for figure, repeat in zip(row.cells, repeats):
                        if tone(figure) and not repeat:
                            yield figure, str(tone(figure))


# -- 1. alt text ------------------------------------------------------------------------------

def test_every_chart_picture_and_table_has_alt_text(sample):
    charts = tables = 0
    for slide in sample.prs.slides:
        for shape in walk(slide.shapes):
            if shape.shape_type == MSO_SHAPE_TYPE.PICTURE or getattr(shape, "has_chart", False) \
                    or getattr(shape, "has_table", False):
                assert (descr(shape) or "").strip(), (title_text(slide), shape.name)
            charts += getattr(shape, "has_chart", False)
            tables += getattr(shape, "has_table", False)
    assert charts == len(sample.report.charts())
    specs = {spec.alt for spec in sample.report.charts()}
    found = {descr(s) for slide in sample.prs.slides for s in walk(slide.shapes) if getattr(s, "has_chart", False)}
    assert found == specs  # the alt text generated from the figures, not a placeholder
    assert tables >= sum(isinstance(b, TableBlock) for s in sample.report.walk() for b in s.blocks)


# -- 2. titles --------------------------------------------------------------------------------

def test_every_slide_has_a_unique_title_in_its_title_placeholder(sample):
    titles = []
    for slide in sample.prs.slides:
        shape = slide.shapes.title
        assert shape is not None and shape.placeholder_format.type in TITLES
        assert shape.text_frame.text.strip()
        titles.append(shape.text_frame.text)
    duplicates = {t for t in titles if titles.count(t) > 1}
    assert not duplicates
    # a chapter's divider and the slides continuing it read differently
    for section in sample.report.walk():
        if section.children and section.blocks:
            name = f"{section.number} {section.title}"
            assert name in titles
            assert f"{name} – introduzione" in titles or f"{name} (1/" in " ".join(titles)


def test_titles_are_unique_whatever_the_sections_are_called(tmp_path):
    """Two sections with one title, a chapter with one slide of its own: still unique."""
    report = """\
        administration: Comune di Esempio
        year: 2024
        title: Relazione sulla Performance 2024
        sections:
          - id: risultati
            title: Risultati
            blocks: [{text: text/a.md}]
            sections:
              - {id: dettaglio, title: Dettaglio, blocks: [{text: text/a.md}]}
          - id: altri
            title: Risultati
            blocks: [{text: text/a.md}]
    """
    root = write_project(tmp_path / "p", report, {"text/a.md": "Un paragrafo.\n"})
    built = Built(root)
    titles = [title_text(s) for s in built.prs.slides]
    assert len(set(titles)) == len(titles)
    assert "1 Risultati" in titles and "1 Risultati – introduzione" in titles


# -- 3. language ------------------------------------------------------------------------------

def _assert_language(root, lang: str, where: str) -> int:
    runs = 0
    for paragraph in root.iter(f"{A}p"):
        for run in paragraph:
            if run.tag in (f"{A}r", f"{A}fld"):
                runs += 1
                assert run.find(f"{A}rPr") is not None and run.find(f"{A}rPr").get("lang") == lang, where
        end = paragraph.find(f"{A}endParaRPr")
        assert end is not None and end.get("lang") == lang, where
    for defaults in root.iter(f"{A}defRPr"):
        assert defaults.get("lang") == lang, where
    return runs


def test_every_run_is_in_the_reports_language(sample):
    lang = sample.lang
    assert lang == "it-IT"
    runs = notes = charts = 0
    for slide in sample.prs.slides:
        where = title_text(slide)
        runs += _assert_language(slide._element, lang, where)
        for shape in walk(slide.shapes):  # the text python-pptx reads, run by run
            if shape.has_text_frame:
                for paragraph in shape.text_frame.paragraphs:
                    for run in paragraph.runs:
                        assert run._r.rPr.get("lang") == lang, where
            if getattr(shape, "has_table", False):
                for row in shape.table.rows:
                    for cell in row.cells:
                        for paragraph in cell.text_frame.paragraphs:
                            for run in paragraph.runs:
                                assert run._r.rPr.get("lang") == lang, where
            if getattr(shape, "has_chart", False):
                space = shape.chart._chartSpace
                _assert_language(space, lang, where)  # the title and the value labels written as text
                charts += 1
                assert space.find(qn("c:lang")).get("val") == lang
                assert space.find(qn("c:txPr")) is not None  # the chart's own text defaults
        if slide.has_notes_slide:
            notes += _assert_language(slide.notes_slide._element, lang, where)
    assert runs and notes and charts == len(sample.report.charts())


# -- 4. reading order -------------------------------------------------------------------------

def test_shapes_are_stored_in_reading_order(sample):
    for slide in sample.prs.slides:
        shapes = list(slide.shapes)
        assert shapes[0].is_placeholder and shapes[0].placeholder_format.type in TITLES, title_text(slide)
        rest = [(s.top, s.left) for s in shapes[1:]]
        assert rest == sorted(rest), title_text(slide)


# -- 5. contrast ------------------------------------------------------------------------------

def test_text_colours_reach_four_and_a_half_to_one(sample):
    pairs = list(coloured_runs(sample.prs))
    assert pairs
    failing = [(n, text, fg, bg, round(contrast(fg, bg), 2))
               for n, text, fg, behind in pairs for bg in behind if contrast(fg, bg) < 4.5]
    assert not failing
    kinds = {(fg, tuple(behind)) for _, _, fg, behind in pairs}
    primary = sample.report.meta.theme.primary.upper()
    assert any(fg.upper() == "#FFFFFF" and behind == (primary,) for fg, behind in kinds)  # headers, dividers


C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


def test_chart_labels_on_coloured_areas_are_readable(sample):
    """Labels printed inside a doughnut's ring or a stacked bar, on the series' colour."""
    checked = 0
    for slide in sample.prs.slides:
        for shape in walk(slide.shapes):
            if not getattr(shape, "has_chart", False):
                continue
            space = shape.chart._chartSpace
            for ring in space.iter(f"{C}doughnutChart"):
                assert ring.find(f"{C}dLbls/{C}showVal").get("val") == "1"  # the values are shown
                series = ring.find(f"{C}ser")
                fills = {p.find(f"{C}idx").get("val"): srgb(p.find(f"{C}spPr")) for p in series.iter(f"{C}dPt")}
                for label in series.iter(f"{C}dLbl"):
                    colour = srgb(label.find(f"{C}txPr/{A}p/{A}pPr/{A}defRPr"))
                    assert contrast(colour, fills[label.find(f"{C}idx").get("val")]) >= 4.5
                    checked += 1
            for bars in space.iter(f"{C}barChart"):
                if bars.find(f"{C}grouping").get("val") != "stacked":
                    continue
                for series in bars.iter(f"{C}ser"):
                    colour = srgb(series.find(f"{C}dLbls/{C}txPr/{A}p/{A}pPr/{A}defRPr"))
                    assert series.find(f"{C}dLbls/{C}showVal").get("val") == "1"
                    assert contrast(colour, srgb(series.find(f"{C}spPr"))) >= 4.5
                    checked += 1
    kinds = {spec.kind for spec in sample.report.charts()}
    assert checked or not kinds & {"donut", "stacked"}


LIGHT_THEME = """\
    administration: Comune di Esempio
    year: 2024
    title: Relazione sulla Performance 2024
    style:
      logo: logo.png
      colors: {primary: "#56b4e9", accent: "#ff7f6e", text: "#777777", muted: "#aab4be"}
    sections:
      - id: risultati
        title: Risultati
        blocks:
          - text: text/risultati.md
          - kpi:
              - {figure: kpi.deflusso.scostamento, label: Scostamento del deflusso}
              - {figure: kpi.costi.scostamento, label: Scostamento dei costi}
          - table: kpi
"""

LIGHT_CSV = """\
    id;indicatore;polarita;obiettivo;consuntivo
    deflusso;Indice di deflusso;higher;1,013;1,048
    costi;Costi per punto;lower;171,54;180,10
    giacenza;Giacenza media;lower;40;35
"""


@pytest.fixture(scope="module")
def light(tmp_path_factory) -> Built:
    """A brand with colours too light for text, and a logo."""
    from PIL import Image

    from tests.conftest import MINI_SCHEMA

    root = write_project(tmp_path_factory.mktemp("light") / "p", LIGHT_THEME, {
        "data/kpi.schema.yaml": MINI_SCHEMA, "data/kpi.csv": LIGHT_CSV,
        "text/risultati.md": "Deflusso: {{ kpi.deflusso.scostamento | pct }}.\n"})
    Image.new("RGB", (300, 100), "#56b4e9").save(root / "logo.png")
    return Built(root)


def test_colours_too_light_for_text_are_darkened_until_they_pass(light):
    theme = light.report.meta.theme
    assert contrast(theme.primary, "#ffffff") < 4.5  # the brand colour fails as it is
    pairs = list(coloured_runs(light.prs))
    assert {"better", "worse"} <= {t for _, t in toned_cells(light.report)}
    failing = [(text, fg, bg) for _, text, fg, behind in pairs for bg in behind if contrast(fg, bg) < 4.5]
    assert pairs and not failing


def test_readable_keeps_a_passing_colour_and_darkens_a_failing_one_just_enough():
    assert readable("#0b4f8a", "#ffffff") == "#0b4f8a"
    darker = readable("#5b6670", "#d0d8e8")  # the muted grey on a table band: 4,1:1
    assert contrast(darker, "#d0d8e8") >= 4.5
    assert contrast(darker, "#d0d8e8") < 4.8  # the least change, not black
    assert luminance(darker) < luminance("#5b6670")
    lighter = readable("#0b4f8a", "#1a1a1a")  # on a dark background it lightens
    assert contrast(lighter, "#1a1a1a") >= 4.5 and luminance(lighter) > luminance("#0b4f8a")


# -- pictures: the logo -----------------------------------------------------------------------

def test_the_logo_is_a_picture_with_alt_text_on_the_title_slide(light):
    first = light.prs.slides[0]
    pictures = [s for s in walk(first.shapes) if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
    assert len(pictures) == 1
    assert descr(pictures[0]) == light.report.meta.administration
    logo = pictures[0]
    assert logo.top + logo.height <= first.shapes.title.top  # above the title, not over it
    assert list(first.shapes)[0].shape_id == first.shapes.title.shape_id  # read after the title


# -- status: never by colour alone ------------------------------------------------------------

def test_cue_words_exist_in_every_bundled_font():
    fonts = sorted((assets_dir() / "fonts").glob("TitilliumWeb-*.ttf"))
    assert fonts
    for path in fonts:
        cmap = TTFont(str(path)).getBestCmap()
        for word in CUES.values():
            assert all(ord(ch) in cmap for ch in word + word.capitalize() + " "), (path.name, word)


def test_status_follows_the_polarity_of_each_row(sample):
    """A cue says what the raw values say: a result below target is better when lower is
    better. Checked from the inputs of every scostamento computed with a polarity."""
    checked = 0
    for table in sample.result.tables.values():
        for derivation in table.schema.derive:
            if derivation.op != "scostamento" or "polarity" not in derivation.params:
                continue
            for row in table.rows:
                figure = row.figures.get(derivation.into)
                target = row.figures.get(derivation.params["obiettivo"])
                actual = row.figures.get(derivation.params["consuntivo"])
                if figure is None or figure.number is None or target is None or actual is None \
                        or actual.number == target.number:
                    continue
                polarity = derivation.params["polarity"]
                lower = (row.value(polarity) if polarity in row.figures else polarity) == "lower"
                better = actual.number < target.number if lower else actual.number > target.number
                assert str(tone(figure)) == ("better" if better else "worse"), figure.id
                checked += 1
    if sample.root == SAMPLE_2024:
        assert checked > 20


def test_a_change_over_the_year_is_not_judged(sample):
    """variazione, differenza, carenza: signed, but neither better nor worse in themselves
    (more payments, more staff): no colour, hence no cue. A scostamento is judged."""
    figures = sample.result.all_figures()
    changes = [f for f in figures.values() if f.signed and f.number and f.formula
               and f.id.rsplit(".", 1)[-1].startswith(("variazione", "differenza", "carenza"))]
    assert changes
    assert not [f.id for f in changes if tone(f)]
    deviations = [f for f in figures.values() if f.signed and f.number and f.id.endswith(".scostamento")]
    if deviations:
        assert all(tone(f) for f in deviations)


def test_only_the_sign_of_a_scostamento_is_judged():
    """The renderers read the judgement the engine gave the figure (reportgen.load.operations):
    a scostamento is judged by its sign, a realizzazione against 1 but not by its sign, a
    variazione not at all."""
    from decimal import Decimal

    from reportgen.engine import Figure
    from reportgen.load.operations import BY_SIGN, OPERATIONS, Judgement

    def figure(column, value, judgement=None):
        return Figure(f"t.r.{column}", Decimal(value), "percent", signed=True, judgement=judgement)

    assert tone(figure("scostamento", "0.05", OPERATIONS["scostamento"].judgement)) == "better"
    assert tone(figure("scost_1", "-0.05", OPERATIONS["scostamento"].judgement_of({"outcome": False}))) == "worse"
    assert tone(figure("scostamento", "-0.02", BY_SIGN)) == "worse"  # a published scostamento (an input)
    assert tone(figure("scostamento", "0", BY_SIGN)) == ""
    assert tone(figure("realizzazione", "0.8", OPERATIONS["realizzazione"].judgement)) == ""
    assert tone(figure("variazione", "0.1")) == ""
    assert tone(figure("delta", "0.1", Judgement(by_sign=True, threshold=Decimal(0)))).cue == CUES["better"]


def test_every_better_or_worse_cell_of_the_deck_says_it_in_words(sample):
    colours = Colours.of(sample.report, sample.prs)
    status_of = {colours.better.upper(): "better", colours.worse.upper(): "worse"}
    cued = []
    for slide in sample.prs.slides:
        for shape in walk(slide.shapes):
            if getattr(shape, "has_table", False):
                for row in shape.table.rows:
                    for cell in row.cells:
                        for run in cell._tc.iter(f"{A}r"):
                            colour = (srgb(run.find(f"{A}rPr")) or "").upper()
                            text = run.findtext(f"{A}t")
                            if colour in status_of:
                                assert text.endswith(" " + CUES[status_of[colour]]), text
                                cued.append(status_of[colour])
                            else:
                                assert not text.endswith(tuple(" " + c for c in CUES.values())), text
    expected = [t for _, t in toned_cells(sample.report)]
    assert sorted(cued) == sorted(expected)  # each toned figure once (repeated headers have none)


def test_kpi_boxes_say_better_or_worse_in_words(sample):
    items = [i for s in sample.report.walk() for b in s.blocks if isinstance(b, KpiBlock) for i in b.items]
    expected = [str(tone(i.figure)) for i in items if tone(i.figure)]
    texts = [shape.text_frame.text for slide in sample.prs.slides for shape in walk(slide.shapes)
             if shape.has_text_frame and not shape.is_placeholder]
    words = [line for text in texts for line in text.split("\n") if line in {c.capitalize() for c in CUES.values()}]
    assert len(words) == len(expected)
    if sample.root == SAMPLE_2024:
        assert expected  # the 2024 KPIs include scostamenti


def _html(built: Built) -> str:
    charts = defaultdict(lambda: RenderedChart(None, b"<svg xmlns='http://www.w3.org/2000/svg'/>", None))
    html, _ = render_html(built.report, built.formatter, built.root, charts)
    return html


def test_every_better_or_worse_cell_of_the_pdf_says_it_in_words(sample):
    document = lxml_html.fromstring(_html(sample))
    cells = document.xpath("//td[contains(concat(' ', @class, ' '), ' better ') "
                           "or contains(concat(' ', @class, ' '), ' worse ')]")
    expected = list(toned_cells(sample.report))
    assert len(cells) == len(expected)
    for cell, (figure, status) in zip(cells, expected):
        assert status in cell.get("class").split()
        cue = cell.xpath("./span[@class='cue']")
        assert len(cue) == 1 and cue[0].text_content().strip() == CUES[status]  # text, not CSS content
        assert cell.text_content().strip().endswith(CUES[status])
        assert cell.text_content().startswith(sample.formatter.figure(figure, symbol=False)) or \
            cell.text_content().startswith(sample.formatter.figure(figure))
    kpis = document.xpath("//div[@class='kpi']")
    items = [i for s in sample.report.walk() for b in s.blocks if isinstance(b, KpiBlock) for i in b.items]
    assert len(kpis) == len(items)
    for box, item in zip(kpis, items):
        status = tone(item.figure)
        words = box.xpath(".//p[contains(@class, 'kpi-status')]")
        assert [w.text_content() for w in words] == ([status.cue.capitalize()] if status else [])


# -- the faster deck is the same deck ---------------------------------------------------------

def test_faster_paths_write_the_same_bytes(monkeypatch):
    """The workarounds of python-pptx's slow paths (part names, table cells, run fonts, notes
    slides) give the bytes python-pptx's own code gives."""
    built = Built(SAMPLE_2023)
    declined: set[str] = set()

    def python_pptx_instead(name, result):
        def decline(*args):
            declined.add(name)
            return result
        return decline

    monkeypatch.setattr(fastxml, "indexed_partnames", python_pptx_instead("partnames", contextlib.nullcontext()))
    names = ("add_table", "add_textbox", "write_title", "write_cell", "write_run_font", "clone_notes_slide", "clone_slide")
    for name in names:
        monkeypatch.setattr(fastxml, name, python_pptx_instead(name, False))
    assert render_pptx(built.report, built.formatter, built.root) == built.data
    assert declined == {"partnames", *names}
    monkeypatch.undo()  # the notes of a copied notes slide, written by python-pptx
    monkeypatch.setattr(fastxml, "write_notes", python_pptx_instead("write_notes", False))
    assert render_pptx(built.report, built.formatter, built.root) == built.data
    assert "write_notes" in declined


def test_the_deck_of_a_corporate_template_is_accessible_too(tmp_path):
    from tests.conftest import MINI_CSV, MINI_REPORT, MINI_SCHEMA

    prs = Presentation()
    prs.slides.add_slide(prs.slide_layouts[6])  # a template with a sample slide of its own
    report = MINI_REPORT.replace("title: Relazione sulla Performance 2024",
                                 "title: Relazione sulla Performance 2024\n    style: {pptx_template: brand.pptx}")
    root = write_project(tmp_path / "p", report, {"data/kpi.schema.yaml": MINI_SCHEMA, "data/kpi.csv": MINI_CSV,
                                                  "text/risultati.md": "Testo della sezione."})
    prs.save(str(root / "brand.pptx"))
    built = Built(root)
    titles = [title_text(s) for s in built.prs.slides]
    assert all(titles) and len(set(titles)) == len(titles)
    for slide in built.prs.slides:
        _assert_language(slide._element, built.lang, title_text(slide))
    failing = [(t, fg, bg) for _, t, fg, behind in coloured_runs(built.prs) for bg in behind if contrast(fg, bg) < 4.5]
    assert not failing
    names = sorted(p.partname for p in built.prs.part.package.iter_parts())
    assert len(names) == len(set(names))
