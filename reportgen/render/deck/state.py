"""The deck being built: its presentation, the report, the slides made so far with their
titles, and how a slide is added (layout, title, speaker notes, page number)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Pt

from ...content.model import Report
from ...formatting import Formatter
from . import fastxml
from .template import FONT, TITLES, Colours, Geometry, find_layout, rgb_color, theme_accent

CONTINUED = "(segue)"  # a slide continuing a chapter after its divider, as in the slide PDF


@dataclass
class Titled:
    """A slide with its title placeholder (None if its layout has none) and title text."""

    slide: object
    shape: object | None
    title: str


def retitle(entry: Titled, title: str) -> None:
    if entry.shape is not None:
        runs = entry.shape.text_frame.paragraphs[0].runs
        if runs:
            runs[0].text = title


@dataclass
class Deck:
    prs: object
    report: Report
    formatter: Formatter
    styled: bool  # our own look (default template) or the corporate template's
    geometry: Geometry
    number: int = 0
    colours: Colours = field(init=False)
    titles: list[Titled] = field(default_factory=list)  # every slide, in order
    layouts: dict = field(default_factory=dict)
    # the XML of the first slide of each layout role and of the first notes slide ("notes") as
    # python-pptx made them, before any text (False: not copied), and the theme's accent 1
    # ("accent"): the decks made on one template in a process share them (.parts)
    copies: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if "accent" not in self.copies:  # the template's, read from its theme once
            self.copies["accent"] = theme_accent(self.prs)
        self.colours = Colours.of(self.report, self.prs, self.copies["accent"])

    def layout(self, role: str):
        if role not in self.layouts:
            self.layouts[role] = find_layout(self.prs, role)
        return self.layouts[role]

    def font(self, run, size: float | None = None, bold: bool | None = None, colour: str | None = None) -> None:
        """Size, weight, and in our own look the font and colour of a new run (hundreds of
        times per deck: written as XML when the run is fresh)."""
        if not fastxml.write_run_font(run, size, bold, FONT if self.styled else None,
                                      colour if self.styled else None):
            self.font_pptx(run, size, bold, colour)

    def font_pptx(self, run, size: float | None = None, bold: bool | None = None, colour: str | None = None) -> None:
        if size is not None:
            run.font.size = Pt(size)
        if bold is not None:
            run.font.bold = bold
        if self.styled:
            run.font.name = FONT
            if colour:
                run.font.color.rgb = rgb_color(colour)

    def new_slide(self, role: str):
        """A slide of the role's layout with only its title placeholder (unused placeholders
        would show "click to add text"). The first of each role is made by python-pptx, the
        others are copies of it as it was before any text (:func:`.fastxml.clone_slide`)."""
        template = self.copies.get(role)
        slide = fastxml.clone_slide(self.prs, self.layout(role), template) if template else False
        if slide is False:
            if template:
                self.copies[role] = False  # python-pptx's own way from now on
            slide = self.prs.slides.add_slide(self.layout(role))
            for placeholder in list(slide.placeholders):
                if placeholder.placeholder_format.type not in TITLES:
                    placeholder._element.getparent().remove(placeholder._element)
            if template is None:
                self.copies[role] = etree.tostring(slide._element)
        # Every shape of the slide is added through this one proxy from now on: python-pptx may
        # count up from the highest id instead of searching the slide's ids for each new shape.
        slide.shapes.turbo_add_enabled = True
        return slide

    def add_slide(self, role: str, title: str, notes: str = ""):
        slide = self.new_slide(role)
        self.number += 1
        title_shape = slide.shapes.title  # python-pptx finds it anew on each access: keep it
        self.titles.append(Titled(slide, title_shape, title))
        size = 24 if role == "content" and len(title) < 70 else 18 if role == "content" else None
        if title_shape is not None and not fastxml.write_title(
                title_shape, fastxml.TextPara(title, size, True, self.colours.primary), FONT, self.styled):
            frame = title_shape.text_frame
            frame.text = title
            frame.word_wrap = True
            if self.styled:
                for run in frame.paragraphs[0].runs:
                    self.font(run, size, True, self.colours.primary)
        if notes:
            self.add_notes(slide, notes)
        return slide

    def add_notes(self, slide, notes: str) -> None:
        """Speaker notes: the first notes slide is made by python-pptx, the others are copies
        of it as it was before any text (:func:`.fastxml.clone_notes_slide`)."""
        template = self.copies.get("notes")
        if template:
            element = fastxml.clone_notes_slide(slide, template)
            if element is False:
                self.copies["notes"] = False  # python-pptx's own way from now on
            elif fastxml.write_notes(element, notes):
                return
        notes_slide = slide.notes_slide
        if template is None:  # the first one, as python-pptx makes it
            self.copies["notes"] = etree.tostring(notes_slide._element)
        notes_slide.notes_text_frame.text = notes

    def content_slide(self, title: str, notes: str = ""):
        """A content slide, numbered in its footer."""
        slide = self.add_slide("content", title, notes)
        g = self.geometry
        self.textbox(slide, (g.width - g.left - Emu(1500000), g.height - g.footer, Emu(1500000), g.footer),
                     [fastxml.TextPara(str(self.number), 10, align="r")], wrap=False)
        return slide

    def textbox(self, slide, frame: tuple[int, int, int, int], paragraphs: list[fastxml.TextPara],
                wrap: bool = True) -> None:
        """A text box of ``paragraphs`` (:func:`.fastxml.add_textbox`, else python-pptx's way)."""
        if fastxml.add_textbox(slide, frame, paragraphs, wrap, FONT if self.styled else None, self.styled):
            return
        text_frame = slide.shapes.add_textbox(*frame).text_frame
        if wrap:
            text_frame.word_wrap = True
        for index, para in enumerate(paragraphs):
            paragraph = text_frame.paragraphs[0] if index == 0 else text_frame.add_paragraph()
            paragraph.text = para.text
            if para.space_after is not None:
                paragraph.space_after = para.space_after
            if para.bullet is not None:  # a bullet hanging in the left margin, as PowerPoint's own lists
                properties = paragraph._p.get_or_add_pPr()
                properties.set("marL", str(para.bullet))
                properties.set("indent", str(-para.bullet))
                etree.SubElement(properties, qn("a:buFont")).set("typeface", "Arial")
                etree.SubElement(properties, qn("a:buChar")).set("char", "\u2022")
            if para.align == "r":
                paragraph.alignment = PP_ALIGN.RIGHT
            for run in paragraph.runs:
                self.font(run, para.size, para.bold, para.colour)
