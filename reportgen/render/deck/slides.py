"""The slides of the report: the title slide, then per section a divider for chapters and the
slides of its blocks (:mod:`.blocks`). Slides of a section sharing a title are numbered
"(1/2)", "(2/2)"; a single one after its chapter's divider is its "– introduzione"."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ...content.model import Report, Section
from ...load.files import UnsafeFile, checked_path
from .blocks import SectionSlides
from .contents import contents_slide
from .notes import continued_notes, first_notes
from .state import Deck, Titled, retitle
from .template import rgb_color

INTRODUCTION = "– introduzione"


def _on_colour(deck: Deck, slide) -> None:
    """Our own look: title and divider slides on the report's primary colour, text in white."""
    if not deck.styled:
        return
    slide.background.fill.solid()
    slide.background.fill.fore_color.rgb = rgb_color(deck.colours.primary)
    for shape in slide.placeholders:
        for paragraph in shape.text_frame.paragraphs:
            for run in paragraph.runs:
                run.font.color.rgb = rgb_color(deck.colours.on_primary)


def _add_logo(deck: Deck, slide, project_root: Path | None) -> None:
    """Our own look: the administration's logo above the title, as on the PDF's cover, with
    the same alt text. A corporate template brings its own in its masters."""
    logo = deck.report.meta.theme.logo
    if not deck.styled or not logo or project_root is None:
        return
    try:  # checked at load; again here, as the deck opens it: a link, a FIFO or a folder would hang or leak
        path = checked_path(project_root, project_root / logo, "style.logo")
    except UnsafeFile:
        return
    if path.suffix.lower() not in (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff"):
        return  # python-pptx embeds raster images only (an SVG logo stays in the PDFs)
    g = deck.geometry
    title = slide.shapes.title
    room = (title.top if title is not None and title.top else int(g.height * 0.25)) - g.left
    picture = slide.shapes.add_picture(str(path), g.left, g.left, height=int(min(room * 0.8, g.height * 0.12)))
    if picture.width > g.body_width // 2:  # a wide logo: fit its width instead
        ratio = (g.body_width // 2) / picture.width
        picture.width, picture.height = g.body_width // 2, int(picture.height * ratio)
    picture._element.nvPicPr.cNvPr.set("descr", deck.report.meta.administration)


def title_slide(deck: Deck, project_root: Path | None = None) -> None:
    meta = deck.report.meta
    slide = deck.prs.slides.add_slide(deck.layout("title"))
    deck.number += 1
    lines = [meta.administration]
    if meta.subtitle:  # the cover's legal subtitle, as on the PDFs' covers
        lines.append(meta.subtitle)
    if meta.approval_act:
        approved = f"Approvata con {meta.approval_act}"
        if meta.approval_date:
            approved += f" del {deck.formatter.date(meta.approval_date)}"
        lines.append(approved)
    if meta.protocol:
        lines.append(f"Prot. n. {meta.protocol}")
    title = slide.shapes.title  # python-pptx returns a new proxy on each access: keep this one
    deck.titles.append(Titled(slide, title, meta.title))
    if title is not None:
        title.text = meta.title
    subtitle = next((ph for ph in slide.placeholders if ph.placeholder_format.idx == 1), None)
    if subtitle is not None:
        subtitle.text = "\n".join(lines)
    for shape, size, bold in ((title, 40, True), (subtitle, 18, False)):
        if shape is None:
            continue
        for paragraph in shape.text_frame.paragraphs:
            for run in paragraph.runs:
                deck.font(run, size, bold)
    _on_colour(deck, slide)
    _add_logo(deck, slide, project_root)
    contents_slide(deck)  # the contents follow the title slide, as in the PDFs


def has_divider(section: Section, report: Report) -> bool:
    """A chapter opens with a divider: every section with subsections and, in a report whose
    chapters have subsections (a long one), every top-level section with more than a text.
    A short report of single-section chapters has none: a divider before each would double it.
    The slide PDF's template says the same; of the other sections only their structure counts."""
    if section.children:
        return True
    return section.level == 1 and any(b.kind != "text" for b in section.blocks) and \
        any(chapter.children for chapter in report.sections)


def _divider(deck: Deck, section: Section) -> str:
    title = section.heading
    slide = deck.add_slide("section", title)
    title_shape = deck.titles[-1].shape
    if deck.styled and title_shape is not None:
        for run in title_shape.text_frame.paragraphs[0].runs:
            deck.font(run, 32, True)
    _on_colour(deck, slide)
    return title


def _number_titles(made: list[Titled], divider: str | None) -> None:
    """Slides of a section that share a title are numbered "(1/3)", "(2/3)"… in order; a
    single slide after its chapter's divider is its introduction (never "(segue)" right after
    the divider, and no two slides share a title)."""
    counts = Counter(entry.title for entry in made)
    seen: Counter = Counter()
    for entry in made:
        if counts[entry.title] > 1:
            seen[entry.title] += 1
            retitle(entry, f"{entry.title} ({seen[entry.title]}/{counts[entry.title]})")
        elif entry.title == divider:
            retitle(entry, f"{entry.title} {INTRODUCTION}")


def section_slides(deck: Deck, section: Section) -> None:
    title = section.heading
    divider = _divider(deck, section) if has_divider(section, deck.report) else None
    slides = SectionSlides(deck, title)
    for block in section.blocks:
        slides.draw(block)
    if section.note:  # the heading's footnote, after what the section shows
        slides.text.append(("note", f"(*) {section.note}"))
    slides.flush_text()
    if not slides.made and not section.children:
        slides.new_slide(title)  # a section with nothing to show still has its slide
    _number_titles(slides.made, divider)
    for index, entry in enumerate(slides.made):
        shows = "; ".join(slides.shows[index]) if index < len(slides.shows) else ""
        notes = first_notes(section, deck.formatter) if index == 0 else \
            continued_notes(section, index + 1, len(slides.made), shows or "seguito della sezione")
        deck.add_notes(entry.slide, notes)
    for child in section.children:
        section_slides(deck, child)
