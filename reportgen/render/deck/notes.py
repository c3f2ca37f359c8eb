"""Speaker notes a presenter can use: on a section's first slide its key figures and one or two
sentences of its narrative; on the slides that continue it, one line saying what they show.

The whole narrative is on the slides already (and in the PDF): repeating it in the notes of
every slide gave the presenter pages to scroll and nothing to say.
"""

from __future__ import annotations

import re

from ...content.model import KpiBlock, Section, TableBlock, TextBlock
from ...formatting import Formatter
from ..common import cell_text

SENTENCES = 2  # of the narrative, in the first slide's notes
FIGURES = 6  # key figures at most
_SENTENCE_END = re.compile(r"(?<=[.;:!?])\s+(?=[A-ZÀ-Ý«“\"(])")


def lead_sentences(section: Section, count: int = SENTENCES) -> str:
    """The first ``count`` sentences of the section's narrative (headings and bullets skipped
    when there is prose)."""
    texts = [text for b in section.blocks if isinstance(b, TextBlock) for kind, text in b.narrative.blocks
             if kind == "paragraph"]
    if not texts:
        texts = [text for b in section.blocks if isinstance(b, TextBlock) for kind, text in b.narrative.blocks
                 if kind == "bullet"]
    sentences = [s for text in texts for s in _SENTENCE_END.split(text) if s.strip()]
    return " ".join(sentences[:count])


def key_figures(section: Section, formatter: Formatter) -> list[str]:
    """Key-figure boxes first, then each table's total row (or its only row)."""
    figures: list[str] = []
    for block in section.blocks:
        if isinstance(block, KpiBlock):
            figures.extend(f"{item.label}: {formatter.figure(item.figure)}" for item in block.items)
    for block in section.blocks:
        if not isinstance(block, TableBlock):
            continue
        totals = [row for row in block.rows if row.kind == "total"] or \
            (list(block.rows) if len(block.rows) == 1 else [])
        for row in totals[:1]:
            label = next((cell_text(formatter, c, f) for c, f in zip(block.columns, row.cells) if not c.numeric), "")
            values = [f"{c.label} {cell_text(formatter, c, f)}" for c, f in zip(block.columns, row.cells)
                      if c.numeric and f is not None and f.value is not None]
            if values:
                figures.append(f"{block.title}{' – ' + label if label else ''}: {'; '.join(values[:3])}")
    return figures[:FIGURES]


def first_notes(section: Section, formatter: Formatter) -> str:
    parts = []
    figures = key_figures(section, formatter)
    if figures:
        parts.append("Dati chiave:\n" + "\n".join(f"– {f}" for f in figures))
    lead = lead_sentences(section)
    if lead:
        parts.append(lead)
    if not parts:
        shown = [b.title for b in section.blocks if isinstance(b, TableBlock)]
        parts.append(f"{section.heading}: " +
                     (f"tabelle {', '.join(f'«{t}»' for t in shown)}." if shown else "grafici e dati della sezione."))
    return "\n\n".join(parts)


def continued_notes(section: Section, part: int, parts: int, shows: str) -> str:
    """One line for a slide continuing a section: where the presenter is, what it shows."""
    return f"{section.heading}, parte {part} di {parts}: {shows}."
