"""The deck being built: its presentation, the report, the slides made so far with their
titles, and how a slide is added (layout, title, speaker notes, page number)."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from pptx.enum.text import PP_ALIGN
from pptx.util import Emu, Pt

from ...content.model import Report
from ...formatting import Formatter
from . import fastxml
from .template import FONT, TITLES, Colours, Geometry, find_layout, rgb_color

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
    notes_template: object = None  # a fresh notes slide's XML (False: not used), see add_notes
    slide_templates: dict = field(default_factory=dict)  # per role, a fresh slide's XML (False: not used)

    def __post_init__(self) -> None:
        self.colours = Colours.of(self.report, self.prs)

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
        template = self.slide_templates.get(role)
        if template is not None and template is not False:
            slide = fastxml.clone_slide(self.prs, self.layout(role), template)
            if slide is not False:
                return slide
            self.slide_templates[role] = False  # python-pptx's own way from now on
        slide = self.prs.slides.add_slide(self.layout(role))
        for placeholder in list(slide.placeholders):
            if placeholder.placeholder_format.type not in TITLES:
                placeholder._element.getparent().remove(placeholder._element)
        if template is None:
            self.slide_templates[role] = copy.deepcopy(slide._element)
        return slide

    def add_slide(self, role: str, title: str, notes: str = ""):
        slide = self.new_slide(role)
        self.number += 1
        title_shape = slide.shapes.title  # python-pptx finds it anew on each access: keep it
        self.titles.append(Titled(slide, title_shape, title))
        if title_shape is not None:
            frame = title_shape.text_frame
            frame.text = title
            frame.word_wrap = True
            if self.styled:
                for run in frame.paragraphs[0].runs:
                    self.font(run, 24 if role == "content" and len(title) < 70 else 18 if role == "content" else None,
                              True, self.colours.primary)
        if notes:
            self.add_notes(slide, notes)
        return slide

    def add_notes(self, slide, notes: str) -> None:
        """Speaker notes: the first notes slide is made by python-pptx, the others are copies
        of it as it was before any text (:func:`.fastxml.clone_notes_slide`)."""
        if self.notes_template is not None and self.notes_template is not False:
            if not fastxml.clone_notes_slide(slide, self.notes_template):
                self.notes_template = False  # python-pptx's own way from now on
        notes_slide = slide.notes_slide
        if self.notes_template is None:  # the first one, as python-pptx makes it
            self.notes_template = copy.deepcopy(notes_slide._element)
        notes_slide.notes_text_frame.text = notes

    def content_slide(self, title: str, notes: str = ""):
        """A content slide, numbered in its footer."""
        slide = self.add_slide("content", title, notes)
        g = self.geometry
        box = slide.shapes.add_textbox(g.width - g.left - Emu(1500000), g.height - g.footer, Emu(1500000), g.footer)
        para = box.text_frame.paragraphs[0]
        para.text = str(self.number)
        para.alignment = PP_ALIGN.RIGHT
        self.font(para.runs[0], 10)
        return slide
