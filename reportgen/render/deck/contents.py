"""The deck's contents slide, after the title slide: the chapters with their numbers, and the
open-data note the PDFs print under their contents. It is the one slide that depends on every
section (their numbers and titles only)."""

from __future__ import annotations

from ..measure import TextMeasure
from .state import Deck
from .template import to_emu, to_points

CONTENTS_TITLE = "Indice"
ENTRY_SIZES = (16, 14, 12, 11, 10)
NOTE_PT = 11
COLUMN_GAP_PT = 24


def open_data_note(report) -> str:
    """The A4 contents' note on open data, in the same words."""
    meta = report.meta
    where = meta.open_data_url or f"cartella «{meta.name}-data» pubblicata con questo documento"
    return ("Dati aperti. Le tabelle di questa relazione sono pubblicate in formato aperto (CSV e XLSX, "
            f"descritte in datapackage.json), con licenza {meta.open_data_license}: {where}.")


def _layout(entries: list[str], width: float, height: float) -> tuple[float, int, list[list[str]]]:
    """The largest size at which the entries fit in one or two columns."""
    for size in ENTRY_SIZES:
        measure = TextMeasure(size)
        line = measure.cell_line_height() + 4
        for columns in (1, 2):
            column_width = (width - COLUMN_GAP_PT * (columns - 1)) / columns - 14
            per_column = -(-len(entries) // columns)
            split = [entries[i:i + per_column] for i in range(0, len(entries), per_column)]
            if all(sum(measure.lines(e, column_width) * line for e in part) + 10 <= height for part in split):
                return size, columns, split
    return ENTRY_SIZES[-1], 2, [entries[: -(-len(entries) // 2)], entries[-(-len(entries) // 2):]]


def contents_slide(deck: Deck) -> None:
    report, g = deck.report, deck.geometry
    slide = deck.content_slide(CONTENTS_TITLE)
    note = open_data_note(report)
    width, height = to_points(g.body_width), to_points(g.body_height)
    measure = TextMeasure(NOTE_PT)
    note_pt = measure.lines(note, width - 14) * measure.cell_line_height() + 12
    entries = [s.heading for s in report.sections]
    size, columns, split = _layout(entries, width, height - note_pt - 8)
    column_width = (width - COLUMN_GAP_PT * (columns - 1)) / columns
    for index, part in enumerate(split):
        box = slide.shapes.add_textbox(g.left + to_emu(index * (column_width + COLUMN_GAP_PT)), g.top,
                                       to_emu(column_width), to_emu(height - note_pt - 8))
        frame = box.text_frame
        frame.word_wrap = True
        for number, entry in enumerate(part):
            paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
            paragraph.text = entry
            paragraph.space_after = to_emu(4)
            for run in paragraph.runs:
                deck.font(run, size, False, None)
    box = slide.shapes.add_textbox(g.left, g.top + g.body_height - to_emu(note_pt), g.body_width, to_emu(note_pt))
    box.text_frame.word_wrap = True
    box.text_frame.paragraphs[0].text = note
    for run in box.text_frame.paragraphs[0].runs:
        deck.font(run, NOTE_PT, False, None)
    deck.add_notes(slide, f"Indice della relazione: {len(entries)} capitoli. {note}")
